"""The local terminal chat: questions from standard input, rendered answers out."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from bot.cli.render_text import render_answer
from bot.errors import QuestionError
from bot.runtime import Runtime


def run_chat(runtime: Runtime, *, stdin: TextIO, out: Callable[[str], None]) -> int:
    """Answer each line until end of input; returns how many questions were answered."""
    interactive = stdin.isatty()
    if interactive:
        out(runtime.templates.render("help") + "\nType a question and press Enter; Ctrl-D ends.\n")
    count = 0
    while True:
        if interactive:
            print("question> ", end="", flush=True)
        line = stdin.readline()
        if not line:
            break
        try:
            answer = runtime.current().answer(line)
        except QuestionError as exc:
            if interactive:
                out(str(exc))
            continue
        out(render_answer(answer, runtime.templates))
        count += 1
    return count
