"""The documentation site in a real browser (headless Chromium), served from
127.0.0.1 with every request to another host refused and recorded.

What is asserted is what a reader gets: the rendered text, links that lead
where they say, search results, highlighted code, the executed tour.
"""

from __future__ import annotations

import re
from typing import Any

from tests.docs.test_built_site import RAW_MARKDOWN, RAW_RST


def _signature_link(page: Any, method: str, type_name: str) -> Any:
    return page.locator(
        f"xpath=//h2[@id='lambda_client.LambdaClient.{method}']"
        "/following-sibling::div[contains(@class, 'doc-signature')][1]"
        f"//a[normalize-space()='{type_name}']"
    )


def test_get_function_links_to_its_response_model(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}reference/client/#lambda_client.LambdaClient.get_function")
    link = _signature_link(page, "get_function", "GetFunctionResponse")
    link.click()
    page.wait_for_url(re.compile(r"/reference/models/GetFunctionResponse/"))
    heading = page.locator("h1").first
    assert heading.get_attribute("id") == "lambda_client.models.GetFunctionResponse"
    assert "GetFunctionResponse" in heading.inner_text()

    # From the response to the configuration it holds, and on to an enum.
    page.locator("article a", has_text=re.compile(r"^FunctionConfiguration$")).first.click()
    page.wait_for_url(re.compile(r"/reference/models/FunctionConfiguration/"))
    body = page.locator("article").inner_text()
    assert "function_name" in body and "memory_size" in body
    page.locator("article a", has_text=re.compile(r"^Runtime$")).first.click()
    page.wait_for_url(re.compile(r"/reference/enums/Runtime/"))
    assert "python3.12" in page.locator("article").inner_text()
    assert page.foreign_requests == []


def test_errors_of_an_operation_lead_to_their_pages(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}reference/client/#lambda_client.LambdaClient.get_function")
    section = page.locator(
        "xpath=//h2[@id='lambda_client.LambdaClient.get_function']"
        "/following-sibling::div[contains(@class, 'doc-contents')][1]"
    )
    section.locator("a", has_text=re.compile(r"^TooManyRequestsException$")).first.click()
    page.wait_for_url(re.compile(r"/reference/errors/TooManyRequestsException/"))
    text = page.locator("article").inner_text()
    assert "retry_after_seconds" in text and "429" in text
    assert page.foreign_requests == []


def test_rendered_pages_show_no_raw_markup(page: Any, base_url: str) -> None:
    paths = [
        "reference/client/",
        "reference/blocking/",
        "reference/config/",
        "reference/models/",
        "reference/models/CreateFunctionRequest/",
        "reference/errors/",
        "reference/errors/LambdaClientError/",
        "guides/notebook/",
    ]
    found = []
    for path in paths:
        page.goto(base_url + path)
        # Prose only: code blocks legitimately hold ``::`` (ARNs) and backticks.
        prose = page.evaluate(
            """() => {
                const article = document.querySelector("article").cloneNode(true);
                article.querySelectorAll("pre, code").forEach((e) => e.remove());
                return article.innerText;
            }"""
        )
        for pattern in (RAW_RST, RAW_MARKDOWN):
            found += [f"{path}: {m.group(0)!r}" for m in pattern.finditer(prose)]
    assert found == []
    assert page.foreign_requests == []


def test_search_finds_a_model_when_served(page: Any, base_url: str) -> None:
    page.goto(base_url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").fill("FunctionConfiguration")
    result = page.locator(
        "a.md-search-result__link[href*='reference/models/FunctionConfiguration/']"
    )
    result.first.wait_for()
    result.first.click()
    page.wait_for_url(re.compile(r"/reference/models/FunctionConfiguration/"))
    assert page.foreign_requests == []


def test_code_is_highlighted_without_the_network(page: Any, base_url: str) -> None:
    page.goto(base_url + "guides/notebook/")
    colours = page.evaluate(
        """() => {
            const colour = (token) => getComputedStyle(
                document.querySelector(`div.language-python.highlight .${token}`)
            ).color;
            return {keyword: colour("kn"), name: colour("n"), string: colour("s2")};
        }"""
    )
    assert len(set(colours.values())) == 3, colours
    assert page.foreign_requests == []


def test_the_executed_tour_shows_its_outputs(page: Any, base_url: str) -> None:
    page.goto(base_url + "guides/notebook/")
    frame = page.locator("table.dataframe")
    assert frame.is_visible()
    cells = frame.locator("td").all_inner_texts()
    assert {"orders", "billing", "search"} <= set(cells)
    caption = page.locator(".notebook-output caption", has_text="FunctionConfiguration").first
    assert caption.is_visible()
    text = page.locator("article").inner_text()
    assert "ResourceNotFoundException 404" in text
    assert page.foreign_requests == []
