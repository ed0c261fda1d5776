"""A broken or empty Keras cache, offline, tried as a new reader would meet it.

Offline is simulated with origins on port 9 (discard) of the loopback, which refuses at once,
and an empty temporary ``$KERAS_HOME``: the same calls online would download the files.
"""

import zipfile
from pathlib import Path

import numpy as np
import pytest

# Imported before any test sets $KERAS_HOME: Keras fixes its own cache folder at import.
from keras.applications.imagenet_utils import decode_predictions

from course_utils import data, interpret, keras_cache

UNREACHABLE = "http://127.0.0.1:9/"


@pytest.fixture
def empty_cache(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "keras-home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home


@pytest.fixture
def offline_class_index(empty_cache, monkeypatch) -> Path:
    monkeypatch.setattr(data, "IMAGENET_CLASS_INDEX_ORIGIN",
                        ("imagenet_class_index.json", UNREACHABLE + "imagenet_class_index.json"))
    return empty_cache


def test_imagenet_class_names_offline_names_the_file_and_the_seed_command(
        offline_class_index, capsys):
    with pytest.raises(data.DataUnavailableError) as err:
        interpret.imagenet_class_names()
    message = str(err.value)
    assert message.startswith("imagenet_class_index.json is not in the Keras cache "
                              f"({offline_class_index / 'models'})")
    assert "python -m course_utils.data seed PATH/TO/keras-cache" in message
    assert "URL fetch failure" not in message
    assert capsys.readouterr().out == ""  # no "Downloading data from ..." before the error


def test_top_classes_of_an_imagenet_model_offline_says_how_to_seed(offline_class_index):
    with pytest.raises(data.DataUnavailableError, match="imagenet_class_index.json is not in"):
        interpret.top_classes(np.full(1000, 0.001))
    # Naming the classes needs no cache at all.
    assert interpret.top_classes([0.4, 0.6], 1, ["cat", "dog"]) == [(1, "dog", 0.6)]


def test_imagenet_class_names_read_the_seeded_index_like_decode_predictions():
    names = interpret.imagenet_class_names()
    ranks = np.arange(1000, dtype="float32")[np.newaxis]  # class i ranked 999 - i
    expected = [row[1] for row in reversed(decode_predictions(ranks, top=1000)[0])]
    assert names == expected and len(names) == 1000


def test_a_corrupt_class_index_offline_is_reported_as_corrupt(offline_class_index):
    models = offline_class_index / "models"
    models.mkdir(parents=True)
    (models / "imagenet_class_index.json").write_text('{"0": ["n01440764", "tench"]}')
    with pytest.raises(data.DataUnavailableError,
                       match=r"imagenet_class_index.json in the Keras cache .* is corrupt "
                             r"\(its md5 hash is [0-9a-f]{32}, not c2c37ea5"):
        interpret.imagenet_class_names()


def write_cached(home: Path, name: str, content: bytes) -> Path:
    path = home / "datasets" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def test_a_cached_file_that_is_no_zip_is_reported_as_corrupt(empty_cache):
    path = write_cached(empty_cache, "pets.zip", b"half a download")
    with pytest.raises(data.DataUnavailableError) as err:
        data.get_file("pets.zip", UNREACHABLE + "pets.zip", extract=True)
    message = str(err.value)
    assert f"pets.zip in the Keras cache ({path}) is corrupt" in message
    assert "not an archive that can be unpacked" in message
    assert "Seed the cache again" in message and data.SEED_COMMAND in message
    assert "could not be downloaded" not in message


def test_a_zip_with_damaged_contents_is_reported_as_corrupt(empty_cache, tmp_path):
    archive = tmp_path / "pets.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("pets/cat.txt", "meow " * 500)
    raw = bytearray(archive.read_bytes())
    raw[50] ^= 0xFF  # inside the compressed member, not the directory
    write_cached(empty_cache, "pets.zip", bytes(raw))
    with pytest.raises(data.DataUnavailableError, match=r"is corrupt \(unpacking it failed"):
        data.get_file("pets.zip", UNREACHABLE + "pets.zip", extract=True)


def test_a_wrong_keyword_is_a_type_error_not_a_missing_file(empty_cache):
    with pytest.raises(TypeError,
                       match=r"^get_file\(\) got an unexpected keyword argument 'extrct'") as err:
        data.get_file("pets.zip", UNREACHABLE + "pets.zip", extrct=True)
    assert "keras.utils.get_file" in str(err.value)
    with pytest.raises(TypeError,
                       match=r"^get_file\(\) got multiple values for keyword argument 'cache_dir'"):
        data.get_file("pets.zip", UNREACHABLE + "pets.zip", cache_dir="/tmp")


def test_only_a_true_miss_offline_says_could_not_be_downloaded(empty_cache, capsys):
    with pytest.raises(data.DataUnavailableError) as err:
        data.get_file("pets.zip", UNREACHABLE + "pets.zip", extract=True)
    assert str(err.value).startswith(
        f"pets.zip is not in the Keras cache ({empty_cache / 'datasets'}) and could not be "
        f"downloaded from {UNREACHABLE}pets.zip. Offline, seed the cache first")
    assert capsys.readouterr().out == ""


def test_other_keras_errors_are_not_turned_into_a_missing_file(empty_cache):
    # Keras refuses a path as the file name: that is the caller's mistake, shown as it is.
    with pytest.raises(ValueError, match="Paths are no longer accepted"):
        data.get_file("sub/pets.zip", UNREACHABLE + "pets.zip")
    with pytest.raises(TypeError, match="origin must be a non-empty string, got None"):
        data.get_file("pets.zip", None)
    with pytest.raises(ValueError, match="origin must be a non-empty string, got ''"):
        data.get_file("pets.zip", "")


def test_the_download_announcement_shows_when_the_download_goes_on(monkeypatch, capsys,
                                                                   tmp_path):
    import keras

    def downloads(*args, **kwargs):
        print("Downloading data from https://example.org/pets.zip")
        print("8192/8192 ━━━━ 0s")
        return str(tmp_path)

    monkeypatch.setattr(keras.utils, "get_file", downloads)
    assert data.get_file("pets.zip", "https://example.org/pets.zip") == tmp_path
    assert capsys.readouterr().out == ("Downloading data from https://example.org/pets.zip\n"
                                       "8192/8192 ━━━━ 0s\n")


def test_fashion_mnist_offline_prints_only_the_error(empty_cache, monkeypatch, capsys):
    import keras

    def offline():
        print("Downloading data from https://example.org/train-labels-idx1-ubyte.gz")
        raise Exception("URL fetch failure on https://example.org: None -- refused")

    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", offline)
    with pytest.raises(data.DataUnavailableError, match="train-labels-idx1-ubyte.gz is not in"):
        data.load_fashion_mnist()
    assert capsys.readouterr().out == ""


# --- seeding compares contents -------------------------------------------------------------------


def test_seeding_replaces_a_corrupt_file_of_the_same_size(tmp_path):
    src = tmp_path / "src"
    write_cached(src, "photo.jpg", b"the real jpeg")
    dest = tmp_path / "cache"
    cached = write_cached(dest, "photo.jpg", b"the real jpeX")  # same size, one byte off
    assert data.seed_keras_cache(src, dest, fashion_mnist_dir=None) == [cached]
    assert cached.read_bytes() == b"the real jpeg"
    assert data.seed_keras_cache(src, dest, fashion_mnist_dir=None) == []  # now identical


def test_reseeding_repairs_a_corrupt_archive_for_get_file(tmp_path, monkeypatch):
    src = tmp_path / "src"
    archive = write_cached(src, "pets.zip", b"")
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("pets/cat.txt", "meow")
    home = tmp_path / "home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    write_cached(home, "pets.zip", b"\0" * archive.stat().st_size)  # zeros, the right size
    with pytest.raises(data.DataUnavailableError, match="is corrupt"):
        data.get_file("pets.zip", UNREACHABLE + "pets.zip", extract=True)
    assert data.main(["seed", str(src), "--fashion-mnist-dir", "none"]) == 0
    unpacked = data.get_file("pets.zip", UNREACHABLE + "pets.zip", extract=True)
    assert (unpacked / "pets" / "cat.txt").read_text() == "meow"


def test_copy_if_changed_compares_bytes(tmp_path):
    source, target = tmp_path / "a", tmp_path / "b"
    source.write_bytes(b"abc")
    assert keras_cache.copy_if_changed(source, target)
    assert not keras_cache.copy_if_changed(source, target)
    target.write_bytes(b"abd")
    assert keras_cache.copy_if_changed(source, target) and target.read_bytes() == b"abc"
