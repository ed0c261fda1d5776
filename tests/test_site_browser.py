"""The built site in a real browser: headless Chromium, pages served from localhost, no network.

What a reader sees is checked where a reader sees it:

- every page of the table of contents (``_toc.yml``) loads with no console error, no uncaught
  exception and no failed request, every ``<img>`` has decoded (``naturalWidth > 0``) and its
  math is typeset by the vendored MathJax;
- nothing is fetched from another host: every request that is not to the local server is
  blocked and recorded (and Chromium cannot resolve any other host name), and pages opened
  straight from disk (``file://``) load nothing but local files;
- on the static page, moving one slider of one explorer changes the explorer's figure;
- the search page finds a chapter.

Screenshots of the landing page and of one explorer (before and after the slider moves) go to
``_build/screenshots/`` (git-ignored), to look at.

The site is ``_build/html`` when it is newer than every source it is built from (``.ci/run``
builds it with ``make book`` before ``make test``); otherwise this module runs ``make book``.
Chromium is Debian's (``chromium``, ``chromium-driver``; ``$CHROMIUM`` names another binary),
driven by Playwright, which never downloads a browser of its own here. Without Chromium the
module is skipped, except in CI (``$CI`` set), where it fails.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
#: Files the site is built from besides the pages themselves.
BUILD_INPUTS = ("_config.yml", "_toc.yml", "course_utils/offline_site.py",
                "_vendor/mathjax/tex-mml-chtml.js")
LOCAL_HOSTS = ("127.0.0.1", "localhost")
LOCAL_SCHEMES = ("file", "data", "blob", "about")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-default-apps", "--disable-extensions",
    # No name but the local server's resolves: the browser itself has no network.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
#: Milliseconds any single wait may take before the test fails.
TIMEOUT_MS = 30_000

# Resolves when every <img> on the page has loaded or failed (lazy ones are made eager), then
# returns the sources of the images that did not decode.
BROKEN_IMAGES_JS = """async () => {
  const images = Array.from(document.images);
  images.forEach(image => { image.loading = "eager"; });
  const settled = image => image.complete ? null : new Promise(done => {
    image.addEventListener("load", done); image.addEventListener("error", done); });
  const timeout = new Promise(done => setTimeout(done, 20000));
  await Promise.race([Promise.all(images.map(settled)), timeout]);
  return images.filter(image => !(image.complete && image.naturalWidth > 0))
               .map(image => image.currentSrc || image.src);
}"""
# Waits for MathJax to typeset the page; counts math blocks, typeset blocks and MathJax errors.
MATH_JS = """async () => {
  const math = document.querySelectorAll(".math").length;
  const loaded = Boolean(window.MathJax && MathJax.startup && MathJax.startup.promise);
  if (math && loaded) { await MathJax.startup.promise; }
  return {math, loaded, typeset: document.querySelectorAll("mjx-container").length,
          errors: document.querySelectorAll("mjx-merror").length};
}"""


def in_ci() -> bool:
    """Return whether this run is CI's (``$CI`` set to anything but ``0``/``false``)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def toc_pages(toc: Path = ROOT / "_toc.yml") -> list[str]:
    """Return every document of a jupyter-book table of contents, root first, in book order."""
    data = yaml.safe_load(toc.read_text())
    pages = [data["root"]]

    def walk(entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            if "file" in entry:
                pages.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key, []))

    walk([data])
    return pages


def page_sources(pages: list[str], root: Path = ROOT) -> list[Path]:
    """Return the source file of each page (``intro`` -> ``intro.md``, chapters' notebooks)."""
    sources = []
    for page in pages:
        found = sorted(root.glob(page + ".*"))
        assert found, f"no source for {page!r} of _toc.yml"
        sources.extend(found)
    return sources


def site_is_fresh(site: Path, sources: list[Path]) -> bool:
    """Return whether ``site`` was built (``.buildinfo`` written) after every source changed."""
    stamp = site / ".buildinfo"
    if not stamp.is_file() or not all(source.exists() for source in sources):
        return False
    return stamp.stat().st_mtime >= max(source.stat().st_mtime for source in sources)


def require(available: bool, what: str, how: str) -> None:
    """Skip the module when ``what`` is missing outside CI; in CI, fail it."""
    if available:
        return
    message = f"{what} is needed for the browser test ({how})"
    if in_ci():
        pytest.fail(message + "; CI must run it", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def chromium() -> str:
    """The Chromium binary, checked before anything else is prepared."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    require(Path(path).is_file(), f"Chromium ({path})",
            "Debian: apt-get install chromium chromium-driver")
    return path


@pytest.fixture(scope="module")
def site(chromium: str) -> Path:
    """The built site, reused when fresh, else built with ``make book``."""
    sources = page_sources(toc_pages()) + [ROOT / name for name in BUILD_INPUTS]
    if not site_is_fresh(SITE, sources):
        built = subprocess.run(["make", "book"], cwd=ROOT, capture_output=True, text=True,
                               timeout=1800)
        assert built.returncode == 0, f"make book failed:\n{(built.stdout + built.stderr)[-4000:]}"
    assert (SITE / "index.html").is_file()
    return SITE


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test's output free of one line per request."""


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """The site served over HTTP on a free localhost port, from a thread; yields its URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
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


@dataclass
class Watch:
    """What went wrong while a page was open: console errors, exceptions, failed requests."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def problems(self) -> dict[str, list[str]]:
        """Return the non-empty lists of problems, by kind (empty when the page is clean)."""
        kinds = {"console errors": self.console_errors, "uncaught errors": self.page_errors,
                 "failed requests": self.failed_requests,
                 "requests to other hosts": self.external_requests}
        return {kind: items for kind, items in kinds.items() if items}


def is_local(url: str) -> bool:
    """Return whether a request for ``url`` stays on this machine (local server or disk)."""
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS


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


def assert_clean(page: Any, watch: Watch) -> None:
    """Assert a loaded page had no problems, all its images decoded and its math typeset."""
    assert watch.problems() == {}, f"{page.url}: {watch.problems()}"
    assert page.evaluate(BROKEN_IMAGES_JS) == [], f"{page.url}: images that did not load"
    math = page.evaluate(MATH_JS)
    if math["math"]:
        assert math["loaded"], f"{page.url}: MathJax did not load"
        assert math["typeset"] >= math["math"] and not math["errors"], f"{page.url}: {math}"


@pytest.mark.parametrize("page_name", toc_pages())
def test_every_page_loads_cleanly_with_the_network_off(page_name: str, server: str,
                                                       open_page: Callable) -> None:
    page, watch = open_page(server + page_name + ".html")
    assert page.title(), f"{page_name} has no title"
    assert_clean(page, watch)
    assert watch.requests and all(is_local(url) for url in watch.requests)


def test_the_landing_page_opens_the_book(server: str, open_page: Callable) -> None:
    # index.html forwards to the root page of the table of contents.
    page, watch = open_page(server, lands_on=f"**/{toc_pages()[0]}.html")
    assert "Seeing with Convnets" in page.title()
    assert_clean(page, watch)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "landing.png")
    assert (SCREENSHOTS / "landing.png").stat().st_size > 10_000


def test_the_search_page_finds_a_chapter(server: str, open_page: Callable) -> None:
    page, watch = open_page(server + "search.html?q=Gabor")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for()
    assert any("Gabor" in text for text in results.all_inner_texts())
    assert watch.problems() == {}, watch.problems()


def test_pages_opened_from_disk_load_only_local_files(site: Path, open_page: Callable) -> None:
    with_math = [name for name in toc_pages()
                 if 'class="math' in (site / f"{name}.html").read_text(errors="replace")]
    assert with_math, "no page has math: the MathJax check would test nothing"
    for name in (toc_pages()[0], with_math[0]):
        page, watch = open_page((site / f"{name}.html").as_uri())
        assert_clean(page, watch)
        schemes = {urlsplit(url).scheme for url in watch.requests}
        assert schemes <= set(LOCAL_SCHEMES), f"{name} from disk requested {schemes}"


def explorer_pages(site: Path) -> list[str]:
    """Return the table-of-contents pages whose HTML has a static explorer with a slider."""
    pages = []
    for name in toc_pages():
        html = (site / f"{name}.html").read_text(errors="replace")
        if "static-explorer" in html and 'type="range"' in html:
            pages.append(name)
    return pages


def test_moving_a_slider_changes_the_explorer_figure(site: Path, server: str,
                                                     open_page: Callable) -> None:
    pages = explorer_pages(site)
    assert pages, ("no page has a static explorer with a slider (<div class=\"static-explorer\">"
                   " with <input type=\"range\" class=\"static-explorer-control\">): execute the "
                   "chapters with course_utils.widgets' static explorers and rebuild")
    page, watch = open_page(server + pages[0] + ".html")
    explorer = page.locator(
        ".static-explorer:has(input[type=range].static-explorer-control)").first
    slider = explorer.locator("input[type=range].static-explorer-control").first
    frame = explorer.locator("img.static-explorer-frame").first
    explorer.scroll_into_view_if_needed()
    assert explorer.get_attribute("id"), "an explorer has no id"
    assert slider.get_attribute("data-control"), "a control has no data-control name"
    before_src, before_value = frame.get_attribute("src"), slider.input_value()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    explorer.screenshot(path=SCREENSHOTS / "explorer-before.png")

    # Move it as a reader would: focus the slider and press an arrow key (the browser fires
    # `input`). Step up unless it is already at its maximum.
    at_max = slider.evaluate("s => Number(s.value) >= Number(s.max || 100)")
    slider.focus()
    page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
    assert slider.input_value() != before_value, "the slider did not move"
    page.wait_for_function("([img, src]) => img.getAttribute('src') !== src",
                           arg=[frame.element_handle(), before_src])
    assert frame.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    explorer.screenshot(path=SCREENSHOTS / "explorer-after.png")
    assert watch.problems() == {}, watch.problems()
