"""The types as users meet them: mypy --strict and pyright (strict) over code
written against the installed package, from outside the repository.

- ``user_program.py`` and the README's Python examples must type-check with
  no error under both checkers.
- Each file in ``must_fail/`` marks statements with ``# expect: <mypy code>
  <pyright rule>`` on the line before; each such statement must be reported
  by both checkers for exactly that reason, and nothing else in the file may
  be reported.

Both checkers run once over all files (in parallel), from a scratch
directory, so that they resolve ``lambda_client`` as a user's project does:
through the environment's site-packages.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
MUST_FAIL = sorted(p.name for p in (HERE / "must_fail").glob("*.py"))
#: Generous: both checkers start cold (no cache) on a shared machine.
TIMEOUT = 600


@attrs.frozen
class Diagnostic:
    file: str
    line: int
    code: str
    message: str


# -- the README's examples -------------------------------------------------------


def readme_blocks(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, lines) of each fenced ```python block."""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        if lines[index].strip() == "```python":
            start = index + 1
            end = start
            while lines[end].strip() != "```":
                end += 1
            yield start + 1, lines[start:end]
            index = end
        index += 1


def readme_module(text: str) -> tuple[str, dict[int, int]]:
    """The README's Python blocks as a module, and a map from its lines to
    the README's. Each block is the body of its own async function whose
    ``client`` parameter is the session's client (blocks after the first
    continue with the client the first one opened)."""
    out = [
        '"""The README\'s Python examples, extracted by the typing suite."""',
        "",
        "from lambda_client import LambdaClient",
    ]
    where: dict[int, int] = {}
    for number, (first, block) in enumerate(readme_blocks(text)):
        out += ["", "", f"async def example_{number}(client: LambdaClient) -> None:"]
        for offset, line in enumerate(block):
            out.append(f"    {line}" if line.strip() else "")
            where[len(out)] = first + offset
    return "\n".join(out) + "\n", where


def test_readme_blocks_are_found() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = list(readme_blocks(text))
    assert len(blocks) >= 2
    source, where = readme_module(text)
    compile(source, "readme_examples.py", "exec")
    assert "client.get_function" in source and "paginate_list_functions" in source
    # Every extracted line points back at the same text in the README.
    readme_lines = text.splitlines()
    for line_no, readme_no in where.items():
        assert source.splitlines()[line_no - 1].strip() == readme_lines[readme_no - 1].strip()


# -- running the checkers ------------------------------------------------------------


@attrs.frozen
class Reports:
    workspace: Path
    readme_lines: dict[int, int]
    mypy: list[Diagnostic]
    pyright: list[Diagnostic]


_MYPY_LINE = re.compile(
    r"^(?P<file>[^:]+\.py):(?P<line>\d+): error: (?P<msg>.*?)(?:  \[(?P<code>[\w-]+)\])?$"
)


def _parse_mypy(output: str) -> list[Diagnostic]:
    found = []
    for line in output.splitlines():
        match = _MYPY_LINE.match(line)
        if match:
            name = Path(match["file"]).as_posix()
            found.append(Diagnostic(name, int(match["line"]), match["code"] or "?", match["msg"]))
    return found


def _parse_pyright(output: str, workspace: Path) -> list[Diagnostic]:
    report = json.loads(output)
    found = []
    for item in report["generalDiagnostics"]:
        if item["severity"] != "error":
            continue
        name = Path(item["file"]).relative_to(workspace).as_posix()
        line = item["range"]["start"]["line"] + 1
        found.append(Diagnostic(name, line, item.get("rule", "?"), item["message"]))
    return found


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Reports:
    workspace = tmp_path_factory.mktemp("typing")
    shutil.copy(HERE / "user_program.py", workspace / "user_program.py")
    shutil.copy(HERE / "pyrightconfig.json", workspace / "pyrightconfig.json")
    shutil.copytree(HERE / "must_fail", workspace / "must_fail")
    source, readme_lines = readme_module((ROOT / "README.md").read_text(encoding="utf-8"))
    (workspace / "readme_examples.py").write_text(source, encoding="utf-8")
    files = ["user_program.py", "readme_examples.py", *(f"must_fail/{n}" for n in MUST_FAIL)]

    # The project's own mypy settings are not a user's: only --strict.
    mypy_options = ["--config-file=", "--strict", "--python-version=3.11", "--no-pretty"]
    mypy_options += ["--cache-dir", str(workspace / ".mypy_cache"), "--show-error-codes"]
    mypy_options += ["--hide-error-context", "--no-error-summary"]
    mypy = subprocess.Popen(
        [sys.executable, "-m", "mypy", *mypy_options, *files],
        cwd=workspace,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    pyright_bin = Path(sys.executable).with_name("pyright")
    pyright_options = ["--outputjson", "--pythonpath", sys.executable, "-p", "pyrightconfig.json"]
    pyright = subprocess.Popen(
        [str(pyright_bin), *pyright_options, *files],
        cwd=workspace,
        # No look-up of newer pyright releases: the pinned, bundled one runs.
        env={**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        mypy_out, mypy_err = mypy.communicate(timeout=TIMEOUT)
        pyright_out, pyright_err = pyright.communicate(timeout=TIMEOUT)
    finally:
        for process in (mypy, pyright):
            if process.poll() is None:
                process.kill()
                process.wait()
    # Exit 1 means "errors found" for both; anything else is a crash.
    assert mypy.returncode in (0, 1), mypy_out + mypy_err
    assert pyright.returncode in (0, 1), pyright_out + pyright_err
    return Reports(
        workspace,
        readme_lines,
        _parse_mypy(mypy_out),
        _parse_pyright(pyright_out, workspace),
    )


def _by_checker(reports: Reports, checker: str) -> list[Diagnostic]:
    found: list[Diagnostic] = getattr(reports, checker)
    return found


def _show(diagnostics: list[Diagnostic]) -> str:
    return "\n".join(f"{d.file}:{d.line}: [{d.code}] {d.message}" for d in diagnostics)


# -- what must pass ------------------------------------------------------------------


def test_the_user_program_uses_no_escape_hatch() -> None:
    text = (HERE / "user_program.py").read_text(encoding="utf-8")
    assert re.search(r"#\s*(type|pyright):\s*ignore", text) is None
    assert "cast(" not in text


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
def test_the_user_program_type_checks(reports: Reports, checker: str) -> None:
    errors = [d for d in _by_checker(reports, checker) if d.file == "user_program.py"]
    assert errors == [], _show(errors)


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
def test_the_readme_examples_type_check(reports: Reports, checker: str) -> None:
    errors = [
        attrs.evolve(d, file="README.md", line=reports.readme_lines.get(d.line, 0))
        for d in _by_checker(reports, checker)
        if d.file == "readme_examples.py"
    ]
    assert errors == [], _show(errors)


# -- what must fail, and why ----------------------------------------------------------


#: What pyright's strict mode adds after the error itself: the value of a
#: member that does not exist is unknown wherever it is used next.
_KNOCK_ON = frozenset(
    {"reportUnknownMemberType", "reportUnknownArgumentType", "reportUnknownVariableType"}
)


def expectations(path: Path) -> dict[tuple[int, int], dict[str, str]]:
    """(first, last) line of each marked statement -> {checker: code}."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    statements = {
        node.lineno: node for node in ast.walk(ast.parse(text)) if isinstance(node, ast.stmt)
    }
    out: dict[tuple[int, int], dict[str, str]] = {}
    for number, line in enumerate(lines, start=1):
        marker = line.strip()
        if not marker.startswith("# expect:"):
            continue
        mypy_code, pyright_rule = marker.removeprefix("# expect:").split()
        node = statements.get(number + 1)
        assert node is not None, f"{path.name}:{number}: no statement after the marker"
        body = getattr(node, "body", None)
        # A compound statement's header only: its body has markers of its own.
        last = body[0].lineno - 1 if body else (node.end_lineno or node.lineno)
        out[(node.lineno, last)] = {"mypy": mypy_code, "pyright": pyright_rule}
    return out


@pytest.mark.parametrize("snippet", MUST_FAIL)
def test_every_snippet_marks_its_failures(snippet: str) -> None:
    assert len(expectations(HERE / "must_fail" / snippet)) >= 3


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
@pytest.mark.parametrize("snippet", MUST_FAIL)
def test_the_snippet_fails_for_the_expected_reasons(
    reports: Reports, snippet: str, checker: str
) -> None:
    expected = expectations(HERE / "must_fail" / snippet)
    reported = [d for d in _by_checker(reports, checker) if d.file == f"must_fail/{snippet}"]
    problems = []
    for (first, last), codes in expected.items():
        here = [d for d in reported if first <= d.line <= last]
        if not here:
            problems.append(f"line {first}: expected [{codes[checker]}], nothing reported")
        elif codes[checker] not in {d.code for d in here} or not {d.code for d in here} <= {
            codes[checker],
            *_KNOCK_ON,
        }:
            problems.append(f"line {first}: expected [{codes[checker]}], got\n{_show(here)}")
    stray = [d for d in reported if not any(a <= d.line <= b for a, b in expected)]
    if stray:
        problems.append(f"reported where nothing was expected:\n{_show(stray)}")
    assert problems == [], "\n".join(problems)
