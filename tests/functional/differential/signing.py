"""Server-side SigV4 verification with botocore's signer as the reference.

The canonical request is rebuilt from what the server received, the way a
service does it: only the headers the client listed as signed, the query
decoded and re-encoded strictly, the path as received (botocore encodes it
a second time), and the client's own X-Amz-Date.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from .server import ACCESS_KEY, REGION, SECRET_KEY, Recorded

_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<scope>[^,]+), "
    r"SignedHeaders=(?P<signed>[^,]+), Signature=(?P<signature>[0-9a-f]{64})"
)


class SignatureMismatch(AssertionError):
    pass


def verify(request: Recorded, *, required: frozenset[str] = frozenset()) -> None:
    """Raises unless ``request`` carries a valid signature that covers the host,
    the date and every header named in ``required``."""
    authorization = request.headers.get("authorization", "")
    match = _AUTHORIZATION.fullmatch(authorization)
    if match is None:
        raise SignatureMismatch(f"malformed Authorization header: {authorization!r}")
    amz_date = request.headers["x-amz-date"]
    expected_scope = f"{amz_date[:8]}/{REGION}/lambda/aws4_request"
    if match["key"] != ACCESS_KEY or match["scope"] != expected_scope:
        raise SignatureMismatch(f"credential {match['key']}/{match['scope']} is not for us")
    signed = match["signed"].split(";")
    missing = ({"host", "x-amz-date"} | required) - set(signed)
    if missing:
        raise SignatureMismatch(f"headers sent but not signed: {sorted(missing)}")

    pairs = []
    for part in request.query.split("&") if request.query else ():
        name, _, value = part.partition("=")
        pairs.append((unquote(name), unquote(value)))
    rebuilt = AWSRequest(
        method=request.method,
        url=f"http://{request.host}{request.path}",
        headers={name: request.headers.getone(name) for name in signed},
        data=request.body,
        params=pairs,
    )
    rebuilt.context["timestamp"] = amz_date
    auth = SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "lambda", REGION)
    canonical = auth.canonical_request(rebuilt)
    expected = auth.signature(auth.string_to_sign(rebuilt, canonical), rebuilt)
    if expected != match["signature"]:
        raise SignatureMismatch(
            f"signature {match['signature']} does not match {expected}; "
            f"canonical request as the server sees it:\n{canonical}"
        )
