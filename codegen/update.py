"""``python -m codegen --update [--to VERSION]`` (``make update-model``).

Moves the project to a newer Lambda model in one step:

1. finds the newest botocore on the package index (or takes ``--to``);
2. reads the model of the botocore installed now (the pinned one);
3. pins botocore, and boto3 at the matching release (moto and the durable
   SDK need boto3), in ``pyproject.toml``'s dev extra, reinstalls the dev
   dependencies and checks that they agree (``pip check``); on failure the
   old pins are put back and reinstalled;
4. regenerates ``lambda_client/_generated``;
5. adds the API changelog entry for the two models to
   ``docs/api-changes.md`` (computed by ``codegen.differ``) and rewrites the
   README's model line.

When the pinned version is already the target, nothing is written: the
generated tree is checked (and regenerated only if it is stale) and no
changelog entry is added, so a second run in a row is a no-op.

Everything that must see the newly installed botocore runs in a fresh
interpreter (``run``): this process imported the old one.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from attrs import frozen

from . import changelog
from .differ import counts, diff_models
from .load import RawModel, pinned_botocore, read_model

Runner = Callable[[Sequence[str], Path], "subprocess.CompletedProcess[str]"]

#: The README sentence naming the model the generated code comes from.
README_MODEL = re.compile(
    r"Lambda model of botocore (?P<version>[0-9][0-9A-Za-z.]*) \((?P<operations>\d+) operations\)"
)
_VERSION = re.compile(r"^[0-9]+(\.[0-9]+)*$")
_PROBE = "import botocore; print(botocore.__version__); print(botocore.__file__)"


class UpdateError(Exception):
    """The update cannot go on; the message says why and what to do."""


@frozen
class Project:
    root: Path

    @property
    def pyproject(self) -> Path:
        return self.root / "pyproject.toml"

    @property
    def readme(self) -> Path:
        return self.root / "README.md"

    @property
    def changelog(self) -> Path:
        return self.root / "docs" / "api-changes.md"


def run_command(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the arguments are this module's own
        list(args), cwd=cwd, capture_output=True, text=True, check=False
    )


# -- pure steps ---------------------------------------------------------------


def version_key(version: str) -> tuple[int, ...]:
    if not _VERSION.match(version):
        raise UpdateError(f"{version!r} is not a release version such as 1.44.18")
    return tuple(int(part) for part in version.split("."))


def parse_index_versions(output: str) -> list[str]:
    """Release versions from ``pip index versions NAME`` output, newest first."""
    for line in output.splitlines():
        if line.startswith("Available versions:"):
            listed = [v.strip() for v in line.partition(":")[2].split(",")]
            releases = [v for v in listed if _VERSION.match(v)]
            return sorted(releases, key=version_key, reverse=True)
    return []


def matching_boto3(botocore_version: str, available: Sequence[str]) -> str:
    """boto3 is released with botocore under the same number; when that one
    is missing, the newest boto3 of the same minor series not newer than it
    (boto3 1.X.Y accepts botocore >=1.X.Y, <1.(X+1))."""
    target = version_key(botocore_version)
    candidates = [
        v for v in available if version_key(v)[:2] == target[:2] and version_key(v) <= target
    ]
    if not candidates:
        raise UpdateError(
            f"no boto3 release on the index goes with botocore {botocore_version}; "
            "moto and the durable SDK need one"
        )
    return max(candidates, key=version_key)


def bump_pins(pyproject_text: str, pins: dict[str, str]) -> str:
    """``pyproject.toml`` with each ``"NAME==OLD"`` requirement set to the new version."""
    text = pyproject_text
    for name, version in pins.items():
        pattern = re.compile(rf'"{re.escape(name)}==[^"]+"')
        found = pattern.findall(text)
        if len(found) != 1:
            raise UpdateError(f"pyproject.toml should pin {name} once with ==, found {found}")
        text = pattern.sub(f'"{name}=={version}"', text)
    return text


def rewrite_readme(text: str, version: str, operations: int) -> str:
    if not README_MODEL.search(text):
        raise UpdateError(
            "README.md has no 'Lambda model of botocore X (N operations)' sentence to update"
        )
    return README_MODEL.sub(
        f"Lambda model of botocore {version} ({operations} operations)", text, count=1
    )


# -- steps that run commands --------------------------------------------------


def _checked(run: Runner, args: Sequence[str], cwd: Path, what: str) -> str:
    done = run(args, cwd)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()[-2000:]
        raise UpdateError(f"{what} failed (exit {done.returncode}):\n{detail}")
    return done.stdout


def newest_on_index(run: Runner, python: str, cwd: Path, package: str) -> list[str]:
    output = _checked(
        run, [python, "-m", "pip", "index", "versions", package], cwd, f"looking up {package}"
    )
    versions = parse_index_versions(output)
    if not versions:
        raise UpdateError(f"the package index lists no release of {package}")
    return versions


def installed_model(run: Runner, python: str, cwd: Path) -> RawModel:
    """The Lambda model of the botocore installed in ``python``'s environment."""
    version, _, location = _checked(
        run, [python, "-c", _PROBE], cwd, "importing botocore"
    ).partition("\n")
    return read_model(Path(location.strip()).parent / "data", version.strip())


def _install(run: Runner, python: str, project: Project) -> None:
    _checked(
        run,
        [python, "-m", "pip", "install", "--quiet", "-e", f"{project.root}[dev]"],
        project.root,
        "installing the dev dependencies",
    )
    _checked(run, [python, "-m", "pip", "check"], project.root, "pip check")


def _regenerate_if_stale(run: Runner, python: str, project: Project) -> bool:
    if run([python, "-m", "codegen", "--check"], project.root).returncode == 0:
        return False
    _checked(run, [python, "-m", "codegen"], project.root, "regenerating")
    return True


def update(
    project: Project,
    to: str | None = None,
    *,
    run: Runner = run_command,
    python: str = sys.executable,
    say: Callable[[str], None] = print,
) -> None:
    current = pinned_botocore(project.pyproject)
    target = to or newest_on_index(run, python, project.root, "botocore")[0]
    version_key(target)
    installed = installed_model(run, python, project.root)
    if target == current:
        if installed.botocore_version != current:
            raise UpdateError(
                f"botocore {current} is pinned but {installed.botocore_version} is installed; "
                "run `make venv` first"
            )
        regenerated = _regenerate_if_stale(run, python, project)
        _write_readme(project, current, counts(installed).operations, say)
        say(
            f"botocore {current} is already the pinned version: no changelog entry"
            + ("; regenerated the stale generated code" if regenerated else "; nothing to do")
        )
        return
    if installed.botocore_version != current:
        raise UpdateError(
            f"the old model must be read from the pinned botocore {current}, but "
            f"{installed.botocore_version} is installed; run `make venv` first"
        )
    boto3 = matching_boto3(target, newest_on_index(run, python, project.root, "boto3"))
    say(f"botocore {current} -> {target} (boto3 {boto3})")
    old_pyproject = project.pyproject.read_text(encoding="utf-8")
    project.pyproject.write_text(
        bump_pins(old_pyproject, {"botocore": target, "boto3": boto3}), encoding="utf-8"
    )
    try:
        _install(run, python, project)
        new = installed_model(run, python, project.root)
        if new.botocore_version != target:
            raise UpdateError(f"installed botocore {new.botocore_version}, not {target}")
        _checked(run, [python, "-m", "codegen"], project.root, "regenerating")
    except UpdateError:
        # All or nothing: a half-done update would leave no way to write
        # its changelog entry (the old model is gone once the pin moved).
        say("putting the old pins, packages and generated code back")
        project.pyproject.write_text(old_pyproject, encoding="utf-8")
        _install(run, python, project)
        _checked(run, [python, "-m", "codegen"], project.root, "regenerating")
        raise
    diff = diff_models(installed, new)
    text = project.changelog.read_text(encoding="utf-8")
    if changelog.has_entry(text, current, target):
        say(f"{project.changelog.name} already has the entry for {current} -> {target}")
    else:
        project.changelog.write_text(
            changelog.add_entry(text, changelog.render(diff)), encoding="utf-8"
        )
    _write_readme(project, target, diff.new_counts.operations, say)
    old_n, new_n = diff.old_counts, diff.new_counts
    say(
        f"regenerated: {old_n.operations} -> {new_n.operations} operations, "
        f"{old_n.structures} -> {new_n.structures} structures, "
        f"{old_n.enums} -> {new_n.enums} enums, {old_n.errors} -> {new_n.errors} errors; "
        f"changes in {project.changelog.relative_to(project.root)}"
    )


def _write_readme(
    project: Project, version: str, operations: int, say: Callable[[str], None]
) -> None:
    text = project.readme.read_text(encoding="utf-8")
    new_text = rewrite_readme(text, version, operations)
    if new_text != text:
        project.readme.write_text(new_text, encoding="utf-8")
        say(f"README.md: Lambda model of botocore {version} ({operations} operations)")
