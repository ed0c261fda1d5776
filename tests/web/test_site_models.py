"""The model explorers in a real browser: the page's ONNX Runtime Web computes what Keras does.

A small site is written from the explorers' notebook outputs (as ``test_site_live``'s
``live_page``), laid out as the built book is: ``<html data-content_root="./">``, ONNX Runtime
Web in ``_static/onnxruntime/`` (``make vendor``) and the photo model in ``_static/models/``
(exported as ``make book`` does). It is served from localhost; headless Chromium, with the
network cut off, checks that

- the digit explorer puts a test digit's pixels through the canvas path: its prepared digit is
  ``explorers.prepare_drawing`` of the pad's pixels, and its probabilities and every conv and
  pooling feature map are Keras's on the same prepared pixels (1e-4), each map's channels scaled
  as ``interpret.normalise_channels``; a stroke drawn with the mouse is read the same way, and
  the clear button empties the view;
- the photo explorer, given a photo through its file input, resizes it as
  ``interpret.resize_for_model``, and gives Keras's top 5 and ``interpret.class_activation_map``
  for the classes picked in its menu (1e-3);
- opened from disk, each explorer says in one line how to serve the site, and loads nothing;
- on the built book (the ``site`` and ``server`` fixtures of ``conftest.py``), chapter 4's and
  chapter 9's explorers open and run (the photo model exported by ``make book``).

Screenshots of both explorers go to ``_build/screenshots/`` (git-ignored), to look at.
"""
from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from web.site_support import ROOT, SCREENSHOTS, explorer_page, read, serve, toc_pages

ORT = ROOT / "_vendor" / "onnxruntime"
LAYERS = ["conv1", "pool1", "conv2", "pool2", "conv3"]
MODEL = ".live-explorer[data-kind={kind}]"
#: Milliseconds to wait for ONNX Runtime and a model to load and run (CI's 2 cores are shared
#: with a second Python's unit tests while these run).
RUN_MS = 180_000


@pytest.fixture(scope="module")
def model_site(chromium: str, digit_convnet, photo_static: Path,
               tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-page site with both model explorers, laid out as the built book."""
    from course_utils import explorers

    if not (ORT / "ort.wasm.min.js").is_file():
        pytest.fail("ONNX Runtime Web is missing: run `make vendor`", pytrace=False)
    site = tmp_path_factory.mktemp("models_site")
    shutil.copytree(photo_static, site / "_static")
    shutil.copytree(ORT, site / "_static" / "onnxruntime")
    model, digits, labels = digit_convnet
    body = "\n".join(part._repr_mimebundle_()["text/html"] for part in (
        explorers.digit_explorer(model, digits[:4], labels[:4]), explorers.photo_explorer()))
    explorer_page(site, "models", body, content_root=True)
    return site


@pytest.fixture(scope="module")
def model_server(model_site: Path) -> Iterator[str]:
    """The small site served over HTTP on a free localhost port; yields the page's URL."""
    with serve(model_site) as url:
        yield url + "models.html"


def open_explorer(page: Any, kind: str) -> Any:
    """Press the explorer's open button and wait until its model has run once."""
    explorer = page.locator(MODEL.format(kind=kind))
    assert explorer.get_attribute("data-state") == "closed"
    explorer.locator("button.live-model-open").click()
    page.wait_for_function("root => ['open', 'failed'].includes(root.getAttribute('data-state'))",
                           arg=explorer.element_handle(), timeout=RUN_MS)
    assert explorer.get_attribute("data-state") == "open", explorer.inner_text()
    return explorer


def wait_for_update(page: Any, explorer: Any, before: str | None) -> None:
    """Wait until the explorer has redrawn after ``before`` (its data-updates counter); if it
    does not, fail with what the explorer shows (its notes say what went wrong)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("([root, n]) => root.getAttribute('data-updates') !== n",
                               arg=[explorer.element_handle(), before], timeout=RUN_MS)
    except PlaywrightTimeout:
        pytest.fail(f"no redraw within {RUN_MS / 1000:.0f} s; the explorer shows: "
                    f"{explorer.inner_text()!r}", pytrace=False)


def assert_digit_view_is_keras(explorer: Any, model: Any) -> np.ndarray:
    """The page's prepared digit, probabilities and maps are Python's and Keras's."""
    from course_utils import explorers, interpret, onnx_models

    ink = read(explorer, "ink").reshape(112, 112)
    prepared = read(explorer, "prepared").reshape(28, 28)
    np.testing.assert_allclose(prepared, explorers.prepare_drawing(ink), atol=1e-9, rtol=0)
    batch = prepared[np.newaxis, ..., np.newaxis].astype("float32")
    expected = onnx_models.feature_model(model, LAYERS).predict(batch, verbose=0)
    np.testing.assert_allclose(read(explorer, "probabilities"), expected[-1][0], atol=1e-4,
                               rtol=0)
    for name, want in zip(LAYERS, expected, strict=False):
        got = read(explorer, f"maps.{name}").reshape(want.shape[1:])
        np.testing.assert_allclose(got, want[0], atol=1e-4, rtol=0)
        normalised = read(explorer, f"normalised.{name}").reshape(want.shape[1:])
        np.testing.assert_allclose(normalised, interpret.normalise_channels(got)[0], atol=1e-9)
        blank = int(interpret.normalise_channels(got)[1].sum())
        c, (h, w) = want.shape[-1], want.shape[1:3]
        assert f"{name}: {c} channels of {h}x{w}, {blank} blank" in explorer.inner_text()
    return prepared


def test_the_digit_explorer_computes_what_keras_does_on_the_prepared_drawing(
        model_server: str, open_page: Callable, digit_convnet) -> None:
    model, digits, _ = digit_convnet
    page, watch = open_page(model_server)
    explorer = open_explorer(page, "digit_explorer")
    for index in (1, 3):  # a test digit's pixels, through the pad and the preparation
        before = explorer.get_attribute("data-updates")
        explorer.locator(f"button.live-digit-start[data-digit='{index}']").click()
        wait_for_update(page, explorer, before)
        np.testing.assert_array_equal(read(explorer, "ink").reshape(112, 112),
                                      np.kron(np.round(digits[index] * 255) / 255,
                                              np.ones((4, 4))))
        assert_digit_view_is_keras(explorer, model)

    # A stroke drawn with the mouse: a "1" down the middle of a cleared pad.
    before = explorer.get_attribute("data-updates")
    explorer.locator("button.live-digit-clear").click()
    wait_for_update(page, explorer, before)
    assert explorer.evaluate("r => r.liveExplorer.probabilities") is None
    assert "Draw a digit" in explorer.inner_text()
    box = explorer.locator("canvas.live-digit-pad").bounding_box()
    before = explorer.get_attribute("data-updates")
    page.mouse.move(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.15)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.85, steps=8)
    page.mouse.up()
    wait_for_update(page, explorer, before)
    prepared = assert_digit_view_is_keras(explorer, model)
    assert (prepared.max(axis=1) > 0).sum() == 20  # the tall stroke fills the box's height
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    explorer.screenshot(path=SCREENSHOTS / "digit-explorer.png")
    assert watch.problems() == {}, watch.problems()


def test_the_photo_explorer_gives_keras_top_5_and_the_notebooks_cam(
        model_server: str, open_page: Callable, tmp_path: Path) -> None:
    from PIL import Image

    from course_utils import data, interpret, pretrained

    photo = data.load_photo("elephant")
    path = tmp_path / "elephant.png"  # lossless: the browser decodes the very same pixels
    Image.fromarray(photo).save(path)
    page, watch = open_page(model_server)
    explorer = open_explorer(page, "photo_explorer")
    before = explorer.get_attribute("data-updates")
    explorer.locator("input.live-photo-file").set_input_files(path)
    wait_for_update(page, explorer, before)

    pixels = interpret.resize_for_model(photo, 224)
    np.testing.assert_allclose(read(explorer, "pixels").reshape(pixels.shape), pixels,
                               atol=1e-3, rtol=0)
    model = pretrained.efficientnet_lite0()
    probabilities = model.predict(pixels[np.newaxis], verbose=0)[0]
    top = interpret.top_classes(probabilities, top=5)
    assert explorer.evaluate("r => r.liveExplorer.top") == [i for i, _, _ in top]
    np.testing.assert_allclose(read(explorer, "probabilities"), probabilities, atol=1e-3, rtol=0)
    maps = interpret.layer_activations(model, pixels, ["top_activation"])["top_activation"]
    kernel = model.get_layer("predictions").get_weights()[0]
    menu = explorer.locator("select[data-control=class]")
    for index, name, _ in (top[0], top[2]):
        if menu.input_value() != str(index):
            before = explorer.get_attribute("data-updates")
            menu.select_option(str(index))
            wait_for_update(page, explorer, before)
        assert explorer.evaluate("r => r.liveExplorer.classIndex") == index
        np.testing.assert_allclose(read(explorer, "cam").reshape(7, 7),
                                   interpret.class_activation_map(maps, kernel, index),
                                   atol=1e-3, rtol=0)
        assert name in menu.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    explorer.screenshot(path=SCREENSHOTS / "photo-explorer.png")
    assert watch.problems() == {}, watch.problems()


def test_opened_from_disk_each_model_explorer_says_how_to_serve_the_site(
        model_site: Path, open_page: Callable) -> None:
    page, watch = open_page((model_site / "models.html").as_uri())
    for kind in ("digit_explorer", "photo_explorer"):
        explorer = page.locator(MODEL.format(kind=kind))
        assert explorer.get_attribute("data-ready") == "true"
        assert explorer.get_attribute("data-state") == "unavailable"
        message = explorer.locator(".live-model-message")
        assert "python -m http.server -d _build/html" in message.inner_text()
        assert "\n" not in message.inner_text().strip()
        assert explorer.locator("button").count() == 0
    assert not any("onnxruntime" in url or url.endswith(".onnx") for url in watch.requests)
    assert watch.problems() == {}, watch.problems()


def test_on_the_built_site_both_model_explorers_run(site: Path, server: str,
                                                     open_page: Callable, tmp_path: Path) -> None:
    from PIL import Image

    from course_utils import data

    pages = {kind: [name for name in toc_pages()
                    if f'data-kind="{kind}"' in (site / f"{name}.html").read_text(errors="replace")]
             for kind in ("digit_explorer", "photo_explorer")}
    assert all(pages.values()), (f"pages with each model explorer: {pages}; chapters 4 and 9 "
                                 "show them (explorers.digit_explorer, explorers.photo_explorer)")
    page, watch = open_page(server + pages["digit_explorer"][0] + ".html")
    explorer = open_explorer(page, "digit_explorer")
    assert len(read(explorer, "probabilities")) == 10
    assert watch.problems() == {}, watch.problems()

    path = tmp_path / "chelsea.png"
    Image.fromarray(data.load_photo("chelsea")).save(path)
    page, watch = open_page(server + pages["photo_explorer"][0] + ".html")
    explorer = open_explorer(page, "photo_explorer")
    before = explorer.get_attribute("data-updates")  # read first: the redraw can beat a late read
    explorer.locator("input.live-photo-file").set_input_files(path)
    wait_for_update(page, explorer, before)
    assert len(explorer.evaluate("r => r.liveExplorer.top")) == 5
    assert read(explorer, "cam").max() == 1.0
    assert watch.problems() == {}, watch.problems()


def pad_is_read(page: Any, explorer: Any) -> None:
    """Wait until the digit explorer has read the pad as it is now (the last stroke included)."""
    page.wait_for_function("""root => {
      const pad = root.querySelector("canvas.live-digit-pad"), r = root.liveExplorer;
      const d = pad.getContext("2d").getImageData(0, 0, pad.width, pad.height).data;
      let ink = 0;
      for (let i = 0; i < d.length; i += 4) { ink += d[i]; }
      return Boolean(r.ink) && Math.abs(r.ink.reduce((a, b) => a + b, 0) * 255 - ink) < 1e-6 &&
        root.getAttribute("data-busy") === "false"; }""", arg=explorer.element_handle(),
        timeout=RUN_MS)


def test_the_digit_pad_draws_by_keyboard_and_says_when_a_stroke_is_too_small(
        model_server: str, open_page: Callable, digit_convnet) -> None:
    from web.site_support import axe_violations

    model, _, _ = digit_convnet
    page, watch = open_page(model_server)
    explorer = open_explorer(page, "digit_explorer")
    pad = explorer.locator("canvas.live-digit-pad")
    verdict = explorer.locator(".live-digit-verdict[aria-live=polite]")
    assert verdict.inner_text().startswith("The convnet reads ")  # the first test digit
    # A single dot (a click) is no digit: said so, no probabilities.
    explorer.locator("button.live-digit-clear").click()
    box = pad.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    pad_is_read(page, explorer)
    assert explorer.evaluate("r => [r.liveExplorer.probabilities, r.liveExplorer.tooSmall]") == [
        None, True]
    assert verdict.inner_text() == "Too small to be a digit: draw it larger."
    # Keyboard alone: the pad takes the focus, Delete clears it, the pen draws a "1".
    pad.focus()
    page.keyboard.press("Delete")
    pad_is_read(page, explorer)
    assert verdict.inner_text() == "Nothing drawn yet."
    for key in ["Shift+ArrowUp"] * 2 + [" "] + ["Shift+ArrowDown"] * 4 + [" ", "Enter"]:
        page.keyboard.press(key)
    pad_is_read(page, explorer)
    assert explorer.evaluate("r => r.liveExplorer.probabilities") is not None
    prepared = assert_digit_view_is_keras(explorer, model)
    assert (prepared.max(axis=1) > 0).sum() == 20  # the tall stroke fills the box's height
    best = explorer.evaluate("r => r.liveExplorer.best")
    assert verdict.inner_text().startswith(f"The convnet reads {best} (")
    assert axe_violations(page, MODEL.format(kind="digit_explorer")) == []
    assert page.evaluate("() => Array.from(document.querySelectorAll("
                         "'.live-explorer canvas')).every(c => c.closest('[aria-hidden=true]') "
                         "|| (c.getAttribute('aria-label') || '').trim())")
    # A reading that fails says why inside the explorer; the next one takes the line away.
    page.evaluate("() => { window.realRun = CourseLive.models.run; CourseLive.models.run = "
                  "() => Promise.reject(new Error('no model today')); }")
    explorer.locator("button.live-digit-start[data-digit='2']").click()
    error = explorer.locator(".live-explorer-error[role=alert]")
    error.wait_for()
    assert "could not read the drawing: no model today" in error.inner_text()
    page.evaluate("() => { CourseLive.models.run = window.realRun; }")
    before = explorer.get_attribute("data-updates")
    explorer.locator("button.live-digit-start[data-digit='3']").click()
    wait_for_update(page, explorer, before)
    assert error.count() == 0
    assert watch.problems() == {}, watch.problems()


def overlay_pixels(explorer: Any) -> np.ndarray:
    """The photo explorer's overlay canvas, as an (h, w, 3) array."""
    width, height, values = explorer.evaluate("""root => {
      const c = root.querySelector("canvas.live-photo-overlay");
      return [c.width, c.height, Array.from(c.getContext("2d").getImageData(0, 0, c.width,
              c.height).data)]; }""")
    return np.array(values, np.uint8).reshape(height, width, 4)[..., :3]


def test_the_photo_explorer_takes_any_file(model_server: str, open_page: Callable,
                                           tmp_path: Path) -> None:
    import skimage.data
    from PIL import Image

    from course_utils import data, interpret
    from web.site_support import axe_violations

    page, watch = open_page(model_server)
    explorer = open_explorer(page, "photo_explorer")
    file = explorer.locator("input.live-photo-file")
    note = explorer.locator(".live-photo-note[aria-live=polite]")

    def load(*paths: Path) -> None:
        before = explorer.get_attribute("data-updates")
        for path in paths:
            file.set_input_files(path)
        wait_for_update(page, explorer, before)

    # An astronaut with an alpha channel: transparent pixels reach the model as white.
    rgba = np.dstack([skimage.data.astronaut(), np.full((512, 512), 255, np.uint8)])
    yy, xx = np.mgrid[:512, :512]
    rgba[..., 3][(yy - 256) ** 2 + (xx - 256) ** 2 > 230 ** 2] = 0  # transparent outside a disc
    rgba[..., 3][:, :40] = 128  # half see-through on the left
    Image.fromarray(rgba).save(tmp_path / "astronaut.png")
    load(tmp_path / "astronaut.png")
    flat = interpret.composite_alpha(rgba)
    pixels = interpret.resize_for_model(flat, 224)  # (TensorFlow's float32 coordinates: 0.05)
    np.testing.assert_allclose(read(explorer, "pixels").reshape(pixels.shape), pixels,
                               atol=0.05, rtol=0)
    # The overlay is overlay_heatmap's: the map's values upscaled, then coloured (jet only).
    cam = read(explorer, "cam").reshape(7, 7)
    expected = interpret.overlay_heatmap(flat, cam).astype(int)
    difference = np.abs(overlay_pixels(explorer).astype(int) - expected)
    assert difference.max() <= 2 and (difference <= 1).mean() > 0.999, difference.max()
    assert explorer.locator("canvas.live-photo-overlay[role=img]").get_attribute("aria-label")
    assert "EfficientNet-Lite0 reads " in note.inner_text()
    assert axe_violations(page, MODEL.format(kind="photo_explorer")) == []

    # A file that fails: nothing of the previous photo stays under the error.
    (tmp_path / "broken.png").write_bytes(b"\x89PNG not really")
    load(tmp_path / "broken.png")
    assert "Could not read broken.png" in explorer.locator(
        ".live-explorer-error[role=alert]").inner_text()
    assert explorer.locator("ol.live-photo-top li").count() == 0
    assert explorer.locator("select[data-control=class] option").count() == 0
    assert not explorer.locator("canvas.live-photo-overlay").is_visible()
    assert explorer.evaluate("r => r.liveExplorer.top") is None

    # A photo smaller than the model's input says that it is upscaled.
    Image.fromarray(skimage.data.astronaut()[::64, ::64]).save(tmp_path / "tiny.png")
    load(tmp_path / "tiny.png")
    assert explorer.locator(".live-explorer-error").count() == 0
    assert "8x8, smaller than the model's 224x224 input: upscaled to 224x224" in note.inner_text()

    # A photo of 8 megapixels is decoded to at most 1,048,576 pixels, and says so.
    Image.fromarray(np.full((2448, 3264, 3), (40, 90, 160), np.uint8)).save(tmp_path / "big.png")
    load(tmp_path / "big.png")
    shown = explorer.evaluate("r => r.liveExplorer.photo")
    assert (shown["naturalWidth"], shown["naturalHeight"]) == (3264, 2448)
    assert shown["width"] * shown["height"] <= 1_048_576
    assert f"3264x2448, shrunk to {shown['width']}x{shown['height']}" in note.inner_text()

    # Two photos picked in a row: the second is shown, even when the first is slower.
    Image.fromarray(data.load_photo("chelsea")).save(tmp_path / "chelsea.png")
    page.evaluate("""() => { const run = CourseLive.models.run; let first = true;
      window.slowDone = false;
      CourseLive.models.run = function () {
        const args = arguments;
        if (!first) { return run.apply(null, args); }
        first = false;
        return new Promise(done => setTimeout(done, 1500)).then(() => run.apply(null, args))
          .then(out => { setTimeout(() => { window.slowDone = true; }, 200); return out; });
      }; }""")
    load(tmp_path / "astronaut.png", tmp_path / "chelsea.png")
    page.wait_for_function("() => window.slowDone", timeout=RUN_MS)
    assert explorer.evaluate("r => r.liveExplorer.photo.name") == "chelsea.png"
    assert note.inner_text().startswith("chelsea.png, 451x300")
    assert watch.problems() == {}, watch.problems()
