"""The source stays in small modules, each named in the README's layout table."""

import re
from pathlib import Path

SERVICE = Path(__file__).resolve().parents[1]
SOURCE = SERVICE / "src" / "mcp_tasks"
MODULE_LINES_MAX = 400


def source_modules() -> list[Path]:
    return sorted(path for path in SOURCE.rglob("*.py") if "migrations" not in path.parts)


def test_no_source_module_is_longer_than_the_house_limit() -> None:
    lengths = {
        str(path.relative_to(SOURCE)): len(path.read_text().splitlines())
        for path in source_modules()
    }

    assert {name: n for name, n in lengths.items() if n > MODULE_LINES_MAX} == {}


def test_the_readme_layout_names_every_source_module() -> None:
    layout = (SERVICE / "README.md").read_text().split("## Layout", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`(?:src/mcp_tasks/)?(?:routes/)?([a-z_]+\.py)`", layout))

    unnamed = [
        path.name
        for path in source_modules()
        if path.name != "__init__.py" and path.name not in named
    ]

    assert unnamed == []
