"""Python names for model names.

Method, argument and attribute names follow botocore's ``xform_name`` so
that boto3 users find what they know (``KMSKeyArn`` -> ``kms_key_arn``);
the generator's tests check every name in the model against botocore.
"""

from __future__ import annotations

import keyword
import re

# An acronym followed by a plural "s" at the end stays one word: "ListARNs".
_TRAILING_PLURAL_ACRONYM = re.compile(r"[A-Z]{2,}s$")
# A capitalised word after anything: "GetFunction" -> "Get_Function".
_WORD_START = re.compile(r"(.)([A-Z][a-z]+)")
# A run of capitals or digits after a lower-case letter or digit: "kmsKEY" -> "kms_KEY".
_CAPS_AFTER_LOWER = re.compile(r"([a-z0-9])([A-Z])")


def snake_case(name: str) -> str:
    if "_" in name:
        return name.lower()
    match = _TRAILING_PLURAL_ACRONYM.search(name)
    if match and match.start() > 0:
        return f"{snake_case(name[: match.start()])}_{match.group().lower()}"
    step = _WORD_START.sub(r"\1_\2", name)
    return _CAPS_AFTER_LOWER.sub(r"\1_\2", step).lower()


def attribute_name(member: str) -> str:
    """Attribute/argument name for a model member, never a Python keyword.

    Soft keywords (``match``, ``case``, ``type``) are names like any other;
    escaping them made the output depend on the Python that generates it
    (3.12 added ``type``, which would rename ``OperationUpdate.type``)."""
    name = snake_case(member)
    if keyword.iskeyword(name):
        return name + "_"
    return name


_ENUM_INVALID = re.compile(r"[^0-9A-Za-z]+")


def enum_member_name(value: str) -> str:
    """UPPER_SNAKE identifier for an enum value: "nodejs22.x" -> "NODEJS22_X",
    "CallerRateLimitExceeded" -> "CALLER_RATE_LIMIT_EXCEEDED"."""
    chunks = [snake_case(chunk) for chunk in _ENUM_INVALID.split(value) if chunk]
    name = "_".join(chunks).upper()
    if not name:
        raise ValueError(f"enum value {value!r} has no identifier characters")
    if name[0].isdigit():
        name = "V" + name
    return name


def constant_name(name: str) -> str:
    """Module constant for an operation: "GetFunction" -> "GET_FUNCTION"."""
    return snake_case(name).upper()
