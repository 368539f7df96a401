"""tests/packaging/check_dist.py refuses archives that hold the wrong things
(make package runs it on the real ones)."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

from tests.packaging import check_dist

METADATA = """Metadata-Version: 2.4
Name: lambda_client
Version: 9.9
License-Expression: MIT
"""


def _wheel(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


def test_a_wheel_with_strays_and_without_its_metadata_is_refused(tmp_path: Path) -> None:
    info = "lambda_client-9.9.dist-info"
    wheel = _wheel(
        tmp_path / "lambda_client-9.9-py3-none-any.whl",
        {
            "lambda_client/__init__.py": "",
            "lambda_client/__pycache__/x.cpython-311.pyc": "",
            "bench/run.py": "",
            f"{info}/METADATA": METADATA,
            f"{info}/entry_points.txt": "",
        },
    )
    problems = check_dist.check_wheel(wheel, "9.9")
    assert "wheel: files outside the package: ['bench/run.py']" in problems
    assert "wheel: must not hold lambda_client/__pycache__/x.cpython-311.pyc" in problems
    assert "wheel: missing lambda_client/py.typed" in problems
    assert "wheel: missing the licence (dist-info/licenses/LICENSE)" in problems
    assert "wheel: the pytest11 entry point of the lambda_stub fixture is missing" in problems
    assert "wheel: License-Expression is not Apache-2.0" in problems
    if check_dist._tracked("lambda_client") is not None:  # in a git checkout
        assert any(p.startswith("wheel: tracked package files left out") for p in problems)


def test_an_sdist_with_benchmarks_and_ci_is_refused(tmp_path: Path) -> None:
    sdist = tmp_path / "lambda_client-9.9.tar.gz"
    with tarfile.open(sdist, "w:gz") as archive:
        for name, text in {
            "lambda_client-9.9/PKG-INFO": METADATA,
            "lambda_client-9.9/pyproject.toml": "",
            "lambda_client-9.9/bench/run.py": "",
            "lambda_client-9.9/.ci/run": "",
            "lambda_client-9.9/build/site/index.html": "",
        }.items():
            data = text.encode()
            member = tarfile.TarInfo(name)
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    problems = check_dist.check_sdist(sdist, "9.9")
    assert "sdist: unexpected top-level entries: ['.ci', 'bench', 'build']" in problems
    assert "sdist: must not hold bench/run.py" in problems
    assert "sdist: must not hold .ci/run" in problems
    assert "sdist: missing LICENSE" in problems
    assert "sdist: missing tests/fixtures/sigv4/LICENSE" in problems


def test_the_archives_must_be_this_version(tmp_path: Path) -> None:
    (tmp_path / "lambda_client-0.0.1-py3-none-any.whl").write_bytes(b"")
    assert check_dist.check(tmp_path)[0].startswith("expected one pure-Python wheel")
