"""What every practice-bot command shares: settings from options, errors as one line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from pydantic import ValidationError
from pydantic_settings import SettingsError

from bot.errors import ConfigError, PracticeBotError, QuestionError
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.runtime import Runtime

F = TypeVar("F", bound=Callable[..., Any])


class QuestionUsageError(click.ClickException):
    """An unusable question typed on the command line: exit code 2, like other usage errors."""

    exit_code = 2


@contextmanager
def translated() -> Iterator[None]:
    """Turn practice-bot errors into a one-line message and an exit code, never a trace."""
    try:
        yield
    except QuestionError as exc:
        raise QuestionUsageError(str(exc)) from None
    except PracticeBotError as exc:
        raise click.ClickException(str(exc)) from None


def with_settings(func: F) -> F:
    """The --knowledge and --index options every command shares."""

    @click.option(
        "--knowledge",
        "knowledge_dir",
        type=click.Path(path_type=Path),
        default=None,
        help="Folder of source documents [env PRACTICE_BOT_KNOWLEDGE_DIR; default knowledge].",
    )
    @click.option(
        "--index",
        "index_dir",
        type=click.Path(path_type=Path),
        default=None,
        help="Folder of built index versions [env PRACTICE_BOT_INDEX_DIR; default index].",
    )
    @wraps(func)
    def wrapper(
        *args: Any, knowledge_dir: Path | None, index_dir: Path | None, **kwargs: Any
    ) -> Any:
        overrides: dict[str, Any] = {
            k: v for k, v in (("knowledge_dir", knowledge_dir), ("index_dir", index_dir)) if v
        }
        with translated():
            try:
                settings = Settings(**overrides)
            except ValidationError as exc:
                problems = "; ".join(
                    f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}"
                    for e in exc.errors()
                )
                raise ConfigError(f"The settings are not valid: {problems}") from None
            except SettingsError as exc:  # a JSON setting that is not JSON
                raise ConfigError(f"The settings are not valid: {exc}") from None
            return func(*args, settings=settings, **kwargs)

    return wrapper  # type: ignore[return-value]


def say(message: str) -> None:
    click.echo(message, err=True)


def open_runtime(settings: Settings, *, top_k: int | None = None) -> Runtime:
    from bot.runtime import start

    if top_k is not None:
        settings = settings.model_copy(update={"top_k": top_k})
    runtime = start(settings, on_build=say)
    if runtime.built:
        say(runtime.built.describe())
    warn_if_stale(runtime)
    return runtime


def warn_if_stale(runtime: Runtime) -> None:
    from bot.index.build import knowledge_changed

    if knowledge_changed(runtime.settings.knowledge_dir, runtime.index.manifest):
        say(
            "Warning: the knowledge folder has changed since the index was built; "
            "answers come from the old index until you run: practice-bot index build"
        )
