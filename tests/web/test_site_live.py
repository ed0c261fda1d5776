"""The live explorers (``course_utils/site/js``) compute what the Python code computes.

On chapter 1's page, weights typed into the kernel explorer's grid and a PNG loaded through its
file input give ``kernels.convolve2d``'s output (to 1/255 of its range, canvas pixels
included), and hovering over an output pixel shows its arithmetic; on a page of small live
explorers opened from disk, the Gabor kernel equals ``gabor.gabor_kernel`` (to 1e-6) and its
response ``gabor.gabor_magnitude``, the stepper ``convolution_step`` at any position, and the
padding/stride explorer ``kernels.output_size`` and ``window_coverage``; dragging each slider
of each live explorer (there and on the site) changes its view.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from web.site_support import (
    DARK_JS,
    axe_violations,
    decoded,
    explorer_page,
    live_data,
    read,
    toc_pages,
)

LIVE = ".live-explorer[data-kind={kind}][data-ready=true]"
# Everything an explorer shows: its canvases' pixels and its text (a change in either is a
# change of the view).
VIEW_JS = """root => Array.from(root.querySelectorAll("canvas")).map(c => c.toDataURL())
  .join("|") + root.innerText"""


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
    """A page of small live explorers, one of each kind: their notebook outputs, with the
    scripts the book's extension would add (``site_support.explorer_page``)."""
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
    return explorer_page(tmp_path_factory.mktemp("live"), "live", body)


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
    # (the model explorers of chapters 4 and 9 have no slider: test_site_models_browser; the
    # training explorer's sliders move readouts until it trains: test_site_training)
    assert set(moved) - {"digit_explorer", "photo_explorer"} == {
        "kernel_explorer", "convolution_stepper", "padding_stride_explorer", "gabor_explorer",
        "training_explorer"}
    for kind, sliders in (("convolution_stepper", 1), ("padding_stride_explorer", 3),
                          ("gabor_explorer", 3), ("training_explorer", 5)):
        assert moved[kind] >= sliders, f"{kind}: {moved[kind]} sliders moved"



# Every canvas of the explorers named (role img, or application when it takes keys) or hidden.
UNNAMED_CANVASES_JS = """() => Array.from(document.querySelectorAll(".live-explorer canvas"))
  .filter(c => !c.closest("[aria-hidden=true]") && !(["img", "application"].includes(
    c.getAttribute("role")) && (c.getAttribute("aria-label") || "").trim()))
  .map(c => c.closest(".live-explorer").dataset.kind + " " + c.className)"""


def tab_to(page: Any, selector: str, presses: int = 60) -> None:
    """Press Tab until the element matching ``selector`` has the focus (keyboard alone)."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement === document.querySelector(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def test_the_explorers_work_by_keyboard_alone_and_are_labelled(live_page: Path,
                                                                open_page: Callable) -> None:
    from course_utils import kernels

    page, watch = open_page(live_page.as_uri())
    kernel = page.locator(LIVE.format(kind="kernel_explorer"))
    output = read(kernel, "output").reshape(9, 11)
    # The output's pixels by keyboard: Tab reaches the output, arrow keys move its cursor.
    tab_to(page, ".live-explorer[data-kind=kernel_explorer] canvas.live-kernel-output")
    shown = kernel.evaluate("r => r.liveExplorer.arithmetic")
    assert (shown["row"], shown["col"]) == (4, 5)
    for key, (row, col) in (("ArrowRight", (4, 6)), ("ArrowUp", (3, 6)), ("Home", (3, 0)),
                            ("Shift+ArrowDown", (8, 0)), ("End", (8, 10)),
                            ("ArrowRight", (8, 10)), ("ArrowLeft", (8, 9))):
        page.keyboard.press(key)
        shown = kernel.evaluate("r => r.liveExplorer.arithmetic")
        assert (shown["row"], shown["col"]) == (row, col), key
        assert shown["sum"] == pytest.approx(output[row, col])
        line = kernel.locator(".live-kernel-arithmetic [aria-live=polite]").inner_text()
        assert line.startswith(f"output[{row}, {col}] = ")
    cursor = kernel.locator(".live-explorer-cursor").bounding_box()
    box = kernel.locator("canvas.live-kernel-output").bounding_box()
    assert cursor["x"] + cursor["width"] / 2 == pytest.approx(box["x"] + box["width"] * 9.5 / 11,
                                                              abs=2)
    # Weights typed by keyboard; the preset menu then says "custom", and a preset comes back.
    presets = kernel.locator("select[data-control=preset]")
    weight = kernel.locator("input.live-kernel-weight").first
    assert weight.get_attribute("aria-label") == "weight, row 1, column 1 of 3x3"
    weight.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("7")
    assert kernel.get_attribute("data-kernel-name") == "custom"
    assert presets.input_value() == "custom"
    presets.focus()
    presets.select_option("Sobel x")
    assert presets.input_value() == "Sobel x"
    assert kernel.get_attribute("data-kernel-name") == "Sobel x"
    # The file input's label says what happens to the reader's image.
    assert "made grey, shrunk to at most 65,536 pixels" in kernel.inner_text()

    # The stepper: its slider by keyboard, its label the step the title says.
    stepper = page.locator(LIVE.format(kind="convolution_stepper"))
    steps = kernels.convolve2d(np.zeros((7, 7)), kernels.SOBEL_X, "valid", 2).size
    slider = stepper.locator("input[data-control=position]")
    slider.focus()
    page.keyboard.press("Home")
    for position in (1, 2):
        page.keyboard.press("ArrowRight")
        assert stepper.evaluate("r => r.liveExplorer.position") == position
        said = f"{position + 1} of {steps}"
        assert stepper.locator("label output").inner_text() == said
        assert slider.get_attribute("aria-valuetext") == f"step {said}"
        assert f"step {said}:" in stepper.locator(".live-explorer-title").inner_text()

    # Names for every canvas and control; results announced.
    assert page.evaluate(UNNAMED_CANVASES_JS) == []
    for kind, region in (("kernel_explorer", ".live-kernel-arithmetic"),
                         ("convolution_stepper", ""), ("padding_stride_explorer", "")):
        assert page.locator(f"{LIVE.format(kind=kind)} {region} [aria-live=polite]").count() >= 1
    assert axe_violations(page) == []
    # The theme's dark mode: still no contrast problem, and no see-through drawing.
    page.evaluate(DARK_JS)
    assert axe_violations(page) == []
    assert page.locator(LIVE.format(kind="padding_stride_explorer")).evaluate("""root => {
      const c = root.querySelector("canvas.live-padding-windows");
      return Array.from(c.getContext("2d").getImageData(0, 0, c.width, c.height).data)
        .filter((_, i) => i % 4 === 3).every(a => a === 255); }""")
    assert watch.problems() == {}, watch.problems()


def test_the_kernel_explorer_takes_any_image_file(live_page: Path, open_page: Callable,
                                                   tmp_path: Path) -> None:
    from PIL import Image
    from skimage.color import rgb2gray

    page, watch = open_page(live_page.as_uri())
    kernel = page.locator(LIVE.format(kind="kernel_explorer"))
    file = kernel.locator("input.live-kernel-file")

    def load(path: Path) -> None:  # until the explorer redraws or says something new is wrong
        was = [kernel.get_attribute("data-updates"), kernel.get_attribute("data-error")]
        file.set_input_files(path)
        page.wait_for_function("([r, n, e]) => r.getAttribute('data-updates') !== n || "
                               "r.getAttribute('data-error') !== e",
                               arg=[kernel.element_handle(), *was])

    # Transparent pixels count as white (gradcam.composite_alpha), not black.
    rgba = np.random.default_rng(2).integers(0, 256, size=(20, 30, 4), dtype=np.uint8)
    rgba[:10, :, 3] = 0
    rgba[10:, :, 3] = 255
    Image.fromarray(rgba).save(tmp_path / "see-through.png")
    load(tmp_path / "see-through.png")
    grey = read(kernel, "image.data").reshape(20, 30)
    np.testing.assert_allclose(grey[:10], 1.0, atol=1e-12)
    np.testing.assert_allclose(grey[10:], rgb2gray(rgba[10:, :, :3]), atol=1e-12)
    # A large image is shrunk to at most 65,536 pixels, and says so.
    Image.fromarray(np.full((600, 400, 3), 90, np.uint8)).save(tmp_path / "large.png")
    load(tmp_path / "large.png")
    height, width = kernel.evaluate("r => [r.liveExplorer.image.height, "
                                    "r.liveExplorer.image.width]")
    assert height * width <= 65_536 and height / width == pytest.approx(1.5, rel=0.01)
    assert "shrunk from 600x400" in kernel.locator(".live-explorer-title").first.inner_text()
    # A file that is no image: said inside the explorer, which keeps working.
    (tmp_path / "notes.png").write_text("not a picture")
    load(tmp_path / "notes.png")
    assert "Could not read notes.png" in kernel.locator(".live-explorer-error").inner_text()
    load(tmp_path / "see-through.png")
    assert kernel.locator(".live-explorer-error").count() == 0
    assert watch.problems() == {}, watch.problems()


def test_an_explorer_that_fails_says_why_inside_it(live_page: Path, open_page: Callable) -> None:
    broken = live_page.parent / "broken.html"  # the kernel explorer's data without its presets
    broken.write_text(live_page.read_text(encoding="utf-8").replace('"presets":', '"presetz":', 1),
                      encoding="utf-8")
    page, watch = open_page(broken.as_uri())
    kernel = page.locator(".live-explorer[data-kind=kernel_explorer]")
    assert "This explorer could not start" in kernel.locator(
        ".live-explorer-error[role=alert]").inner_text()
    gabor = page.locator(LIVE.format(kind="gabor_explorer"))  # the others still run
    # An update that fails says so too, and the line goes once the explorer works again.
    page.evaluate("() => { window.realCorrelate = CourseLive.correlate; "
                  "CourseLive.correlate = () => { throw new Error('no arithmetic today'); }; }")
    gabor.locator("input[data-control=sigma]").fill("4")
    error = gabor.locator(".live-explorer-error[role=alert]")
    assert "could not update: no arithmetic today" in error.inner_text()
    page.evaluate("() => { CourseLive.correlate = window.realCorrelate; }")
    gabor.locator("input[data-control=sigma]").fill("5")
    assert error.count() == 0
    assert watch.problems() == {}, watch.problems()
