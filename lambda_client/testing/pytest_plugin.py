"""The pytest plugin of lambda_client, registered through the ``pytest11``
entry point: installing lambda_client makes the ``lambda_stub`` fixture
available to every test.

pytest loads it at start-up, which imports lambda_client (its parent
package) in every test run of an environment that has it installed; the
stub itself is built only for the tests that ask for the fixture.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING

import pluggy
import pytest

if TYPE_CHECKING:
    from . import LambdaStub

_OUTCOME = pytest.StashKey[bool]()


# An old-style wrapper: every pytest the plugin may be loaded into has them.
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pluggy.Result[pytest.TestReport], None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[_OUTCOME] = report.passed


@pytest.fixture
def lambda_stub(request: pytest.FixtureRequest) -> Iterator[LambdaStub]:
    """A fresh ``LambdaStub`` per test.

    After the test it closes the blocking clients the stub made, and fails
    a test that passed although a call found no queued answer (code under
    test that catches every exception would otherwise hide it).
    """
    from . import LambdaStub

    stub = LambdaStub()
    yield stub
    stub.close()
    unanswered = stub.unanswered
    if unanswered and request.node.stash.get(_OUTCOME, False):
        pytest.fail(
            "the test passed, but calls found no queued answer:\n" + "\n".join(unanswered),
            pytrace=False,
        )
