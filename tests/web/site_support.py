"""What the browser tests share: the site's sources, a local server, Chromium's settings, and
what a page's problems are.

The site is ``_build/html`` when it is newer than every source it is built from (``.ci/run``
builds it with ``make book`` before ``make test``); otherwise the ``site`` fixture
(``conftest.py``) runs ``make book``. Chromium is Debian's (``chromium``, ``chromium-driver``;
``$CHROMIUM`` names another binary), driven by Playwright, which never downloads a browser of
its own here. Without Chromium the browser tests are skipped, except in CI (``$CI`` set), where
they fail.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
#: Files the site is built from besides the pages themselves.
BUILD_INPUTS = ("_config.yml", "_toc.yml", "course_utils/site/offline_site.py",
                "course_utils/site/explorer_pages.py", "course_utils/site/static_explorer.py",
                "course_utils/site/live.py", "course_utils/site/models.py",
                "_vendor/mathjax/startup.js", "_vendor/onnxruntime/ort.wasm.min.js",
                "course_utils/site/accessible_pages.py", "course_utils/site/page_html.py",
                "course_utils/site/theme_assets.py",
                "course_utils/site/theme/accessible_pages.css",
                *(str(path.relative_to(ROOT))
                  for path in sorted((ROOT / "course_utils" / "site" / "js").glob("*.js"))))
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



class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test's output free of one line per request."""


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over HTTP on a free localhost port, from a thread; yield its URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)



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



def assert_clean(page: Any, watch: Watch) -> None:
    """Assert a loaded page had no problems, all its images decoded and its math typeset."""
    assert watch.problems() == {}, f"{page.url}: {watch.problems()}"
    assert page.evaluate(BROKEN_IMAGES_JS) == [], f"{page.url}: images that did not load"
    math = page.evaluate(MATH_JS)
    if math["math"]:
        assert math["loaded"], f"{page.url}: MathJax did not load"
        assert math["typeset"] >= math["math"] and not math["errors"], f"{page.url}: {math}"


def explorer_page(folder: Path, name: str, body: str, content_root: bool = False) -> Path:
    """Write ``folder/NAME.html``: explorers' notebook outputs (``body``) on a page laid out as
    the built book's (``course_utils.site.explorer_pages``): the scripts copied into
    ``_static/explorers/`` and loaded in the head, deferred, in the extension's order.
    ``content_root`` marks it as a page of the built site (``data-content_root``)."""
    from course_utils.site import explorer_pages

    explorer_pages.install_scripts(folder / "_static" / explorer_pages.SCRIPTS_DIR)
    tags = "".join(f'<script defer src="_static/{explorer_pages.SCRIPTS_DIR}/{script}.js">'
                   "</script>" for script in explorer_pages.scripts_for(body))
    root = ' data-content_root="./"' if content_root else ""
    path = folder / f"{name}.html"
    path.write_text(f"<!DOCTYPE html><html{root}><head><meta charset='utf-8'><title>{name}"
                    f"</title>{tags}</head><body>{body}</body></html>", encoding="utf-8")
    return path


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


#: axe-core, fetched from the npm registry with ``npm pack`` at test time into
#: ``_build/axe-core/`` (as ``make vendor`` fetches MathJax; never committed, never a CDN, never
#: served by the site).
AXE_VERSION = "4.14.1"
AXE = ROOT / "_build" / "axe-core" / f"axe-{AXE_VERSION}.min.js"
#: The axe impacts a test refuses.
AXE_REFUSED = ("critical", "serious")


@functools.cache
def axe_source() -> str:
    """axe-core's browser build (fetched once)."""
    if not AXE.is_file():
        npm = shutil.which("npm")
        require(npm is not None, "npm (to fetch axe-core)", "Debian: apt-get install npm")
        with tempfile.TemporaryDirectory() as folder:
            packed = subprocess.run(
                [npm, "pack", "--silent", "--loglevel=error", f"axe-core@{AXE_VERSION}"],
                cwd=folder, capture_output=True, text=True, timeout=300)
            require(packed.returncode == 0, f"axe-core {AXE_VERSION} from the npm registry",
                    f"npm pack failed: {packed.stderr.strip()[-300:]}")
            with tarfile.open(Path(folder) / f"axe-core-{AXE_VERSION}.tgz") as archive:
                source = archive.extractfile("package/axe.min.js").read()
        AXE.parent.mkdir(parents=True, exist_ok=True)
        AXE.write_bytes(source)
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Any, selector: str = ".live-explorer") -> list[str]:
    """Run axe-core on the elements that match ``selector``; return its critical and serious
    violations, one line each (rule, impact, the elements and what axe says of the first)."""
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(content=axe_source())
    return page.evaluate("""async ([selector, refused]) => {
      const result = await axe.run(selector, {resultTypes: ["violations"]});
      return result.violations.filter(v => refused.includes(v.impact)).map(v =>
        `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(" ")).join(", ")}; ` +
        (v.nodes[0].failureSummary || v.help));
    }""", [selector, list(AXE_REFUSED)])


#: Dark mode as the book's theme (pydata-sphinx-theme) sets it: ``data-theme="dark"`` on
#: ``<html>``, its colour scheme, background and text colour.
DARK_JS = """() => {
  document.documentElement.dataset.theme = "dark";
  const style = document.createElement("style");
  style.textContent = "html[data-theme=dark]{color-scheme:dark;background:#121212;color:#ced6dd}" +
    "html[data-theme=dark] body{background:#121212;color:#ced6dd}";
  document.head.appendChild(style);
}"""
