"""A typed, async client for the whole AWS Lambda API."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._runtime.version import VERSION
from .client import LambdaClient
from .config import ClientConfig
from .credentials import Credentials

if TYPE_CHECKING:
    from . import errors, models
    from ._runtime.endpoints import resolve_endpoint
    from .blocking import BlockingLambdaClient
    from .function_url import (
        BlockingFunctionUrl,
        BlockingFunctionUrlResponse,
        FunctionUrl,
        FunctionUrlResponse,
    )

__version__ = VERSION

__all__ = [
    "BlockingFunctionUrl",
    "BlockingFunctionUrlResponse",
    "BlockingLambdaClient",
    "ClientConfig",
    "Credentials",
    "FunctionUrl",
    "FunctionUrlResponse",
    "LambdaClient",
    "__version__",
    "errors",
    "models",
    "resolve_endpoint",
]

# Loaded on first use: a program that builds a LambdaClient and calls it
# (a Lambda function's cold start) needs none of these, and importing them
# all up front cost about a third of `import lambda_client`.
_LAZY = {
    "errors": (".errors", None),
    "models": (".models", None),
    "resolve_endpoint": ("._runtime.endpoints", "resolve_endpoint"),
    "BlockingLambdaClient": (".blocking", "BlockingLambdaClient"),
    "BlockingFunctionUrl": (".function_url", "BlockingFunctionUrl"),
    "BlockingFunctionUrlResponse": (".function_url", "BlockingFunctionUrlResponse"),
    "FunctionUrl": (".function_url", "FunctionUrl"),
    "FunctionUrlResponse": (".function_url", "FunctionUrlResponse"),
}


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value: Any = importlib.import_module(module, __name__)
    if attribute is not None:
        value = getattr(value, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
