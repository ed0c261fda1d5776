"""The built site in a real browser: headless Chromium, pages served from localhost, no network.

What a reader sees is checked where a reader sees it:

- every page of the table of contents (``_toc.yml``) loads with no console error, no uncaught
  exception and no failed request, every ``<img>`` has decoded (``naturalWidth > 0``) and its
  math is typeset by the vendored MathJax;
- nothing is fetched from another host: every request that is not to the local server is
  blocked and recorded (and Chromium cannot resolve any other host name), and pages opened
  straight from disk (``file://``) load nothing but local files;
- on the static page, moving one slider of one explorer changes the explorer's figure;
- the live explorers (``course_utils/site/js``) compute what the Python code computes: on
  chapter 1's page, weights typed into the kernel explorer's grid and a PNG loaded through its
  file input give ``kernels.convolve2d``'s output (to 1/255 of its range, canvas pixels
  included), and hovering over an output pixel shows its arithmetic; on a page of small live
  explorers opened from disk, the Gabor kernel equals ``gabor.gabor_kernel`` (to 1e-6) and its
  response ``gabor.gabor_magnitude``, the stepper ``convolution_step`` at any position, and the
  padding/stride explorer ``kernels.output_size`` and ``window_coverage``; dragging each slider
  of each live explorer (there and on the site) changes its view;
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

import base64
import functools
import json
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

import numpy as np
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
#: Files the site is built from besides the pages themselves.
BUILD_INPUTS = ("_config.yml", "_toc.yml", "course_utils/site/offline_site.py",
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
                   "chapters with course_utils.explorers' static explorers and rebuild")
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


# --- the live explorers ---------------------------------------------------------------------------

LIVE = ".live-explorer[data-kind={kind}][data-ready=true]"
# Everything an explorer shows: its canvases' pixels and its text (a change in either is a
# change of the view).
VIEW_JS = """root => Array.from(root.querySelectorAll("canvas")).map(c => c.toDataURL())
  .join("|") + root.innerText"""


def live_data(explorer: Any) -> dict[str, Any]:
    """The JSON data the Python explorer embedded for the page's script."""
    return json.loads(explorer.locator("script.live-explorer-data").text_content())


def decoded(spec: dict[str, Any]) -> np.ndarray:
    """An embedded image as the page decodes it (course_utils.site.live.quantise_grey)."""
    shape = spec["shape"]
    if "values" in spec:
        return np.reshape(spec["values"], shape)
    q = np.frombuffer(base64.b64decode(spec["q"]), np.uint8).reshape(shape).astype(float)
    return spec["lo"] + q * (spec["hi"] - spec["lo"]) / 255


def read(explorer: Any, path: str) -> np.ndarray:
    """A typed array the explorer exposes, ``root.liveExplorer.PATH``, as a NumPy array."""
    return np.array(explorer.evaluate(f"root => Array.from(root.liveExplorer.{path})"))


def drag(page: Any, slider: Any, fraction: float) -> None:
    """Drag a range input's thumb with the mouse from where it is to ``fraction`` of its width."""
    box = slider.bounding_box()
    low, high, value = (float(slider.evaluate(f"s => s.{name}")) for name in ("min", "max",
                                                                               "value"))
    start = box["x"] + box["width"] * ((value - low) / ((high - low) or 1))
    y = box["y"] + box["height"] / 2
    page.mouse.move(start, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * fraction, y, steps=5)
    page.mouse.up()


def assert_every_slider_changes_the_view(page: Any, explorer: Any) -> int:
    """Drag each slider of a live explorer to the far end; the view must change each time."""
    sliders = explorer.locator("input[type=range].live-explorer-control")
    for i in range(sliders.count()):
        slider = sliders.nth(i)
        slider.scroll_into_view_if_needed()
        before, value = explorer.evaluate(VIEW_JS), slider.input_value()
        at_max = slider.evaluate("s => Number(s.value) >= Number(s.max) - Number(s.step)")
        drag(page, slider, 0.02 if at_max else 0.98)
        name = slider.get_attribute("data-control")
        assert slider.input_value() != value, f"slider {name!r} did not move"
        assert explorer.evaluate(VIEW_JS) != before, f"slider {name!r} did not change the view"
    return sliders.count()


def type_kernel(explorer: Any, kernel: np.ndarray) -> None:
    """Type a 3x3 kernel's weights into the explorer's visible grid, as a reader would."""
    cells = explorer.locator(".live-explorer-weights input.live-kernel-weight")
    assert cells.count() == kernel.size
    for cell, value in zip(cells.all(), kernel.ravel(), strict=True):
        cell.fill(repr(float(value)))


def assert_kernel_output(explorer: Any, image: np.ndarray, kernel: np.ndarray) -> None:
    """The explorer's output, as numbers and as canvas pixels, is convolve2d's."""
    from course_utils import kernels
    from course_utils.explorers import output_limits

    expected = kernels.convolve2d(image, kernel, "same")
    tolerance = (expected.max() - expected.min()) / 255
    output = read(explorer, "output").reshape(expected.shape)
    np.testing.assert_allclose(output, expected, atol=tolerance, rtol=0)
    signed, low, high = output_limits(expected, kernel)
    assert explorer.evaluate("r => [r.liveExplorer.signed, r.liveExplorer.vmin, "
                             "r.liveExplorer.vmax]") == pytest.approx([signed, low, high])
    if not signed:  # grey: the canvas's pixels are the output on the grey scale
        pixels = np.array(explorer.evaluate("""root => {
          const c = root.querySelector("canvas.live-kernel-output");
          return Array.from(c.getContext("2d").getImageData(0, 0, c.width, c.height).data)
            .filter((_, i) => i % 4 === 0); }""")).reshape(expected.shape)
        levels = np.clip(np.floor((expected - low) / (high - low) * 256), 0, 255)
        assert np.abs(pixels - levels).max() <= 1  # 1/255 of the range


def test_the_kernel_explorer_takes_typed_weights_and_the_readers_image(
        site: Path, server: str, open_page: Callable, tmp_path: Path) -> None:
    from PIL import Image
    from skimage.color import rgb2gray

    page, watch = open_page(server + toc_pages()[1] + ".html")
    explorer = page.locator(LIVE.format(kind="kernel_explorer")).first
    explorer.wait_for()
    explorer.scroll_into_view_if_needed()
    data = live_data(explorer)
    image = decoded(data["images"][0][1])
    for kernel in (np.array([[1.0, -2.0, 0.5], [0.0, 3.0, 0.0], [-1.0, 0.25, 0.0]]),  # sum 1.75
                   np.array([[0.0, 1.0, 0.0], [1.0, -4.5, 1.0], [0.0, 1.5, 0.0]])):    # sum 0
        type_kernel(explorer, kernel)
        assert explorer.get_attribute("data-kernel-name") == "custom"
        assert_kernel_output(explorer, image, kernel)

    # The arithmetic of one output pixel, shown on hovering over it.
    left, top, width, height = explorer.locator("canvas.live-kernel-output").evaluate(
        "c => { const b = c.getBoundingClientRect(); "
        "return [b.left + c.clientLeft, b.top + c.clientTop, c.clientWidth, c.clientHeight]; }")
    # The mouse sits on whole CSS pixels; a photo shown smaller than its size puts a few
    # image pixels under one of them: the one the mouse points at is under its top-left corner.
    x, y = int(left + width / 4) + 1, int(top + height / 3) + 1
    row, col = int((y - top) / height * image.shape[0]), int((x - left) / width * image.shape[1])
    page.mouse.move(x, y)
    shown = explorer.evaluate("r => r.liveExplorer.arithmetic")
    assert (shown["row"], shown["col"]) == (row, col)
    assert shown["sum"] == pytest.approx(read(explorer, "output")[row * image.shape[1] + col])
    assert f"output[{row}, {col}]" in explorer.locator(".live-kernel-arithmetic").inner_text()

    # The reader's own image: a PNG through the file input, made grey as rgb2gray does.
    rgb = np.random.default_rng(0).integers(0, 256, size=(30, 40, 3), dtype=np.uint8)
    png = tmp_path / "mine.png"
    Image.fromarray(rgb).save(png)
    updates = explorer.get_attribute("data-updates")
    explorer.locator("input.live-kernel-file").set_input_files(png)
    page.wait_for_function("([root, n]) => root.getAttribute('data-updates') !== n",
                           arg=[explorer.element_handle(), updates])
    assert explorer.locator("select[data-control=image]").input_value() == "your image: mine.png"
    assert explorer.evaluate("r => [r.liveExplorer.height, r.liveExplorer.width]") == [30, 40]
    np.testing.assert_allclose(read(explorer, "image.data").reshape(30, 40), rgb2gray(rgb),
                               atol=1e-12)
    assert_kernel_output(explorer, rgb2gray(rgb), kernel)
    assert watch.problems() == {}, watch.problems()


@pytest.fixture(scope="module")
def live_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A page of small live explorers, one of each kind, written as a notebook's outputs."""
    from course_utils import explorers, kernels

    rng = np.random.default_rng(1)
    parts = [
        explorers.kernel_explorer({"noise": rng.integers(0, 256, (9, 11)) / 255},
                                  preset="sharpen"),
        explorers.convolution_stepper(np.arange(49.0).reshape(7, 7) % 5, kernels.SOBEL_X,
                                      stride=2),
        explorers.padding_stride_explorer(n=6, k=3, padding="valid", stride=1),
        explorers.gabor_explorer({"noise": rng.random((20, 24)), "bar": np.eye(16)}),
    ]
    body = "\n".join(part._repr_mimebundle_()["text/html"] for part in parts)
    path = tmp_path_factory.mktemp("live") / "live.html"
    path.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>live</title>"
                    f"</head><body>{body}</body></html>", encoding="utf-8")
    return path


def test_the_gabor_explorer_computes_gabor_kernel_and_its_response(live_page: Path,
                                                                 open_page: Callable) -> None:
    from course_utils import gabor

    page, watch = open_page(live_page.as_uri())
    explorer = page.locator(LIVE.format(kind="gabor_explorer"))
    data = live_data(explorer)
    images = {name: decoded(spec) for name, spec in data["images"]}
    for frequency, theta, sigma in ((0.2, 0.0, 3.0), (0.37, 73.0, 1.7), (0.05, 165.0, 8.0)):
        for name, value in (("frequency", frequency), ("theta", theta), ("sigma", sigma)):
            explorer.locator(f"input[data-control={name}]").fill(str(value))
        kernel = gabor.gabor_kernel(frequency, np.radians(theta), sigma)
        shape = kernel.shape
        np.testing.assert_allclose(read(explorer, "kernel.real").reshape(shape), kernel.real,
                                   atol=1e-6, rtol=0)
        np.testing.assert_allclose(read(explorer, "kernel.imag").reshape(shape), kernel.imag,
                                   atol=1e-6, rtol=0)
        for name, image in images.items():
            magnitude = read(explorer, f"magnitudes[{json.dumps(name)}]").reshape(image.shape)
            np.testing.assert_allclose(magnitude, gabor.gabor_magnitude(image, kernel),
                                       atol=1e-9, rtol=0)
        assert f"{shape[0]}x{shape[1]}" in explorer.inner_text()
    assert watch.problems() == {}, watch.problems()


def test_the_stepper_and_the_padding_explorer_compute_what_python_does(
        live_page: Path, open_page: Callable) -> None:
    from course_utils import kernels
    from course_utils.explorers import convolution_step, window_coverage

    page, watch = open_page(live_page.as_uri())
    stepper = page.locator(LIVE.format(kind="convolution_stepper"))
    data = live_data(stepper)
    image, kernel = decoded(data["image"]), decoded(data["kernel"])
    steps = kernels.convolve2d(image, kernel, "valid", 2).size
    for position in (0, 1, steps // 2, steps - 1):
        stepper.locator("input[data-control=position]").fill(str(position))
        step = convolution_step(image, kernel, position, 2)
        shown = stepper.evaluate("r => r.liveExplorer.step")
        assert (shown["row"], shown["col"], shown["top"], shown["left"]) == (
            step.row, step.col, step.top, step.left)
        assert shown["total"] == pytest.approx(step.total)
        assert f"step {position + 1} of {steps}" in stepper.inner_text()

    explorer = page.locator(LIVE.format(kind="padding_stride_explorer"))
    for n, k, padding, stride in ((6, 3, "valid", 1), (9, 4, "same", 3), (5, 2, "same", 2),
                                  (3, 5, "valid", 1), (1, 9, "same", 4)):
        explorer.locator("input[data-control='input size']").fill(str(n))
        explorer.locator("input[data-control='kernel size']").fill(str(k))
        explorer.locator("select[data-control=padding]").select_option(padding)
        explorer.locator("input[data-control=stride]").fill(str(stride))
        try:
            out = kernels.output_size(n, k, padding, stride)
        except ValueError as err:
            assert explorer.evaluate("r => r.liveExplorer.problem") == str(err)
            assert f"No output: {err}" in explorer.inner_text()
            continue
        assert explorer.evaluate("r => r.liveExplorer.out") == out
        assert f"output: {out}x{out}" in explorer.inner_text()
        np.testing.assert_array_equal(read(explorer, "coverage").reshape(n, n),
                                      window_coverage(n, k, padding, stride))
    assert watch.problems() == {}, watch.problems()


def test_every_slider_of_every_live_explorer_changes_its_view(
        site: Path, live_page: Path, open_page: Callable) -> None:
    pages = [live_page.as_uri()] + [
        (site / f"{name}.html").as_uri() for name in toc_pages()
        if "live-explorer" in (site / f"{name}.html").read_text(errors="replace")]
    moved: dict[str, int] = {}
    for url in pages:
        page, watch = open_page(url)  # from disk: file:// must work
        explorers = page.locator(".live-explorer")
        for i in range(explorers.count()):
            explorer = explorers.nth(i)
            assert explorer.get_attribute("data-ready") == "true", f"{url}: did not start"
            kind = explorer.get_attribute("data-kind")
            moved[kind] = moved.get(kind, 0) + assert_every_slider_changes_the_view(page,
                                                                                  explorer)
        assert watch.problems() == {}, f"{url}: {watch.problems()}"
    assert set(moved) == {"kernel_explorer", "convolution_stepper", "padding_stride_explorer",
                          "gabor_explorer"}
    for kind, sliders in (("convolution_stepper", 1), ("padding_stride_explorer", 3),
                          ("gabor_explorer", 3)):
        assert moved[kind] >= sliders, f"{kind}: {moved[kind]} sliders moved"


#: Size budgets (issue 19): the live explorers replaced frame-heavy static ones.
NOTEBOOK_BUDGETS = {"chapters/01_convolution_by_hand": 2_500_000}
PAGE_BUDGETS = {"chapters/01_convolution_by_hand": 1_000_000,
                "chapters/02_gabor_filters": 1_000_000,
                "chapters/03_anatomy_of_a_convnet": 1_000_000}


def test_notebooks_and_pages_stay_within_their_size_budgets(site: Path) -> None:
    sizes = {f"{name}.ipynb": ((ROOT / f"{name}.ipynb").stat().st_size, budget)
             for name, budget in NOTEBOOK_BUDGETS.items()}
    sizes |= {f"{name}.html": ((site / f"{name}.html").stat().st_size, budget)
              for name, budget in PAGE_BUDGETS.items()}
    assert {name: size for name, (size, budget) in sizes.items() if size > budget} == {}, sizes
