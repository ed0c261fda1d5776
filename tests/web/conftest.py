"""The browser tests' fixtures: Debian's Chromium, the built site and its local server, one
headless browser for the whole session, and pages opened with the network cut off."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from web.site_support import (
    BUILD_INPUTS,
    CHROMIUM_ARGS,
    MATH_JS,
    ROOT,
    SITE,
    TIMEOUT_MS,
    Watch,
    is_local,
    page_sources,
    require,
    serve,
    site_is_fresh,
    toc_pages,
)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium binary, checked before anything else is prepared."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    require(Path(path).is_file(), f"Chromium ({path})",
            "Debian: apt-get install chromium chromium-driver")
    return path


@pytest.fixture(scope="session")
def site(chromium: str) -> Path:
    """The built site, reused when fresh, else built with ``make book``."""
    sources = page_sources(toc_pages()) + [ROOT / name for name in BUILD_INPUTS]
    if not site_is_fresh(SITE, sources):
        built = subprocess.run(["make", "book"], cwd=ROOT, capture_output=True, text=True,
                               timeout=1800)
        assert built.returncode == 0, f"make book failed:\n{(built.stdout + built.stderr)[-4000:]}"
    assert (SITE / "index.html").is_file()
    return SITE


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:
    """The site served over HTTP on a free localhost port; yields its URL."""
    with serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - requirements.txt installs it
        require(False, "Playwright", "pip install -r requirements.txt")
        raise
    with sync_playwright() as playwright:
        chrome = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS,
                                            timeout=60_000)
        yield chrome
        chrome.close()



@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., tuple[Any, Watch]]]:
    """A function that opens a URL in a fresh context with the network cut off.

    Every request that is not local is aborted and recorded; console errors, uncaught
    exceptions, failed requests and HTTP errors are recorded too. Returns the page and its
    :class:`Watch`, once the page (or the page it forwards to, ``lands_on``, a URL pattern)
    has loaded, its math is typeset and the network is idle.
    """
    contexts = []

    def _open(url: str, lands_on: str | None = None) -> tuple[Any, Watch]:
        watch = Watch()
        context = browser.new_context(service_workers="block",
                                      viewport={"width": 1280, "height": 900})
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)

        def route(route: Any) -> None:
            if is_local(route.request.url):
                route.continue_()
            else:
                watch.external_requests.append(route.request.url)
                route.abort("internetdisconnected")

        def console(message: Any) -> None:
            if message.type == "error":
                where = message.location.get("url", "")
                watch.console_errors.append(f"{message.text} ({where})")

        def response(response: Any) -> None:
            if response.status >= 400:
                watch.failed_requests.append(f"{response.url}: HTTP {response.status}")

        context.route("**/*", route)
        page = context.new_page()
        page.on("console", console)
        page.on("response", response)
        page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
        page.on("request", lambda request: watch.requests.append(request.url))
        page.on("requestfailed", lambda request: watch.failed_requests.append(
            f"{request.url}: {request.failure}"))
        page.goto(url, wait_until="load")
        if lands_on:
            page.wait_for_url(lands_on, wait_until="load")
        page.evaluate(MATH_JS)
        page.wait_for_load_state("networkidle")
        return page, watch

    yield _open
    for context in contexts:
        context.close()
