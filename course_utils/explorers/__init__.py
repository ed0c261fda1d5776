"""The book's interactive explorers, one module each, on the shared :class:`Explorer` base.

Each explorer function takes plain arrays and returns an :class:`Explorer`: a live ipywidget
in JupyterLab, and on the site either live JavaScript fed with the explorer's own data
(:mod:`.kernel`, :mod:`.stepper`, :mod:`.padding_stride`, :mod:`.gabor`), a trained model run
in the page by ONNX Runtime Web (:mod:`.digits`, :mod:`.photo`: site only), or precomputed frames
(:mod:`.augmentation`, :mod:`.gradcam`, which need a model). See :mod:`.base`.
"""

from course_utils.explorers.augmentation import (
    AUGMENTATION_RANGES,
    AUGMENTATION_SEEDS,
    AUGMENTATION_START,
    AUGMENTATION_STEPS,
    augment,
    augmentation_explorer,
    augmentation_grid,
    augmentation_layers,
    draw_augmentations,
)
from course_utils.explorers.base import Explorer, StaticGrid, grey_image
from course_utils.explorers.digits import digit_explorer, prepare_drawing
from course_utils.explorers.gabor import GABOR_RANGES, GABOR_STEPS, draw_gabor_view, gabor_explorer
from course_utils.explorers.gradcam import ClassNames, draw_gradcam_view, gradcam_explorer
from course_utils.explorers.kernel import (
    KERNEL_GRID_SIZES,
    MAX_IMAGE_PIXELS,
    draw_kernel_view,
    kernel_explorer,
    output_limits,
)
from course_utils.explorers.padding_stride import (
    MAX_STRIDE,
    draw_windows,
    padding_stride_explorer,
    window_coverage,
)
from course_utils.explorers.photo import photo_explorer
from course_utils.explorers.stepper import (
    ConvolutionStep,
    convolution_step,
    convolution_stepper,
    draw_convolution_step,
)

__all__ = [
    "AUGMENTATION_RANGES", "AUGMENTATION_SEEDS", "AUGMENTATION_START", "AUGMENTATION_STEPS",
    "GABOR_RANGES", "GABOR_STEPS", "KERNEL_GRID_SIZES", "MAX_IMAGE_PIXELS", "MAX_STRIDE",
    "ClassNames", "ConvolutionStep", "Explorer", "StaticGrid", "augment",
    "augmentation_explorer", "augmentation_grid", "augmentation_layers",
    "convolution_step", "convolution_stepper", "digit_explorer", "draw_augmentations",
    "draw_convolution_step",
    "draw_gabor_view", "draw_gradcam_view", "draw_kernel_view", "draw_windows",
    "gabor_explorer", "gradcam_explorer", "grey_image", "kernel_explorer", "output_limits",
    "padding_stride_explorer", "photo_explorer", "prepare_drawing", "window_coverage",
]
