"""The public client: generated operations plus hand-written conveniences."""

from __future__ import annotations

from ._generated.client import GeneratedOperations

__all__ = ["LambdaClient"]


class LambdaClient(GeneratedOperations):
    """Async client for the whole AWS Lambda API.

    ```python
    async with LambdaClient(region="us-east-1") as client:
        fn = await client.get_function(function_name="my-fn")
    ```

    Arguments (all keyword-only, all optional): ``region``, ``endpoint_url``,
    ``credentials`` ([`Credentials`][lambda_client.Credentials]), ``profile``,
    ``config`` ([`ClientConfig`][lambda_client.ClientConfig]). Whatever is not given
    comes from the environment and the shared AWS config files.
    """
