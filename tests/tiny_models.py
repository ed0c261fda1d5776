"""A tiny convnet shared by the interpretation and Grad-CAM explorer tests."""

import keras


def tiny_convnet(binary: bool = False) -> keras.Model:
    """A 16x16 RGB classifier: two convs, global average pooling, 3 classes (or 1 sigmoid)."""
    keras.utils.set_random_seed(0)
    inputs = keras.Input((16, 16, 3))
    x = keras.layers.Rescaling(1 / 255)(inputs)
    x = keras.layers.Conv2D(4, 3, activation="relu", name="conv_a")(x)
    x = keras.layers.MaxPooling2D(2, name="pool_a")(x)
    x = keras.layers.Conv2D(6, 3, activation="relu", name="conv_b")(x)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = keras.layers.Dense(1 if binary else 3, name="predictions",
                                 activation="sigmoid" if binary else "softmax")(x)
    return keras.Model(inputs, outputs, name="tiny")
