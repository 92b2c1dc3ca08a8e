"""The package's layers, checked from its imports: no layer reaches upward, Slack is wired only
in the Slack package (and started by the CLI), and dev tools stay off the serving path."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "bot"

# Lower layers first: a module may import its own layer and the ones before it. `devtools`
# measures everything and `cli` starts everything; of the serving code, nothing imports
# `devtools` (only the eval and bench commands do, checked below).
LAYERS = [
    {"bot.errors", "bot.settings", "bot.records", "bot.text", "bot.embedding"},
    {"bot.ingest", "bot.stores"},
    {"bot.index"},
    {"bot.sync"},
    {"bot.retrieval"},
    {"bot.answering"},
    {"bot.runtime"},
    {"bot.slack"},
    {"bot.devtools"},
    {"bot.cli"},
]


def _layer(module: str) -> int:
    for rank, names in enumerate(LAYERS):
        if any(module == n or module.startswith(n + ".") for n in names):
            return rank
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")


def _module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> list[str]:
    """Every bot.* module a file imports, at the top, inside functions or for typing."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return [m for m in found if m == "bot" or m.startswith("bot.")]


def violations(package: Path = PACKAGE) -> list[str]:
    problems = []
    for path in sorted(package.rglob("*.py")):
        module = _module_name(path, package)
        if module in ("bot", "bot.__main__"):
            continue
        for imported in imports_of(path):
            if _layer(imported) > _layer(module):
                problems.append(f"{module} imports {imported}")
    return problems


def test_no_layer_imports_a_layer_above_it() -> None:
    assert violations() == []


def test_only_the_slack_package_and_the_cli_import_slack() -> None:
    users = {
        _module_name(p)
        for p in PACKAGE.rglob("*.py")
        if any(m.startswith("bot.slack") for m in imports_of(p))
    }
    # The load test drives the real Slack app: a dev tool, never imported by serving code.
    outside = {u for u in users if not u.startswith(("bot.slack", "bot.cli", "bot.devtools"))}
    assert outside == set()


def test_nothing_on_the_serving_path_imports_devtools() -> None:
    serving = [
        p
        for p in PACKAGE.rglob("*.py")
        if not _module_name(p).startswith(("bot.devtools", "bot.cli.measure"))
    ]
    offenders = [
        _module_name(p) for p in serving if any(m.startswith("bot.devtools") for m in imports_of(p))
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("file", "line", "problem"),
    [
        (
            "retrieval/retriever.py",
            "import bot.slack.app",
            "bot.retrieval.retriever imports bot.slack.app",
        ),
        # No exemption for imports that serve a type only: protocols live at the bottom.
        (
            "index/loaded.py",
            "from bot.retrieval.embedder import SentenceTransformerEmbedder",
            "bot.index.loaded imports bot.retrieval.embedder",
        ),
    ],
)
def test_the_check_catches_an_upward_import(
    tmp_path: Path, file: str, line: str, problem: str
) -> None:
    """The check itself can fail: a copy of the package with one upward import is refused."""
    import shutil

    copy = tmp_path / "bot"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    module = copy / file
    module.write_text(line + "\n" + module.read_text(encoding="utf-8"))
    assert violations(copy) == [problem]


@pytest.mark.parametrize("module", ["bot.retrieval.retriever", "bot.answering.answerer"])
def test_serving_modules_do_not_import_slack(module: str) -> None:
    path = PACKAGE.joinpath(*module.split(".")[1:]).with_suffix(".py")
    assert not [m for m in imports_of(path) if m.startswith("bot.slack")]
