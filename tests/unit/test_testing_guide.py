"""docs/guides/testing.md shows its examples exactly as the suite runs them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guides" / "testing.md"


def _code_blocks(markdown: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", markdown, flags=re.DOTALL)


def _without_docstring(source: str) -> str:
    # The test modules open with a docstring saying where they are shown.
    return re.sub(r'\A""".*?"""\n\n', "", source, flags=re.DOTALL)


@pytest.mark.parametrize("example", ["test_guide_example.py", "test_guide_example_unittest.py"])
def test_the_guide_shows_the_example_that_runs(example: str) -> None:
    source = _without_docstring((Path(__file__).parent / example).read_text())
    assert source in _code_blocks(GUIDE.read_text()), f"{example} differs from the guide"


def test_the_pytest_example_is_under_fifteen_lines() -> None:
    source = (Path(__file__).parent / "test_guide_example.py").read_text()
    test = source[source.index("async def test_") :].rstrip().splitlines()
    assert len(test) < 15
