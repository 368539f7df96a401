"""Model documentation (HTML fragments) as plain-text docstrings."""

from __future__ import annotations

import html
import re
import textwrap
from html.parser import HTMLParser

_WIDTH = 88


class _TextBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.list_depth = 0
        self.href: str | None = None

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.current)).strip()
        if text:
            indent = "  " * max(self.list_depth - 1, 0)
            self.blocks.append(indent + text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "note", "important", "ul", "ol", "dl", "dt", "dd", "br", "h1", "h2", "h3"):
            self._flush()
        if tag in ("ul", "ol"):
            self.list_depth += 1
        elif tag == "li":
            self._flush()
            self.current.append("- ")
        elif tag == "code":
            self.current.append("``")
        elif tag == "a":
            self.href = dict(attrs).get("href")
        if tag == "note":
            self.current.append("Note: ")
        elif tag == "important":
            self.current.append("Important: ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "code":
            self.current.append("``")
        elif tag == "a":
            if self.href and self.href.startswith("http"):
                self.current.append(f" ({self.href})")
            self.href = None
        elif tag in ("ul", "ol"):
            self._flush()
            self.list_depth = max(self.list_depth - 1, 0)
        if tag in ("p", "li", "note", "important", "dt", "dd", "h1", "h2", "h3"):
            self._flush()

    def handle_data(self, data: str) -> None:
        self.current.append(data)

    def text(self) -> str:
        self._flush()
        return "\n\n".join(self.blocks)


def to_text(doc: str | None) -> str:
    """Plain text from a model documentation fragment ("" when absent)."""
    if not doc:
        return ""
    builder = _TextBuilder()
    builder.feed(doc)
    builder.close()
    text = builder.text().replace("`` ``", " ").replace("````", "")
    return html.unescape(text)


def docstring(text: str, indent: int, hanging: int | None = None) -> str:
    """A docstring body wrapped for ``indent`` spaces, safe inside triple quotes.

    The first line carries no indent (the template places it); later lines
    are indented by ``hanging`` spaces (default ``indent``), which lets a
    ``:param x:`` entry continue under itself.
    """
    if not text:
        return ""
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    rest = indent if hanging is None else hanging
    width = max(_WIDTH - rest, 40)
    paragraphs = []
    for block in text.split("\n\n"):
        lead = len(block) - len(block.lstrip(" "))
        bullet = "  " if block.lstrip().startswith("- ") else ""
        paragraphs.append(
            textwrap.fill(
                block.strip(),
                width=width,
                initial_indent=" " * lead,
                subsequent_indent=" " * lead + bullet,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    body = "\n\n".join(paragraphs)
    if body.endswith('"'):
        body += " "
    lines = body.split("\n")
    return "\n".join([lines[0]] + [(" " * rest + line) if line else "" for line in lines[1:]])
