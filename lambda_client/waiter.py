"""Waiters: poll an operation until an acceptor says success or failure.

``client.wait_until_<waiter>(...)`` runs `wait` with the waiter's
`Acceptor` rules; its errors are in ``lambda_client.errors``.
"""

from ._runtime.exceptions import (
    WaiterError,
    WaiterFailureError,
    WaiterTimeoutError,
    WaiterUnexpectedError,
)
from ._runtime.waiter import Acceptor, Sleep, State, attribute_path, wait

__all__ = [
    "Acceptor",
    "Sleep",
    "State",
    "WaiterError",
    "WaiterFailureError",
    "WaiterTimeoutError",
    "WaiterUnexpectedError",
    "attribute_path",
    "wait",
]
