"""The shared patch function: MNIST in, MNIST out; camera crops in, MNIST-like out."""

import cv2
import numpy as np
import pytest

from camdigits.config import PATCH_BOX, PATCH_SIZE
from camdigits.recognition.normalise import (
    STROKE_TOO_THICK,
    STROKE_TOO_THIN,
    stroke_width,
    to_mnist_patch,
    to_mnist_patches,
    turned,
)
from tests.pages import mnist_test


def ink_extent(patch: np.ndarray) -> tuple[int, int]:
    x, y, w, h = cv2.boundingRect((patch > 0.05).astype(np.uint8))
    return w, h


def centre_of_mass(patch: np.ndarray) -> tuple[float, float]:
    m = cv2.moments(patch)
    return m["m10"] / m["m00"], m["m01"] / m["m00"]


def upscaled_mask(image: np.ndarray, side: int) -> np.ndarray:
    """An MNIST digit as the segmenter would see it in a camera frame: big and binary."""
    big = cv2.resize(image, (side, side), interpolation=cv2.INTER_LINEAR)
    return np.where(big >= 128, 255, 0).astype(np.uint8)


@pytest.mark.parametrize(
    "crop",
    [
        np.zeros((0, 0), np.uint8),
        np.zeros((5, 5), np.uint8),
        np.zeros((40, 30), np.uint8),
    ],
    ids=["zero-size", "blank-small", "blank"],
)
def test_no_ink_gives_empty_patch(crop):
    patch = to_mnist_patch(crop) if crop.size else to_mnist_patches([crop])[0, :, :, 0]
    assert patch.shape == (PATCH_SIZE, PATCH_SIZE)
    assert patch.dtype == np.float32
    assert not patch.any()


@pytest.mark.parametrize("bad", [np.zeros((4, 4), np.float32), np.zeros((4, 4, 3), np.uint8)], ids=["float", "colour"])
def test_rejects_wrong_input(bad):
    with pytest.raises(ValueError, match="2-D uint8"):
        to_mnist_patch(bad)


@pytest.mark.parametrize(
    "shape",
    [(60, 12), (12, 60), (80, 50), (3, 3)],
    ids=["tall-stroke", "wide-stroke", "block", "tiny"],
)
def test_longest_side_is_20_and_centred(shape):
    crop = np.zeros((shape[0] + 10, shape[1] + 10), np.uint8)
    crop[5 : 5 + shape[0], 5 : 5 + shape[1]] = 255
    patch = to_mnist_patch(crop)
    w, h = ink_extent(patch)
    assert max(w, h) in (PATCH_BOX, PATCH_BOX + 1)
    cx, cy = centre_of_mass(patch)
    assert abs(cx - PATCH_SIZE / 2) <= 1.0 and abs(cy - PATCH_SIZE / 2) <= 1.0
    assert 0.0 <= patch.min() and patch.max() <= 1.0


def test_mnist_digits_pass_through_almost_unchanged():
    x, _ = mnist_test()
    patches = to_mnist_patches(x[:500])[..., 0]
    original = x[:500].astype(np.float32) / 255.0
    per_image = np.abs(patches - original).mean(axis=(1, 2))
    assert np.median(per_image) < 1e-3
    assert (per_image < 0.02).mean() > 0.96


@pytest.mark.parametrize("side", [40, 90, 200])
def test_camera_sized_binary_crops_look_like_mnist(side):
    x, _ = mnist_test()
    correlations = []
    for image in x[:100]:
        patch = to_mnist_patch(upscaled_mask(image, side))
        correlations.append(np.corrcoef(patch.ravel(), image.ravel().astype(np.float32))[0, 1])
    assert np.median(correlations) > 0.85


@pytest.mark.parametrize("pen, expect", [(1, "thickened"), (55, "thinned")], ids=["hairline", "fat-marker"])
def test_stroke_width_brought_to_mnist_range(pen, expect):
    crop = np.zeros((220, 160), np.uint8)
    cv2.ellipse(crop, (80, 110), (40, 70), 0, 0, 360, 255, pen)  # a zero
    before = stroke_width(crop) / max(cv2.boundingRect(crop)[2:])
    patch = to_mnist_patch(crop)
    after = stroke_width(np.where(patch >= 0.5, 255, 0).astype(np.uint8)) / max(ink_extent(patch))
    assert (before < STROKE_TOO_THIN) if expect == "thickened" else (before > STROKE_TOO_THICK)
    assert STROKE_TOO_THIN * 0.8 <= after <= STROKE_TOO_THICK * 1.2


def test_batch_fills_reused_buffer():
    x, _ = mnist_test()
    buffer = np.full((8, PATCH_SIZE, PATCH_SIZE, 1), 7.0, np.float32)
    out = to_mnist_patches(x[:3], out=buffer)
    assert out.shape == (3, PATCH_SIZE, PATCH_SIZE, 1)
    assert np.shares_memory(out, buffer)
    np.testing.assert_array_equal(out[1, :, :, 0], to_mnist_patch(x[1]))
    with pytest.raises(ValueError, match="out must be"):
        to_mnist_patches(x[:9], out=buffer)


def test_turned_ink_keeps_every_corner():
    """A blob turned for a second reading keeps all its ink, on a canvas its corners fit."""
    bar = np.zeros((40, 10), np.uint8)
    bar[:, :] = 255  # the worst case: ink in every corner
    for degrees in (-10.0, 10.0, 90.0):
        out = turned(bar, degrees)
        assert out.shape[0] == out.shape[1] >= np.hypot(40, 10)
        assert abs(float(out.sum()) - float(bar.sum())) <= 0.02 * float(bar.sum())
    x, y, w, h = cv2.boundingRect(cv2.compare(turned(bar, 90.0), 127, cv2.CMP_GT))
    assert (w, h) == (40, 10)  # a quarter turn lays the bar flat
    x, y, w, h = cv2.boundingRect(cv2.compare(turned(bar, 10.0), 127, cv2.CMP_GT))
    assert 15 <= w <= 18 and 40 <= h <= 42  # 40 sin 10 + 10 cos 10 = 16.8; 40 cos 10 + 10 sin 10 = 41.1
