"""Differential testing against botocore.

Both clients talk over real HTTP to one recording server on 127.0.0.1, with
inputs and answers generated from botocore's copy of the Lambda model;
botocore is the oracle for what goes on the wire and how answers parse.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import settings

_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# Deeper local runs: LAMBDA_CLIENT_DIFF_EXAMPLES=10 multiplies the examples.
_SCALE = max(1, int(os.environ.get("LAMBDA_CLIENT_DIFF_EXAMPLES", "1")))


def examples(max_examples: int) -> settings:
    """Hypothesis settings for one differential test: bounded for CI (every
    operation is a separate test, so a few examples each add up), with no
    deadline since each example makes real HTTP calls through two clients."""
    # Outside CI the example database replays past failures first.
    ci_only: dict[str, Any] = {"derandomize": True, "database": None} if _CI else {}
    return settings(
        max_examples=max_examples * _SCALE,
        deadline=None,
        print_blob=True,
        **ci_only,
    )
