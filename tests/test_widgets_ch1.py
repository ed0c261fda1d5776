"""Chapter 1's explorers: the kernel explorer and the convolution stepper."""

import base64
import json
import re

import numpy as np
import pytest
from live_support import embedded_data

from course_utils import kernels
from course_utils.explorers import (
    MAX_IMAGE_PIXELS,
    convolution_step,
    convolution_stepper,
    draw_convolution_step,
    draw_kernel_view,
    kernel_explorer,
    output_limits,
)


def make_images():
    """Two images the explorer keeps exactly (8-bit: ``uint8 / 255`` and whole numbers)."""
    rng = np.random.default_rng(0)
    return {"noise": rng.integers(0, 256, size=(12, 10)) / 255,
            "steps": np.tile(np.arange(9.0), (7, 1))}


def grid_values(explorer):
    cells = explorer.controls["grid"].children
    size = int(round(len(cells) ** 0.5))
    return np.array([cell.value for cell in cells]).reshape(size, size)


def panels(explorer):
    """The kernel view's three panels: input, kernel, output (a colour bar comes last)."""
    return explorer.figure.axes[:3]


# --- kernel view and explorer ------------------------------------------------------------------


def test_draw_kernel_view_titles_and_data():
    image = make_images()["noise"]
    fig = draw_kernel_view(image, kernels.SOBEL_X, "noise", "Sobel x")
    ax_in, ax_kernel, ax_out = fig.axes[:3]
    assert ax_in.get_title() == "input: noise (12x10)"
    assert ax_kernel.get_title() == "kernel: Sobel x (3x3, sum 0)"
    out = kernels.convolve2d(image, kernels.SOBEL_X, "same")
    assert ax_out.get_title().startswith("output (same padding): ")
    np.testing.assert_allclose(ax_out.images[0].get_array(), out)
    low, high = ax_out.images[0].get_clim()
    assert low == -high and 0 < high <= np.abs(out).max()  # symmetric around zero


def test_zero_sum_kernels_are_drawn_signed_and_others_grey():
    image = make_images()["noise"]
    signed = draw_kernel_view(image, kernels.SOBEL_X).axes[2].images[0]
    grey = draw_kernel_view(image, kernels.IDENTITY).axes[2].images[0]
    assert signed.get_cmap().name == "signed" and grey.get_cmap().name == "gray"
    assert grey.get_clim() == tuple(np.percentile(image, [1, 99]))
    limit = np.percentile(np.abs(kernels.convolve2d(image, kernels.SOBEL_X, "same")), 99)
    assert signed.get_clim() == (-limit, limit)


@pytest.mark.parametrize(("output", "kernel", "expected"), [
    (np.zeros((4, 4)), kernels.SOBEL_X, (True, -1.0, 1.0)),        # all zero: a unit scale
    (np.full((4, 4), 3.0), kernels.BOX_BLUR, (False, 2.5, 3.5)),   # flat: mid-grey
    (np.array([[0.0, 0.0], [0.0, 8.0]]), kernels.LAPLACIAN, (True, -7.76, 7.76)),
])
def test_output_limits_never_give_an_empty_scale(output, kernel, expected):
    signed, low, high = output_limits(output, kernel)
    assert (signed, low, high) == pytest.approx(expected)


def test_images_are_kept_with_256_grey_levels_as_the_site_embeds_them():
    image = np.linspace(0, 1, 30).reshape(5, 6)
    explorer = kernel_explorer({"ramp": image}, preset="identity")
    shown = panels(explorer)[0].images[0].get_array()
    np.testing.assert_array_equal(shown, np.round(image * 255) / 255)
    spec = embedded_data(explorer)["images"][0][1]
    assert spec["shape"] == [5, 6] and (spec["lo"], spec["hi"]) == (0.0, 1.0)
    q = np.frombuffer(base64.b64decode(spec["q"]), np.uint8).reshape(5, 6)
    np.testing.assert_array_equal(spec["lo"] + q * (spec["hi"] - spec["lo"]) / 255, shown)


def test_the_site_gets_the_presets_the_first_view_and_the_colour_rule():
    explorer = kernel_explorer(make_images(), preset="Sobel x")
    data = embedded_data(explorer)
    assert [name for name, _ in data["images"]] == ["noise", "steps"]
    assert [name for name, _ in data["presets"]] == list(kernels.CLASSIC_KERNELS)
    sobel = dict(data["presets"])["Sobel x"]
    np.testing.assert_array_equal(np.reshape(sobel, (5, 5))[1:4, 1:4], kernels.SOBEL_X)
    assert (data["preset"], data["size"], data["padding"]) == ("Sobel x", "3x3", "same")
    assert data["maxPixels"] == MAX_IMAGE_PIXELS
    for lut in data["luts"].values():
        assert len(base64.b64decode(lut)) == 256 * 3


def test_the_weight_grid_is_compact_with_its_label_above():
    explorer = kernel_explorer(make_images())
    weights = explorer.widget.layout.children[1].children[0]
    label, _, grid = weights.children
    assert len(label.value) <= 16, "a long label is clipped at JupyterLab's default width"
    assert weights.layout.flex == "0 0 auto"  # the figure gives way, not the grid
    assert grid.layout.grid_template_columns == "repeat(3, 4em)"  # a box and its margins
    assert {cell.layout.width for cell in grid.children} == {"3.5em"}


def test_explorer_starts_on_the_first_image_and_the_chosen_preset():
    explorer = kernel_explorer(make_images(), preset="sharpen")
    ax_in, ax_kernel, _ = panels(explorer)
    assert ax_in.get_title() == "input: noise (12x10)"
    assert ax_kernel.get_title() == "kernel: sharpen (3x3, sum 1)"
    np.testing.assert_array_equal(grid_values(explorer), kernels.SHARPEN)
    assert explorer.static_png.startswith(b"\x89PNG")
    bundle = explorer._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]) == explorer.static_png
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_preset_menu_fills_the_grid_and_redraws_once():
    images = make_images()
    explorer = kernel_explorer(images)
    redraws = []
    draw = explorer.widget.draw
    explorer.widget.draw = lambda: redraws.append(1) or draw()
    explorer.controls["preset"].value = "Sobel y"
    assert len(redraws) == 1, "filling nine cells should redraw once, not nine times"
    np.testing.assert_array_equal(grid_values(explorer), kernels.SOBEL_Y)
    _, ax_kernel, ax_out = panels(explorer)
    assert ax_kernel.get_title() == "kernel: Sobel y (3x3, sum 0)"
    np.testing.assert_allclose(ax_out.images[0].get_array(),
                               kernels.convolve2d(images["noise"], kernels.SOBEL_Y, "same"))


def test_editing_a_weight_changes_the_output_and_makes_the_kernel_custom():
    images = make_images()
    explorer = kernel_explorer(images, preset="identity")
    np.testing.assert_allclose(panels(explorer)[2].images[0].get_array(), images["noise"])
    explorer.controls["grid"].children[0].value = 2.0  # top-left weight
    expected = kernels.IDENTITY.copy()
    expected[0, 0] = 2.0
    _, ax_kernel, ax_out = panels(explorer)
    assert ax_kernel.get_title() == "kernel: custom (3x3, sum 3)"
    np.testing.assert_allclose(ax_out.images[0].get_array(),
                               kernels.convolve2d(images["noise"], expected, "same"))


def test_image_menu_switches_the_input():
    images = make_images()
    explorer = kernel_explorer(images, preset="vertical edge")
    explorer.controls["image"].value = "steps"
    ax_in, _, ax_out = panels(explorer)
    assert ax_in.get_title() == "input: steps (7x9)"
    np.testing.assert_array_equal(ax_in.images[0].get_array(), images["steps"])
    # A ramp rising by 1 per column: (x + 1) - (x - 1) = 2 on each of three rows.
    assert ax_out.images[0].get_array()[3, 4] == pytest.approx(6.0)


def test_5x5_grid_centres_a_3x3_preset_and_back():
    images = make_images()
    explorer = kernel_explorer(images, preset="Laplacian")
    before = panels(explorer)[2].images[0].get_array().copy()
    explorer.controls["size"].value = "5x5"
    grid = grid_values(explorer)
    assert grid.shape == (5, 5)
    np.testing.assert_array_equal(grid[1:4, 1:4], kernels.LAPLACIAN)
    assert not grid[[0, -1], :].any() and not grid[:, [0, -1]].any()
    _, ax_kernel, ax_out = panels(explorer)
    assert ax_kernel.get_title() == "kernel: Laplacian (5x5, sum 0)"
    # A ring of zeros around a kernel changes nothing under "same" padding.
    np.testing.assert_allclose(ax_out.images[0].get_array(), before)
    explorer.controls["grid"].children[0].value = 1.0
    assert panels(explorer)[1].get_title() == "kernel: custom (5x5, sum 1)"
    explorer.controls["size"].value = "3x3"
    np.testing.assert_array_equal(grid_values(explorer), kernels.LAPLACIAN)


def test_a_5x5_preset_switches_the_grid_to_5x5():
    presets = {"small": kernels.IDENTITY, "Gaussian 5x5": kernels.gaussian(5, 1.0)}
    explorer = kernel_explorer(make_images(), presets=presets)
    assert explorer.controls["size"].value == "3x3"
    explorer.controls["preset"].value = "Gaussian 5x5"
    assert explorer.controls["size"].value == "5x5"
    np.testing.assert_allclose(grid_values(explorer), kernels.gaussian(5, 1.0))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"images": {}}, "kernel_explorer needs at least one image"),
    ({"images": {"rgb": np.zeros((4, 4, 3))}},
     r"image 'rgb' must be 2-D \(grey\), got shape \(4, 4, 3\); convert a colour photo"),
    ({"images": {"a": np.zeros((4, 4))}, "presets": {"big": np.ones((7, 7))}},
     r"square with an odd size up to 5, got shape \(7, 7\)"),
    ({"images": {"a": np.zeros((4, 4))}, "presets": {"even": np.ones((2, 2))}},
     r"square with an odd size up to 5, got shape \(2, 2\)"),
    ({"images": {"a": np.zeros((4, 4))}, "presets": {"flat": np.ones(3)}},
     r"square with an odd size up to 5, got shape \(3,\)"),
    ({"images": {"a": np.zeros((4, 4))}, "presets": {"wide": np.ones((3, 5))}},
     r"square with an odd size up to 5, got shape \(3, 5\)"),
    ({"images": {"a": np.zeros((4, 4))}, "preset": "blurry"}, "unknown preset 'blurry'"),
    ({"images": {"a": np.zeros((4, 4))}, "padding": "full"},
     r"padding must be one of \('valid', 'same'\), got 'full'"),
    ({"images": {"big": np.zeros((257, 256))}},
     r"image 'big' has 65,792 pixels \(257x256\); images must have at most 65,536"),
])
def test_kernel_explorer_says_what_is_wrong(kwargs, message):
    with pytest.raises(ValueError, match=message):
        kernel_explorer(**kwargs)


# --- convolution stepper -----------------------------------------------------------------------


def digit():
    return np.arange(64.0).reshape(8, 8) % 17


@pytest.mark.parametrize(("position", "stride"), [(0, 1), (7, 1), (35, 1), (5, 2), (8, 2)])
def test_step_sum_is_the_sum_of_kernel_times_patch(position, stride):
    image, kernel = digit(), kernels.SOBEL_X
    step = convolution_step(image, kernel, position, stride)
    out = kernels.convolve2d(image, kernel, "valid", stride)
    assert (step.row, step.col) == divmod(position, out.shape[1])
    assert (step.top, step.left) == (step.row * stride, step.col * stride)
    patch = image[step.top:step.top + 3, step.left:step.left + 3]
    np.testing.assert_array_equal(step.patch, patch)
    np.testing.assert_array_equal(step.product, kernel * patch)
    assert step.total == np.sum(kernel * patch) == out[step.row, step.col]


def test_draw_convolution_step_shows_the_window_the_sum_and_the_filled_output():
    image, kernel = digit(), kernels.VERTICAL_EDGE
    position = 9  # row 1, column 3 of a 6x6 output
    expected = np.sum(kernel * image[1:4, 3:6])
    fig = draw_convolution_step(image, kernel, position)
    ax_image, ax_patch, ax_kernel, ax_product, ax_output = fig.axes
    assert ax_image.get_title() == "input 8x8, window at (1, 3)"
    assert ax_image.patches[0].get_xy() == (2.5, 0.5)
    assert (ax_image.patches[0].get_width(), ax_image.patches[0].get_height()) == (3, 3)
    assert ax_product.get_title() == f"kernel * patch\nsum = {expected:.0f}"
    assert ax_output.get_title() == f"output 6x6\noutput[1, 3] = {expected:.0f}"
    filled = np.asarray(ax_output.images[0].get_array().filled(np.nan))
    assert np.isfinite(filled.ravel()[:position + 1]).all()
    assert np.isnan(filled.ravel()[position + 1:]).all()
    assert filled[1, 3] == expected
    np.testing.assert_array_equal([t.get_text() for t in ax_patch.texts],
                                  [f"{v:.0f}" for v in image[1:4, 3:6].ravel()])
    assert len(ax_image.texts) == 64 and len(ax_kernel.texts) == 9


def test_the_step_figure_fits_the_page_with_legible_values():
    fig = draw_convolution_step(digit(), kernels.VERTICAL_EDGE, 9)
    width, height = fig.get_size_inches()
    assert width <= 7.2 + 1e-9 and height < width  # two rows, never wider than the page
    assert len(fig.axes) == 5
    assert min(text.get_fontsize() for ax in fig.axes for text in ax.texts) >= 8


def test_stepper_slider_moves_the_window():
    image = digit()
    explorer = convolution_stepper(image, kernels.SOBEL_Y, position=0)
    assert explorer.figure.axes[0].patches[0].get_xy() == (-0.5, -0.5)
    explorer.controls["position"].value = 35
    ax_image, *_, ax_product, ax_output = explorer.figure.axes
    assert ax_image.patches[0].get_xy() == (4.5, 4.5)
    total = np.sum(kernels.SOBEL_Y * image[5:8, 5:8])
    assert ax_product.get_title().endswith(f"sum = {total:.0f}")
    assert explorer.static_png.startswith(b"\x89PNG")


def test_stepper_starts_half_way_with_a_slider_over_every_output_pixel():
    explorer = convolution_stepper(digit(), np.ones((2, 2)), stride=2)
    slider = explorer.controls["position"]
    assert (slider.min, slider.max, slider.value) == (0, 15, 8)
    assert explorer.figure.axes[0].get_title() == "input 8x8, window at (4, 0)"


@pytest.mark.parametrize(("position", "message"), [
    (36, r"position must be in 0..35 for a 6x6 output, got 36"),
    (-1, r"position must be in 0..35 for a 6x6 output, got -1"),
])
def test_bad_positions_say_what_is_wrong(position, message):
    with pytest.raises(ValueError, match=message):
        convolution_step(digit(), kernels.SOBEL_X, position)
    with pytest.raises(ValueError, match=message):
        convolution_stepper(digit(), kernels.SOBEL_X, position=position)


def test_stepper_rejects_a_colour_image():
    with pytest.raises(ValueError, match=r"must be 2-D \(grey\)"):
        convolution_stepper(np.zeros((8, 8, 3)), kernels.SOBEL_X)


def test_stepper_refuses_an_image_too_large_to_write_out():
    with pytest.raises(ValueError, match=r"the image's width must be an integer from 1 to 32, "
                                         r"got 40"):
        convolution_stepper(np.zeros((8, 40)), kernels.SOBEL_X)


def test_stepper_site_data_holds_the_image_kernel_and_first_position_exactly():
    image = digit() / 7
    data = embedded_data(convolution_stepper(image, kernels.SOBEL_X, stride=2, position=3))
    assert data["image"] == {"shape": [8, 8], "values": image.ravel().tolist()}
    assert data["kernel"]["values"] == kernels.SOBEL_X.ravel().tolist()
    assert (data["stride"], data["position"]) == (2, 3)


def test_the_notebook_output_holds_the_kind_and_the_data_and_no_code():
    def element_id_of(html):
        return re.search(r'<div class="live-explorer" data-kind="kernel_explorer" id="([^"]+)"',
                         html).group(1)

    explorer = kernel_explorer(make_images())
    html = explorer._repr_mimebundle_()["text/html"]
    assert re.findall(r"<script[^>]*>", html) == [
        '<script type="application/json" class="live-explorer-data">']
    assert "CourseLive" not in html and "function" not in html
    assert "http" not in html and " src=" not in html  # nothing to fetch
    assert f'<p class="live-explorer-fallback">{explorer.text}</p>' in html
    assert explorer.text.startswith("Kernel explorer: 2 images (noise, steps), 13 preset kernels")
    assert embedded_data(explorer) == json.loads(json.dumps(explorer.data))
    again = kernel_explorer(make_images())._repr_mimebundle_()["text/html"]
    assert element_id_of(again) != element_id_of(html)  # a second display gets its own id
