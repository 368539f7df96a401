"""AWS credentials ([`Credentials`][lambda_client.Credentials]) and where a
client finds them (`CredentialResolver`): explicit credentials, the
environment, then botocore's credential chain, renewed ahead of expiry."""

from ._runtime.credentials import (
    ADVISORY_REFRESH_WINDOW,
    MANDATORY_REFRESH_WINDOW,
    CredentialResolver,
    Credentials,
)

__all__ = [
    "ADVISORY_REFRESH_WINDOW",
    "MANDATORY_REFRESH_WINDOW",
    "CredentialResolver",
    "Credentials",
]
