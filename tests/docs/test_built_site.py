"""The built documentation site, read as files.

Every public model, enum and error has a page at its public path, method
signatures link the types they take and return, no page shows docstring
markup that was not rendered, nothing is loaded from another host, and the
notebook tour is there with its outputs.
"""

from __future__ import annotations

import enum
import inspect
import json
import re
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest

import lambda_client
from codegen.load import load_model
from codegen.lower import lower
from lambda_client import errors, models

# Sphinx/reST that a docstring may carry and Markdown would show as typed:
# roles (:class:`X`), field lists (:param x:), directives (.. note::) and
# the literal-block marker (text:: or a lone ::).
RAW_RST = re.compile(
    r":(?:class|meth|func|attr|exc|data|mod|obj|py:\w+):"
    r"|:(?:param|type|returns?|rtype|raises?|ivar|cvar|var)\b[^:\n]*:"
    r"|\.\. [a-z-]+::"
    r"|::(?=\s|$)"
)
# Markdown that did not render: emphasis or code markers, reference links,
# admonition openers left as text.
RAW_MARKDOWN = re.compile(r"\*\*|`|\]\[|\]\(|^\s*!!!", re.MULTILINE)


class _Text(HTMLParser):
    """Visible text of a page outside code: code spans and blocks may quote
    markup on purpose (the design notes do), and scripts and styles are not
    shown."""

    _SKIP = frozenset({"pre", "code", "script", "style", "svg"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.prose: list[str] = []
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("br", "img", "hr", "input", "meta", "link", "wbr"):
            self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not self._SKIP & set(self._stack):
            self.prose.append(data)


def _text(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser


def _pages(site: Path) -> Iterator[Path]:
    yield from sorted(site.rglob("*.html"))


def _expected_pages() -> dict[str, list[str]]:
    """Public classes per kind of page, from the package's own exports."""
    pages: dict[str, list[str]] = {"models": [], "enums": [], "errors": []}
    for name in models.__all__:
        obj = getattr(models, name)
        if inspect.isclass(obj):
            pages["enums" if issubclass(obj, enum.Enum) else "models"].append(name)
    for name in errors.__all__:
        obj = getattr(errors, name)
        if inspect.isclass(obj) and issubclass(obj, BaseException):
            pages["errors"].append(name)
    return pages


def test_every_model_enum_and_error_has_its_page(site: Path) -> None:
    service = lower(load_model())
    expected = _expected_pages()
    # The exports cover the whole model: nothing is missing from the count.
    assert len(expected["models"]) == len(service.structures)
    assert len(expected["enums"]) == len(service.enums)
    assert {e.name for e in service.errors} <= set(expected["errors"])
    assert len(expected["errors"]) > len(service.errors)  # plus the hand-written tree
    missing = []
    for kind, names in expected.items():
        module = "errors" if kind == "errors" else "models"
        for name in names:
            page = site / "reference" / kind / name / "index.html"
            html = page.read_text(encoding="utf-8") if page.is_file() else ""
            if not (
                f'<h1 id="lambda_client.{module}.{name}"' in html
                and f"<title>{name} - lambda_client</title>" in html
            ):
                missing.append(f"{kind}/{name}")
    assert missing == []


def test_index_pages_link_every_page(site: Path) -> None:
    for kind, names in _expected_pages().items():
        html = (site / "reference" / kind / "index.html").read_text(encoding="utf-8")
        linked = set(re.findall(rf'href="(?:\.\./{kind}/)?(\w+)/"', html))
        assert set(names) <= linked, sorted(set(names) - linked)[:5]


def _method_sections(html: str) -> dict[str, str]:
    """Method name -> its signature block, on a client reference page."""
    sections = {}
    for match in re.finditer(
        r'<h2 id="lambda_client\.(?:Blocking)?LambdaClient\.(\w+)".*?'
        r'<div class="[^"]*doc-signature[^"]*">(.*?)</div>',
        html,
        flags=re.S,
    ):
        sections[match.group(1)] = match.group(2)
    return sections


@pytest.mark.parametrize(
    ("page", "cls"),
    [("client", lambda_client.LambdaClient), ("blocking", lambda_client.BlockingLambdaClient)],
)
def test_signatures_link_the_models_they_take_and_return(site: Path, page: str, cls: type) -> None:
    html = (site / "reference" / page / "index.html").read_text(encoding="utf-8")
    sections = _method_sections(html)
    pages = _expected_pages()
    kinds = {name: kind for kind, names in pages.items() for name in names}
    checked, unlinked = 0, []
    for name, method in inspect.getmembers(cls, inspect.isfunction):
        if name.startswith("_") or name not in sections:
            continue
        signature = inspect.signature(method)
        annotations = [str(signature.return_annotation)]
        annotations += [str(p.annotation) for p in signature.parameters.values()]
        for annotation in annotations:
            for type_name in set(re.findall(r"\b[A-Z]\w+\b", annotation)) & set(kinds):
                kind = kinds[type_name]
                module = "errors" if kind == "errors" else "models"
                link = f'href="../{kind}/{type_name}/#lambda_client.{module}.{type_name}"'
                checked += 1
                if link not in sections[name]:
                    unlinked.append(f"{name}: {type_name}")
    assert unlinked == []
    assert checked > 150  # every operation's request members and response


def _signature(html: str, identifier: str) -> str | None:
    """The rendered signature of one object's entry, as text."""
    start = html.index(f'id="{identifier}"')
    end = html.find("<h", start + 1)
    match = re.search(r'<div class="[^"]*doc-signature[^"]*">(.*?)</div>', html[start:end], re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", "", match.group(1))).split()) if match else None


@pytest.mark.parametrize("cls", [lambda_client.ClientConfig, lambda_client.Credentials])
def test_every_setting_is_on_the_config_page_with_its_default(site: Path, cls: type) -> None:
    """Each attrs field has its entry, showing its default (not the field() call)."""
    html = (site / "reference" / "config" / "index.html").read_text(encoding="utf-8")
    assert "field(" not in html and "_positive" not in html
    missing, wrong = [], []
    for field in attrs.fields(cls):
        identifier = f"lambda_client.{cls.__name__}.{field.name}"
        if f'id="{identifier}"' not in html:
            missing.append(field.name)
            continue
        # "name: type = default"; no value for a required field.
        shown = _signature(html, identifier)
        annotation = field.type if isinstance(field.type, str) else str(field.type)
        expected = f"{field.name}: {annotation}"
        if field.default is not attrs.NOTHING:
            expected += f" = {field.default!r}"
        if shown != expected:
            wrong.append(f"{shown!r} (expected {expected!r})")
    assert missing == [] and wrong == []


def test_function_url_options_and_response_attributes_are_documented(site: Path) -> None:
    """Each request keyword and response attribute has its entry; those set
    in __init__ show their type and no value (the expression they are
    computed from means nothing to a reader)."""
    from lambda_client.function_url import RequestOptions

    html = (site / "reference" / "function-urls" / "index.html").read_text(encoding="utf-8")
    names = [
        f"lambda_client.function_url.RequestOptions.{k}" for k in RequestOptions.__annotations__
    ]
    assert [n for n in names if f'id="{n}"' not in html] == []
    shown = {
        name: _signature(html, f"lambda_client.FunctionUrlResponse.{name}")
        if f'id="lambda_client.FunctionUrlResponse.{name}"' in html
        else None
        for name in ("status", "headers", "method", "url", "attempts")
    }
    assert shown == {
        "status": "status: int",
        "headers": "headers: CIMultiDictProxy[str]",
        "method": "method: str",
        "url": "url: str",
        "attempts": "attempts: int",
    }


def test_stub_attributes_are_documented(site: Path) -> None:
    html = (site / "reference" / "testing" / "index.html").read_text(encoding="utf-8")
    shown = {
        name: _signature(html, f"lambda_client.testing.{name}")
        if f'id="lambda_client.testing.{name}"' in html
        else None
        for name in (
            "StubCall.operation",
            "StubCall.request",
            "StubCall.http",
            "LambdaStub.clock",
            "LambdaStub.calls",
            "VirtualClock.slept",
        )
    }
    assert shown == {
        "StubCall.operation": "operation: str | None",
        "StubCall.request": "request: Any",
        "StubCall.http": "http: HttpRequest",
        "LambdaStub.clock": "clock: VirtualClock",
        "LambdaStub.calls": "calls: list[StubCall]",
        "VirtualClock.slept": "slept: list[float]",
    }


def test_get_function_documents_its_errors_with_links(site: Path) -> None:
    html = (site / "reference" / "client" / "index.html").read_text(encoding="utf-8")
    start = html.index('id="lambda_client.LambdaClient.get_function"')
    section = html[start : html.index('class="doc doc-heading"', start + 100)]
    assert 'href="../errors/ResourceNotFoundException/' in section
    assert 'href="../errors/TooManyRequestsException/' in section
    assert (
        'href="../models/GetFunctionResponse/#lambda_client.models.GetFunctionResponse"' in section
    )


def test_no_page_shows_raw_docstring_markup(site: Path) -> None:
    found = []
    for path in _pages(site):
        text = _text(path.read_text(encoding="utf-8"))
        prose = "".join(text.prose)
        for pattern in (RAW_RST, RAW_MARKDOWN):
            for match in pattern.finditer(prose):
                context = prose[max(match.start() - 40, 0) : match.end() + 40]
                found.append(f"{path.relative_to(site)}: {context!r}")
    assert found == [], found[:10]


def test_raw_markup_check_sees_what_it_looks_for() -> None:
    """The patterns above catch the constructs the old docstrings had."""
    samples = [
        "see :class:`~lambda_client.LambdaClient` for",
        "see :class:~lambda_client.LambdaClient for",  # the role once rendered
        ":param function_name: The name",
        "a sequence of binary frames::\n",
        "   ::\n",
        ".. note:: careful",
        ":returns: the response",
    ]
    for sample in samples:
        assert RAW_RST.search(sample), sample
    for sample in ["**Name formats**", "[`invoke`][lambda_client.LambdaClient.invoke]", "!!! note"]:
        assert RAW_MARKDOWN.search(sample), sample
    for fine in ["arn:aws:iam::123456789012:role/x", "Type: str", "the ratio 1:2"]:
        assert not RAW_RST.search(fine), fine


def test_nothing_is_loaded_from_another_host(site: Path) -> None:
    external = re.compile(
        r'<(?:script|img|iframe)[^>]+src="(?:https?:)?//|<link[^>]+href="(?:https?:)?//'
    )
    offenders = [
        f"{path.relative_to(site)}: {m.group(0)}"
        for path in _pages(site)
        for m in external.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_code_blocks_are_highlighted_by_pygments(site: Path) -> None:
    html = (site / "guides" / "notebook" / "index.html").read_text(encoding="utf-8")
    assert '<span class="kn">import</span>' in html
    assert '<div class="language-python highlight">' in html


def test_the_executed_tour_is_on_the_site(site: Path) -> None:
    html = (site / "guides" / "notebook" / "index.html").read_text(encoding="utf-8")
    assert "ResourceNotFoundException 404" in html
    assert "memory_size: value 64 is below the minimum of 128" in html
    assert "<b>FunctionConfiguration</b>" in html
    assert re.search(r'<table[^>]*class="dataframe"', html)
    for name in ("orders", "billing", "search"):
        assert f"<td>{name}</td>" in html
    # The tour sets a secret environment variable: no output may show it.
    outputs_html = re.sub(r'<div class="language-python highlight">.*?</div>', "", html, flags=re.S)
    assert "not-shown" in html and "not-shown" not in outputs_html
    notebook = json.loads((site / "tour.ipynb").read_text(encoding="utf-8"))
    outputs = [o for c in notebook["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    assert outputs and not [o for o in outputs if o["output_type"] == "error"]
    assert "not-shown" not in json.dumps(outputs)
