"""mkdocs hook: a reference page for every public model, enum and error.

The pages are generated at build time from what `lambda_client.models` and
`lambda_client.errors` export, which the code generator derives from the
Lambda model, so a newer model brings its pages with it and nothing here
lists names. Each page renders one object at its public path with
mkdocstrings; the hand-written index pages hold the prose and a marker
(`<!-- reference:NAME -->`) that this hook replaces with a generated table.
"""

from __future__ import annotations

import enum
import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

import lambda_client
from lambda_client import errors, models
from lambda_client._generated import operations
from lambda_client._runtime.service_model import OperationSpec

_MARKER = re.compile(r"<!-- reference:([a-z-]+) -->")

#: mkdocstrings options per kind of page, on top of the site-wide ones.
_OPTIONS = {
    # The members are in the table docsite/griffe_model_attributes.py adds.
    "models": ["show_bases: false", "members: false", "docstring_section_style: list"],
    # The values are in a table of their own, below.
    "enums": ["show_bases: false", "members: false"],
    "errors": ["show_bases: true", "show_labels: false", "docstring_section_style: list"],
}


@dataclass(frozen=True)
class Entry:
    """One public object and the page that documents it."""

    name: str
    kind: str  # models, enums or errors
    obj: Any

    @property
    def identifier(self) -> str:
        module = "errors" if self.kind == "errors" else "models"
        return f"lambda_client.{module}.{self.name}"

    @property
    def src_uri(self) -> str:
        return f"reference/{self.kind}/{self.name}.md"

    @property
    def summary(self) -> str:
        return summary(inspect.getdoc(self.obj) or "")


def summary(doc: str) -> str:
    """The first sentence of a docstring's first plain paragraph, on one line,
    safe in a table cell."""
    for block in doc.split("\n\n"):
        if block.strip() and not block.lstrip().startswith(("!!!", "- ", "**", "```")):
            text = " ".join(block.split())
            match = re.match(r"(.+?[.!?])(?=\s|$)", text)
            return (match.group(1) if match else text).replace("|", "\\|")
    return ""


@cache
def entries() -> tuple[Entry, ...]:
    """Every public model, enum and error, sorted by kind and name."""
    found: list[Entry] = []
    for name in models.__all__:
        obj = getattr(models, name)
        if not inspect.isclass(obj):
            continue  # from_dict / to_dict: documented on the models index
        kind = "enums" if issubclass(obj, enum.Enum) else "models"
        found.append(Entry(name, kind, obj))
    for name in errors.__all__:
        obj = getattr(errors, name)
        if inspect.isclass(obj) and issubclass(obj, BaseException):
            found.append(Entry(name, "errors", obj))
    return tuple(sorted(found, key=lambda e: (e.kind, e.name.lower())))


def _by_kind(kind: str) -> list[Entry]:
    return [e for e in entries() if e.kind == kind]


def page_markdown(entry: Entry) -> str:
    lines = list(_OPTIONS[entry.kind])
    if _is_service_error(entry):
        # Its members are in the list docsite/griffe_model_attributes.py adds.
        lines.append("members: false")
    options = "".join(f"      {line}\n" for line in lines)
    return (
        f"---\ntitle: {entry.name}\n---\n\n"
        f"::: {entry.identifier}\n"
        f"    options:\n"
        f"      heading_level: 1\n"
        f"      show_root_heading: true\n"
        f"      show_root_full_path: false\n"
        f"{options}"
        f"{_enum_values(entry) if entry.kind == 'enums' else ''}"
        f"{_error_facts(entry) if _is_service_error(entry) else ''}"
    )


def _is_service_error(entry: Entry) -> bool:
    return entry.kind == "errors" and entry.obj in errors.ERRORS_BY_CODE.values()


def _error_facts(entry: Entry) -> str:
    """What the model says about a service error, for reading at a glance."""
    cls = entry.obj
    throttling = "yes" if getattr(cls, "is_throttling", False) else "no"
    return (
        "\n| Error code | HTTP status | Fault | Throttling |\n| --- | --- | --- | --- |\n"
        f"| `{cls.error_code}` | {cls.default_status} | {cls.fault} | {throttling} |\n"
    )


def _enum_values(entry: Entry) -> str:
    """The members of an enum and the strings they stand for."""
    rows = "".join(f"| `{member.name}` | `{member.value}` |\n" for member in entry.obj)
    return f"\n## Values\n\n| Member | Value |\n| --- | --- |\n{rows}"


def _link(entry: Entry) -> str:
    return f"[`{entry.name}`](../{entry.kind}/{entry.name}.md)"


def _operations_table() -> str:
    """Operation -> request and response classes, from the generated descriptors."""
    by_name = {e.name: e for e in entries()}
    rows = ["| Method | Request | Response |", "| --- | --- | --- |"]
    for constant, spec in sorted(vars(operations).items()):
        if not isinstance(spec, OperationSpec):
            continue
        method = constant.lower()
        if not callable(getattr(lambda_client.LambdaClient, method, None)):
            raise PluginError(f"operation {spec.name}: LambdaClient has no method {method}")
        request = by_name[spec.input_type.__name__]
        response = by_name[spec.output_type.__name__] if spec.output_type else None
        rows.append(
            f"| [`{method}`][lambda_client.LambdaClient.{method}] | {_link(request)} "
            f"| {_link(response) if response else 'None'} |"
        )
    return "\n".join(rows)


def _io_names() -> set[str]:
    names = set()
    for spec in vars(operations).values():
        if isinstance(spec, OperationSpec):
            names.add(spec.input_type.__name__)
            if spec.output_type:
                names.add(spec.output_type.__name__)
    return names


def _summary_table(
    rows: list[Entry], extra: tuple[str, Callable[[Entry], str]] | None = None
) -> str:
    head = ["Name", *([extra[0]] if extra else []), "Summary"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for entry in rows:
        cells = [_link(entry), *([extra[1](entry)] if extra else []), entry.summary]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _structures_table() -> str:
    io = _io_names()
    return _summary_table([e for e in _by_kind("models") if e.name not in io])


def _enums_table() -> str:
    return _summary_table(_by_kind("enums"), ("Values", lambda e: str(len(e.obj))))


def _service_errors() -> list[Entry]:
    modelled = set(errors.ERRORS_BY_CODE.values())
    return [e for e in _by_kind("errors") if e.obj in modelled]


def _service_errors_table() -> str:
    return _summary_table(_service_errors(), ("HTTP status", lambda e: str(e.obj.default_status)))


def _error_tree() -> str:
    """The hand-written exception classes as a nested list, root first."""
    modelled = {e.obj for e in _service_errors()}
    public = {e.obj: e for e in _by_kind("errors") if e.obj not in modelled}

    def children(parent: type) -> list[type]:
        return sorted(
            (cls for cls in public if parent in cls.__bases__), key=lambda c: c.__name__.lower()
        )

    def walk(cls: type, depth: int) -> Iterator[str]:
        entry = public[cls]
        extra = [b.__name__ for b in cls.__bases__ if b not in public]
        also = f" ({'also ' if depth else ''}a `{'`, `'.join(extra)}`)" if extra else ""
        if cls is errors.LambdaClientError:
            also = ""
        yield f"{'    ' * depth}- {_link(entry)}{also}: {entry.summary}"
        for child in children(cls):
            yield from walk(child, depth + 1)
        if cls is errors.ServiceError:
            count = len(modelled)
            yield f"{'    ' * (depth + 1)}- one class per modelled error ({count}), listed below"

    # The exception tree first; then the warnings, which are not raised.
    roots = sorted(
        (cls for cls in public if not any(b in public for b in cls.__bases__)),
        key=lambda c: (c is not errors.LambdaClientError, c.__name__.lower()),
    )
    return "\n".join(line for root in roots for line in walk(root, 0))


_TABLES: dict[str, Callable[[], str]] = {
    "operations": _operations_table,
    "structures": _structures_table,
    "enums": _enums_table,
    "error-tree": _error_tree,
    "service-errors": _service_errors_table,
}


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for entry in entries():
        if files.get_file_from_path(entry.src_uri) is not None:
            raise PluginError(f"{entry.src_uri} is generated; remove the hand-written file")
        files.append(File.generated(config, entry.src_uri, content=page_markdown(entry)))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    def replace(match: re.Match[str]) -> str:
        table = _TABLES.get(match.group(1))
        if table is None:
            raise PluginError(f"{page.file.src_uri}: unknown marker {match.group(0)}")
        return table()

    return _MARKER.sub(replace, markdown)
