"""The Sphinx extension that brings the explorers' scripts and frames to the pages that show
them (course_utils.site.explorer_pages): unit by unit, then in a real Sphinx build."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from types import SimpleNamespace

import ipywidgets as widgets
import numpy as np
import pytest

from course_utils import explorers, plots
from course_utils.explorers import STATIC, Explorer, ExplorerWidget
from course_utils.site import explorer_pages, live, static_explorer

SCRIPT_TAG = re.compile(r"<script\b[^>]*>")


def live_html(kind: str = "padding_stride_explorer") -> str:
    return Explorer(kind, f"a {kind}", data={"n": 3}).site_html()


@pytest.fixture(scope="module")
def static_view() -> static_explorer.StaticView:
    """A small static explorer's frames: a slider over three levels."""
    slider = widgets.IntSlider(value=1, min=0, max=2, description="level")

    def draw():
        fig, axes = plots.new_figure(1, 1, size=1.0)
        plots.plot_image(axes[0, 0], np.full((2, 2), slider.value), title=str(slider.value))
        return fig

    view = ExplorerWidget(widgets.VBox([slider]), widgets.Output(), draw, {"level": slider})
    return Explorer(STATIC, "levels", widget=view, grid={"level": None}).static_view()


def test_every_kind_and_the_static_explorers_have_a_script():
    for name in (live.COMMON_SCRIPT, static_explorer.SCRIPT, *live.KINDS,
                 *(extra for extras in live.EXTRA_SCRIPTS.values() for extra in extras)):
        assert (live.JS_DIR / f"{name}.js").is_file() or name in live.GENERATED_SCRIPTS, name
    for files in live.GENERATED_SCRIPTS.values():
        assert all((live.JS_DIR / f"{file}.js").is_file() for file in files), files


def test_install_scripts_copies_them_and_writes_the_workers_sources(tmp_path):
    explorer_pages.install_scripts(tmp_path)
    assert {path.name for path in live.JS_DIR.glob("*.js")} < {
        path.name for path in tmp_path.glob("*.js")}
    text = (tmp_path / "convnet_sources.js").read_text(encoding="utf-8")
    sources = dict(re.findall(r'^self\.CourseSources\[("[a-z_]+")\] = (".*");$', text, re.M))
    assert {json.loads(name): json.loads(source) for name, source in sources.items()} == {
        name: (live.JS_DIR / f"{name}.js").read_text(encoding="utf-8")
        for name in ("convnet_engine", "convnet_worker")}


def test_scripts_for_lists_what_a_page_needs_in_load_order(static_view):
    body = "\n".join([live_html("gabor_explorer"), live_html("digit_explorer"),
                      live_html("gabor_explorer"), static_view.html()])
    assert explorer_pages.scripts_for(body) == [
        "live_common", "live_models", "digit_common", "gabor_explorer", "digit_explorer",
        "static_frames"]
    assert explorer_pages.scripts_for(static_view.html()) == ["static_frames"]
    assert explorer_pages.scripts_for("<p>prose about a static-explorer</p>") == []
    with pytest.raises(ValueError, match=r"kinds without a script: \['movie'\]"):
        explorer_pages.scripts_for('<div class="live-explorer" data-kind="movie" id="m">')


def test_static_pages_write_each_frame_and_show_the_page_version(static_view):
    written = {}

    def write(element_id, index, png):
        written[element_id, index] = png
        return f"frames/{element_id}/{index}.png"

    body = f"<p>before</p>\n{static_view.html('static-explorer-a')}\n<p>after</p>"
    page = explorer_pages.static_pages(body, write)
    assert [png for _, png in sorted(written.items())] == list(static_view.frames.values())
    assert page.startswith("<p>before</p>") and page.endswith("<p>after</p>")
    assert "data:" not in page and 'type="range"' in page
    (src,) = re.findall(r'<img class="static-explorer-frame" src="([^"]+)"', page)
    default = list(static_view.frames).index(static_view.default_key)
    assert src == f"frames/static-explorer-a/{default}.png"
    data = json.loads(re.search(r'class="static-explorer-data">([^<]*)<', page).group(1))
    assert data["frames"] == {key: f"frames/static-explorer-a/{i}.png"
                              for i, key in enumerate(static_view.frames)}
    assert SCRIPT_TAG.findall(page) == [
        '<script type="application/json" class="static-explorer-data">']


def test_a_frame_that_is_not_a_png_is_refused(static_view):
    body = static_view.html().replace(static_explorer.FRAME_URL_PREFIX, "data:image/gif;base64,")
    with pytest.raises(ValueError, match="is not a PNG data: URL"):
        explorer_pages.static_pages(body, lambda *args: "x.png")


def fake_app(outdir: Path) -> SimpleNamespace:
    """What the handlers use of a Sphinx application; ``scripts`` records the added scripts."""
    app = SimpleNamespace(outdir=str(outdir), builder=SimpleNamespace(format="html"), scripts=[])
    app.add_js_file = lambda filename, **kwargs: app.scripts.append((filename, kwargs))
    return app


def test_a_page_with_explorers_gets_its_scripts_and_frame_files(tmp_path, static_view):
    app = fake_app(tmp_path)
    photo = live_html("photo_explorer")
    body = photo + static_view.html()
    context = {"body": body, "pathto": lambda path, resource: f"../{path}"}
    explorer_pages.add_explorers(app, "chapters/06", "page.html", context, None)
    assert app.scripts == [(f"explorers/{name}.js", {"loading_method": "defer"}) for name in (
        "live_common", "live_models", "photo_explorer", "static_frames")]
    frames = sorted((tmp_path / "_static" / "explorer-frames").rglob("*.png"))
    assert [path.read_bytes() for path in frames] == list(static_view.frames.values())
    assert frames[0].parent.name == static_view.element_id
    assert f'src="../_static/explorer-frames/{static_view.element_id}/' in context["body"]
    assert context["body"].startswith(photo)  # live explorers stay as they are


def test_a_page_without_explorers_is_left_alone(tmp_path):
    app = fake_app(tmp_path)
    context = {"body": "<p>No explorer here.</p>"}
    explorer_pages.add_explorers(app, "intro", "page.html", context, None)
    assert app.scripts == [] and context["body"] == "<p>No explorer here.</p>"
    assert not (tmp_path / "_static").exists()


def test_copy_scripts_puts_every_script_in_the_site(tmp_path):
    explorer_pages.copy_scripts(fake_app(tmp_path))
    copied = sorted(path.name for path in (tmp_path / "_static" / "explorers").iterdir())
    assert copied == sorted([*(path.name for path in live.JS_DIR.glob("*.js")),
                             *(f"{name}.js" for name in live.GENERATED_SCRIPTS)])


def test_a_real_build_adds_scripts_and_frames_only_where_explorers_are(tmp_path, static_view):
    """A two-page Sphinx project with both extensions, built with warnings as errors."""
    from sphinx.cmd.build import build_main

    source, site = tmp_path / "source", tmp_path / "site"
    (source / "vendor" / "mathjax").mkdir(parents=True)
    (source / "vendor" / "mathjax" / "tex.js").write_text("// MathJax")
    (source / "conf.py").write_text(
        "extensions = ['course_utils.site.offline_site', 'course_utils.site.explorer_pages']\n"
        "html_static_path = ['vendor']\nmathjax_path = 'mathjax/tex.js'\n")
    stepper = explorers.convolution_stepper(np.arange(16.0).reshape(4, 4), np.ones((2, 2)))
    raw = "\n".join("   " + line for line in (stepper.site_html() + "\n" + static_view.html()
                                                ).splitlines())
    (source / "index.rst").write_text(f"Explorers\n=========\n\n.. raw:: html\n\n{raw}\n\n"
                                      ".. toctree::\n\n   prose\n")
    (source / "prose.rst").write_text("Prose\n=====\n\nNo explorer.\n")
    assert build_main(["-b", "html", "-q", "-W", str(source), str(site)]) == 0

    index, prose = ((site / name).read_text() for name in ("index.html", "prose.html"))
    tags = [tag for tag in SCRIPT_TAG.findall(index) if "explorers/" in tag]
    assert [re.search(r"explorers/(\w+)\.js", tag).group(1) for tag in tags] == [
        "live_common", "convolution_stepper", "static_frames"]
    assert all('defer="defer"' in tag for tag in tags)
    assert "explorers/" not in prose and "static-explorer" not in prose
    for name in ("live_common", "convolution_stepper", "static_frames"):
        assert (site / "_static" / "explorers" / f"{name}.js").is_file()
    frames = site / "_static" / "explorer-frames" / static_view.element_id
    assert len(list(frames.glob("*.png"))) == len(static_view.frames)
    (src,) = re.findall(r'<img class="static-explorer-frame" src="([^"]+)"', index)
    assert (site / src).read_bytes() == static_view.frames[static_view.default_key]
    assert "base64" not in index.split('class="live-explorer-data"')[0]  # no frame inline
    assert base64.b64encode(static_view.frames[static_view.default_key]).decode() not in index
