"""Chapter 9's photo explorer: EfficientNet-Lite0's top 5 and class activation map, live.

The reader picks a photo of their own; the page (``site/js/photo_explorer.js``) decodes it to
at most :data:`MAX_PIXELS` pixels, lays its transparent pixels over white
(:func:`course_utils.gradcam.composite_alpha`), resizes it to 224x224 as
:func:`course_utils.gradcam.resize_for_model` does (saying so when it upscales), runs the model
that ``make book`` exports into the built site (:mod:`course_utils.site.models`) with ONNX
Runtime Web, and lays the chosen class's CAM (:func:`course_utils.gradcam.class_activation_map`)
over the photo as :func:`course_utils.gradcam.overlay_heatmap` does. Nothing of the model is in
the notebook: this output only points at the model's file, by a URL relative to the site's
``_static/``.
"""
from __future__ import annotations

from course_utils import checks
from course_utils.explorers.base import Explorer
from course_utils.site import live, models

#: The most pixels the page decodes a reader's photo to (larger ones are shrunk, aspect kept),
#: so that a 48-megapixel photo cannot exhaust a phone's memory.
MAX_PIXELS = 1_048_576


def photo_explorer(alpha: float = 0.45) -> Explorer:
    """Return the live photo explorer (site only: no widget).

    Args:
        alpha: the CAM's opacity over the photo, as in ``overlay_heatmap``.

    Raises:
        ValueError: for an ``alpha`` outside ``[0, 1]``.
    """
    checks.number("alpha", alpha, 0, 1)
    data = {"model": models.PHOTO_MODEL, "classes": models.PHOTO_CLASSES,
            "size": models.PHOTO_SIZE, "alpha": alpha, "maxPixels": MAX_PIXELS,
            "luts": {"jet": live.colormap_lut("jet")}}
    return Explorer("photo_explorer", "Photo explorer (EfficientNet-Lite0 and its CAM): it runs "
                    "on the built site.", data=data)
