import shutil
from pathlib import Path

import pytest

from bot.answering.templates import REQUIRED, Templates
from bot.errors import ConfigError

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"


def test_the_shipped_templates_load_and_render() -> None:
    templates = Templates.load(PROMPTS)
    assert set(templates.texts) == set(REQUIRED)
    assert "ask the duty manager" in templates.render("abstain", contact="the duty manager")


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("abstain", "Not found. Ask someone.", r"abstain.txt: must use \$contact"),
        ("help", "Ask me about $topic.", r"help.txt: unknown \$topic"),
        ("help", "Costs $ 5.", "not a placeholder"),
    ],
)
def test_a_broken_template_is_refused_at_load(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    folder = tmp_path / "prompts"
    shutil.copytree(PROMPTS, folder)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        Templates.load(folder)


def test_a_missing_template_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "prompts"
    shutil.copytree(PROMPTS, folder)
    (folder / "help.txt").unlink()
    with pytest.raises(ConfigError, match=r"help.txt: cannot be read"):
        Templates.load(folder)
