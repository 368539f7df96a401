"""What the release archives hold: ``python -m tests.packaging.check_dist DIR``.

``make package`` builds the sdist, and the wheel from it, into DIR and runs
this. It fails (exit 1, every problem listed) unless:

- the wheel holds the package and its metadata only: every tracked file of
  ``lambda_client/`` (``py.typed`` and the generated code included), the
  licence, the pytest plugin's entry point, the metadata users see on the
  index (licence expression, classifiers, Python floor);
- the sdist holds what builds and tests the package: the package, the
  generator, the tests with their fixtures and licences, the documentation
  sources, and nothing of the benchmarks, CI, demo or build output;
- neither holds bytecode, caches, virtual environments or secrets' usual
  homes.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterable
from email.parser import Parser
from pathlib import Path

import lambda_client

ROOT = Path(__file__).resolve().parents[2]
NAME = "lambda_client"

#: Never in either archive.
FORBIDDEN_PARTS = frozenset(
    {
        "__pycache__",
        ".venv",
        ".git",
        ".hypothesis",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".ci",
        "bench",
        "demo",
        "build",
        "dist",
        "site",
    }
)
FORBIDDEN_SUFFIXES = (".pyc", ".pyo", ".so", ".whl", ".tar.gz")

#: Top-level entries the sdist may hold, and those it must.
SDIST_ALLOWED = frozenset(
    {
        "lambda_client",
        "codegen",
        "tests",
        "docs",
        "docsite",
        "LICENSE",
        "README.md",
        "mkdocs.yml",
        "pyproject.toml",
        "PKG-INFO",
        # hatchling always adds it, so that a build from the sdist ignores the same files.
        ".gitignore",
    }
)
SDIST_REQUIRED = (
    "pyproject.toml",
    "README.md",
    "LICENSE",
    "PKG-INFO",
    "lambda_client/__init__.py",
    "lambda_client/py.typed",
    "lambda_client/_generated/client.py",
    "codegen/__main__.py",
    "codegen/templates/errors.py.jinja",
    "tests/fixtures/sigv4/LICENSE",
    "tests/fixtures/endpoints/LICENSE",
    "tests/unit/test_public_api.py",
    "docs/index.md",
    "docs/guides/testing.md",
    "docsite/reference_pages.py",
)
WHEEL_REQUIRED = (
    "lambda_client/__init__.py",
    "lambda_client/py.typed",
    "lambda_client/_generated/client.py",
    "lambda_client/testing/pytest_plugin.py",
    "lambda_client/transport.py",
)


def _forbidden(names: Iterable[str]) -> list[str]:
    found = []
    for name in names:
        parts = Path(name).parts
        if FORBIDDEN_PARTS.intersection(parts) or name.endswith(FORBIDDEN_SUFFIXES):
            found.append(name)
    return found


def _tracked(directory: str) -> set[str] | None:
    """Files git tracks under ``directory``, or None outside a checkout."""
    try:
        out = subprocess.run(
            ["git", "ls-files", directory],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return set(out.split())


def check_wheel(path: Path, version: str) -> list[str]:
    problems = []
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        info = f"{NAME}-{version}.dist-info"
        metadata = Parser().parsestr(archive.read(f"{info}/METADATA").decode())
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
    outside = sorted(n for n in names if not n.startswith((f"{NAME}/", f"{info}/")))
    if outside:
        problems.append(f"wheel: files outside the package: {outside[:10]}")
    problems += [f"wheel: must not hold {n}" for n in _forbidden(names)]
    problems += [f"wheel: missing {n}" for n in WHEEL_REQUIRED if n not in names]
    if f"{info}/licenses/LICENSE" not in names:
        problems.append("wheel: missing the licence (dist-info/licenses/LICENSE)")
    tracked = _tracked(NAME)
    if tracked is not None:
        missing = sorted(tracked - names)
        if missing:
            problems.append(f"wheel: tracked package files left out: {missing[:10]}")
    if (
        "lambda_client.testing.pytest_plugin" not in entry_points
        or "[pytest11]" not in entry_points
    ):
        problems.append("wheel: the pytest11 entry point of the lambda_stub fixture is missing")
    problems += _metadata_problems("wheel", metadata)
    return problems


def _metadata_problems(where: str, metadata: object) -> list[str]:
    get_all = metadata.get_all  # type: ignore[attr-defined]
    problems = []
    if metadata.get("License-Expression") != "Apache-2.0":  # type: ignore[attr-defined]
        problems.append(f"{where}: License-Expression is not Apache-2.0")
    if not metadata.get("Requires-Python"):  # type: ignore[attr-defined]
        problems.append(f"{where}: no Requires-Python")
    classifiers = get_all("Classifier") or []
    for wanted in ("Typing :: Typed", "Framework :: AsyncIO", "Framework :: Pytest"):
        if wanted not in classifiers:
            problems.append(f"{where}: classifier {wanted!r} missing")
    if "text/markdown" not in (metadata.get("Description-Content-Type") or ""):  # type: ignore[attr-defined]
        problems.append(f"{where}: the README is not declared as Markdown")
    return problems


def check_sdist(path: Path, version: str) -> list[str]:
    problems = []
    top = f"{NAME}-{version}"
    with tarfile.open(path) as archive:
        members = archive.getnames()
        names = {m[len(top) + 1 :] for m in members if m.startswith(f"{top}/")}
        pkg_info = archive.extractfile(f"{top}/PKG-INFO")
        metadata = Parser().parsestr(pkg_info.read().decode() if pkg_info else "")
    strays = [m for m in members if not (m == top or m.startswith(f"{top}/"))]
    if strays:
        problems.append(f"sdist: entries outside {top}/: {strays[:10]}")
    top_level = {Path(n).parts[0] for n in names if n}
    extra = sorted(top_level - SDIST_ALLOWED)
    if extra:
        problems.append(f"sdist: unexpected top-level entries: {extra}")
    problems += [f"sdist: must not hold {n}" for n in _forbidden(names)]
    problems += [f"sdist: missing {n}" for n in SDIST_REQUIRED if n not in names]
    for directory in ("lambda_client", "codegen", "tests", "docs", "docsite"):
        tracked = _tracked(directory)
        if tracked is not None:
            missing = sorted(tracked - names)
            if missing:
                problems.append(f"sdist: tracked files left out: {missing[:10]}")
    problems += _metadata_problems("sdist", metadata)
    return problems


def check(directory: Path) -> list[str]:
    version = lambda_client.__version__
    wheels = sorted(directory.glob("*.whl"))
    sdists = sorted(directory.glob("*.tar.gz"))
    if [w.name for w in wheels] != [f"{NAME}-{version}-py3-none-any.whl"]:
        return [f"expected one pure-Python wheel of {NAME} {version}, found {wheels}"]
    if [s.name for s in sdists] != [f"{NAME}-{version}.tar.gz"]:
        return [f"expected one sdist of {NAME} {version}, found {sdists}"]
    return check_wheel(wheels[0], version) + check_sdist(sdists[0], version)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.packaging.check_dist DIST_DIR", file=sys.stderr)
        return 2
    directory = Path(argv[0])
    problems = check(directory)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    for archive in sorted(directory.iterdir()):
        print(f"{archive.name}: contents and metadata as intended")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
