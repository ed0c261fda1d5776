"""Chapter 4's training explorer: a small convnet trains in the reader's browser, then is fooled.

Site only (no widget): the page (``site/js/training_explorer.js``) trains chapter 4's model,
``Conv2D(F, k, relu) -> MaxPooling2D(2) -> Flatten -> Dense(10, softmax)``, with the book's own
JavaScript engine (``site/js/convnet_engine.js``) in a Web Worker, on chapter 4's 4,000
training and 1,000 test MNIST digits (:mod:`course_utils.site.training_data`). The digits are
not in the notebook: the output names the data script by its path relative to the site's
``_static/``, and the page loads it with a ``<script>`` tag when the reader starts training.

The page shows, as it trains, the loss and test accuracy per batch, the first layer's kernels,
the feature maps of a chosen test digit and the test errors per class; the reader can draw a
digit for the model just trained (chapter 4's drawing pad and its MNIST preparation,
:func:`course_utils.explorers.prepare_drawing`) and attack a drawn or test digit with FGSM at
a chosen epsilon.

The notebook's data (stable: the notebook output keeps it)::

    {"data": "data/convnet_digits.js", "global": "ConvnetTrainingData",
     "choices": {"filters": [4, 8, 16], "kernelSize": [3, 5]},
     "sliders": {NAME: {"label", "range": [low, high, step], "digits"}, ...},
     "defaults": {"filters", "kernelSize", "learningRate", "batchSize", "epochs", "seed",
                  "digit", "epsilon"},
     "seedRange": [0, 4294967295], "testDigits": 1000,
     "box", "side", "scale", "minExtent", "luts": {"gray", "viridis", "RdBu"}}

``sliders`` are learningRate, batchSize, epochs (how many epochs a start trains, at most),
digit (the test digit whose feature maps are shown) and epsilon (FGSM's step).
"""
from __future__ import annotations

from course_utils import checks
from course_utils.explorers.base import Explorer, Slider
from course_utils.explorers.digits import DRAWING_SCALE, MIN_EXTENT, MNIST_BOX, MNIST_SIDE
from course_utils.site import live, training_data

#: The menus: the engine's choices (``ConvnetEngine.CHOICES``).
FILTER_CHOICES = (4, 8, 16)
KERNEL_SIZE_CHOICES = (3, 5)
#: The test digits of chapter 4's split (:mod:`course_utils.site.training_data`).
TEST_DIGITS = 1000
#: The seed's range (the engine's: an unsigned 32-bit integer).
MAX_SEED = 2**32 - 1
#: The sliders, declared once: the Python argument is the snake-case form of the name.
TRAINING_SLIDERS = {
    "learningRate": Slider("learningRate", "learning rate", 0.001, 0.02, 0.001, ".3f"),
    "batchSize": Slider("batchSize", "batch size", 8, 128, 8, "d"),
    "epochs": Slider("epochs", "epochs", 1, 10, 1, "d"),
    "digit": Slider("digit", "test digit", 0, TEST_DIGITS - 1, 1, "d"),
    "epsilon": Slider("epsilon", "ε (FGSM)", 0.0, 0.3, 0.01, ".2f"),
}


def training_explorer(filters: int = 8, kernel_size: int = 3, learning_rate: float = 0.005,
                      batch_size: int = 32, epochs: int = 3, seed: int = 1, digit: int = 0,
                      epsilon: float = 0.1) -> Explorer:
    """Return the live training explorer (site only: no widget), starting at these settings.

    Args:
        filters: the first layer's filters, one of :data:`FILTER_CHOICES`.
        kernel_size: their size, one of :data:`KERNEL_SIZE_CHOICES`.
        learning_rate: Adam's learning rate.
        batch_size: digits per training step.
        epochs: how many epochs a start trains (at most; pause stops sooner).
        seed: the seed of the initial weights and of the shuffling: a reset with the same seed
            and settings repeats the run.
        digit: the test digit (0 to 999) whose feature maps are shown and that FGSM attacks.
        epsilon: FGSM's step, in grey levels of ``[0, 1]``.

    Raises:
        TypeError: for a value of the wrong kind.
        ValueError: for a value out of its range (see :data:`TRAINING_SLIDERS`).
    """
    checks.choice("filters", filters, FILTER_CHOICES)
    checks.choice("kernel_size", kernel_size, KERNEL_SIZE_CHOICES)
    checks.integer("seed", seed, 0, MAX_SEED)
    values = {"learningRate": learning_rate, "batchSize": batch_size, "epochs": epochs,
              "digit": digit, "epsilon": epsilon}
    arguments = {"learningRate": "learning_rate", "batchSize": "batch_size"}
    checked = {name: TRAINING_SLIDERS[name].check(value, arguments.get(name, name))
               for name, value in values.items()}
    data = {
        "data": training_data.TRAINING_DATA, "global": training_data.GLOBAL_NAME,
        "choices": {"filters": list(FILTER_CHOICES), "kernelSize": list(KERNEL_SIZE_CHOICES)},
        "sliders": {name: {"label": slider.label, "range": slider.site(),
                           "digits": slider.digits}
                    for name, slider in TRAINING_SLIDERS.items()},
        "defaults": {"filters": int(filters), "kernelSize": int(kernel_size), "seed": int(seed),
                     **checked},
        "seedRange": [0, MAX_SEED], "testDigits": TEST_DIGITS,
        "box": MNIST_BOX, "side": MNIST_SIDE, "scale": DRAWING_SCALE, "minExtent": MIN_EXTENT,
        "luts": {name: live.colormap_lut(name) for name in ("gray", "viridis", "RdBu")},
    }
    text = (f"Training explorer (a convnet with {filters} filters of {kernel_size}x{kernel_size} "
            f"that trains on chapter 4's MNIST digits, then FGSM): it runs on the built site, "
            f"in your browser.")
    return Explorer("training_explorer", text, data=data)
