"""A typed, async client for the whole AWS Lambda API."""

from . import errors, models
from ._runtime.endpoints import resolve_endpoint
from .blocking import BlockingLambdaClient
from .client import LambdaClient
from .config import ClientConfig
from .credentials import Credentials
from .function_url import (
    BlockingFunctionUrl,
    BlockingFunctionUrlResponse,
    FunctionUrl,
    FunctionUrlResponse,
)

__version__ = "0.1.0"

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
