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

from web.site_support import ROOT, SCREENSHOTS, read, serve, toc_pages

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
    (site / "models.html").write_text(
        "<!DOCTYPE html><html data-content_root=\"./\"><head><meta charset='utf-8'>"
        f"<title>models</title></head><body>{body}</body></html>", encoding="utf-8")
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
