import numpy as np
import pytest

from course_utils import data
from course_utils.explorers import (
    augment,
    augmentation_explorer,
    augmentation_layers,
    draw_augmentations,
)


def arrow(size: int = 64) -> np.ndarray:
    """An RGB image that is not symmetric: a bright block in the top-left quarter."""
    image = np.zeros((size, size, 3), dtype=np.uint8)
    image[: size // 4, : size // 2] = 255
    return image


def test_factors_of_zero_switch_layers_off():
    names = [type(layer).__name__ for layer in augmentation_layers(flip=False, zoom=0.2)]
    assert names == ["RandomZoom"]
    everything = augmentation_layers(rotation=0.1, translation=0.2, zoom=0.2, shear=0.2)
    assert [type(layer).__name__ for layer in everything] == [
        "RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom", "RandomShear"]


def test_no_augmentation_leaves_the_image_alone_and_flips_only_mirror_it():
    image = arrow()
    same = augment(image, 3, flip=False)
    assert all(np.array_equal(version, image) for version in same)
    flipped = augment(image, 16, seed=3, flip=True)
    for version in flipped:
        assert np.array_equal(version, image) or np.array_equal(version, image[:, ::-1])
    assert any(np.array_equal(version, image[:, ::-1]) for version in flipped)


def test_a_seed_repeats_the_draws_and_another_seed_changes_them():
    image = arrow()
    factors = {"rotation": 0.2, "zoom": 0.3}
    first = augment(image, 4, seed=1, **factors)
    assert np.array_equal(first, augment(image, 4, seed=1, **factors))
    assert not np.array_equal(first, augment(image, 4, seed=2, **factors))
    assert first.dtype == np.uint8 and first.shape == (4, 64, 64, 3)


def test_draw_augmentations_shows_the_original_first_and_states_the_settings():
    fig = draw_augmentations(arrow(), copies=4, flip=False, rotation=0.25)
    assert fig.get_suptitle() == "Augmented versions (no flips; rotation 0.25)"
    assert [ax.get_title() for ax in fig.axes][:5] == [
        "original", "draw 1", "draw 2", "draw 3", "draw 4"]
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), arrow())


def test_explorer_redraws_for_a_slider_and_resamples_on_the_button():
    explorer = augmentation_explorer({"arrow": arrow()}, copies=2)
    before = explorer.figure.axes[1].images[0].get_array().copy()
    explorer.controls["resample"].click()
    after = explorer.figure.axes[1].images[0].get_array()
    assert explorer.figure.get_suptitle() == (
        "Augmented versions (flips; rotation 0.1, translation 0.1, zoom 0.1, shear 0.1)")
    assert not np.array_equal(before, after)
    explorer.controls["shear"].value = 0.0
    explorer.controls["flip"].value = False
    assert explorer.figure.get_suptitle() == (
        "Augmented versions (no flips; rotation 0.1, translation 0.1, zoom 0.1)")


def test_explorer_rejects_grey_images():
    with pytest.raises(ValueError, match="must be RGB"):
        augmentation_explorer({"grey": np.zeros((8, 8))})
    with pytest.raises(ValueError, match="at least one image"):
        augmentation_explorer({})


@pytest.mark.parametrize(("copies", "error"), [(0, ValueError), (25, ValueError),
                                              (2.0, TypeError)])
def test_explorer_refuses_a_number_of_copies_it_cannot_lay_out(copies, error):
    with pytest.raises(error, match=rf"copies must be an integer from 1 to 24, got {copies}"):
        augmentation_explorer({"rgb": np.zeros((8, 8, 3), np.uint8)}, copies=copies)


def test_cats_vs_dogs_datasets_batches_resized_images_and_binary_labels():
    splits = data.cats_vs_dogs_datasets(48, batch_size=8, limit=24)
    assert sorted(splits) == ["test", "train", "validation"]
    for dataset in splits.values():
        images, labels = next(iter(dataset))
        assert images.shape == (8, 48, 48, 3) and labels.shape == (8, 1)
        assert 0 <= float(images.numpy().min()) and float(images.numpy().max()) <= 255
        assert set(np.unique(labels.numpy())) <= {0.0, 1.0}
        assert sum(len(batch) for batch, _ in dataset) == 24
    # the training set is reshuffled every epoch; the test set keeps its order
    train_epochs = [np.concatenate([y.numpy() for _, y in splits["train"]]) for _ in range(3)]
    assert any(not np.array_equal(train_epochs[0], other) for other in train_epochs[1:])
    test_epochs = [np.concatenate([y.numpy() for _, y in splits["test"]]) for _ in range(2)]
    assert np.array_equal(*test_epochs)
