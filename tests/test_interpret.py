"""Tests of course_utils.interpret: activations, filter patterns and Grad-CAM.

The ImageNet EfficientNet-Lite0 is built once for the module (about 10 s on 2 cores); the
other tests use tiny models with hand-set weights.
"""

import keras
import numpy as np
import pytest
from matplotlib.figure import Figure
from tiny_models import tiny_convnet

from course_utils import data, interpret, pretrained

# The two elephants in elephant.jpg (525 wide, 351 high), as (left, top, right, bottom)
# pixel boxes set by eye on a gridded plot of the photo: the adult on the right (trunk raised,
# up to the right edge) and the calf on the left (from its raised trunk to its tail).
ELEPHANT_BOXES = ((235, 45, 525, 230), (85, 125, 295, 240))
AFRICAN_ELEPHANT, TUSKER = 386, 101


def elephant_mask(shape: tuple[int, int]) -> np.ndarray:
    mask = np.zeros(shape, dtype=bool)
    for left, top, right, bottom in ELEPHANT_BOXES:
        mask[top:bottom, left:right] = True
    return mask


@pytest.fixture(scope="module")
def efficientnet() -> keras.Model:
    # Any input size: 224x224 for Grad-CAM, small images for the filter patterns.
    return pretrained.efficientnet_lite0(input_shape=(None, None, 3))


@pytest.fixture(scope="module")
def elephant() -> np.ndarray:
    return data.load_photo("elephant")


# --- activations ---------------------------------------------------------------------------------


def test_activation_model_returns_the_named_layers_outputs_in_order():
    model = tiny_convnet()
    image = np.random.default_rng(0).uniform(0, 255, (16, 16, 3))
    maps = interpret.layer_activations(model, image, ["conv_b", "conv_a", "pool_a"])
    assert list(maps) == ["conv_b", "conv_a", "pool_a"]
    assert {name: m.shape for name, m in maps.items()} == {
        "conv_b": (5, 5, 6), "conv_a": (14, 14, 4), "pool_a": (7, 7, 4)}
    # pool_a is the 2x2 max of conv_a, computed by the same activation model
    pooled = maps["conv_a"].reshape(7, 2, 7, 2, 4).max(axis=(1, 3))
    np.testing.assert_allclose(maps["pool_a"], pooled, rtol=1e-6)
    assert len(interpret.activation_model(model, ["conv_a"]).outputs) == 1
    one = interpret.layer_activations(model, image, ["conv_a"])
    np.testing.assert_allclose(one["conv_a"], maps["conv_a"], rtol=1e-6)


def test_activation_model_rejects_unknown_layers():
    with pytest.raises(ValueError, match=r"model 'tiny' has no layer 'conv_z'"):
        interpret.activation_model(tiny_convnet(), ["conv_a", "conv_z"])
    with pytest.raises(ValueError, match="at least one layer"):
        interpret.activation_model(tiny_convnet(), [])


def test_channels_are_normalised_one_by_one_and_blank_ones_stay_blank():
    act = np.zeros((10, 10, 4))
    act[..., 0] = np.arange(100).reshape(10, 10)          # a ramp, values 0 to 99
    act[..., 1] = 1000 * np.arange(100).reshape(10, 10)   # the same ramp, 1000 times as strong
    # channel 2: no response anywhere (a dead ReLU channel); channel 3: one strong pixel
    act[4, 4, 3] = 7.0
    normalised, blank = interpret.normalise_channels(act)
    assert blank.tolist() == [False, False, True, False]
    np.testing.assert_allclose(normalised[..., 0], normalised[..., 1])  # scale does not matter
    assert normalised[0, 0, 0] == 0 and normalised[-1, -1, 0] == 1  # min to 0, top 1 % to 1
    assert normalised[5, 0, 0] == pytest.approx(50 / 98.01)  # the 99th percentile is 98.01
    assert np.all(normalised[..., 2] == 0)
    assert normalised[4, 4, 3] == 1 and normalised[..., 3].sum() == 1  # sparse: still visible
    assert np.all((normalised >= 0) & (normalised <= 1))
    with pytest.raises(ValueError, match="height, width, channels"):
        interpret.normalise_channels(np.zeros((3, 3)))


def test_mosaic_lays_channels_out_row_by_row_with_gaps():
    act = np.zeros((2, 3, 5))
    act[0, 0, 4] = 1.0  # only the last channel responds
    mosaic = interpret.activation_mosaic(act, ncols=4, gap=1)
    assert mosaic.shape == (2 * 2 + 1, 4 * 3 + 3)
    assert np.isnan(mosaic[2]).all() and np.isnan(mosaic[:, 3]).all()  # the gaps
    assert np.nansum(mosaic[:2]) == 0  # channels 0-3 are blank: all zeros
    assert mosaic[3, 0] > 0.5 and np.isnan(mosaic[3:, 4:]).all()  # channel 4, then nothing


def test_plot_activations_has_one_titled_panel_per_layer():
    rng = np.random.default_rng(0)
    maps = {"conv1": rng.random((8, 8, 32)), "pool1": np.zeros((4, 4, 16))}
    fig = interpret.plot_activations(maps, ncols=8)
    assert isinstance(fig, Figure)
    visible = [ax for ax in fig.axes if ax.axison]
    assert [ax.get_title() for ax in visible] == [
        "conv1: 32 channels of 8x8, 0 blank", "pool1: 16 channels of 4x4, 16 blank"]
    assert visible[0].images[0].get_array().shape == (4 * 9 - 1, 8 * 9 - 1)


# --- filter patterns -----------------------------------------------------------------------------


def test_gradient_ascent_raises_the_filters_mean_activation(efficientnet):
    patterns = interpret.filter_patterns(efficientnet, "block3a_expand_conv", [0, 5, 17],
                                         size=64, steps=12, seed=1)
    assert [(p.layer, p.index) for p in patterns] == [
        ("block3a_expand_conv", 0), ("block3a_expand_conv", 5), ("block3a_expand_conv", 17)]
    for p in patterns:
        assert p.losses.shape == (13,)
        assert p.losses[-1] > p.losses[0] + 1.0
        # mostly rising: at most a couple of small setbacks along the way
        assert np.sum(np.diff(p.losses) < 0) <= 2
        assert p.image.shape == (64, 64, 3) and p.image.min() >= 0 and p.image.max() <= 255
        picture = p.picture()
        assert picture.dtype == np.uint8 and picture.shape == (52, 52, 3)


def test_the_filters_images_do_not_interact(efficientnet):
    # The first image of a batch starts from the same noise as a batch of one, and the model
    # runs in inference mode with a per-image step: filter 4 ends the same with or without 3.
    pair = interpret.filter_patterns(efficientnet, "stem_conv", [4, 3], size=48, steps=5)
    alone = interpret.filter_patterns(efficientnet, "stem_conv", [4], size=48, steps=5)
    np.testing.assert_allclose(pair[0].image, alone[0].image, atol=0.05)
    np.testing.assert_allclose(pair[0].losses, alone[0].losses, rtol=1e-3, atol=1e-3)
    assert not np.allclose(pair[0].image, pair[1].image, atol=5.0)


def test_filter_patterns_rejects_bad_filters():
    with pytest.raises(ValueError, match=r"layer 'conv_a' has 4 filters; no filter 4"):
        interpret.filter_patterns(tiny_convnet(), "conv_a", [0, 4], size=16, steps=1)
    with pytest.raises(ValueError, match="at least one filter"):
        interpret.filter_patterns(tiny_convnet(), "conv_a", [], size=16, steps=1)


def test_deprocess_centres_scales_and_crops():
    image = np.random.default_rng(0).normal(500.0, 3.0, (20, 10, 3))
    picture = interpret.deprocess_image(image, crop=0.1)
    assert picture.dtype == np.uint8 and picture.shape == (16, 8, 3)
    assert abs(float(picture.mean()) - 128) < 8 and 40 < float(picture.std()) < 80


def test_plot_filter_patterns_titles_each_filter_and_labels_rows():
    def pattern(layer, i):
        return interpret.FilterPattern(layer, i, np.full((10, 10, 3), float(i)), np.zeros(2))

    fig = interpret.plot_filter_patterns([pattern("conv", i) for i in (2, 7)], suptitle="conv")
    assert [ax.get_title() for ax in fig.axes] == ["filter 2", "filter 7"]
    rows = {"conv1": [pattern("conv1", i) for i in range(3)], "top_conv": [pattern("top", 9)]}
    fig = interpret.plot_filter_patterns(rows)
    assert len(fig.axes) == 6
    assert [ax.get_ylabel() for ax in fig.axes[::3]] == ["conv1", "top\nconv"]
    assert [ax.get_title() for ax in fig.axes if ax.axison] == [
        "filter 0", "filter 1", "filter 2", "filter 9"]
    assert fig.axes[3].images[0].get_array().shape == (8, 8, 3)  # cropped by 10 % a side


# --- Grad-CAM ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def elephant_cams(efficientnet, elephant):
    pixels = interpret.resize_for_model(elephant, 224)
    score_model = interpret.grad_cam_model(efficientnet, "top_activation")
    top1 = interpret.grad_cam(efficientnet, pixels, "top_activation", score_model=score_model)
    tusker = interpret.grad_cam(efficientnet, pixels, "top_activation", TUSKER, score_model)
    return top1, tusker


def test_the_elephant_photo_is_an_african_elephant(elephant, elephant_cams):
    assert elephant.shape == (351, 525, 3)
    top1, _ = elephant_cams
    ranking = interpret.top_classes(top1.probabilities)
    assert ranking[0][:2] == (AFRICAN_ELEPHANT, "African_elephant")
    assert ranking[0][2] >= 0.5
    assert {name for _, name, _ in ranking[:3]} == {"African_elephant", "tusker",
                                                    "Indian_elephant"}
    assert top1.class_index == AFRICAN_ELEPHANT
    assert top1.probabilities.shape == (1000,)
    np.testing.assert_allclose(top1.probabilities.sum(), 1.0, rtol=1e-4)


@pytest.mark.parametrize("which", [0, 1], ids=["African_elephant", "tusker"])
def test_grad_cam_mass_lies_mostly_on_the_elephants(elephant, elephant_cams, which):
    cam = elephant_cams[which]
    assert cam.heatmap.shape == (7, 7) and cam.layer == "top_activation"
    assert cam.heatmap.max() == pytest.approx(1.0) and cam.heatmap.min() >= 0.0
    full = interpret.upscale_heatmap(cam.heatmap, elephant.shape[:2])
    mask = elephant_mask(elephant.shape[:2])
    area_share = mask.mean()  # 0.39 of the photo
    mass_share = interpret.heatmap_mass_share(full, mask)  # measured: 0.73 / 0.75
    assert 0.35 < area_share < 0.42
    assert mass_share > 0.65
    assert mass_share > 1.6 * area_share


def test_grad_cam_explains_the_class_it_is_asked_about(elephant_cams):
    top1, tusker = elephant_cams
    assert tusker.class_index == TUSKER
    assert top1.score > tusker.score  # logits: the top class scores highest
    np.testing.assert_allclose(top1.probabilities, tusker.probabilities)
    assert not np.allclose(top1.heatmap, tusker.heatmap)


def test_grad_cam_of_a_binary_classifier_uses_the_logit_and_its_negative():
    model = tiny_convnet(binary=True)
    image = np.random.default_rng(1).uniform(0, 255, (16, 16, 3))
    one = interpret.grad_cam(model, image, "conv_b", 1)
    zero = interpret.grad_cam(model, image, "conv_b", 0)
    assert one.score == pytest.approx(-zero.score)
    assert one.heatmap.shape == (5, 5) and one.probabilities.shape == (1,)
    default = interpret.grad_cam(model, image, "conv_b")
    assert default.class_index == int(one.probabilities[0] > 0.5)
    # A single channel map: the two classes' evidence lies in opposite places.
    assert not (np.any(one.heatmap > 0) and np.any(zero.heatmap > 0)
                and np.any(one.heatmap * zero.heatmap > 0))
    with pytest.raises(ValueError, match="classes 0 and 1"):
        interpret.grad_cam(model, image, "conv_b", 2)


def test_grad_cam_rejects_a_layer_without_a_map():
    model = tiny_convnet()
    with pytest.raises(ValueError, match=r"layer 'gap' has output shape \(1, 6\), not 4-D"):
        interpret.grad_cam(model, np.zeros((16, 16, 3)), "gap")
    with pytest.raises(ValueError, match="no class 3 among 3"):
        interpret.grad_cam(model, np.zeros((16, 16, 3)), "conv_b", 3)


def test_overlay_is_at_the_photos_full_resolution(elephant, elephant_cams):
    overlay = interpret.overlay_heatmap(elephant, elephant_cams[0].heatmap)
    assert overlay.shape == elephant.shape and overlay.dtype == np.uint8
    # Where the heatmap is cold the photo shows through (blue tint), where hot it is red.
    hot = np.unravel_index(np.argmax(elephant_cams[0].heatmap), (7, 7))
    row, col = (np.array(hot) + 0.5) * np.array(elephant.shape[:2]) / 7
    assert overlay[int(row), int(col), 0] > overlay[int(row), int(col), 2]
    grey = interpret.overlay_heatmap(np.zeros((10, 12)), np.zeros((2, 2)), alpha=0.5)
    assert grey.shape == (10, 12, 3)


def test_upscale_heatmap_keeps_corners_and_range():
    heatmap = np.array([[0.0, 1.0], [0.5, 0.25]])
    up = interpret.upscale_heatmap(heatmap, (40, 60))
    assert up.shape == (40, 60) and up.min() >= 0 and up.max() <= 1
    assert up[0, -1] == pytest.approx(1.0) and up[0, 0] == pytest.approx(0.0)


def test_resize_for_model_squeezes_the_whole_photo(elephant):
    pixels = interpret.resize_for_model(elephant, 224)
    assert pixels.shape == (224, 224, 3) and pixels.dtype == np.float32
    assert 0 <= pixels.min() and pixels.max() <= 255
    assert interpret.resize_for_model(np.zeros((30, 40)), (8, 6)).shape == (8, 6, 3)


def test_transparent_pixels_are_laid_over_white_before_the_model_sees_them():
    rng = np.random.default_rng(3)
    rgb = rng.integers(0, 256, (12, 10, 3))
    alpha = rng.integers(0, 256, (12, 10, 1))
    alpha[:4] = 0    # fully transparent rows: white, whatever colour they stored
    alpha[-4:] = 255  # opaque rows: unchanged
    flat = interpret.composite_alpha(np.concatenate([rgb, alpha], axis=-1))
    assert flat.shape == (12, 10, 3)
    np.testing.assert_array_equal(flat[:4], 255.0)
    np.testing.assert_array_equal(flat[-4:], rgb[-4:])
    middle = slice(4, -4)
    expected = np.round(alpha[middle] / 255 * rgb[middle] + (1 - alpha[middle] / 255) * 255)
    np.testing.assert_array_equal(flat[middle], expected)
    assert 0 <= flat.min() and flat.max() <= 255 and np.all(flat == np.round(flat))
    # Grey with alpha stays grey; no alpha, nothing changes.
    grey = interpret.composite_alpha(np.dstack([rgb[..., 0], np.zeros((12, 10))]))
    np.testing.assert_array_equal(grey, np.full((12, 10), 255.0))
    np.testing.assert_array_equal(interpret.composite_alpha(rgb), rgb)
    # The model's input and the overlay both see the composited photo, not black.
    rgba = np.concatenate([rgb, alpha], axis=-1).astype(np.uint8)
    np.testing.assert_array_equal(interpret.resize_for_model(rgba, 6),
                                  interpret.resize_for_model(flat, 6))
    np.testing.assert_array_equal(interpret.overlay_heatmap(rgba, np.eye(2)),
                                  interpret.overlay_heatmap(flat, np.eye(2)))
    assert interpret.resize_for_model(rgba, 6)[0].min() > 200  # the transparent top is white


def test_top_classes_names_imagenet_and_binary_outputs():
    names = interpret.imagenet_class_names()
    assert len(names) == 1000 and names[AFRICAN_ELEPHANT] == "African_elephant"
    assert names[TUSKER] == "tusker"
    assert interpret.top_classes([0.8], class_names=["cat", "dog"]) == [
        (1, "dog", pytest.approx(0.8)), (0, "cat", pytest.approx(0.2))]
    with pytest.raises(ValueError, match="name the 3 classes"):
        interpret.top_classes([0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="2 class names for 3 classes"):
        interpret.top_classes([0.2, 0.3, 0.5], class_names=["a", "b"])
