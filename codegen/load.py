"""Reads the Lambda 2015-03-31 model files from the pinned botocore."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from attrs import frozen

SERVICE = "lambda"
API_VERSION = "2015-03-31"
#: The generated code is reproducible only against this model version.
PINNED_BOTOCORE = "1.43.117"


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


def load_model() -> RawModel:
    import botocore

    if botocore.__version__ != PINNED_BOTOCORE:
        raise SystemExit(
            f"codegen needs botocore=={PINNED_BOTOCORE} (found {botocore.__version__}); "
            "install the project's dev dependencies"
        )
    data = Path(botocore.__file__).parent / "data"
    model_dir = data / SERVICE / API_VERSION
    return RawModel(
        botocore_version=botocore.__version__,
        service=_read_json(model_dir / "service-2.json"),
        paginators=_read_json(model_dir / "paginators-1.json"),
        waiters=_read_json(model_dir / "waiters-2.json"),
        endpoint_rules=_read_json(model_dir / "endpoint-rule-set-1.json"),
        partitions=_read_json(data / "partitions.json"),
    )
