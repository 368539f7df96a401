"""The public client: generated operations plus hand-written conveniences."""

from __future__ import annotations

from ._generated.client import GeneratedOperations

__all__ = ["LambdaClient"]


class LambdaClient(GeneratedOperations):
    """Async client for the whole AWS Lambda API.

    ::

        async with LambdaClient(region="us-east-1") as client:
            fn = await client.get_function(function_name="my-fn")

    Arguments (all keyword-only, all optional): ``region``, ``endpoint_url``,
    ``credentials`` (:class:`~lambda_client.Credentials`), ``profile``,
    ``config`` (:class:`~lambda_client.ClientConfig`). Whatever is not given
    comes from the environment and the shared AWS config files.
    ``transport`` replaces the network layer (``lambda_client.transport``;
    ``LambdaStub.transport`` of ``lambda_client.testing`` in unit tests).
    """
