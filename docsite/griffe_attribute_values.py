"""Griffe extension: an attribute's value on the page is its default, or none.

Griffe shows the right-hand side of an attribute's assignment as its value.
Two kinds of assignment say nothing useful that way:

- An attrs field with a validator is written `connect_timeout: float =
  field(default=10.0, validator=_positive)` (`ClientConfig`, `Credentials`),
  so the page would show the `field(...)` call with its private validator.
  What a reader wants is the default, `connect_timeout: float = 10.0`; a
  field without a default shows no value, as a required argument does.
- An attribute assigned in `__init__` (`self.status: int = raw.status`)
  gets a value computed from the constructor's arguments, and the page
  would show that expression. It shows no value.
"""

from __future__ import annotations

from typing import Any

import griffe

_FIELD_FUNCTIONS = frozenset({"attrs.field", "attr.ib", "attr.attrib"})


def _field_default(value: griffe.ExprCall) -> str | griffe.Expr | None:
    keywords = {a.name: a.value for a in value.arguments if isinstance(a, griffe.ExprKeyword)}
    if "default" in keywords:
        return keywords["default"]
    if "factory" in keywords:
        return f"{keywords['factory']}()"
    return None


class AttributeValues(griffe.Extension):
    def on_attribute_instance(self, *, attr: griffe.Attribute, **kwargs: Any) -> None:
        value = attr.value
        if "class-attribute" not in attr.labels:
            # Only assigned on self, in a method.
            attr.value = None
        elif isinstance(value, griffe.ExprCall):
            function = value.function
            path = function.canonical_path if isinstance(function, griffe.Expr) else str(function)
            if path in _FIELD_FUNCTIONS:
                attr.value = _field_default(value)
