"""Model documentation becomes Markdown docstrings that the site renders as meant.

The renderer is the one the documentation site uses (Python-Markdown with
the admonition extension), so these tests see what a reader sees.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator

import markdown
import pytest

from codegen import docs
from codegen.load import load_model
from codegen.lower import lower

RAW = load_model()


def _render(text: str) -> str:
    return markdown.markdown(text, extensions=["admonition"])


def _model_docs() -> Iterator[str]:
    service = RAW.service
    for op in service["operations"].values():
        yield op.get("documentation", "")
    for shape in service["shapes"].values():
        yield shape.get("documentation", "")
        for member in shape.get("members", {}).values():
            yield member.get("documentation", "")


def _count(pattern: str, html: str) -> int:
    return len(re.findall(pattern, html))


def test_inline_markup() -> None:
    text = docs.to_text(
        "<p>Use <code>GetFunction</code> with <b>care</b>, <i>really</i>; see "
        '<a href="https://example.com/a">the guide</a>.</p>'
    )
    assert (
        text == "Use `GetFunction` with **care**, *really*; see [the guide](https://example.com/a)."
    )


def test_whitespace_inside_markers_moves_outside() -> None:
    assert docs.to_text("<p>a<b> bold </b>b <code> x </code>c</p>") == "a **bold** b `x` c"


def test_paragraphs_lists_and_nesting() -> None:
    text = docs.to_text(
        "<p>One.</p> <p>Two:</p><ul><li><p>first</p></li>"
        "<li>second<ul><li>inner</li></ul></li></ul><ol><li>a</li><li>b</li></ol>"
    )
    assert text == "One.\n\nTwo:\n\n- first\n- second\n    - inner\n\n<!-- -->\n\n1. a\n2. b"
    html = _render(text)
    assert _count("<li>", html) == 5 and _count("<ul>", html) == 2 and _count("<ol>", html) == 1


def test_notes_become_admonitions() -> None:
    text = docs.to_text("<p>Intro.</p><note><p>Careful.</p></note><important>Really.</important>")
    assert text == 'Intro.\n\n!!! note\n    Careful.\n\n!!! warning "Important"\n    Really.'
    html = _render(text)
    assert 'class="admonition note"' in html and 'class="admonition warning"' in html


def test_text_that_looks_like_markdown_is_escaped() -> None:
    text = docs.to_text("<p>a*b _c_ #d &lt;e&gt; x86_64 [f]</p>")
    html = _render(text)
    assert "<em>" not in html and "<h1>" not in html
    assert re.sub(r"<[^>]+>", "", html).strip() == "a*b _c_ #d &lt;e&gt; x86_64 [f]"


def test_bare_anchor_links_to_operation_or_shape() -> None:
    text = docs.to_text("<p>See <a>GetFunction</a>, <a>FunctionConfiguration</a>, <a>Nope</a>.</p>")
    assert text == "See [GetFunction][], [FunctionConfiguration][], [Nope][]."
    targets = docs.reference_targets(lower(RAW))
    assert docs.link(text, targets) == (
        "See [`get_function`][lambda_client.LambdaClient.get_function], "
        "[`FunctionConfiguration`][lambda_client.models.FunctionConfiguration], `Nope`."
    )


def test_reference_targets_cover_operations_shapes_and_errors() -> None:
    targets = docs.reference_targets(lower(RAW))
    assert targets["Invoke"] == "lambda_client.LambdaClient.invoke"
    assert targets["Runtime"] == "lambda_client.models.Runtime"
    assert targets["TooManyRequestsException"] == "lambda_client.errors.TooManyRequestsException"


@pytest.mark.parametrize("indent", [0, 24, 41, 58])
def test_wrapping_never_starts_a_line_with_markdown_structure(indent: int) -> None:
    words = ["the", "value", "-", "1.", "shown", "+", "or", "=", "and", ">", "also", "2)"]
    words += ["done", "#", "here", "*", "there", "-x"]
    paragraph = " ".join(words[i % len(words)] for i in range(200))
    wrapped = docs.docstring(paragraph, indent=indent)
    lines = [line.strip() for line in wrapped.split("\n")]
    assert len(lines) > 5
    starts = [ln for ln in lines if re.match(r"([-+*>=]|\d+[.)]|#+)( |$)", ln)]
    assert starts == [], starts[:3]


def test_code_spans_are_not_broken_across_lines() -> None:
    text = "word " * 15 + "`a long code span with spaces` " + "word " * 15
    wrapped = docs.docstring(text.strip(), indent=40)
    assert "`a long code span with spaces`" in wrapped


def test_argument_whose_description_opens_with_a_list() -> None:
    assert docs.argument("x", "- a\n- b") == "x:\n- a\n- b"
    assert docs.argument("x", "Plain.") == "x: Plain."


def test_summary_skips_admonitions() -> None:
    assert docs.summary("!!! note\n    Careful.\n\nThe summary.\n\nMore.") == "The summary."


def test_every_model_document_renders_with_its_structure_intact() -> None:
    """Lists, code, links and bold text of the model reach the page as such,
    and nothing meant as markup shows as text."""
    problems = []
    for doc in _model_docs():
        if not doc:
            continue
        wrapped = docs.docstring(docs.to_text(doc), indent=12, hanging=12)
        html = _render(textwrap.dedent("            " + wrapped))
        text = re.sub(r"<code>.*?</code>", "", html, flags=re.S)
        text = re.sub(r"<[^>]+>", "", text)
        expected = {
            "li": _count(r"<li>(?!\s*</li>)", doc),
            # A bare <a>Name</a> is shown as code when it is not a cross-reference.
            "code": _count(r"<code>(?!\s*</code>)", doc) + _count(r"<a>\w+</a>", doc),
            "link": _count(r'<a href="https?://[^"]+">(?!\s*</a>)', doc),
        }
        found = {
            "li": _count("<li>", html),
            "code": _count("<code>", html),
            "link": _count(r'<a href="https?://', html),
        }
        leftovers = re.findall(r"\*\*|`|\]\[|\]\(|^!!!|^\s*- ", text, flags=re.M)
        if expected != found or leftovers:
            problems.append((doc[:120], expected, found, leftovers[:3]))
    assert problems == []
