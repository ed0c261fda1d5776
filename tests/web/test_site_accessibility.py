"""Accessibility (WCAG 2.1 AA) and page weight of the built site, in headless Chromium.

- axe-core (``AXE_VERSION``, fetched from the npm registry with ``npm pack`` at test time into
  ``_build/axe-core/``, as ``make vendor`` fetches MathJax; never committed, never a CDN) runs
  on every page of ``_toc.yml``, in the light and in the dark colour mode: a critical or
  serious violation fails, and so does a ``region`` one (content outside landmarks).
- Every figure has alt text that says what it shows (recorded with the notebook's outputs by
  ``course_utils.figure_alt``; the placeholder for outputs recorded before that fails).
- Each page's first load, cold cache, counted uncompressed (every response during the load,
  until the network is idle: HTML, scripts, stylesheets, fonts, the figures the browser
  fetches at once), is at most ``FIRST_LOAD_BUDGET`` bytes.
- Layout: at 320 CSS pixels (WCAG 1.4.10) and at 1280 nothing in the article reaches past its
  edge unless inside a box that scrolls sideways, the page itself never scrolls sideways, and
  a wide window shows one search box, not two.
- The theme's dark-mode colour variables, which explorers can style with, read: text on
  background at 4.5:1 or more.

Until the explorer work of issue 26 merges (inputs labelled, frames loaded lazily), what lies
inside an explorer (``EXPLORERS``) is reported as a warning, not failed:
``EXPLORER_WORK_PENDING``. Per-page numbers go to ``_build/accessibility/report.json``.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from course_utils.site.accessible_pages import FALLBACK_ALT
from course_utils.site.page_html import contrast
from web import site_support
from web.site_support import MATH_JS, ROOT, is_local, toc_pages

REPORT = ROOT / "_build" / "accessibility" / "report.json"
#: Bytes a page may load before it is usable (models and training data load on demand).
FIRST_LOAD_BUDGET = 2_000_000
#: The impacts that fail the test (axe: minor, moderate, serious, critical).
FAILING_IMPACTS = ("critical", "serious")
#: Where the explorers live on a page; their own markup is the explorer work's.
EXPLORERS = ".live-explorer, .static-explorer"
#: True until the explorers label their inputs and load their frames on demand: violations
#: inside them are warnings and their inline frames are not counted in the first load.
EXPLORER_WORK_PENDING = False

AXE_JS = """async ([explorers]) => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => {
      const el = typeof n.target[0] === "string" ? document.querySelector(n.target[0]) : null;
      return {target: n.target.join(" "), explorer: Boolean(el && el.closest(explorers))};
    })}));
}"""
# Every response of the load, uncompressed (the resource buffer is enlarged beforehand).
LOADED_JS = """() => [...performance.getEntriesByType("navigation"),
                      ...performance.getEntriesByType("resource")]
                .map(e => [e.name, e.decodedBodySize])"""
FRAMES_JS = """() => [...document.querySelectorAll("script.static-explorer-data")]
                .reduce((sum, s) => sum + new TextEncoder().encode(s.textContent).length, 0)"""
ALT_JS = """([explorers]) => [...document.querySelectorAll(".bd-article img")].map(img => ({
  src: (img.getAttribute("src") || "").slice(0, 80), alt: img.getAttribute("alt"),
  explorer: Boolean(img.closest(explorers)), shown: img.getClientRects().length > 0}))"""
# Elements of the article that reach past its right edge with no sideways-scrolling box
# between them and the article, and the page's own width against the window's.
OVERFLOW_JS = """() => {
  const article = document.querySelector(".bd-article");
  const edge = article.getBoundingClientRect().right + 1;
  const cut = [];
  for (const el of article.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (!box.width || box.right <= edge) continue;
    if (el.closest("mjx-assistive-mml")) continue;  // MathJax's copy for screen readers: clipped
    let node = el.parentElement, scrolls = false;
    while (node && node !== article) {
      if (["auto", "scroll"].includes(getComputedStyle(node).overflowX)) { scrolls = true; break; }
      node = node.parentElement;
    }
    if (!scrolls) cut.push(el.tagName.toLowerCase() + "." + String(el.className).slice(0, 40));
  }
  return {cut: cut.slice(0, 5), page: document.documentElement.scrollWidth,
          window: document.documentElement.clientWidth};
}"""
SEARCH_BOXES_JS = """() => [...document.querySelectorAll(".search-button-field")]
  .filter(b => b.getClientRects().length && getComputedStyle(b).visibility !== "hidden").length"""
VARIABLES_JS = """(names) => names.map(name =>
  getComputedStyle(document.documentElement).getPropertyValue(name).trim())"""
#: Theme variables an explorer can use for text and its background, and pairs that must read.
COLOUR_PAIRS = [("--pst-color-text-base", "--pst-color-background"),
                ("--pst-color-text-muted", "--pst-color-background"),
                ("--pst-color-text-base", "--pst-color-on-background"),
                ("--pst-color-on-surface", "--pst-color-surface")]
PAGES = toc_pages()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's browser build (:func:`web.site_support.axe_source`)."""
    return site_support.axe_source()


@pytest.fixture(scope="session")
def report() -> Iterator[dict[str, Any]]:
    """Per-page results, written to ``_build/accessibility/report.json`` at the end."""
    results: dict[str, Any] = {}
    yield results
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(results, indent=1, sort_keys=True))


def set_mode(page: Any, mode: str) -> None:
    """Switch the theme's colour mode at once (no colour transitions for axe to catch)."""
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
    page.evaluate(f"document.documentElement.dataset.theme = '{mode}'")


def run_axe(page: Any, axe_source: str) -> list[dict[str, Any]]:
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(content=axe_source)
    return page.evaluate(AXE_JS, [EXPLORERS])


def split_violations(violations: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """The failing violations (impact in ``FAILING_IMPACTS``, or ``region``) outside
    explorers, and those inside explorers, each as ``id (impact) xN: first targets``."""
    failing, explorers = [], []
    for violation in violations:
        if violation["impact"] not in FAILING_IMPACTS and violation["id"] != "region":
            continue
        inside = [node["target"] for node in violation["nodes"] if node["explorer"]]
        outside = [node["target"] for node in violation["nodes"] if not node["explorer"]]
        if not EXPLORER_WORK_PENDING:
            outside, inside = outside + inside, []
        for targets, found in ((outside, failing), (inside, explorers)):
            if targets:
                found.append(f"{violation['id']} ({violation['impact']}) x{len(targets)}: "
                             f"{violation['help']}; {targets[:3]}")
    return failing, list(dict.fromkeys(explorers))


@pytest.mark.parametrize("page_name", PAGES)
def test_every_page_passes_axe_in_light_and_dark_mode(page_name: str, server: str,
                                                      open_page: Callable, axe_source: str,
                                                      report: dict[str, Any]) -> None:
    page, watch = open_page(server + page_name + ".html")
    found: dict[str, tuple[list[str], list[str]]] = {}
    for mode in ("light", "dark"):
        set_mode(page, mode)
        found[mode] = split_violations(run_axe(page, axe_source))
    report.setdefault(page_name, {})["axe"] = {
        mode: {"failing": failing, "explorers (pending)": explorers}
        for mode, (failing, explorers) in found.items()}
    for mode, (_, explorers) in found.items():
        for item in explorers:
            warnings.warn(f"{page_name} ({mode}), inside an explorer (explorer work, "
                          f"pending): {item}", stacklevel=1)
    assert {mode: failing for mode, (failing, _) in found.items() if failing} == {}
    assert watch.problems() == {}, watch.problems()


@pytest.mark.parametrize("page_name", PAGES)
def test_every_figure_says_what_it_shows(page_name: str, server: str, open_page: Callable,
                                         report: dict[str, Any]) -> None:
    page, _ = open_page(server + page_name + ".html")
    images = page.evaluate(ALT_JS, [EXPLORERS])
    path = re.compile(r"\.(png|webp|jpe?g|gif|svg)$", re.IGNORECASE)
    bad = [image for image in images
           if not image["alt"] or path.search(image["alt"]) or image["alt"] == FALLBACK_ALT
           or len(image["alt"].split()) < 3]
    pending = [image for image in bad if image["explorer"] and EXPLORER_WORK_PENDING]
    report.setdefault(page_name, {})["figures"] = {"images": len(images), "without alt": bad}
    for image in pending:
        warnings.warn(f"{page_name}: explorer image without alt text (explorer work, "
                      f"pending): {image['src']}", stacklevel=1)
    failing = [image for image in bad if image not in pending]
    placeholder = sum(image["alt"] == FALLBACK_ALT for image in failing)
    assert failing == [], (f"{page_name}: {len(failing)} figure(s) without a description "
                           f"({placeholder} with the placeholder: re-execute the notebook so "
                           f"that its outputs record one)")


def first_load(browser: Any, url: str) -> tuple[dict[str, int], int]:
    """Bytes of every response while ``url`` loads in a fresh context (cold cache), by URL,
    and the bytes of explorers' inline frames in the page."""
    context = browser.new_context(service_workers="block",
                                  viewport={"width": 1280, "height": 900})
    try:
        context.route("**/*", lambda route: route.continue_() if is_local(route.request.url)
                      else route.abort("internetdisconnected"))
        context.add_init_script("performance.setResourceTimingBufferSize(100000)")
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.evaluate(MATH_JS)
        page.wait_for_load_state("networkidle")
        loaded: dict[str, int] = {}
        for name, size in page.evaluate(LOADED_JS):
            loaded[name] = loaded.get(name, 0) + int(size)
        return loaded, page.evaluate(FRAMES_JS)
    finally:
        context.close()


@pytest.mark.parametrize("page_name", PAGES)
def test_every_page_loads_at_most_two_megabytes(page_name: str, server: str, browser: Any,
                                               report: dict[str, Any]) -> None:
    loaded, frames = first_load(browser, server + page_name + ".html")
    total = sum(loaded.values())
    counted = total - frames if EXPLORER_WORK_PENDING else total
    largest = sorted(loaded.items(), key=lambda item: -item[1])[:5]
    report.setdefault(page_name, {})["first load"] = {
        "bytes": total, "inline explorer frames": frames, "counted": counted,
        "budget": FIRST_LOAD_BUDGET, "files": len(loaded),
        "largest": [[url.replace(server, ""), size] for url, size in largest]}
    if frames and EXPLORER_WORK_PENDING:
        warnings.warn(f"{page_name}: first load {total:,} bytes, of which {frames:,} are the "
                      f"explorers' inline frames (explorer work, pending)", stacklevel=1)
    theme_icons = [url for url in loaded if "fontawesome.js" in url or "/webfonts/" in url]
    assert theme_icons == [], "the theme's full icon script or fonts were loaded"
    assert counted <= FIRST_LOAD_BUDGET, (
        f"{page_name}: first load {counted:,} bytes > {FIRST_LOAD_BUDGET:,}; largest: "
        f"{[(url.replace(server, ''), size) for url, size in largest]}")


@pytest.mark.parametrize("page_name", PAGES)
def test_pages_reflow_with_one_search_box(page_name: str, server: str,
                                          open_page: Callable) -> None:
    page, _ = open_page(server + page_name + ".html")
    for width in (320, 1280, 1700):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(100)
        layout = page.evaluate(OVERFLOW_JS)
        assert layout["cut"] == [], f"{page_name} at {width}px: cut at the right edge"
        assert layout["page"] <= layout["window"], f"{page_name} at {width}px scrolls sideways"
        if width >= 1280:
            assert page.evaluate(SEARCH_BOXES_JS) == 1, f"{page_name} at {width}px"


def hex_colour(value: str) -> str:
    """A CSS ``#rgb`` or ``#rrggbb`` colour as ``#rrggbb``."""
    assert re.fullmatch(r"#(?:[0-9a-fA-F]{3}){1,2}", value), f"not a hex colour: {value!r}"
    return value if len(value) == 7 else "#" + "".join(c * 2 for c in value[1:])


def test_the_dark_mode_colour_variables_read(server: str, open_page: Callable) -> None:
    # Explorers sit in text/html outputs, which the theme's dark mode sets on a light panel
    # (background --pst-color-text-base, text --pst-color-on-background): that must read too.
    page, _ = open_page(server + PAGES[0] + ".html")
    names = sorted({name for pair in COLOUR_PAIRS for name in pair} | {
        "--pst-color-on-background"})
    for mode in ("light", "dark"):
        set_mode(page, mode)
        values = {name: hex_colour(value) for name, value in
                  zip(names, page.evaluate(VARIABLES_JS, names), strict=True)}
        for text, background in COLOUR_PAIRS:
            ratio = contrast(values[text], values[background])
            assert ratio >= 4.5, f"{mode}: {text} on {background} is {ratio:.2f}:1"
        panel = contrast(values["--pst-color-on-background"], values["--pst-color-text-base"])
        assert mode == "light" or panel >= 4.5, f"dark output panel {panel:.2f}:1"
