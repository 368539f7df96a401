"""Griffe extension: a model's (or a service error's) attributes as one list.

A generated model documents each member with an attribute docstring, which
is what editors show on hover. On the site, a heading and a code block per
member would make a 40-member model a long scroll, so this adds an
`Attributes:` section to each model's docstring (name, type from the
annotation, description from the member's docstring) and the model pages
render that section instead of the members one by one. Service errors get
the same section for their modelled members (class-level facts such as
`error_code` are not members of an instance and are left out).
"""

from __future__ import annotations

from typing import Any

import griffe

_BASES = frozenset(
    {"lambda_client._runtime.model_base.Model", "lambda_client._runtime.exceptions.ServiceError"}
)


def _is_generated_class(cls: griffe.Class) -> bool:
    for base in cls.bases:
        path = base.canonical_path if isinstance(base, griffe.Expr) else str(base)
        if path in _BASES:
            return True
    return False


def _is_class_var(member: griffe.Object | griffe.Alias) -> bool:
    # Griffe unwraps ClassVar[...] and labels the attribute class-level only.
    return "instance-attribute" not in member.labels


def _entry(name: str, member: griffe.Object | griffe.Alias) -> list[str]:
    text = member.docstring.value.strip() if member.docstring else ""
    first, *rest = text.split("\n") if text else [""]
    lines = [f"    {name}: {first}".rstrip()]
    lines += [f"        {line}" if line.strip() else "" for line in rest]
    return lines


def attributes_section(cls: griffe.Class) -> str:
    """The Google-style `Attributes:` section for a model's public members."""
    lines = ["Attributes:"]
    for name, member in cls.members.items():
        if name.startswith("_") or member.is_alias:
            continue
        if (member.is_attribute and not _is_class_var(member)) or (
            member.is_function and "property" in member.labels
        ):
            lines += _entry(name, member)
    return "\n".join(lines) if len(lines) > 1 else ""


class ModelAttributes(griffe.Extension):
    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        if pkg.name != "lambda_client":
            return
        modules = [*pkg["_generated.models"].modules.values(), pkg["_generated.errors"]]
        for module in modules:
            for cls in module.classes.values():
                if not _is_generated_class(cls):
                    continue
                section = attributes_section(cls)
                if not section:
                    continue
                if cls.docstring is None:
                    # Docstring() dedents all lines but the first as a block:
                    # an empty first line keeps the items indented under the title.
                    cls.docstring = griffe.Docstring(f"\n{section}", parent=cls)
                else:
                    cls.docstring.value = f"{cls.docstring.value.rstrip()}\n\n{section}"
