"""Keras models as ONNX bytes, for the site's model explorers (run there by ONNX Runtime Web).

The export is Keras 3's own, ``model.export(path, format="onnx")`` (it uses PyPI's
``tf2onnx`` and ``onnx``); :func:`run_onnx` runs the bytes with PyPI's ``onnxruntime``, which
is how the tests check an exported model against Keras.

Two models are built for export:

- :func:`feature_model`: a classifier with extra outputs, the feature maps of chosen layers
  then the class probabilities (chapter 4's digit explorer draws every conv and pooling map).
  Layers that are the identity at inference (random augmentation, dropout) are left out: their
  training branch holds random ops that ONNX does not have, and they change nothing at test time.
- :func:`cam_model`: a classifier whose head is global average pooling then one ``Dense``
  layer (EfficientNet-Lite0), with a second output, every class's activation map: the last
  feature maps times the dense kernel (:func:`course_utils.gradcam.class_activation_map` before
  its ReLU and scaling), so that the browser computes the CAM of any class with no extra data.
  Averaging and the kernel are both linear, so the probabilities are read from the averaged
  class maps: the kernel is stored once (5 MB of EfficientNet-Lite0's download), not twice.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from course_utils import checks

if TYPE_CHECKING:
    import keras

#: The name of :func:`cam_model`'s second output layer: every class's activation map.
CLASS_MAPS = "class_maps"


def _identity_at_inference() -> tuple[type, ...]:
    """The layer types that pass their input through unchanged at inference."""
    from keras import layers

    return (layers.Dropout, layers.SpatialDropout2D, layers.GaussianNoise,
            layers.GaussianDropout, layers.RandomFlip, layers.RandomRotation,
            layers.RandomTranslation, layers.RandomZoom, layers.RandomContrast,
            layers.RandomBrightness)


def feature_model(model: keras.Model, layer_names: Sequence[str]) -> keras.Model:
    """Return ``model`` (a ``keras.Sequential``) with the named layers' outputs before its own.

    The result shares ``model``'s layers (and weights) and skips the layers that are the
    identity at inference. Its outputs are the named layers' outputs, in the order given, then
    the model's output.

    Raises:
        TypeError: for a model that is not a ``keras.Sequential`` with a known input shape.
        ValueError: for no names, or a name that is not a kept layer of ``model``.
    """
    import keras

    if not isinstance(model, keras.Sequential) or not model.inputs:
        raise TypeError(f"model must be a keras.Sequential started with keras.Input, got "
                        f"{type(model).__name__}")
    names = list(layer_names) if not isinstance(layer_names, str) else [layer_names]
    if not names:
        raise ValueError("feature_model needs at least one layer name")
    skip = _identity_at_inference()
    inputs = keras.Input(model.inputs[0].shape[1:], name="image")
    x, outputs = inputs, {}
    for layer in model.layers:
        if not isinstance(layer, skip):
            x = layer(x)
            outputs[layer.name] = x
    missing = [name for name in names if name not in outputs]
    if missing:
        raise ValueError(f"layer_names: {missing} are not layers of {model.name!r} kept at "
                         f"inference; its layers are {list(outputs)}")
    return keras.Model(inputs, [outputs[name] for name in names] + [x],
                       name=f"{model.name}_features")


def cam_model(model: keras.Model, maps_layer: str = "top_activation",
              dense_layer: str = "predictions") -> keras.Model:
    """Return a model with two outputs: ``model``'s probabilities and every class's map.

    ``model`` ends with global average pooling of ``maps_layer``'s ``(h, w, k)`` maps and a
    ``Dense`` layer ``dense_layer`` (kernel ``(k, classes)``), with only layers that are the
    identity at inference (dropout) between. The second output, named :data:`CLASS_MAPS`, is
    ``(h, w, classes)``: ``sum_k maps[..., k] * kernel[k, c]`` for each class ``c``, computed by
    a 1x1 convolution holding the dense kernel. The first is the dense layer's activation of
    the class maps' averages plus its bias: ``model``'s output, from the same kernel.

    Raises:
        ValueError: for a layer that ``model`` does not have, a dense layer that is not
            ``Dense`` or not ``model``'s last layer, maps that are not 4-D with the kernel's
            number of channels, or other layers than global average pooling between the two.
    """
    import keras
    from keras import layers

    maps = checks.layer_output(model, maps_layer)
    dense = model.get_layer(dense_layer)
    if not isinstance(dense, layers.Dense):
        raise ValueError(f"dense_layer {dense_layer!r} is a {type(dense).__name__}, not Dense")
    kernel = np.asarray(dense.kernel)
    if len(maps.shape) != 4 or maps.shape[-1] != kernel.shape[0]:
        raise ValueError(f"maps_layer {maps_layer!r} gives {tuple(maps.shape)}, not 4-D maps "
                         f"with the {kernel.shape[0]} channels the dense kernel reads")
    names = [layer.name for layer in model.layers]
    between = [type(layer) for layer in model.layers[names.index(maps_layer) + 1:]]
    if (names[-1] != dense_layer
            or between[:-1].count(layers.GlobalAveragePooling2D) != 1
            or not all(kind is layers.GlobalAveragePooling2D
                       or issubclass(kind, _identity_at_inference()) for kind in between[:-1])):
        raise ValueError(f"model must end with global average pooling of {maps_layer!r} then "
                         f"the Dense layer {dense_layer!r}; after {maps_layer!r} it has "
                         f"{[kind.__name__ for kind in between]}")
    to_classes = layers.Conv2D(kernel.shape[1], 1, use_bias=False, name=CLASS_MAPS)
    class_maps = to_classes(maps)
    to_classes.set_weights([kernel[np.newaxis, np.newaxis]])
    scores = layers.GlobalAveragePooling2D(name="class_scores")(class_maps)
    if dense.use_bias:
        scores = keras.ops.add(scores, np.asarray(dense.bias))
    probabilities = layers.Activation(dense.activation, name="probabilities")(scores)
    return keras.Model(model.inputs, [probabilities, class_maps], name=f"{model.name}_cam")


def onnx_bytes(model: keras.Model) -> bytes:
    """Return ``model`` exported with ``model.export(path, format="onnx")``, as bytes.

    A model that has never been called is called once on zeros first (the export needs it).

    Raises:
        TypeError: for a model whose input shape is not known.
    """
    import keras

    if not isinstance(model, keras.Model) or not model.inputs:
        raise TypeError(f"model must be a keras.Model with a known input, got "
                        f"{type(model).__name__}")
    with warnings.catch_warnings():
        # Keras's tf2onnx shim probes `np.object` (a NumPy FutureWarning), and a functional
        # model called on one array rather than a list of one says so: neither is news.
        warnings.filterwarnings("ignore", "In the future `np.object`", FutureWarning)
        warnings.filterwarnings("ignore", "The structure of `inputs`", UserWarning)
        if not getattr(model, "_called", True):
            shape = [1 if side is None else side for side in model.inputs[0].shape]
            model(np.zeros(shape, dtype="float32"))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{model.name}.onnx"
            model.export(str(path), format="onnx", verbose=False)
            return path.read_bytes()


def output_names(model_bytes: bytes) -> list[str]:
    """Return the names of an ONNX model's outputs, in order (as ONNX Runtime lists them).

    Raises:
        TypeError: if ``model_bytes`` is not ``bytes``.
        ValueError: if ``model_bytes`` is not an ONNX model.
    """
    import onnxruntime

    if not isinstance(model_bytes, bytes | bytearray):
        raise TypeError(f"model_bytes must be bytes (a serialized ONNX model), got "
                        f"{type(model_bytes).__name__}")
    try:
        session = onnxruntime.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    except Exception as error:  # onnxruntime raises its own exception types
        raise ValueError(f"model_bytes is not an ONNX model that ONNX Runtime can load: "
                         f"{error}") from None
    return [output.name for output in session.get_outputs()]


def run_onnx(model_bytes: bytes, batch: ArrayLike) -> list[np.ndarray]:
    """Run an ONNX model of one input on ``batch`` with PyPI's ``onnxruntime`` (on the CPU).

    Returns every output, in the model's order.

    Raises:
        ValueError: for a batch that is not an array of finite numbers.
    """
    import onnxruntime

    array = checks.array("batch", batch, (2, 3, 4, 5)).astype("float32")
    session = onnxruntime.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: array})
