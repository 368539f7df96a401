"""Model quirks and Lambda-specific facts, as tables the lowering reads.

Nothing here is a branch in a template: each table names shapes or
operations of the model and says what the generated code should do
differently for them, and why.
"""

from __future__ import annotations

from typing import Final

#: Operations that run the user's function. Once such a request has been
#: sent, a timeout or a cut connection does not mean the function did not
#: run, so the retry policy must not resend them (DESIGN section 5).
INVOKE_OPERATIONS: Final = frozenset({"Invoke", "InvokeAsync", "InvokeWithResponseStream"})

#: Error shapes that signal throttling. The model has no ``@retryable`` or
#: throttling trait on Lambda's errors, so the table says it.
THROTTLING_ERRORS: Final = frozenset({"TooManyRequestsException", "EC2ThrottledException"})

#: Module names that would shadow something the package needs.
RESERVED_MODULES: Final = frozenset({"__init__", "enums", "errors"})
