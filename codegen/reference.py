"""Extracts per-action facts from the published AWS Lambda API Reference.

The reference is a text rendering of the PDF. For every action it shows a
"Request Syntax" block, the URI and body members with "Required: Yes/No", and
the errors with their HTTP status codes. Only those facts are kept; they land
in ``tests/fixtures/api_reference/actions.json`` so the test suite can compare
the generated client with the published contract without needing the PDF.

Usage::

    python -m codegen.reference [PATH_TO_REFERENCE_TXT] [--check]

Without a path, ``LAMBDA_API_REFERENCE`` names the text file.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The reference documents this many actions; fewer means the parse went wrong.
EXPECTED_ACTIONS = 85

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "api_reference"
ACTIONS_JSON = FIXTURE / "actions.json"

_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD")

# Page furniture from the PDF conversion; none of it carries a fact, and a stray
# page number between a member name and its "Required:" line must not end a block.
_FURNITURE = (
    re.compile(r"API Version \d{4}-\d{2}-\d{2}(\s+\d+)?"),
    re.compile(r"\d{1,4}"),
    re.compile(r"(AWS Lambda:? )?API Reference"),
    re.compile(r"AWS Lambda"),
)
# Names are printed bare or as a dangling Markdown link, depending on the page.
_NAME = re.compile(r"\[?([A-Za-z][A-Za-z0-9]*)\]?(?:\(#\))?")
# Callout headings look like member names but never are.
_CALLOUTS = frozenset({"Note", "Important", "Warning", "Tip"})
_REQUIRED = re.compile(r"Required:\s*`?(Yes|No|Conditional)`?")
_STATUS = re.compile(r"HTTP Status Code:\s*(\d{3})")
_HEADER = re.compile(r"([A-Za-z][A-Za-z0-9-]*):\s*(\S.*)")
_JSON_KEY = re.compile(r'"([A-Za-z][A-Za-z0-9]*)"\s*:')
_FENCE = "```"
_SECTIONS = (
    "Request Syntax",
    "URI Request Parameters",
    "Request Body",
    "Response Syntax",
    "Response Elements",
    "Errors",
    "See Also",
)


class ReferenceParseError(Exception):
    """The text does not look the way this parser expects; the fixture would be wrong."""


@dataclass
class Member:
    name: str
    required: bool
    #: Whether the reference printed a "Required:" line for the member at all.
    stated: bool = False


@dataclass
class Action:
    name: str
    method: str
    uri: str
    query: dict[str, dict[str, Any]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    members: list[str] = field(default_factory=list)
    required: list[str] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "uri": self.uri,
            "query": self.query,
            "headers": self.headers,
            "body": self.body,
            "members": sorted(self.members),
            "required": sorted(self.required),
            "errors": self.errors,
        }


def _clean_lines(text: str) -> list[str]:
    out = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if any(p.fullmatch(line.strip()) for p in _FURNITURE):
            continue
        out.append(line)
    return out


def _action_names(lines: list[str]) -> tuple[list[str], int]:
    """The table of actions that opens the "Actions" chapter, and where it ends."""
    try:
        start = lines.index("The following actions are supported:")
    except ValueError:
        raise ReferenceParseError("no 'The following actions are supported:' list") from None
    names: list[str] = []
    i = start + 1
    while i < len(lines):
        s = lines[i].strip()
        if s.startswith("- "):
            m = _NAME.fullmatch(s[2:].strip())
            if not m:
                raise ReferenceParseError(f"line {i + 1}: unexpected action list entry {s!r}")
            names.append(m.group(1))
        elif s:
            break
        i += 1
    return names, i


def _split_actions(lines: list[str]) -> dict[str, list[str]]:
    names, pos = _action_names(lines)
    starts: list[int] = []
    for name in names:
        while pos < len(lines) and lines[pos].strip() != name:
            pos += 1
        if pos == len(lines):
            raise ReferenceParseError(f"no heading for action {name}")
        starts.append(pos)
        pos += 1
    try:
        end = lines.index("Data Types", starts[-1])
    except ValueError:
        raise ReferenceParseError("no 'Data Types' chapter after the last action") from None
    bounds = [*starts, end]
    return {name: lines[bounds[k] + 1 : bounds[k + 1]] for k, name in enumerate(names)}


def _sections(name: str, body: list[str]) -> dict[str, list[str]]:
    # A second request block means the next action's heading was missed.
    if sum(ln.strip() == "Request Syntax" for ln in body) != 1:
        raise ReferenceParseError(f"{name}: expected exactly one 'Request Syntax'")
    found: list[int] = []
    pos = 0
    for heading in _SECTIONS:
        while pos < len(body) and body[pos].strip() != heading:
            pos += 1
        if pos == len(body):
            raise ReferenceParseError(f"{name}: no '{heading}' section")
        found.append(pos)
        pos += 1
    found.append(len(body))
    return {h: body[found[k] + 1 : found[k + 1]] for k, h in enumerate(_SECTIONS)}


@dataclass
class _Syntax:
    method: str
    target: str
    headers: dict[str, str]
    json_keys: list[str]
    raw_body: str | None
    #: The request line ran over several lines, where the PDF may have cut it.
    wrapped: bool


def _request_syntax(name: str, block: list[str]) -> _Syntax:
    idx = next(
        (k for k, ln in enumerate(block) if ln.strip().split(" ", 1)[0] in _METHODS),
        None,
    )
    if idx is None:
        raise ReferenceParseError(f"{name}: no request line in Request Syntax")
    # Long request lines wrap after '?' or '&' (or before HTTP/1.1), and the
    # wrap points carry no space of their own.
    pieces: list[str] = []
    while idx < len(block):
        piece = block[idx].strip()
        idx += 1
        if not piece or piece == _FENCE:
            continue
        pieces.append((" " if piece.startswith("HTTP/") else "") + piece)
        if piece.endswith("HTTP/1.1"):
            break
    else:
        raise ReferenceParseError(f"{name}: request line never reaches HTTP/1.1")
    request = "".join(pieces)
    m = re.fullmatch(r"([A-Z]+) (\S+) HTTP/1\.1", request)
    if not m:
        raise ReferenceParseError(f"{name}: malformed request line {request!r}")

    headers: dict[str, str] = {}
    json_keys: list[str] = []
    raw_body: str | None = None
    in_json = False
    shift = 0
    segment_start = True
    # Where the JSON body crosses a page, the converter closes the open
    # brackets at the page foot and reopens nothing on the next page, so
    # brackets cannot be counted. Indentation survives, except that a page
    # may lose it altogether; such a page starts with a key at column 0,
    # which real JSON never has, and is taken to continue the top level.
    for ln in block[idx:]:
        s = ln.strip()
        if s == _FENCE:
            segment_start = True
            continue
        if not s:
            continue
        if not in_json:
            if s == "{":
                in_json = True
                continue
            hdr = _HEADER.fullmatch(s)
            bare = _NAME.fullmatch(s)
            if hdr:
                headers[hdr.group(1)] = hdr.group(2).strip()
            elif bare:
                # A binary body is shown as the member's name under the headers.
                raw_body = bare.group(1)
            else:
                raise ReferenceParseError(f"{name}: unexpected Request Syntax line {s!r}")
            continue
        if not s.strip("{}[],"):
            continue
        key = _JSON_KEY.match(s)
        if key is None:
            raise ReferenceParseError(f"{name}: unexpected JSON line {s!r}")
        indent = len(ln) - len(ln.lstrip(" "))
        if segment_start:
            shift = 2 if indent == 0 else 0
            segment_start = False
        if indent + shift == 2:
            json_keys.append(key.group(1))
    return _Syntax(m.group(1), m.group(2), headers, json_keys, raw_body, len(pieces) > 1)


def _members(
    name: str, section: str, block: list[str], expected: set[str], *, extra: bool = False
) -> list[Member]:
    """Members of a URI or body section: a name line, prose, then "Required:".

    Prose may carry sub-headings that look like names ("Destinations",
    "Note"), so after a member's name only a "Required:" line or a name the
    Request Syntax shows can start the next member. Optional URI members
    usually have no "Required:" line at all; those count as not required.

    With ``extra``, the request line may have lost members off its end, so a
    name it does not show is taken too, provided it keeps the alphabetical
    order in which the reference lists members.
    """
    members: list[Member] = []
    open_member = False
    prev_blank = True
    for ln in block:
        s = ln.strip()
        m = _NAME.fullmatch(s)
        req = _REQUIRED.fullmatch(s)
        if (
            m
            and prev_blank
            and m.group(1) not in _CALLOUTS
            and (
                not open_member
                or m.group(1) in expected
                or (extra and members and m.group(1).lower() > members[-1].name.lower())
            )
        ):
            members.append(Member(m.group(1), False))
            open_member = True
        elif req:
            if not members or members[-1].stated:
                raise ReferenceParseError(f"{name}: {section}: 'Required:' without a member name")
            members[-1].required = req.group(1) == "Yes"
            members[-1].stated = True
            open_member = False
        prev_blank = not s
    return members


def _errors(name: str, block: list[str]) -> dict[str, int]:
    """Each error is its name line, prose and fields, then "HTTP Status Code:"."""
    errors: dict[str, int] = {}
    current: str | None = None
    for ln in block:
        s = ln.strip()
        status = _STATUS.fullmatch(s)
        if status:
            if current is None:
                raise ReferenceParseError(f"{name}: status code without an error name")
            if current in errors:
                raise ReferenceParseError(f"{name}: error {current} listed twice")
            errors[current] = int(status.group(1))
            current = None
            continue
        m = _NAME.fullmatch(s)
        # Field names (message, Type, retryAfterSeconds) follow the error name
        # and precede its status line; only the first name of an entry counts.
        if m and current is None:
            current = m.group(1)
    if current is not None:
        raise ReferenceParseError(f"{name}: error {current} has no HTTP status code")
    if not errors:
        raise ReferenceParseError(f"{name}: no errors found")
    return errors


def _parse_action(name: str, body: list[str]) -> Action:
    sec = _sections(name, body)
    syntax = _request_syntax(name, sec["Request Syntax"])
    path, _, query_text = syntax.target.partition("?")
    shown = {seg for seg in path.split("/") if seg}
    shown |= {part for pair in query_text.split("&") for part in pair.split("=")}
    shown |= set(syntax.headers.values())
    uri_members = _members(
        name, "URI Request Parameters", sec["URI Request Parameters"], shown, extra=syntax.wrapped
    )
    body_shown = set(syntax.json_keys) | ({syntax.raw_body} if syntax.raw_body else set())
    body_members = _members(name, "Request Body", sec["Request Body"], body_shown)
    documented = {m.name for m in uri_members}
    if len(documented) != len(uri_members):
        raise ReferenceParseError(f"{name}: a URI member is listed twice")

    segments = path.split("/")
    labels: list[str] = []
    for k, seg in enumerate(segments):
        if seg in documented:
            labels.append(seg)
            segments[k] = "{" + seg + "}"
        elif seg[:1].isupper():
            raise ReferenceParseError(f"{name}: path segment {seg!r} is not a documented member")
    uri = "/".join(segments)

    headers: dict[str, str] = {}
    placed = set(labels)
    for header, value in sorted(syntax.headers.items()):
        if value in documented:
            headers[header] = value
            placed.add(value)

    query: dict[str, dict[str, Any]] = {}
    for pair in filter(None, query_text.split("&")):
        key, eq, value = pair.partition("=")
        if not eq:
            # The PDF cuts long lines off; a key without '=' is such a stump.
            continue
        if value in documented:
            query[key] = {"member": value, "in_syntax": True}
            placed.add(value)
        elif key in documented:
            # Value cut off at the page margin; the key names the member.
            query[key] = {"member": key, "in_syntax": True}
            placed.add(key)
        else:
            query[key] = {"value": value, "in_syntax": True}
    unplaced = documented - placed
    if unplaced and not syntax.wrapped:
        raise ReferenceParseError(f"{name}: URI members not in Request Syntax: {sorted(unplaced)}")
    for member in sorted(unplaced):
        # Members whose query pair fell off a truncated request line. The
        # published wire key is lost; the member name stands in for it.
        query[member] = {"member": member, "in_syntax": False}

    if syntax.json_keys:
        # Every JSON body member states "Required:", so one that does not is a
        # sub-heading taken for a member, or a member merged into another.
        unstated = [m.name for m in body_members if not m.stated]
        if unstated:
            raise ReferenceParseError(f"{name}: body members without 'Required:': {unstated}")
        body_kind: str | None = "json"
        listed = [m.name for m in body_members]
        if sorted(listed) != sorted(syntax.json_keys):
            raise ReferenceParseError(
                f"{name}: Request Body members {sorted(listed)} differ from "
                f"the JSON in Request Syntax {sorted(syntax.json_keys)}"
            )
    elif syntax.raw_body is not None:
        body_kind = "binary"
        if [m.name for m in body_members] != [syntax.raw_body]:
            raise ReferenceParseError(f"{name}: binary body member is not {syntax.raw_body}")
    else:
        body_kind = None
        if body_members:
            raise ReferenceParseError(f"{name}: body members without a body in Request Syntax")

    required = [m.name for m in uri_members if m.required]
    required += [m.name for m in body_members if m.required]
    missing_labels = [lb for lb in labels if lb not in required]
    if missing_labels:
        raise ReferenceParseError(f"{name}: path labels not marked required: {missing_labels}")
    members = [m.name for m in uri_members] + [m.name for m in body_members]
    if len(set(members)) != len(members):
        raise ReferenceParseError(f"{name}: a member appears in both URI and body")

    return Action(
        name=name,
        method=syntax.method,
        uri=uri,
        query=query,
        headers=headers,
        body=body_kind,
        members=members,
        required=required,
        errors=_errors(name, sec["Errors"]),
    )


def parse(text: str) -> dict[str, Action]:
    lines = _clean_lines(text)
    chunks = _split_actions(lines)
    actions = {name: _parse_action(name, body) for name, body in chunks.items()}
    if len(actions) < EXPECTED_ACTIONS:
        raise ReferenceParseError(f"found {len(actions)} actions, expected {EXPECTED_ACTIONS}")
    return actions


def render(actions: dict[str, Action]) -> str:
    data = {name: action.to_json() for name, action in actions.items()}
    return json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def _summary(actions: dict[str, Action]) -> str:
    required = sum(len(a.required) for a in actions.values())
    errors = sum(len(a.errors) for a in actions.values())
    members = sum(len(a.members) for a in actions.values())
    recovered = sorted(
        f"{a.name}.{q['member']}"
        for a in actions.values()
        for q in a.query.values()
        if not q["in_syntax"]
    )
    text = (
        f"{len(actions)} actions, {members} request members, {required} required, {errors} errors"
    )
    if recovered:
        text += "\nquery members missing from a truncated request line: " + ", ".join(recovered)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen.reference", description=__doc__)
    parser.add_argument("reference", nargs="?", help="the API Reference as text")
    parser.add_argument(
        "--check", action="store_true", help="fail if actions.json is not up to date"
    )
    args = parser.parse_args(argv)
    source = args.reference or os.environ.get("LAMBDA_API_REFERENCE")
    if not source:
        parser.error("give the reference text path or set LAMBDA_API_REFERENCE")
    try:
        actions = parse(Path(source).read_text(encoding="utf-8"))
    except ReferenceParseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    rendered = render(actions)
    print(_summary(actions))
    if args.check:
        current = ACTIONS_JSON.read_text(encoding="utf-8") if ACTIONS_JSON.exists() else ""
        if current != rendered:
            print(f"{ACTIONS_JSON.name} is out of date", file=sys.stderr)
            return 1
        return 0
    ACTIONS_JSON.parent.mkdir(parents=True, exist_ok=True)
    ACTIONS_JSON.write_text(rendered, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
