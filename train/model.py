"""The CNN: small enough for ~1 ms per frame under LiteRT, big enough for 99.6 % on MNIST.

Three blocks at 28x28, 14x14 and 7x7, each a full 3x3 convolution then a depthwise-separable
one, with batch norm; a dense head with dropout; about 106k parameters. The separable second
convolutions cost a ninth of a full one's multiply-adds, which made classification 1.7 times
as fast as the all-full-convolution network it replaced, at the same MNIST and scene figures
(models/MODEL_CARD.md). Eleven outputs: the digits 0-9 and "not a digit" (index 10), which
lets the pipeline reject letters, symbols and doodles instead of forcing them into a digit.
"""

from __future__ import annotations

import keras
from keras import layers

from camdigits.config import NOT_A_DIGIT, PATCH_SIZE

NUM_CLASSES = NOT_A_DIGIT + 1
INPUT_SHAPE = (PATCH_SIZE, PATCH_SIZE, 1)
DROPOUT = 0.25  # before each dense layer; mild, as the augmentation already regularises


def _block(filters: int) -> list[layers.Layer]:
    """A full 3x3 convolution, a depthwise-separable one, then 2x2 pooling; each convolution
    followed by batch norm and ReLU. No biases: batch norm's shift replaces them, and the
    converter folds batch norm into the convolutions."""
    return [
        layers.Conv2D(filters, 3, padding="same", use_bias=False), layers.BatchNormalization(), layers.ReLU(),
        layers.SeparableConv2D(filters, 3, padding="same", use_bias=False), layers.BatchNormalization(), layers.ReLU(),
        layers.MaxPooling2D(),
    ]


def build_model(widths: tuple[int, int, int] = (16, 32, 64), dense: int = 128) -> keras.Model:
    """Block(w0) - Block(w1) - Block(w2) - Dense(dense) - Dense(11), a block being
    Conv + SeparableConv + pool."""
    first, second, third = widths
    return keras.Sequential(
        [
            keras.Input(INPUT_SHAPE),
            *_block(first),
            *_block(second),
            *_block(third),
            layers.Flatten(),
            layers.Dropout(DROPOUT),
            layers.Dense(dense, use_bias=False),
            layers.BatchNormalization(),
            layers.ReLU(),
            layers.Dropout(DROPOUT),
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ],
        name="camdigits_cnn",
    )
