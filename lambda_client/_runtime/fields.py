"""Helpers the generated models use on their fields."""

from __future__ import annotations


def redact(value: object) -> str:
    """repr of a sensitive member: says whether it is set, never what it is."""
    return "None" if value is None else "<redacted>"
