import numpy as np
import pytest

from course_utils import gabor
from course_utils.explorers import draw_gabor_view, gabor_explorer


def stripes(vertical: bool, size: int = 28) -> np.ndarray:
    wave = np.tile(np.cos(2 * np.pi * 0.2 * np.arange(size)), (size, 1))
    return wave if vertical else wave.T


IMAGES = {"vertical stripes": stripes(True), "horizontal stripes": stripes(False)}


def titles(fig) -> list[str]:
    return [ax.get_title() for ax in fig.axes]


def test_draw_gabor_view_titles_state_the_parameters_and_show_the_magnitude():
    fig = draw_gabor_view(IMAGES, 0.2, np.pi / 4, 3.0)
    assert fig.get_suptitle() == (
        "Gabor filter: frequency 0.20 cycles/px (wavelength 5.0 px), θ = 45°, σ = 3.0 px"
    )
    # At 45 degrees skimage's kernel is 2 * ceil(3 * 3.0 * cos 45°) + 1 = 15 pixels wide.
    assert titles(fig)[:2] == ["real part (cosine), 15x15", "vertical stripes"]
    assert titles(fig)[2].startswith("|response|, max ")
    assert titles(fig)[3] == "imaginary part (sine), 15x15"
    # The panels hold the kernel's parts and the magnitudes themselves.
    kernel = gabor.gabor_kernel(0.2, np.pi / 4, 3.0)
    np.testing.assert_allclose(fig.axes[0].images[0].get_array(), kernel.real)
    np.testing.assert_allclose(fig.axes[3].images[0].get_array(), kernel.imag)
    np.testing.assert_allclose(
        fig.axes[5].images[0].get_array(), gabor.gabor_magnitude(IMAGES["horizontal stripes"],
                                                                 kernel)
    )


def test_a_vertical_filter_answers_vertical_stripes_more_than_horizontal_ones():
    fig = draw_gabor_view(IMAGES, 0.2, 0.0, 3.0)
    on_vertical = fig.axes[2].images[0].get_array().mean()
    on_horizontal = fig.axes[5].images[0].get_array().mean()
    assert on_vertical > 10 * on_horizontal


def test_one_image_still_shows_both_kernel_parts():
    fig = draw_gabor_view({"digit": stripes(True)}, 0.3, 0.0, 2.0)
    assert len(fig.axes) == 6
    assert titles(fig)[3] == "imaginary part (sine), 13x13"
    assert not fig.axes[4].axison and not fig.axes[5].axison


@pytest.mark.parametrize(
    ("control", "value", "expected"),
    [
        ("frequency", 0.35, "frequency 0.35 cycles/px (wavelength 2.9 px), θ = 0°, σ = 3.0 px"),
        ("theta", 90.0, "frequency 0.20 cycles/px (wavelength 5.0 px), θ = 90°, σ = 3.0 px"),
        ("sigma", 5.0, "frequency 0.20 cycles/px (wavelength 5.0 px), θ = 0°, σ = 5.0 px"),
    ],
)
def test_moving_a_slider_redraws_the_figure(control, value, expected):
    explorer = gabor_explorer(IMAGES)
    before = explorer.figure
    magnitude_before = before.axes[2].images[0].get_array().copy()
    explorer.controls[control].value = value
    assert explorer.figure is not before
    assert explorer.figure.get_suptitle() == "Gabor filter: " + expected
    after = explorer.figure.axes[2].images[0].get_array()
    assert after.shape != magnitude_before.shape or not np.allclose(after, magnitude_before)


def test_turning_the_filter_moves_the_response_to_the_other_stripes():
    explorer = gabor_explorer(IMAGES, frequency=0.2, theta_degrees=0.0, sigma=3.0)
    assert explorer.figure.axes[2].images[0].get_array().mean() > \
        explorer.figure.axes[5].images[0].get_array().mean()
    explorer.controls["theta"].value = 90.0
    assert explorer.figure.axes[2].images[0].get_array().mean() < \
        explorer.figure.axes[5].images[0].get_array().mean()


def test_explorer_has_a_static_png_of_its_default_view():
    explorer = gabor_explorer(IMAGES)
    assert explorer.static_png.startswith(b"\x89PNG")
    static = explorer.static_png
    explorer.controls["sigma"].value = 6.0
    assert explorer.static_png == static
    assert "image/png" in explorer._repr_mimebundle_(include={"image/png"})  # no HTML frames


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"images": {}}, r"gabor_explorer needs at least one image"),
        ({"images": {"rgb": np.zeros((4, 4, 3))}}, r"image 'rgb' must be 2-D"),
        ({"images": IMAGES, "frequency": 0.0},
         r"frequency must be a number in \[0.05, 0.5\], got 0"),
        ({"images": IMAGES, "sigma": 20.0}, r"sigma must be a number in \[1, 8\], got 20"),
        ({"images": IMAGES, "theta_degrees": 180.0},
         r"theta_degrees must be a number in \[0, 165\], got 180"),
        ({"images": {"big": np.zeros((65, 10))}},
         r"the longer side of image 'big' must be an integer from 1 to 64, got 65"),
    ],
)
def test_explorer_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        gabor_explorer(**kwargs)


def test_draw_gabor_view_rejects_bad_parameters():
    with pytest.raises(ValueError, match=r"sigma must be a positive number"):
        draw_gabor_view(IMAGES, 0.2, 0.0, -1.0)
    with pytest.raises(ValueError, match=r"needs at least one image"):
        draw_gabor_view({}, 0.2, 0.0, 1.0)
