"""The heading outline every reader keeps while it reads: which headings a paragraph sits
under, and its number there ("Findings, para 4")."""

from __future__ import annotations

from bot.records import Block


class Outline:
    """Headings seen so far and paragraph numbers under each heading path.

    A heading of level n closes every open heading of level n or deeper. Paragraphs under one
    path are numbered 1, 2, ...; a numbered list item keeps its own number instead."""

    def __init__(self) -> None:
        self._headings: list[tuple[int, str]] = []
        self._counter: dict[tuple[str, ...], int] = {}

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(text for _, text in self._headings)

    def heading(self, level: int, text: str) -> None:
        self._headings = [h for h in self._headings if h[0] < level] + [(level, text)]

    def clear(self) -> None:
        """Back to the top (a new H1 starts the document again)."""
        self._headings = []

    def block(
        self,
        text: str,
        *,
        in_list: bool = False,
        number: int | None = None,
        page: int | None = None,
        standalone: bool = False,
    ) -> Block:
        """The next paragraph under the current path; `number` for a numbered list item."""
        path = self.path
        numbered = number is not None
        if number is None:
            number = self._counter.get(path, 0) + 1
        self._counter[path] = max(self._counter.get(path, 0), number)
        return Block(
            text,
            path,
            number,
            in_list,
            text.endswith(":"),
            page,
            numbered=numbered and in_list,
            standalone=standalone,
        )
