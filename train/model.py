"""The CNN: small enough for ~1 ms per frame under LiteRT, big enough for 99.6 % on MNIST.

Two 3x3 conv blocks with batch norm at 28x28 and 14x14, a third block of two convolutions
at 7x7, and a dense head with dropout; about 150k parameters. The second 7x7 convolution
was added when one alone stalled at 99.61 % on MNIST (99.56 % counting "not a digit" as
wrong): it sees whole-digit structure (loops, crossings) that the 14x14 blocks cannot.
Eleven outputs: the digits 0-9 and "not a digit" (index 10), which lets the pipeline
reject letters, symbols and doodles instead of forcing them into a digit.
"""

from __future__ import annotations

import keras
from keras import layers

from camdigits.config import NOT_A_DIGIT, PATCH_SIZE

NUM_CLASSES = NOT_A_DIGIT + 1
INPUT_SHAPE = (PATCH_SIZE, PATCH_SIZE, 1)
DROPOUT = 0.25  # before each dense layer; mild, as the augmentation already regularises


def _conv(filters: int, separable: bool = False) -> list[layers.Layer]:
    # No bias: batch norm's shift replaces it, and the converter folds BN into the conv.
    conv = layers.SeparableConv2D if separable else layers.Conv2D
    return [conv(filters, 3, padding="same", use_bias=False), layers.BatchNormalization(), layers.ReLU()]


def _block(filters: int, convs: int, separable: bool) -> list[layers.Layer]:
    second = _conv(filters, separable) if convs > 1 else []
    return [*_conv(filters), *second, layers.MaxPooling2D()]


def build_model(
    widths: tuple[int, int, int] = (16, 32, 64),
    dense: int = 128,
    separable: int = 0,
    convs: int = 2,
    classes: int = NUM_CLASSES,
) -> keras.Model:
    """Conv(w0) x2 - pool - Conv(w1) x2 - pool - Conv(w2) x2 - pool - Dense(dense) - Dense(classes).

    ``convs``: convolutions per block, 2 for the full network; the cascade's first stage
    (camdigits/recognition/classify.py) has 1 in each block at half the widths, which
    classifies about nine times as fast (docs/performance.md).

    ``separable``: in this many of the blocks, from the first, the second convolution is
    depthwise-separable (a 3x3 per-channel filter, then a 1x1 mix), which costs a fifth to
    a seventh of a full one. With all three the network classifies about 1.7 times as fast
    under LiteRT; trained on labels alone, and distilled from the shipped network
    (``python -m train.train --teacher``), it let more non-digits through than the full
    network, so it is not the shipped one (see models/MODEL_CARD.md).

    ``classes``: 11 for a digit network; 2 for the letter network (train/letters.py).
    """
    first, second, third = widths
    return keras.Sequential(
        [
            keras.Input(INPUT_SHAPE),
            *_block(first, convs, separable >= 1),
            *_block(second, convs, separable >= 2),
            *_block(third, convs, separable >= 3),
            layers.Flatten(),
            layers.Dropout(DROPOUT),
            layers.Dense(dense, use_bias=False),
            layers.BatchNormalization(),
            layers.ReLU(),
            layers.Dropout(DROPOUT),
            layers.Dense(classes, activation="softmax"),
        ],
        name="camdigits_cnn",
    )
