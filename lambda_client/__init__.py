"""A typed, async client for the whole AWS Lambda API."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._runtime.version import VERSION as __version__
from .client import LambdaClient
from .config import ClientConfig
from .credentials import Credentials

if TYPE_CHECKING:
    from . import errors, models
    from .blocking import BlockingLambdaClient
    from .function_url import (
        BlockingFunctionUrl,
        BlockingFunctionUrlResponse,
        FunctionUrl,
        FunctionUrlResponse,
    )

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
    "BlockingLambdaClient": (".blocking", "BlockingLambdaClient"),
    "BlockingFunctionUrl": (".function_url", "BlockingFunctionUrl"),
    "BlockingFunctionUrlResponse": (".function_url", "BlockingFunctionUrlResponse"),
    "FunctionUrl": (".function_url", "FunctionUrl"),
    "FunctionUrlResponse": (".function_url", "FunctionUrlResponse"),
}


def resolve_endpoint(
    region: str | None,
    *,
    use_fips: bool = False,
    use_dualstack: bool = False,
    endpoint_url: str | None = None,
) -> str:
    """The URL Lambda requests go to, per the service's endpoint rule set.

    ``endpoint_url`` (a custom endpoint) is returned as given. Raises
    [`EndpointResolutionError`][lambda_client.errors.EndpointResolutionError]
    with the rule set's message when the combination is not supported (FIPS
    with a custom endpoint, no region, ...).
    """
    from ._generated.operations import SERVICE
    from ._runtime.endpoints import resolve

    return resolve(
        SERVICE.endpoint_rules,
        region,
        use_fips=use_fips,
        use_dualstack=use_dualstack,
        endpoint_url=endpoint_url,
    )


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
