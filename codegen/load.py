"""Reads the Lambda 2015-03-31 model files from the pinned botocore."""

from __future__ import annotations

import gzip
import json
import re
import tomllib
from pathlib import Path
from typing import Any

from attrs import frozen

SERVICE = "lambda"
API_VERSION = "2015-03-31"
PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
_PIN = re.compile(r"^botocore==(?P<version>[0-9][0-9A-Za-z.]*)$")


def pinned_botocore(pyproject: Path = PYPROJECT) -> str:
    """The botocore version of the ``dev`` extra: the one model the checked-in
    generated code is reproducible against. ``python -m codegen --update``
    moves it; nothing else names the version."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    for requirement in project["optional-dependencies"]["dev"]:
        match = _PIN.match(requirement.replace(" ", ""))
        if match:
            return match["version"]
    raise SystemExit(f"{pyproject.name}: the dev extra pins no botocore==VERSION")


#: The generated code is reproducible only against this model version.
PINNED_BOTOCORE = pinned_botocore()


@frozen
class RawModel:
    botocore_version: str
    service: dict[str, Any]
    paginators: dict[str, Any]
    waiters: dict[str, Any]
    endpoint_rules: dict[str, Any]
    partitions: dict[str, Any]


def _read_json(path: Path) -> dict[str, Any]:
    if path.exists():
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data
    gz = path.with_name(path.name + ".gz")
    data = json.loads(gzip.decompress(gz.read_bytes()).decode("utf-8"))
    return data


def read_model(data_dir: Path, botocore_version: str) -> RawModel:
    """The Lambda model files under a botocore ``data`` directory."""
    model_dir = data_dir / SERVICE / API_VERSION
    return RawModel(
        botocore_version=botocore_version,
        service=_read_json(model_dir / "service-2.json"),
        paginators=_read_json(model_dir / "paginators-1.json"),
        waiters=_read_json(model_dir / "waiters-2.json"),
        endpoint_rules=_read_json(model_dir / "endpoint-rule-set-1.json"),
        partitions=_read_json(data_dir / "partitions.json"),
    )


def load_model() -> RawModel:
    """The model of the installed botocore, which must be the pinned one."""
    import botocore

    if botocore.__version__ != PINNED_BOTOCORE:
        raise SystemExit(
            f"codegen needs botocore=={PINNED_BOTOCORE} (found {botocore.__version__}); "
            "install the project's dev dependencies"
        )
    return read_model(Path(botocore.__file__).parent / "data", botocore.__version__)
