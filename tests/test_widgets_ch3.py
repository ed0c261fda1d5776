import numpy as np
import pytest

from course_utils import explorers as widgets
from course_utils.explorers import padding_stride
from course_utils.explorers.base import PNG_DPI
from course_utils.site.static_explorer import figure_to_frame


def _window_patches(fig):
    """The orange window rectangles drawn on the figure's first panel."""
    ax = fig.axes[0]
    return [p for p in ax.patches if p.get_edgecolor()[:3] == pytest.approx((1.0, 0.6, 0.0))]


@pytest.mark.parametrize(("args", "positions", "title"), [
    ((5, 3, "valid", 1), 9, "5x5 input, 3x3 window, padding='valid', stride 1 → 3x3 output"),
    ((5, 3, "same", 1), 25, "5x5 input, 3x3 window, padding='same', stride 1 → 5x5 output"),
    ((5, 3, "valid", 2), 4, "5x5 input, 3x3 window, padding='valid', stride 2 → 2x2 output"),
    ((6, 4, "same", 3), 4, "6x6 input, 4x4 window, padding='same', stride 3 → 2x2 output"),
])
def test_draw_windows_draws_one_window_per_output_pixel(args, positions, title):
    fig = widgets.draw_windows(*args)
    assert fig.get_suptitle() == title
    assert len(_window_patches(fig)) == positions


def test_draw_windows_puts_each_window_where_keras_puts_it():
    # 5x5 with stride 2: windows start at pixels 0 and 2 along each axis
    fig = widgets.draw_windows(5, 3, "valid", 2)
    corners = sorted(p.get_xy() for p in _window_patches(fig))
    side, gap = 5, 1.0
    expected = sorted((j * (side + gap) + left, i * (side + gap) + top)
                      for i, top in enumerate((0, 2)) for j, left in enumerate((0, 2)))
    assert corners == expected


def test_window_coverage_counts_the_windows_over_each_pixel():
    np.testing.assert_array_equal(widgets.window_coverage(5, 3)[2], [3, 6, 9, 6, 3])
    np.testing.assert_array_equal(widgets.window_coverage(5, 3, "same")[0], [4, 6, 6, 6, 4])
    # a stride larger than the window skips pixels: nobody sees them
    np.testing.assert_array_equal(widgets.window_coverage(7, 2, "valid", 3)[0],
                                  [1, 1, 0, 1, 1, 0, 0])


def test_draw_windows_rejects_a_window_that_does_not_fit():
    with pytest.raises(ValueError, match="a 7-wide kernel does not fit in a 5-wide input"):
        widgets.draw_windows(5, 7, "valid", 1)


def test_explorer_redraws_when_a_control_changes():
    explorer = widgets.padding_stride_explorer()
    assert explorer.figure.get_suptitle().endswith("→ 3x3 output")
    first = explorer.figure
    explorer.controls["padding"].value = "same"
    assert explorer.figure is not first
    assert explorer.figure.get_suptitle().endswith("→ 5x5 output")
    explorer.controls["stride"].value = 2
    assert len(_window_patches(explorer.figure)) == 9
    explorer.controls["input size"].value = 8
    explorer.controls["kernel size"].value = 2
    assert explorer.figure.get_suptitle() == \
        "8x8 input, 2x2 window, padding='same', stride 2 → 4x4 output"


def test_explorer_says_why_a_combination_is_invalid():
    explorer = widgets.padding_stride_explorer()
    status = explorer.widget.layout.children[2]
    assert status.value == "output: 3x3"
    explorer.controls["kernel size"].value = 7
    reason = "a 7-wide kernel does not fit in a 5-wide input with padding='valid'"
    assert reason in status.value
    texts = [t.get_text() for ax in explorer.figure.axes for t in ax.texts]
    assert any(reason in text for text in texts)
    assert "no output" in explorer.figure.get_suptitle()
    explorer.controls["padding"].value = "same"  # now it fits again
    assert status.value == "output: 5x5"


def test_explorer_has_a_static_png_of_its_default_view():
    explorer = widgets.padding_stride_explorer()
    assert explorer.static_png.startswith(b"\x89PNG")
    assert explorer._repr_mimebundle_(include={"image/png"})["image/png"]
    explorer.controls["stride"].value = 2
    assert explorer.static_png == figure_to_frame(widgets.draw_windows(5, 3, "valid", 1), PNG_DPI)


def test_explorer_refuses_an_invalid_first_view():
    with pytest.raises(ValueError, match="does not fit"):
        widgets.padding_stride_explorer(n=3, k=5)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"n": 12}, r"n must be an integer from 1 to 9, got 12"),
    ({"n": 0}, r"n must be an integer from 1 to 9, got 0"),
    ({"k": 10}, r"k must be an integer from 1 to 9, got 10"),
    ({"n": 12, "largest": 12, "stride": 5}, r"stride must be an integer from 1 to 4, got 5"),
    ({"padding": "full"}, r"padding must be one of \('valid', 'same'\), got 'full'"),
    ({"largest": 40}, r"largest must be an integer from 1 to 16, got 40"),
])
def test_explorer_refuses_a_first_view_its_sliders_cannot_show(kwargs, message):
    # A slider would silently clamp it: n=12 used to show a 9x9 input.
    with pytest.raises(ValueError, match=message):
        widgets.padding_stride_explorer(**kwargs)


def test_a_larger_range_takes_a_larger_input():
    explorer = widgets.padding_stride_explorer(n=12, largest=12)
    assert explorer.controls["input size"].value == 12
    assert explorer.controls["input size"].max == 12


@pytest.mark.parametrize("args", [(5, 3, "valid", 1), (12, 3, "same", 1), (28, 5, "same", 2)])
def test_draw_windows_is_never_wider_than_the_page(args):
    fig = widgets.draw_windows(*args)
    assert fig.get_size_inches()[0] <= padding_stride.MAX_WIDTH_INCHES + 1e-9
