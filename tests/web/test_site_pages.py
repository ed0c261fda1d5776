"""The built site in a real browser: headless Chromium, pages served from localhost, no network.

What a reader sees is checked where a reader sees it:

- every page of the table of contents (``_toc.yml``) loads with no console error, no uncaught
  exception and no failed request, every ``<img>`` has decoded (``naturalWidth > 0``) and its
  math is typeset by the vendored MathJax;
- nothing is fetched from another host: every request that is not to the local server is
  blocked and recorded (and Chromium cannot resolve any other host name), and pages opened
  straight from disk (``file://``) load nothing but local files;
- no page's HTML passes 1 MB, and a static explorer's frames are files the page loads on
  demand (the book's extension wrote them): moving one slider of one explorer loads the
  frame that shows its new setting;
- the search page finds a chapter; notebooks and pages stay within their size budgets.

Screenshots of the landing page and of one explorer (before and after the slider moves) go to
``_build/screenshots/`` (git-ignored), to look at. The live explorers are checked in
``test_site_live.py``, the model explorers in ``test_site_models.py``; what they share is in
``site_support.py`` and ``conftest.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from web.site_support import LOCAL_SCHEMES, ROOT, SCREENSHOTS, assert_clean, is_local, toc_pages

#: Where the book's extension writes static explorers' frames (explorer_pages.FRAMES_DIR).
FRAMES = "/_static/explorer-frames/"


@pytest.mark.parametrize("page_name", toc_pages())
def test_every_page_loads_cleanly_with_the_network_off(page_name: str, server: str,
                                                       open_page: Callable) -> None:
    page, watch = open_page(server + page_name + ".html")
    assert page.title(), f"{page_name} has no title"
    # Before assert_clean, which makes lazy images eager: a static explorer's frames load on
    # demand, its first view (a lazy image) at most with the page.
    frames = [url for url in watch.requests if FRAMES in url]
    assert len(frames) <= page.locator(".static-explorer").count(), (
        f"{page_name} loaded frames with the page: {frames}")
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
    assert FRAMES[1:] in before_src and not before_src.startswith("data:"), before_src
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
    assert any(frame.get_attribute("src").split("/")[-1] in url for url in watch.requests
               if FRAMES in url), "the new frame was not loaded from its file"
    explorer.screenshot(path=SCREENSHOTS / "explorer-after.png")
    assert watch.problems() == {}, watch.problems()


#: Size budgets (issue 19): the live explorers replaced frame-heavy static ones, and the
#: static explorers' frames are files the page loads on demand, not base64 in its HTML.
NOTEBOOK_BUDGETS = {"chapters/01_convolution_by_hand": 2_500_000}
PAGE_BUDGET = 1_000_000


def test_notebooks_and_pages_stay_within_their_size_budgets(site: Path) -> None:
    sizes = {f"{name}.ipynb": ((ROOT / f"{name}.ipynb").stat().st_size, budget)
             for name, budget in NOTEBOOK_BUDGETS.items()}
    sizes |= {f"{name}.html": ((site / f"{name}.html").stat().st_size, PAGE_BUDGET)
              for name in toc_pages()}
    assert {name: size for name, (size, budget) in sizes.items() if size > budget} == {}, sizes
