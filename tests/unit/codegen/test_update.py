"""``python -m codegen --update``: its steps, and the whole run over a fake pip.

The pure steps (index output, pins, README) are tested directly. The run is
tested in a scratch project whose "pip", "botocore" and "codegen" are a fake
runner over synthetic model directories: what it checks is the order of
the steps, the files written, the rollback, and that a second run writes
nothing. The real command was run against the package index to produce the
entry in docs/api-changes.md.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from codegen import changelog
from codegen.differ import diff_models
from codegen.load import PINNED_BOTOCORE, load_model, pinned_botocore, read_model
from codegen.update import (
    README_MODEL,
    Project,
    UpdateError,
    bump_pins,
    matching_boto3,
    parse_index_versions,
    rewrite_readme,
    update,
)

ROOT = Path(__file__).resolve().parents[3]

INDEX_OUTPUT = """\
botocore (1.44.18)
Available versions: 1.44.18, 1.44.13, 1.44.8, 1.44.0rc1, 1.43.117, 1.9.0
  INSTALLED: 1.43.117
  LATEST:    1.44.18
"""


def test_index_versions_are_releases_newest_first() -> None:
    assert parse_index_versions(INDEX_OUTPUT) == [
        "1.44.18",
        "1.44.13",
        "1.44.8",
        "1.43.117",
        "1.9.0",
    ]
    assert parse_index_versions("WARNING: nothing here\n") == []


def test_boto3_goes_with_the_same_release() -> None:
    assert matching_boto3("1.44.18", ["1.44.18", "1.44.13", "1.43.117"]) == "1.44.18"
    # The same number missing: the newest of the series that accepts it.
    assert matching_boto3("1.44.10", ["1.44.18", "1.44.9", "1.44.8", "1.43.9"]) == "1.44.9"
    with pytest.raises(UpdateError, match=r"no boto3 release .* botocore 1\.45\.0"):
        matching_boto3("1.45.0", ["1.44.18"])
    with pytest.raises(UpdateError, match="not a release version"):
        matching_boto3("latest", ["1.44.18"])


def test_pins_move_in_place() -> None:
    text = '[project.optional-dependencies]\ndev = [\n    "botocore==1.43.117",\n    "boto3==1.43.117",\n]\n'
    assert bump_pins(text, {"botocore": "1.44.18", "boto3": "1.44.18"}) == text.replace(
        "1.43.117", "1.44.18"
    )
    with pytest.raises(UpdateError, match="pin boto3 once"):
        bump_pins('"botocore==1"', {"boto3": "2"})


def test_readme_line_is_rewritten() -> None:
    text = "Intro.\nThe code comes from the Lambda model of botocore 1.43.117 (88 operations).\n"
    assert rewrite_readme(text, "1.44.18", 91) == (
        "Intro.\nThe code comes from the Lambda model of botocore 1.44.18 (91 operations).\n"
    )
    with pytest.raises(UpdateError, match="README"):
        rewrite_readme("no such line", "1.44.18", 91)


def test_readme_names_the_pinned_model_and_its_operations() -> None:
    match = README_MODEL.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert match is not None
    model = load_model()
    assert match["version"] == PINNED_BOTOCORE == model.botocore_version
    assert int(match["operations"]) == len(model.service["operations"])
    header = (ROOT / "lambda_client" / "_generated" / "__init__.py").read_text().splitlines()[0]
    assert f"botocore {match['version']} Lambda model" in header


def test_runtime_dependency_is_not_the_pin() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = [r for r in project["dependencies"] if r.startswith("botocore")]
    # What the credential chain needs, not the model pin (a generation input).
    assert runtime == ["botocore>=1.34"]
    assert pinned_botocore(ROOT / "pyproject.toml") == PINNED_BOTOCORE


# -- the whole run, over a fake pip --------------------------------------------


def _write_model(root: Path, version: str, service: dict[str, Any]) -> Path:
    """A botocore-like ``data`` directory holding a Lambda model."""
    base = root / f"botocore-{version}" / "botocore"
    model_dir = base / "data" / "lambda" / "2015-03-31"
    model_dir.mkdir(parents=True)
    files = {
        "service-2.json": service,
        "paginators-1.json": {"pagination": {}},
        "waiters-2.json": {"version": 2, "waiters": {}},
        "endpoint-rule-set-1.json": {"version": "1.0", "rules": []},
    }
    for name, data in files.items():
        (model_dir / name).write_text(json.dumps(data))
    (base / "data" / "partitions.json").write_text(json.dumps({"partitions": []}))
    (base / "__init__.py").write_text(f"__version__ = {version!r}\n")
    return base


def _service(operations: list[str]) -> dict[str, Any]:
    shapes: dict[str, Any] = {"Empty": {"type": "structure", "members": {}}}
    return {
        "metadata": {"apiVersion": "2015-03-31"},
        "operations": {
            name: {
                "name": name,
                "http": {"method": "POST", "requestUri": f"/{name}"},
                "input": {"shape": "Empty"},
            }
            for name in operations
        },
        "shapes": shapes,
    }


class FakeEnvironment:
    """pip, the installed botocore and the generator, as the update sees them."""

    def __init__(self, root: Path, models: dict[str, Path], installed: str) -> None:
        self.root = root
        self.models = models
        self.installed = installed
        self.generated_from = installed
        self.calls: list[str] = []
        self.fail_install_of: str | None = None
        self.index = {
            "botocore": sorted(models, reverse=True),
            "boto3": sorted(models, reverse=True),
        }

    def __call__(self, args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
        assert cwd == self.root
        command = " ".join(args[1:])
        self.calls.append(command)

        def done(stdout: str = "", code: int = 0) -> subprocess.CompletedProcess[str]:
            return subprocess.CompletedProcess(list(args), code, stdout, "failed" if code else "")

        if command.startswith("-m pip index versions "):
            package = command.rsplit(" ", 1)[1]
            listed = ", ".join(self.index[package])
            return done(f"{package} ({self.index[package][0]})\nAvailable versions: {listed}\n")
        if command.startswith("-m pip install"):
            pin = pinned_botocore(self.root / "pyproject.toml")
            if pin == self.fail_install_of:
                return done(code=1)
            self.installed = pin
            return done()
        if command == "-m pip check":
            return done("No broken requirements found.\n")
        if command.startswith("-c "):
            location = self.models[self.installed] / "__init__.py"
            return done(f"{self.installed}\n{location}\n")
        if command == "-m codegen --check":
            return done(code=0 if self.generated_from == self.installed else 1)
        if command == "-m codegen":
            self.generated_from = self.installed
            return done()
        raise AssertionError(f"unexpected command {command}")


PYPROJECT = """\
[project]
name = "x"
dependencies = ["botocore>=1.34"]

[project.optional-dependencies]
dev = [
    "botocore==1.0.0",
    "boto3==1.0.0",
]
"""
README = "# x\n\nThe generated code comes from the Lambda model of botocore 1.0.0 (1 operations).\n"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "project"
    (root / "docs").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "README.md").write_text(README)
    (root / "docs" / "api-changes.md").write_text(f"# API changes\n\n{changelog.MARKER}\n")
    return Project(root)


@pytest.fixture
def env(project: Project, tmp_path: Path) -> FakeEnvironment:
    models = {
        "1.0.0": _write_model(tmp_path, "1.0.0", _service(["GetThing"])),
        "1.1.0": _write_model(tmp_path, "1.1.0", _service(["GetThing", "PauseThing"])),
    }
    return FakeEnvironment(project.root, models, installed="1.0.0")


def _files(project: Project) -> dict[str, str]:
    return {p.name: p.read_text() for p in (project.pyproject, project.readme, project.changelog)}


def test_update_bumps_regenerates_and_records_then_is_a_no_op(
    project: Project, env: FakeEnvironment
) -> None:
    said: list[str] = []
    update(project, run=env, python="py", say=said.append)

    assert env.calls == [
        "-m pip index versions botocore",
        "-c " + env.calls[1][3:],
        "-m pip index versions boto3",
        "-m pip install --quiet -e " + f"{project.root}[dev]",
        "-m pip check",
        "-c " + env.calls[1][3:],
        "-m codegen",
    ]
    assert (env.installed, env.generated_from) == ("1.1.0", "1.1.0")
    text = project.pyproject.read_text()
    assert '"botocore==1.1.0"' in text and '"boto3==1.1.0"' in text
    assert '"botocore>=1.34"' in text  # the runtime requirement is left alone
    assert "Lambda model of botocore 1.1.0 (2 operations)" in project.readme.read_text()
    old = read_model(env.models["1.0.0"] / "data", "1.0.0")
    new = read_model(env.models["1.1.0"] / "data", "1.1.0")
    entry = changelog.render(diff_models(old, new))
    assert "- **Added** `PauseThing`:" in entry
    assert project.changelog.read_text() == (
        f"# API changes\n\n{changelog.MARKER}\n\n{entry.rstrip()}\n"
    )
    assert said[0] == "botocore 1.0.0 -> 1.1.0 (boto3 1.1.0)"

    before = _files(project)
    env.calls.clear()
    said.clear()
    update(project, run=env, python="py", say=said.append)
    assert _files(project) == before
    assert env.calls == [
        "-m pip index versions botocore",
        "-c " + env.calls[1][3:],
        "-m codegen --check",
    ]
    assert said == [
        "botocore 1.1.0 is already the pinned version: no changelog entry; nothing to do"
    ]


def test_to_names_the_release(project: Project, env: FakeEnvironment, tmp_path: Path) -> None:
    env.models["1.2.0"] = _write_model(tmp_path, "1.2.0", _service(["GetThing"]))
    env.index["botocore"].insert(0, "1.2.0")
    env.index["boto3"].insert(0, "1.2.0")
    update(project, "1.1.0", run=env, python="py", say=lambda _: None)
    assert pinned_botocore(project.pyproject) == "1.1.0"
    assert "pip index versions botocore" not in " ".join(env.calls)


def test_same_version_regenerates_a_stale_tree_without_an_entry(
    project: Project, env: FakeEnvironment
) -> None:
    env.generated_from = "something else"
    said: list[str] = []
    update(project, "1.0.0", run=env, python="py", say=said.append)
    assert env.generated_from == "1.0.0"
    assert project.changelog.read_text() == f"# API changes\n\n{changelog.MARKER}\n"
    assert said == [
        "botocore 1.0.0 is already the pinned version: no changelog entry; "
        "regenerated the stale generated code"
    ]


def test_failed_install_puts_everything_back(project: Project, env: FakeEnvironment) -> None:
    before = _files(project)
    env.fail_install_of = "1.1.0"
    with pytest.raises(UpdateError, match="installing the dev dependencies failed"):
        update(project, run=env, python="py", say=lambda _: None)
    assert _files(project) == before
    assert (env.installed, env.generated_from) == ("1.0.0", "1.0.0")
    assert env.calls[-3:] == [
        "-m pip install --quiet -e " + f"{project.root}[dev]",
        "-m pip check",
        "-m codegen",
    ]


def test_old_model_must_be_the_pinned_one(project: Project, env: FakeEnvironment) -> None:
    env.installed = "1.1.0"
    with pytest.raises(UpdateError, match=r"pinned botocore 1\.0\.0, but 1\.1\.0 is installed"):
        update(project, "1.1.0", run=env, python="py", say=lambda _: None)
    with pytest.raises(UpdateError, match=r"1\.0\.0 is pinned but 1\.1\.0 is installed"):
        update(project, "1.0.0", run=env, python="py", say=lambda _: None)
    assert pinned_botocore(project.pyproject) == "1.0.0"


def test_an_entry_already_written_is_not_written_twice(
    project: Project, env: FakeEnvironment
) -> None:
    page = f"# API changes\n\n{changelog.MARKER}\n\n## botocore 1.0.0 → 1.1.0\n\nBy hand.\n"
    project.changelog.write_text(page)
    update(project, run=env, python="py", say=lambda _: None)
    assert project.changelog.read_text() == page
