"""Make MNIST digits look like what the runtime feeds the model from a camera.

At run time a digit reaches the model as a *binary* ink mask cut from a thresholded frame,
at any size from ~24 px to a few hundred, written with anything from a hairline pen to a
fat marker, then shrunk by :func:`camdigits.normalise.to_mnist_patch`. MNIST digits are
grey, 20 px tall and written with one kind of pen. Two routes bridge that gap:

* camera route (most samples): redraw the digit at a random height with a random
  rotation, shear, width and smooth elastic wobble (one ``cv2.remap``), change the stroke
  thickness at that scale, blur, add sensor noise and binarise at a random threshold, as
  the segmenter would. A shift is not drawn: ``to_mnist_patch`` crops tightly and
  re-centres, so a shift could not change the patch.
* mild route: the grey digit, slightly rotated/scaled or untouched, so raw MNIST stays
  well classified.

Every sample, from both routes, then goes through ``to_mnist_patch`` -- the very function
the runtime uses -- so training never sees a patch the runtime could not produce.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from camdigits.config import PATCH_BOX, PATCH_SIZE
from camdigits.normalise import to_mnist_patch

CAMERA_FRACTION = 0.65  # share of digits drawn through the camera route; the rest go mild

# --- camera route -------------------------------------------------------------------------
DIGIT_HEIGHT_PX = (24.0, 120.0)  # drawn digit height, log-uniform: small to large in frame
ROTATION_DEG = 15.0  # +- tilt of the page or the hand
SHEAR = 0.3  # +- slant (x shift per unit height), from upright to strongly italic writing
WIDTH_SCALE = (0.8, 1.15)  # narrow to wide handwriting, relative to the height
ELASTIC_PX = 0.7  # std of the wobble at the control points, in MNIST pixels
ELASTIC_GRID = 4  # control points per side: few, so the wobble is smooth like a hand's
# Stroke thickness as a fraction of the digit height, log-uniform: hairline pen to fat
# marker. MNIST strokes are ~0.11 (see camdigits.normalise); to_mnist_patch pulls strokes
# outside 0.07-0.20 back towards that, and training must see the result.
STROKE_RATIO = (0.035, 0.30)
MNIST_STROKE_RATIO = 0.11
KEEP_STROKE_PROBABILITY = 0.4  # leave MNIST's own pen alone this often
BLUR_SIGMA_PX = (0.0, 1.5)  # focus and motion blur, in pixels of the drawn digit
NOISE_STD = (0.0, 12.0)  # sensor noise, grey levels; low enough not to add specks
THRESHOLD = (70, 190)  # grey level (0-255) at which the "segmenter" cuts ink from paper
CANVAS_MARGIN_PX = 4  # blank border kept around the drawn digit

# --- mild route ---------------------------------------------------------------------------
MILD_UNTOUCHED_PROBABILITY = 0.3  # originals, only re-rasterised by to_mnist_patch
MILD_ROTATION_DEG = 8.0
MILD_SCALE = (0.9, 1.1)
MILD_SHEAR = 0.15


def _affine(rng: np.random.Generator, rotation_deg: float, shear: float,
            width_scale: tuple[float, float]) -> np.ndarray:
    """Random 2x2 linear map: width scale, slant, then rotation (unit height scale)."""
    angle = math.radians(rng.uniform(-rotation_deg, rotation_deg))
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    slant = np.array([[1.0, rng.uniform(-shear, shear)], [0.0, 1.0]])
    stretch = np.diag([rng.uniform(*width_scale), 1.0])
    return rotation @ slant @ stretch


def _ellipse(size: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))


def _change_stroke(grey: np.ndarray, height: float, rng: np.random.Generator) -> np.ndarray:
    """Dilate or erode the drawn digit so its stroke is a random fraction of its height."""
    if rng.random() < KEEP_STROKE_PROBABILITY:
        return grey
    low, high = np.log(STROKE_RATIO)
    target = math.exp(rng.uniform(low, high))
    change = int(round(abs(target - MNIST_STROKE_RATIO) * height))
    if change < 1:
        return grey
    kernel = _ellipse(change + 1)
    if target > MNIST_STROKE_RATIO:
        return cv2.dilate(grey, kernel)
    thinned = cv2.erode(grey, kernel)
    # A pen thinner than the digit's thinnest part would erase it: keep MNIST's pen then.
    return thinned if thinned.max() >= THRESHOLD[1] else grey


def camera_ink(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Redraw a grey MNIST digit as a binary camera mask (uint8, ink = 255) at a random size."""
    x, y, w, h = cv2.boundingRect(digit)
    if w == 0 or h == 0:
        return np.zeros_like(digit)
    height = math.exp(rng.uniform(*np.log(DIGIT_HEIGHT_PX)))
    linear = _affine(rng, ROTATION_DEG, SHEAR, WIDTH_SCALE) * (height / PATCH_BOX)

    # Output canvas: the transformed ink box plus a margin for thickening and wobble.
    corners = np.array([[x, y], [x + w, y], [x, y + h], [x + w, y + h]], np.float64) - (x + w / 2, y + h / 2)
    extent = np.abs(corners @ linear.T).max(axis=0)
    margin = CANVAS_MARGIN_PX + STROKE_RATIO[1] * height
    out_w, out_h = (int(side) + 1 for side in 2 * (extent + margin))

    # Inverse map for cv2.remap: output pixel -> source pixel, plus a smooth random wobble
    # interpolated from a coarse grid of displacements.
    inverse = np.linalg.inv(linear).astype(np.float32)
    u = np.arange(out_w, dtype=np.float32) - np.float32(out_w / 2)
    v = np.arange(out_h, dtype=np.float32) - np.float32(out_h / 2)
    wobble = rng.normal(0.0, ELASTIC_PX * rng.random(), (2, ELASTIC_GRID, ELASTIC_GRID)).astype(np.float32)
    map_x = inverse[0, 0] * u[None, :] + inverse[0, 1] * v[:, None] + np.float32(x + w / 2)
    map_y = inverse[1, 0] * u[None, :] + inverse[1, 1] * v[:, None] + np.float32(y + h / 2)
    map_x += cv2.resize(wobble[0], (out_w, out_h), interpolation=cv2.INTER_CUBIC)
    map_y += cv2.resize(wobble[1], (out_w, out_h), interpolation=cv2.INTER_CUBIC)
    grey = cv2.remap(digit, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)

    grey = _change_stroke(grey, height, rng)
    sigma = rng.uniform(*BLUR_SIGMA_PX)
    if sigma > 0.3:
        grey = cv2.GaussianBlur(grey, (0, 0), sigma)
    noise_std = rng.uniform(*NOISE_STD)
    if noise_std > 1.0:
        # numpy's generator, not cv2.randn: OpenCV's global RNG would make runs irreproducible.
        noise = rng.standard_normal(grey.shape, dtype=np.float32) * np.float32(noise_std)
        grey = np.clip(grey + noise, 0, 255).astype(np.uint8)
    threshold = rng.integers(*THRESHOLD)
    return np.where(grey >= threshold, np.uint8(255), np.uint8(0))


def mild_grey(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The grey digit untouched, or slightly rotated, scaled and slanted about its centre."""
    if rng.random() < MILD_UNTOUCHED_PROBABILITY:
        return digit
    linear = _affine(rng, MILD_ROTATION_DEG, MILD_SHEAR, (1.0, 1.0)) * rng.uniform(*MILD_SCALE)
    centre = np.array([PATCH_SIZE / 2, PATCH_SIZE / 2])
    matrix = np.hstack([linear, (centre - linear @ centre)[:, None]])
    return cv2.warpAffine(digit, matrix, (PATCH_SIZE, PATCH_SIZE), flags=cv2.INTER_LINEAR)


def augment_digits(images: np.ndarray, rng: np.random.Generator,
                   camera_fraction: float = CAMERA_FRACTION) -> np.ndarray:
    """Augment uint8 MNIST digits (N, 28, 28) into model inputs float32 (N, 28, 28, 1).

    Each image takes the camera route with probability ``camera_fraction``, else the mild
    route; either way it ends in ``to_mnist_patch``.
    """
    out = np.zeros((len(images), PATCH_SIZE, PATCH_SIZE, 1), np.float32)
    camera = rng.random(len(images)) < camera_fraction
    for i, image in enumerate(images):
        ink = camera_ink(image, rng) if camera[i] else mild_grey(image, rng)
        to_mnist_patch(ink, out=out[i, :, :, 0])
    return out
