"""Differential testing against botocore.

Both clients talk over real HTTP to one recording server on 127.0.0.1, with
inputs and answers generated from botocore's copy of the Lambda model;
botocore is the oracle for what goes on the wire and how answers parse.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# Deeper local runs: LAMBDA_CLIENT_DIFF_EXAMPLES=10 multiplies the examples.
_SCALE = max(1, int(os.environ.get("LAMBDA_CLIENT_DIFF_EXAMPLES", "1")))


def examples(max_examples: int) -> settings:
    """Hypothesis settings for one differential test: bounded for CI (every
    operation is a separate test, so a few examples each add up), with no
    deadline since each example makes real HTTP calls through two clients."""
    return settings(
        max_examples=max_examples * _SCALE,
        deadline=None,
        derandomize=_CI,
        database=None if _CI else settings.default.database,
        # Inputs for the largest shapes (CreateFunction, event source
        # mappings) are legitimately big and slow to generate.
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
    )
