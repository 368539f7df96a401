"""Model documentation (HTML fragments) as Markdown docstrings.

The documentation site renders docstrings as Google style with Markdown
(mkdocstrings), and editors show the same text on hover, so the generator
writes exactly that: paragraphs, ``-`` lists, `code`, **bold**, links, and
`!!! note` admonitions for the model's ``<note>`` and ``<important>``.

`to_text` keeps each paragraph or list item on one line; `docstring` wraps
them for the source file without ever starting a line with something
Markdown would read as structure (a list marker, a heading, a quote).
A bare ``<a>Name</a>`` in the model names another operation or shape; it
becomes ``[Name][]`` and `docstring` turns it into a cross-reference when
the name is known (`reference_targets`), or into `Name` otherwise.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Mapping
from html.parser import HTMLParser

from .ir import Service

_WIDTH = 88
#: Stands for a space that wrapping must not break at; never in model text.
_GLUE = "\x00"

_BLOCK_TAGS = frozenset(
    {"p", "div", "ul", "ol", "li", "note", "important", "dl", "dt", "dd", "pre", "br"}
    | {f"h{n}" for n in range(1, 7)}
)
_VOID_TAGS = frozenset({"br", "img", "hr", "wbr"})
_ADMONITIONS = {"note": "!!! note", "important": '!!! warning "Important"'}


class _Node:
    __slots__ = ("attrs", "children", "tag")

    def __init__(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[_Node | str] = []


class _TreeBuilder(HTMLParser):
    """A forgiving tree of the fragment: unclosed tags end with their parent."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in _VOID_TAGS:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _escape(text: str) -> str:
    """Text that Markdown shows as written."""
    text = text.replace("\\", "\\\\")
    text = re.sub(r"([`*\[\]])", r"\\\1", text)
    text = re.sub(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])", r"\\_", text)
    text = re.sub(r"(?<!\S)#", r"\\#", text)
    return re.sub(r"<(?=[A-Za-z/!?])", "&lt;", text)


def _code(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return ""
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _plain(node: _Node | str) -> str:
    if isinstance(node, str):
        return node
    return "".join(_plain(child) for child in node.children)


def _split_space(inner: str) -> tuple[str, str, str]:
    """(leading space, text, trailing space): Markdown wants markers against text."""
    core = inner.strip()
    lead = " " if core and inner[:1].isspace() else ""
    trail = " " if core and inner[-1:].isspace() else ""
    return lead, core, trail


def _wrap_marker(inner: str, marker: str) -> str:
    lead, core, trail = _split_space(inner)
    return f"{lead}{marker}{core}{marker}{trail}" if core else inner


def _inline(node: _Node | str) -> str:
    if isinstance(node, str):
        return _escape(re.sub(r"\s+", " ", node))
    inner = "".join(_inline(child) for child in node.children)
    if node.tag == "code":
        lead, text, trail = _split_space(re.sub(r"\s+", " ", _plain(node)))
        return f"{lead}{_code(text)}{trail}" if text else lead
    if node.tag in ("b", "strong"):
        return _wrap_marker(inner, "**")
    if node.tag in ("i", "em"):
        return _wrap_marker(inner, "*")
    if node.tag == "a":
        lead, text, trail = _split_space(inner)
        href = node.attrs.get("href") or ""
        if text and href.startswith(("http://", "https://")):
            url = f"<{href}>" if re.search(r"[\s()<>]", href) else href
            return f"{lead}[{text}]({url}){trail}"
        name = _plain(node).strip()
        if not href and re.fullmatch(r"[A-Za-z]\w*", name):
            return f"{lead}[{name}][]{trail}"
    return inner


def _indent(lines: list[str], prefix: str) -> list[str]:
    return [prefix + line if line else "" for line in lines]


class _Renderer:
    """Blocks of Markdown lines from a node's children."""

    def blocks(self, node: _Node) -> list[list[str]]:
        out: list[list[str]] = []
        run: list[str] = []

        def flush() -> None:
            text = " ".join("".join(run).split())
            if text:
                out.append([text])
            run.clear()

        for child in node.children:
            if isinstance(child, str) or child.tag not in _BLOCK_TAGS:
                run.append(_inline(child))
                continue
            flush()
            out.extend(self.block(child))
        flush()
        return out

    def block(self, node: _Node) -> list[list[str]]:
        if node.tag in ("ul", "ol"):
            return [self.listing(node)]
        if node.tag in _ADMONITIONS:
            body = self.join(self.blocks(node))
            return [[_ADMONITIONS[node.tag], *_indent(body, "    ")]] if body else []
        if node.tag in ("dt", "h1", "h2", "h3", "h4", "h5", "h6"):
            text = " ".join("".join(_inline(c) for c in node.children).split())
            return [[f"**{text}**"]] if text else []
        if node.tag == "pre":
            code = _plain(node).strip("\n")
            return [["```", *code.split("\n"), "```"]] if code.strip() else []
        return self.blocks(node)

    def listing(self, node: _Node) -> list[str]:
        lines: list[str] = []
        number = 0
        for child in node.children:
            if isinstance(child, str) and not child.strip():
                continue
            item = child if isinstance(child, _Node) and child.tag == "li" else None
            blocks = self.blocks(item) if item is not None else self.blocks(_wrapped(child))
            if not blocks:
                continue
            number += 1
            marker = f"{number}. " if node.tag == "ol" else "- "
            first, *rest = blocks
            lines.append(marker + first[0])
            lines.extend(_indent(first[1:], "    "))
            for block in rest:
                if block[0].startswith(("- ", "1. ")):
                    lines.extend(_indent(block, "    "))
                else:
                    lines.extend(["", *_indent(block, "    ")])
        return lines

    @staticmethod
    def join(blocks: list[list[str]]) -> list[str]:
        lines: list[str] = []
        previous: list[str] = []
        for block in blocks:
            if lines:
                lines.append("")
            if _is_list(previous) and _is_list(block):
                # Markdown would merge two adjacent lists into one.
                lines.extend(["<!-- -->", ""])
            lines.extend(block)
            previous = block
        return lines


def _is_list(block: list[str]) -> bool:
    return bool(block) and re.match(r"(?:- |\d+\. )", block[0]) is not None


def _wrapped(child: _Node | str) -> _Node:
    node = _Node("div", {})
    node.children.append(child)
    return node


def to_text(doc: str | None) -> str:
    """Markdown from a model documentation fragment ("" when absent).

    Paragraphs are separated by blank lines and kept on one line each, as
    are list items; nested lines carry their Markdown indentation.
    """
    if not doc:
        return ""
    builder = _TreeBuilder()
    builder.feed(doc)
    builder.close()
    renderer = _Renderer()
    return "\n".join(renderer.join(renderer.blocks(builder.root)))


def reference_targets(service: Service) -> dict[str, str]:
    """What a bare model name links to: operation name -> client method, shape
    name -> its class under its public path."""
    targets = {op.name: f"lambda_client.LambdaClient.{op.method_name}" for op in service.operations}
    for name in [s.name for s in service.structures] + [e.name for e in service.enums]:
        targets[name] = f"lambda_client.models.{name}"
    for error in service.errors:
        targets[error.name] = f"lambda_client.errors.{error.name}"
    return targets


def link(text: str, targets: Mapping[str, str]) -> str:
    """``[Name][]`` as a cross-reference to its target, or as `Name`."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        target = targets.get(name)
        if target is None:
            return f"`{name}`"
        label = target.rpartition(".")[2]
        return f"[`{label}`][{target}]"

    return re.sub(r"\[([A-Za-z]\w*)\]\[\]", replace, text)


def summary(text: str) -> str:
    """The first plain paragraph (not a list, admonition or heading)."""
    for block in text.split("\n\n"):
        if block and not block.startswith(("!!!", "- ", "**", "1. ", " ")):
            return block
    return ""


def argument(name: str, text: str) -> str:
    """An `Args:` entry; a description that opens with a list or an admonition
    starts on the next line, where Markdown can see it."""
    if text.startswith(("!!!", "- ", "1. ", "```")):
        return f"{name}:\n{text}"
    return f"{name}: {text}"


# A word that would start a Markdown structure if it began a line.
_STRUCTURAL_WORD = re.compile(r" (?=(?:[-+*>=]|\d+[.)]|#+)(?: |$))")
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")


def _glue(line: str) -> str:
    """Spaces wrapping must keep: inside code spans, and before words that
    would read as Markdown structure at the start of a line."""
    line = _CODE_SPAN.sub(lambda m: m.group(0).replace(" ", _GLUE), line)
    return _STRUCTURAL_WORD.sub(_GLUE, line)


def _fill(line: str, width: int) -> list[str]:
    lead = len(line) - len(line.lstrip(" "))
    body = line.lstrip(" ")
    if body.startswith(("!!!", "```")):
        return [line]
    marker = re.match(r"(?:- |\d+\. )", body)
    hang = " " * (lead + (len(marker.group(0)) if marker else 0))
    filled = textwrap.fill(
        _glue(body),
        width=width,
        initial_indent=" " * lead,
        subsequent_indent=hang,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return filled.replace(_GLUE, " ").split("\n")


def docstring(
    text: str,
    indent: int,
    hanging: int | None = None,
    targets: Mapping[str, str] | None = None,
) -> str:
    """A docstring body wrapped for ``indent`` spaces, safe inside triple quotes.

    The first line carries no indent (the template places it); later lines
    are indented by ``hanging`` spaces (default ``indent``), which lets an
    `Args:` entry continue under itself.
    """
    text = text.strip("\n")
    if not text:
        return ""
    text = link(text, targets or {})
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    rest = indent if hanging is None else hanging
    width = max(_WIDTH - rest, 40)
    lines: list[str] = []
    for line in text.split("\n"):
        lines.extend(_fill(line, width) if line.strip() else [""])
    body = "\n".join(lines)
    if body.endswith('"'):
        body += " "
    out = body.split("\n")
    return "\n".join([out[0]] + [(" " * rest + line) if line else "" for line in out[1:]])


def docstring_filter(targets: Mapping[str, str]) -> Callable[..., str]:
    """`docstring` with the service's cross-reference targets bound."""

    def render(text: str, indent: int, hanging: int | None = None) -> str:
        return docstring(text, indent, hanging, targets)

    return render
