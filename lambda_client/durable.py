"""A service backend for the AWS Durable Execution SDK for Python.

The SDK talks to Lambda's durable-execution APIs from its own threads,
synchronously, through one of two seams:

- its ``DurableServiceClient`` protocol (``checkpoint`` and
  ``get_execution_state``, returning the SDK's ``CheckpointOutput`` and
  ``StateOutput``), injected with ``DurableExecutionInvocationInputWithClient``;
- a boto3 Lambda client passed as ``durable_execution(boto3_client=...)``, of
  which it calls ``checkpoint_durable_execution`` and
  ``get_durable_execution_state`` with boto3's PascalCase arguments and reads
  boto3-shaped dicts.

`DurableServiceBackend` serves both over a
[`BlockingLambdaClient`][lambda_client.BlockingLambdaClient], so the calls
get this library's retry policy, signing and connection pool. Importing this module does not
import the SDK; only the protocol methods need it.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any, Self

import attrs

from ._runtime.enums import OpenEnum
from ._runtime.exceptions import (
    DurableSdkNotInstalledError,
    ParamValidationError,
)
from ._runtime.http import ResponseMetadata
from ._runtime.messages import foreign_cause, structure_problem_pairs, type_name
from .blocking import BlockingLambdaClient
from .config import ClientConfig
from .credentials import Credentials

if TYPE_CHECKING:
    from aws_durable_execution_sdk_python.lambda_service import (
        CheckpointOutput,
        OperationUpdate,
        StateOutput,
    )
    from cattrs import Converter

    from ._runtime.transport import Transport

__all__ = ["DurableSdkNotInstalledError", "DurableServiceBackend"]

_SDK_DISTRIBUTION = "aws-durable-execution-sdk-python"

#: The page size the SDK asks for when it fetches state itself.
_DEFAULT_STATE_PAGE = 1000


class _Sdk:
    """The few SDK names the protocol methods need, imported on first use."""

    def __init__(self, service: ModuleType, errors: ModuleType) -> None:
        self.CheckpointOutput = service.CheckpointOutput
        self.StateOutput = service.StateOutput
        self.CheckpointError = errors.CheckpointError
        self.GetExecutionStateError = errors.GetExecutionStateError


@cache
def _sdk() -> _Sdk:
    try:
        service = importlib.import_module("aws_durable_execution_sdk_python.lambda_service")
        errors = importlib.import_module("aws_durable_execution_sdk_python.exceptions")
    except ImportError as e:
        raise DurableSdkNotInstalledError(
            "DurableServiceBackend.checkpoint() and get_execution_state() return the "
            f"AWS Durable Execution SDK's own types: pip install {_SDK_DISTRIBUTION}"
        ) from foreign_cause(e)
    return _Sdk(service, errors)


class DurableServiceBackend:
    """Lambda's durable-execution APIs for the AWS Durable Execution SDK.

    Use it as the SDK's `DurableServiceClient`:

    ```python
    backend = DurableServiceBackend(region="us-east-1")
    event = DurableExecutionInvocationInputWithClient.from_durable_execution_invocation_input(
        DurableExecutionInvocationInput.from_json_dict(raw_event), backend
    )
    ```

    or in place of a boto3 Lambda client:

    ```python
    @durable_execution(boto3_client=DurableServiceBackend())
    def handler(event, context): ...
    ```

    Arguments are those of [`LambdaClient`][lambda_client.LambdaClient] (``transport``
    is a seam for tests); whatever is not given comes from the environment
    and the shared AWS config files.
    Calls retry under the client's policy (``config``); a checkpoint without a
    ``ClientToken`` gets one, reused by every attempt of that checkpoint, so
    a retried checkpoint is applied once. Errors keep botocore's
    ``ClientError.response`` shape, which is how the SDK tells retryable
    failures from the others. Any number of threads may call one backend;
    checkpoints and state pages run in the calling thread, as the blocking
    client's calls do (through a proxy, on its loop thread).
    ``close()`` it, or use it as a context manager.

    The other durable-execution operations (``get_durable_execution``,
    ``get_durable_execution_history``, ``stop_durable_execution``,
    ``pause_durable_execution`` / ``resume_durable_execution`` /
    ``delete_durable_execution`` with their waiters
    ``wait_until_durable_execution_paused`` / ``_finished`` / ``_deleted``,
    ``send_durable_execution_callback_success`` ...) are on `client`.
    """

    def __init__(
        self,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        credentials: Credentials | None = None,
        config: ClientConfig | None = None,
        profile: str | None = None,
        transport: Transport | None = None,
    ) -> None:
        self._client = BlockingLambdaClient(
            region=region,
            endpoint_url=endpoint_url,
            credentials=credentials,
            profile=profile,
            config=config,
            transport=transport,
        )

    @property
    def client(self) -> BlockingLambdaClient:
        """The blocking client underneath, for every other Lambda operation."""
        return self._client

    # -- the SDK's DurableServiceClient protocol ---------------------------

    def checkpoint(
        self,
        durable_execution_arn: str,
        checkpoint_token: str,
        updates: list[OperationUpdate],
        client_token: str | None,
    ) -> CheckpointOutput:
        """CheckpointDurableExecution, as the SDK's protocol has it.

        Failures are raised as the SDK's ``CheckpointError``, classified from
        this library's error the way the SDK classifies boto3's.
        """
        sdk = _sdk()
        if not checkpoint_token:
            # The SDK's own client refuses this before sending, as a retryable
            # error: the next invocation brings a fresh token.
            raise sdk.CheckpointError("Cannot checkpoint without a checkpoint token.")
        kwargs: dict[str, Any] = {
            "DurableExecutionArn": durable_execution_arn,
            "CheckpointToken": checkpoint_token,
            "Updates": [update.to_dict() for update in updates],
        }
        if client_token is not None:
            kwargs["ClientToken"] = client_token
        try:
            result = self.checkpoint_durable_execution(**kwargs)
            output: CheckpointOutput = sdk.CheckpointOutput.from_dict(result)
        except Exception as e:
            raise sdk.CheckpointError.from_exception(e) from e
        return output

    def get_execution_state(
        self,
        durable_execution_arn: str,
        checkpoint_token: str,
        next_marker: str,
        max_items: int = _DEFAULT_STATE_PAGE,
    ) -> StateOutput:
        """GetDurableExecutionState, as the SDK's protocol has it.

        Failures are raised as the SDK's ``GetExecutionStateError``.
        """
        sdk = _sdk()
        if not checkpoint_token:
            raise sdk.GetExecutionStateError(
                "Cannot get execution state without a checkpoint token."
            )
        try:
            result = self.get_durable_execution_state(
                DurableExecutionArn=durable_execution_arn,
                CheckpointToken=checkpoint_token,
                Marker=next_marker,
                MaxItems=max_items,
            )
            output: StateOutput = sdk.StateOutput.from_dict(result)
        except Exception as e:
            raise sdk.GetExecutionStateError.from_exception(e) from e
        return output

    # -- boto3's method names, arguments and result shapes -----------------

    def checkpoint_durable_execution(self, **kwargs: Any) -> dict[str, Any]:
        """CheckpointDurableExecution with boto3's arguments (``DurableExecutionArn``,
        ``CheckpointToken``, ``Updates``, ``ClientToken``) and result dict.

        Raises this library's errors, whose ``.response`` is shaped like
        botocore's ``ClientError.response``.
        """
        from .models import CheckpointDurableExecutionRequest

        args = _from_boto3("CheckpointDurableExecution", CheckpointDurableExecutionRequest, kwargs)
        return _to_boto3(self._client.checkpoint_durable_execution(**args))

    def get_durable_execution_state(self, **kwargs: Any) -> dict[str, Any]:
        """GetDurableExecutionState with boto3's arguments (``DurableExecutionArn``,
        ``CheckpointToken``, ``Marker``, ``MaxItems``) and result dict."""
        from .models import GetDurableExecutionStateRequest

        args = _from_boto3("GetDurableExecutionState", GetDurableExecutionStateRequest, kwargs)
        return _to_boto3(self._client.get_durable_execution_state(**args))

    # -- lifecycle ----------------------------------------------------------

    def close(self) -> None:
        """Close the connections and stop the loop thread. Idempotent."""
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<DurableServiceBackend region={self._client.async_client.region!r}>"


def _from_boto3(operation: str, request_cls: type, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """boto3's keyword arguments -> the client method's, structures built from dicts.

    Unknown and missing members are refused before anything is sent, as
    botocore refuses them.
    """
    attrs.resolve_types(request_cls)
    fields = {f.metadata["wire"]: f for f in attrs.fields(request_cls)}
    problems = [(name, "unknown parameter") for name in kwargs if name not in fields]
    problems += [
        (wire, "required parameter missing")
        for wire, f in fields.items()
        if f.default is attrs.NOTHING and wire not in kwargs
    ]
    args: dict[str, Any] = {}
    for wire, value in kwargs.items():
        f = fields.get(wire)
        if f is None:
            continue
        if value is None:
            # Validation reports a required member given as None.
            args[f.name] = None
            continue
        try:
            args[f.name] = _input_converter().structure(value, f.type)
        except Exception as e:
            problems += _structure_problems(f.name, e)
    if problems:
        raise ParamValidationError(operation, problems)
    return args


def _structure_problems(root: str, error: Exception) -> list[tuple[str, str]]:
    # Paths as the validator writes them (``updates[0].id``), so one call's
    # problems read alike whichever check found them.
    from cattrs.errors import BaseValidationError

    if not isinstance(error, BaseValidationError):
        # Not the error's own words: they may quote a value (a payload).
        return [(root, f"cannot be built ({type_name(error)})")]
    return structure_problem_pairs(error, root)


def _to_boto3(output: Any) -> dict[str, Any]:
    """An output model -> the dict boto3 returns: members under their wire
    names, timestamps as aware datetimes, blobs as bytes, ``ResponseMetadata``."""
    result: dict[str, Any] = _output_converter().unstructure(output)
    metadata: ResponseMetadata | None = output.response_metadata
    if metadata is not None:
        result["ResponseMetadata"] = {
            "RequestId": metadata.request_id or "",
            "HTTPStatusCode": metadata.http_status_code,
            "HTTPHeaders": {k.lower(): v for k, v in metadata.http_headers.items()},
            "RetryAttempts": metadata.attempts - 1,
        }
    return result


@cache
def _input_converter() -> Converter:
    from ._runtime.serde import make_converter

    # Strict: boto3 refuses a misspelt member rather than dropping it.
    return make_converter(strict=True)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _same(value: Any) -> Any:
    return value


def _enum_value(value: OpenEnum) -> str:
    return value.value


@cache
def _output_converter() -> Converter:
    from ._runtime.serde import make_converter

    conv = make_converter()
    # The wire's epoch seconds and base64 are what the library sends; boto3
    # hands callers datetimes, bytes and plain strings, and the SDK compares
    # those datetimes with aware ones.
    conv.register_unstructure_hook(datetime, _aware)
    conv.register_unstructure_hook(bytes, _same)
    conv.register_unstructure_hook(OpenEnum, _enum_value)
    return conv
