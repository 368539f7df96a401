"""Canned wire data shared by the server, the workers and the micro-benchmarks.

Nothing here imports a client library, so every interpreter the suite runs
(the project venv and the Python 3.12 venv for the smithy SDK) can load it.
"""

from __future__ import annotations

import json
import struct
import zlib

REGION = "us-east-1"
FUNCTION_NAME = "bench-function"
ACCESS_KEY_ID = "AKIDBENCHMARKEXAMPLE"
SECRET_ACCESS_KEY = "bench/secret/key/not/a/real/one/0123456789"  # noqa: S105 - fake
REQUEST_ID = "8f0c3b2e-4d6a-4e7b-9c1d-2a3b4c5d6e7f"

#: Invoke sends this many bytes and the server echoes them back.
INVOKE_PAYLOAD_SIZE = 64 * 1024
#: Lambda's limit for a synchronous Invoke's payload, each way.
LARGE_INVOKE_PAYLOAD_SIZE = 6 * 1024 * 1024

#: The operations a worker can call: GetFunction, and Invoke with either payload.
OPERATIONS = ("get_function", "invoke", "invoke_6mb")

GET_FUNCTION_PATH = f"/2015-03-31/functions/{FUNCTION_NAME}"
INVOKE_PATH = f"/2015-03-31/functions/{FUNCTION_NAME}/invocations"


def get_function_document() -> dict[str, object]:
    """A GetFunction answer shaped like a real one: a zip Python function in a
    VPC-less account with environment variables, layers and tags."""
    account = "123456789012"
    arn = f"arn:aws:lambda:{REGION}:{account}:function:{FUNCTION_NAME}"
    return {
        "Configuration": {
            "FunctionName": FUNCTION_NAME,
            "FunctionArn": arn,
            "Runtime": "python3.12",
            "Role": f"arn:aws:iam::{account}:role/service-role/bench-function-role-x1y2z3",
            "Handler": "app.handler",
            "CodeSize": 5242881,
            "Description": "Resizes uploaded images and writes thumbnails",
            "Timeout": 30,
            "MemorySize": 512,
            "LastModified": "2026-03-14T09:26:53.589+0000",
            "CodeSha256": "PB7iGgz8xWkE0B7x0rB1Q3n9Zb9r5h2m4Jd6Sg1Yq0U=",
            "Version": "$LATEST",
            "Environment": {
                "Variables": {
                    "TABLE_NAME": "thumbnails",
                    "BUCKET": "bench-images-us-east-1",
                    "LOG_LEVEL": "INFO",
                }
            },
            "TracingConfig": {"Mode": "PassThrough"},
            "RevisionId": "0f3e4a52-9c1b-4d8e-a6f7-3b2c1d0e9f8a",
            "Layers": [
                {
                    "Arn": f"arn:aws:lambda:{REGION}:{account}:layer:pillow:7",
                    "CodeSize": 3184211,
                }
            ],
            "State": "Active",
            "LastUpdateStatus": "Successful",
            "PackageType": "Zip",
            "Architectures": ["arm64"],
            "EphemeralStorage": {"Size": 512},
            "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
            "LoggingConfig": {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{FUNCTION_NAME}"},
        },
        "Code": {
            "RepositoryType": "S3",
            "Location": (
                "https://awslambda-us-east-1-tasks.s3.us-east-1.amazonaws.com/snapshots/"
                f"{account}/{FUNCTION_NAME}-5b1f0c3e-2a4d-4e6f-8a9b-0c1d2e3f4a5b"
                "?versionId=3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"
                "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20260314T092653Z&X-Amz-Expires=600"
                "&X-Amz-Signature=4e6c1a0f8b2d3e9a7c5b1d0f2e4a6c8b0d1f3e5a7c9b2d4f6a8c0e1b3d5f7a9c"
            ),
        },
        "Tags": {"team": "media", "service": "thumbnails", "cost-center": "cc-4821"},
    }


def get_function_body() -> bytes:
    return json.dumps(get_function_document(), separators=(",", ":")).encode()


def invoke_payload(size: int = INVOKE_PAYLOAD_SIZE) -> bytes:
    """A JSON document of exactly ``size`` bytes."""
    head = b'{"records":"'
    tail = b'"}'
    filler = size - len(head) - len(tail)
    return head + b"x" * filler + tail


def payload_for(op: str) -> bytes:
    """The Invoke payload an operation of `OPERATIONS` sends (empty for GetFunction)."""
    if op == "get_function":
        return b""
    return invoke_payload(LARGE_INVOKE_PAYLOAD_SIZE if op == "invoke_6mb" else INVOKE_PAYLOAD_SIZE)


# -- event-stream frames (encoded here, independently of either decoder) -------


def _header_string(name: str, value: str) -> bytes:
    raw_name = name.encode()
    raw_value = value.encode()
    return (
        bytes([len(raw_name)]) + raw_name + b"\x07" + struct.pack(">H", len(raw_value)) + raw_value
    )


def encode_frame(headers: dict[str, str], payload: bytes) -> bytes:
    encoded = b"".join(_header_string(k, v) for k, v in headers.items())
    total = 16 + len(encoded) + len(payload)
    prelude = struct.pack(">II", total, len(encoded))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    body = prelude + encoded + payload
    return body + struct.pack(">I", zlib.crc32(body))


def response_stream(chunk_payload: int, frames: int) -> bytes:
    """An InvokeWithResponseStream body: ``frames`` PayloadChunk events of
    ``chunk_payload`` bytes each, then InvokeComplete."""
    chunk_headers = {
        ":event-type": "PayloadChunk",
        ":content-type": "application/octet-stream",
        ":message-type": "event",
    }
    payload = (b"0123456789abcdef" * (chunk_payload // 16 + 1))[:chunk_payload]
    out = [encode_frame(chunk_headers, payload) for _ in range(frames)]
    out.append(
        encode_frame(
            {
                ":event-type": "InvokeComplete",
                ":content-type": "application/json",
                ":message-type": "event",
            },
            b'{"LogResult":"","ErrorCode":"","ErrorDetails":""}',
        )
    )
    return b"".join(out)
