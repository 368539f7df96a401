"""The API changelog (``docs/api-changes.md``): one entry per model update.

``render(diff)`` turns a :class:`~codegen.differ.ModelDiff` into a Markdown
entry; ``add_entry`` puts it at the top of the list of entries (newest
first), once.
"""

from __future__ import annotations

from .differ import Change, ModelDiff

#: Entries go right below this line of the changelog page, newest first.
MARKER = "<!-- entries: written by `python -m codegen --update`, newest first -->"

_KIND = {"added": "Added", "removed": "Removed", "changed": "Changed"}


def heading(old_version: str, new_version: str) -> str:
    return f"## botocore {old_version} → {new_version}"


def _change(change: Change) -> list[str]:
    label = f"- **{_KIND[change.kind]}** `{change.name}`"
    if not change.details:
        return [label]
    if len(change.details) == 1:
        return [f"{label}: {change.details[0]}"]
    # Four spaces: Python-Markdown (mkdocs) nests list items only at four.
    return [f"{label}:", *(f"    - {detail}" for detail in change.details)]


def render(diff: ModelDiff) -> str:
    lines = [heading(diff.old_version, diff.new_version), ""]
    if diff.empty:
        lines += ["The Lambda model did not change.", ""]
        return "\n".join(lines)
    old, new = diff.old_counts, diff.new_counts
    lines += [
        "| | before | after |",
        "|---|---:|---:|",
        *(
            f"| {label} | {getattr(old, label)} | {getattr(new, label)} |"
            for label in ("operations", "structures", "enums", "errors")
        ),
        "",
    ]
    for title, changes in diff.sections:
        if not changes:
            continue
        lines += [f"### {title}", ""]
        for change in changes:
            lines += _change(change)
        lines.append("")
    if diff.other:
        lines += ["### Service", ""]
        lines += [f"- The {part} changed." for part in diff.other]
        lines.append("")
    if diff.documentation or diff.service_documentation:
        names = [f"`{name}`" for name in diff.documentation]
        if diff.service_documentation:
            names.append("the service itself")
        lines += [
            "### Documentation",
            "",
            "New wording (docstrings) for " + ", ".join(names) + ".",
            "",
        ]
    return "\n".join(lines)


def has_entry(text: str, old_version: str, new_version: str) -> bool:
    return heading(old_version, new_version) in text.splitlines()


def add_entry(text: str, entry: str) -> str:
    """The changelog with ``entry`` first among the entries."""
    if MARKER not in text:
        raise ValueError(f"the changelog has no line {MARKER!r} to put entries below")
    head, _, rest = text.partition(MARKER)
    rest = rest.lstrip("\n")
    return f"{head}{MARKER}\n\n{entry.rstrip()}\n" + (f"\n{rest}" if rest else "")
