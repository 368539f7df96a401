"""The public client: the generated operations (``_generated/client.py``)
plus what is written by hand: `LambdaClient.function_url` here, and
``with_options``, ``close`` and the context manager from the runtime's
``client_base.py``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._generated.client import GeneratedOperations

if TYPE_CHECKING:
    from .function_url import AuthType, FunctionUrl

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
    ``transport`` replaces the network layer (``lambda_client.transport``;
    ``LambdaStub.transport`` of ``lambda_client.testing`` in unit tests).
    """

    def function_url(
        self,
        url: str,
        *,
        region: str | None = None,
        auth: AuthType = "AWS_IAM",
        raise_for_status: bool = True,
        retry_sent: bool | None = None,
    ) -> FunctionUrl:
        """A client for the function URL ``url`` (``https://<url-id>.lambda-url.<region>.on.aws/``
        or a custom domain in front of one, optionally with a path prefix):

        ```python
        furl = client.function_url("https://abc.lambda-url.us-east-1.on.aws/")
        resp = await furl.post("/orders", json={"id": 1})
        resp.status, resp.request_id, await resp.json()
        ```

        It shares this client's connection pool, credentials, timeouts (the
        invoke read timeout), retry settings and clock; it needs no closing
        of its own and stops working when the client is closed.

        Args:
            url: The function URL, or a custom domain in front of one.
            region: The signing region; taken from a ``lambda-url`` host
                when not given, required for a signed custom domain.
            auth: ``"AWS_IAM"`` signs every request with SigV4 (service
                ``lambda``, the payload hashed and sent as
                ``x-amz-content-sha256``); ``"NONE"`` sends it unsigned.
            raise_for_status: True (the default) raises a
                [`FunctionUrlError`][lambda_client.errors.FunctionUrlError]
                subclass for every answer of 400 or above (a 3xx is returned,
                never followed: that would send a signed request wherever the
                function pointed). False returns the function's own answers
                whatever their status and raises only for those AWS generated
                (marked with ``x-amzn-ErrorType``: a refused signature, a
                throttle, an oversized payload...).
            retry_sent: Send a POST or PATCH again after a timeout or a cut
                connection, when the function may already have run. Off
                unless
                [`ClientConfig.retry_sent_invokes`][lambda_client.ClientConfig.retry_sent_invokes]
                is on. Whatever it says, idempotent methods (GET, HEAD, PUT,
                DELETE, OPTIONS) are retried, connection failures before
                sending are retried, and 429 and 503 answers are retried after
                at least their ``Retry-After``.

        Returns:
            A view on this client that calls the function URL.

        Raises:
            ConfigError: A malformed URL, an unknown ``auth``, or no region
                for a signed custom domain.
        """
        # Imported here: most programs never call a function URL, and the
        # module is a measurable part of a cold start.
        from .function_url import FunctionUrl

        return FunctionUrl(
            self._pipeline,
            url,
            region=region,
            auth=auth,
            raise_for_status=raise_for_status,
            retry_sent=retry_sent,
        )
