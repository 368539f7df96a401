"""The documentation site, built once per session and served on 127.0.0.1.

`LAMBDA_CLIENT_DOCS_SITE` names an already built site (`make test` builds
it strictly just before the tests); without it the session builds one with
`mkdocs build --strict` into a temporary directory. The browser is the
system's Chromium (Debian's `chromium` package), driven by Playwright, which
never downloads a browser of its own; CI installs the package (`.ci/run`).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("LAMBDA_CLIENT_DOCS_SITE")
    if given:
        path = Path(given).resolve()
        assert (path / "index.html").is_file(), (
            f"LAMBDA_CLIENT_DOCS_SITE={given} holds no built site"
        )
        return path
    path = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(path)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, (
        f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    )
    return path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    """The site served over HTTP (search needs it: it loads its index with fetch)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=site))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Module scope: Playwright's sync API runs its own event loop on this
    # thread while it is open, which the asyncio tests that follow must not
    # find there.
    executable = _chromium()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing; .ci/run installs Debian's chromium package")
        pytest.skip("no Chromium on this machine (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh browser context whose requests may only go to the local server;
    anything else is refused and listed in ``page.foreign_requests``."""
    context = browser.new_context()
    foreign: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith((base_url, "data:", "blob:")):
            request_route.continue_()
        else:
            foreign.append(url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.foreign_requests = foreign
    try:
        yield page
    finally:
        context.close()
