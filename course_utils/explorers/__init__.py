"""The book's interactive explorers, one module each, on the shared base (:mod:`.base`).

Each explorer function takes plain arrays and returns an :class:`Explorer`: its live ipywidget
for JupyterLab (:class:`ExplorerWidget`, with :class:`Slider` declarations), and for the site its
kind and data, no script: data for the page's own JavaScript (:mod:`.kernel`, :mod:`.stepper`,
:mod:`.padding_stride`, :mod:`.gabor`), a trained model run in the page by ONNX Runtime Web
(:mod:`.digits`, :mod:`.photo`: site only, no widget), a convnet trained in the page
(:mod:`.training`: site only, no widget), or frames precomputed for the site
(:mod:`.augmentation`, :mod:`.gradcam`, which need a model).
"""

from course_utils.explorers.augmentation import (
    AUGMENTATION_SEEDS,
    AUGMENTATION_SLIDERS,
    AUGMENTATION_START,
    AUGMENTATION_STEPS,
    augment,
    augmentation_explorer,
    augmentation_grid,
    augmentation_layers,
    draw_augmentations,
)
from course_utils.explorers.base import (
    STATIC,
    Explorer,
    ExplorerWidget,
    Slider,
    StaticGrid,
    grey_image,
)
from course_utils.explorers.digits import digit_explorer, prepare_drawing
from course_utils.explorers.gabor import GABOR_SLIDERS, draw_gabor_view, gabor_explorer
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
    PADDING_STRIDE_SLIDERS,
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
from course_utils.explorers.training import (
    FILTER_CHOICES,
    KERNEL_SIZE_CHOICES,
    TRAINING_SLIDERS,
    training_explorer,
)

__all__ = [
    "AUGMENTATION_SEEDS", "AUGMENTATION_SLIDERS", "AUGMENTATION_START", "AUGMENTATION_STEPS",
    "FILTER_CHOICES", "GABOR_SLIDERS", "KERNEL_GRID_SIZES", "KERNEL_SIZE_CHOICES",
    "MAX_IMAGE_PIXELS", "MAX_STRIDE", "PADDING_STRIDE_SLIDERS", "STATIC", "TRAINING_SLIDERS",
    "ClassNames", "ConvolutionStep", "Explorer", "ExplorerWidget", "Slider", "StaticGrid",
    "augment", "augmentation_explorer", "augmentation_grid", "augmentation_layers",
    "convolution_step", "convolution_stepper", "digit_explorer", "draw_augmentations",
    "draw_convolution_step",
    "draw_gabor_view", "draw_gradcam_view", "draw_kernel_view", "draw_windows",
    "gabor_explorer", "gradcam_explorer", "grey_image", "kernel_explorer", "output_limits",
    "padding_stride_explorer", "photo_explorer", "prepare_drawing", "training_explorer",
    "window_coverage",
]
