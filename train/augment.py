"""Make MNIST digits look like what the runtime feeds the model from a camera.

At run time a digit reaches the model as a *binary* ink mask cut from a thresholded frame,
at any size from ~24 px to a few hundred, written with anything from a hairline pen to a
fat marker, then shrunk by :func:`camdigits.recognition.normalise.to_mnist_patch`. MNIST digits are
grey, 20 px tall and written with one kind of pen. Two routes bridge that gap:

* camera route (most samples): redraw the digit at a random height with a random
  rotation, shear, width and smooth elastic wobble (one ``cv2.remap``), blur, add sensor
  noise, binarise at a random threshold as the segmenter would, and change the stroke
  thickness at that scale. A shift is not drawn: ``to_mnist_patch`` crops tightly and
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
from camdigits.recognition.normalise import INK_LEVEL, MNIST_STROKE_RATIO, ellipse_kernel, to_mnist_patch

# Share of digits drawn through the camera route; the rest go mild. Lowered from 0.65
# (99.56 % on raw MNIST) to give the plain digits more weight.
CAMERA_FRACTION = 0.55

# --- camera route -------------------------------------------------------------------------
# Drawn digit height, log-uniform. Below ~24 px pixel steps show in the patch; above ~80 px
# the patch no longer changes with size (it is shrunk to 20 px), so bigger costs time only.
DIGIT_HEIGHT_PX = (20.0, 80.0)
# The small-digit network's (`python -m train.train --small-digits`), which reads again the
# small blobs the full network is unsure of: a third of its camera digits under 20 px.
SMALL_DIGIT_HEIGHT_PX = (10.0, 80.0)
ROTATION_DEG = 25.0  # +- tilt of the page or the hand (plus shear): slanted writing reaches 30
SHEAR = 0.3  # +- slant (x shift per unit height), from upright to strongly italic writing
WIDTH_SCALE = (0.8, 1.15)  # narrow to wide handwriting, relative to the height
ELASTIC_PX = 0.7  # std of the wobble at the control points, in MNIST pixels
ELASTIC_GRID = 5  # control points per side: few, so the wobble is smooth like a hand's
# Stroke thickness as a fraction of the digit height, log-uniform: hairline pen to fat
# marker. MNIST strokes are about MNIST_STROKE_RATIO; to_mnist_patch pulls strokes outside
# STROKE_TOO_THIN-STROKE_TOO_THICK (camdigits.recognition.normalise) back towards it, and
# training must see the result.
STROKE_RATIO = (0.035, 0.30)
KEEP_STROKE_PROBABILITY = 0.4  # leave MNIST's own pen alone this often
EROSION_MIN_EXTENT = 0.9  # thinning must keep this share of the digit's width and height
EROSION_MIN_INK = 0.2  # ... and this share of its ink pixels
BLUR_SIGMA_PX = (0.0, 1.5)  # focus and motion blur, in pixels of the drawn digit
MIN_BLUR_SIGMA_PX = 0.3  # below this a blur changes nothing visible: skip it
NOISE_STD = (0.0, 12.0)  # sensor noise, grey levels; low enough not to add specks
MIN_NOISE_STD = 1.0  # below this noise cannot move a pixel across the threshold: skip it
THRESHOLD = (70, 190)  # grey level (0-255) at which the "segmenter" cuts ink from paper
CANVAS_MARGIN_PX = 4  # blank border kept around the drawn digit
# A binarised digit must keep this share of the ink and of the height and width it should
# have at its drawn size; less means the threshold cut it into a fragment.
MIN_KEPT_INK = 0.35
# A light pen skips: this often a camera digit loses 1-2 thin bands of ink across its
# strokes, each this fraction of the digit height wide (at least 1 px). The segmenter
# merges the pieces back into one candidate, so the patch shows the gaps.
BREAK_PROBABILITY = 0.12
BREAK_WIDTH = (0.02, 0.05)
MIN_KEPT_EXTENT = 0.6

# --- writing styles MNIST lacks ----------------------------------------------------------------
# Continental Europe writes 1 with a long flag and crosses the 7; MNIST's American writers
# rarely do. This share of the ones and sevens of each copy gets the stroke added.
STYLE_PROBABILITY = 0.3
FLAG_LENGTH = (0.22, 0.4)  # of the one's height: the flag from its top down to the left
# The flag's angle below level, degrees: steep, unlike the level top bar of a seven (a
# flatter flag taught the model to call MNIST's short-barred sevens ones).
FLAG_ANGLE = (30.0, 55.0)
BAR_WIDTH = (0.45, 0.8)  # of the seven's width: the cross bar through its stem
BAR_HEIGHT = (0.45, 0.65)  # where the bar crosses, from the top, of the seven's height
STYLE_PEN_PX = (1.5, 2.5)  # MNIST's own stroke width at 28 px

# --- font digits ------------------------------------------------------------------------
FONT_DIGIT_EM_PX = (28, 90)  # em size the glyph is drawn at before it is reduced to a patch

# --- mild route ---------------------------------------------------------------------------
MILD_UNTOUCHED_PROBABILITY = 0.3  # originals, only re-rasterised by to_mnist_patch
MILD_ROTATION_DEG = 8.0
MILD_SCALE = (0.9, 1.1)
MILD_SHEAR = 0.15


def _affine(
    rng: np.random.Generator, rotation_deg: float, shear: float, width_scale: tuple[float, float]
) -> np.ndarray:
    """Random 2x2 linear map: width scale, slant, then rotation (unit height scale)."""
    angle = math.radians(rng.uniform(-rotation_deg, rotation_deg))
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    slant = np.array([[1.0, rng.uniform(-shear, shear)], [0.0, 1.0]])
    stretch = np.diag([rng.uniform(*width_scale), 1.0])
    return rotation @ slant @ stretch


def _change_stroke(mask: np.ndarray, height: float, rng: np.random.Generator) -> np.ndarray:
    """Dilate or erode a binary digit so its stroke is a random fraction of its height.

    Erosion can cut a digit's thinnest parts away; if it loses part of the digit's extent
    or most of its ink, the digit is kept with its own pen (a fragment labelled as the
    whole digit would be label noise).
    """
    if rng.random() < KEEP_STROKE_PROBABILITY:
        return mask
    target = math.exp(rng.uniform(*np.log(STROKE_RATIO)))
    change = int(round(abs(target - MNIST_STROKE_RATIO) * height))
    if change < 1:
        return mask
    kernel = ellipse_kernel(change + 1)
    if target > MNIST_STROKE_RATIO:
        return cv2.dilate(mask, kernel)
    thinned = cv2.erode(mask, kernel)
    _, _, w, h = cv2.boundingRect(mask)
    _, _, thin_w, thin_h = cv2.boundingRect(thinned)
    kept_extent = thin_w >= EROSION_MIN_EXTENT * w and thin_h >= EROSION_MIN_EXTENT * h
    kept_ink = cv2.countNonZero(thinned) >= EROSION_MIN_INK * cv2.countNonZero(mask)
    return thinned if kept_extent and kept_ink else mask


def camera_ink(
    digit: np.ndarray, rng: np.random.Generator, heights: tuple[float, float] = DIGIT_HEIGHT_PX
) -> np.ndarray:
    """Redraw a grey MNIST digit as a binary camera mask (uint8, ink = 255) at a random size
    in ``heights`` (px, log-uniform)."""
    x, y, w, h = cv2.boundingRect(digit)
    if w == 0 or h == 0:
        return np.zeros_like(digit)
    height = math.exp(rng.uniform(*np.log(heights)))
    linear = _affine(rng, ROTATION_DEG, SHEAR, WIDTH_SCALE) * (height / PATCH_BOX)

    # Output canvas: the transformed ink box plus a margin for thickening and wobble.
    half_w, half_h = w / 2, h / 2
    extent_x = abs(linear[0, 0]) * half_w + abs(linear[0, 1]) * half_h
    extent_y = abs(linear[1, 0]) * half_w + abs(linear[1, 1]) * half_h
    margin = CANVAS_MARGIN_PX + STROKE_RATIO[1] * height
    out_w, out_h = int(2 * (extent_x + margin)) + 1, int(2 * (extent_y + margin)) + 1

    # cv2.remap needs, for every output pixel, the source pixel to read. That map is the
    # inverse affine plus a smooth wobble; it is computed exactly on a coarse grid of
    # control points and interpolated (the affine part is linear, so that is exact).
    (a, b), (c, d) = linear
    det = a * d - b * c
    inverse = np.array([[d, -b], [-c, a]]) / det
    grid_u = (np.arange(ELASTIC_GRID) + 0.5) * out_w / ELASTIC_GRID - 0.5 - out_w / 2
    grid_v = (np.arange(ELASTIC_GRID) + 0.5) * out_h / ELASTIC_GRID - 0.5 - out_h / 2
    points = np.stack(np.meshgrid(grid_u, grid_v), axis=-1)  # (G, G, 2) output offsets
    control = points @ inverse.T + (x + half_w, y + half_h)
    control += rng.normal(0.0, ELASTIC_PX * rng.random(), control.shape)
    source_map = cv2.resize(control.astype(np.float32), (out_w, out_h), interpolation=cv2.INTER_LINEAR)
    grey = cv2.remap(digit, source_map, None, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)

    sigma = rng.uniform(*BLUR_SIGMA_PX)
    if sigma > MIN_BLUR_SIGMA_PX:
        grey = cv2.GaussianBlur(grey, (0, 0), sigma)
    noise_std = rng.uniform(*NOISE_STD)
    if noise_std > MIN_NOISE_STD:
        # numpy's generator, not cv2.randn, so a seed reproduces the noise too.
        noise = rng.standard_normal(grey.shape, dtype=np.float32)
        grey = cv2.scaleAdd(noise, noise_std, grey.astype(np.float32))
    # A high threshold can leave only the darkest few pixels of a faint digit, which
    # to_mnist_patch would blow up into a blob labelled as a digit. Such a cut is redone
    # at the lowest threshold, and if even that loses the digit, the original is used.
    expected_ink = cv2.countNonZero(cv2.compare(digit, float(INK_LEVEL), cv2.CMP_GE)) * abs(det)
    expected_w, expected_h = w * abs(linear[0, 0]), h * abs(linear[1, 1])
    for threshold in (float(rng.integers(*THRESHOLD)), float(THRESHOLD[0])):
        mask = cv2.compare(grey, threshold, cv2.CMP_GE)  # uint8, 255 where ink
        _, _, mask_w, mask_h = cv2.boundingRect(mask)
        if (
            cv2.countNonZero(mask) >= MIN_KEPT_INK * expected_ink
            and mask_h >= MIN_KEPT_EXTENT * expected_h
            and mask_w >= MIN_KEPT_EXTENT * expected_w
        ):
            mask = _change_stroke(mask, height, rng)
            return _break_strokes(mask, height, rng) if rng.random() < BREAK_PROBABILITY else mask
    return digit


def _break_strokes(mask: np.ndarray, height: float, rng: np.random.Generator) -> np.ndarray:
    """Erase 1-2 straight bands at random angles through the ink, as a skipping pen would."""
    x, y, w, h = cv2.boundingRect(mask)
    if w == 0 or h == 0:
        return mask
    broken = mask.copy()
    for _ in range(int(rng.integers(1, 3))):
        cx, cy = x + rng.uniform(0.2, 0.8) * w, y + rng.uniform(0.2, 0.8) * h
        angle = rng.uniform(0, math.pi)
        reach = w + h
        dx, dy = reach * math.cos(angle), reach * math.sin(angle)
        width = max(1, int(round(rng.uniform(*BREAK_WIDTH) * height)))
        cv2.line(broken, (int(cx - dx), int(cy - dy)), (int(cx + dx), int(cy + dy)), 0, width)
    # A band along a stroke can erase most of it: then keep the unbroken digit.
    return broken if cv2.countNonZero(broken) >= 0.8 * cv2.countNonZero(mask) else mask


def mild_grey(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The grey digit untouched, or slightly rotated, scaled and slanted about its centre."""
    if rng.random() < MILD_UNTOUCHED_PROBABILITY:
        return digit
    linear = _affine(rng, MILD_ROTATION_DEG, MILD_SHEAR, (1.0, 1.0)) * rng.uniform(*MILD_SCALE)
    centre = np.array([PATCH_SIZE / 2, PATCH_SIZE / 2])
    matrix = np.hstack([linear, (centre - linear @ centre)[:, None]])
    return cv2.warpAffine(digit, matrix, (PATCH_SIZE, PATCH_SIZE), flags=cv2.INTER_LINEAR)


def _pen_line(image: np.ndarray, start: tuple[float, float], end: tuple[float, float], width: float) -> None:
    shift = 4  # sub-pixel bits
    points = [tuple(int(round(v * (1 << shift))) for v in p) for p in (start, end)]
    cv2.line(image, points[0], points[1], 255, max(1, int(round(width))), cv2.LINE_AA, shift)


def add_writing_styles(images: np.ndarray, labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A copy of uint8 MNIST digits where some ones get a European flag and some sevens a
    cross bar, drawn with about MNIST's pen."""
    styled = images.copy()
    for i in np.flatnonzero(np.isin(labels, (1, 7)) & (rng.random(len(labels)) < STYLE_PROBABILITY)):
        image = styled[i]
        x, y, w, h = cv2.boundingRect(image)
        if h < 8:
            continue
        pen = rng.uniform(*STYLE_PEN_PX)
        if labels[i] == 1:
            top = np.flatnonzero(image[y] >= INK_LEVEL)
            tip = (float(top.mean()) if len(top) else x + w / 2, float(y))
            length = rng.uniform(*FLAG_LENGTH) * h
            angle = math.radians(rng.uniform(*FLAG_ANGLE))
            _pen_line(image, tip, (tip[0] - length * math.cos(angle), tip[1] + length * math.sin(angle)), pen)
        else:
            row = int(y + rng.uniform(*BAR_HEIGHT) * h)
            stem = np.flatnonzero(image[row] >= INK_LEVEL)
            if not len(stem):
                continue
            centre, half = float(stem.mean()), rng.uniform(*BAR_WIDTH) * max(w, 8) / 2
            tilt = rng.uniform(-0.1, 0.1) * half
            _pen_line(image, (centre - half, row + tilt), (centre + half, row - tilt), pen)
    return styled


def font_digits(count: int, fonts: list, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``count`` digits drawn from handwriting fonts (train.fonts) at a random size, slant,
    turn and pen, binarised and reduced like camera digits: float32 (count, 28, 28, 1) and
    their labels."""
    from train.fonts import draw_glyphs

    out = np.zeros((count, PATCH_SIZE, PATCH_SIZE, 1), np.float32)
    labels = rng.integers(0, 10, count).astype(np.uint8)
    for i, label in enumerate(labels):
        font = fonts[int(rng.integers(len(fonts)))]
        glyph = draw_glyphs(str(label), font, int(rng.integers(*FONT_DIGIT_EM_PX)), int(rng.integers(0, 3)))
        if not glyph.size:
            continue
        h, w = glyph.shape
        side = w // 2 + h // 4
        canvas = cv2.copyMakeBorder(glyph, h // 2, h // 2, side, side, cv2.BORDER_CONSTANT, value=0)
        linear = _affine(rng, MILD_ROTATION_DEG * 2, SHEAR, WIDTH_SCALE)
        centre = np.array([canvas.shape[1] / 2, canvas.shape[0] / 2])
        matrix = np.hstack([linear, (centre - linear @ centre)[:, None]])
        grey = cv2.warpAffine(canvas, matrix, (canvas.shape[1], canvas.shape[0]), flags=cv2.INTER_LINEAR)
        mask = cv2.compare(grey, float(rng.integers(*THRESHOLD)), cv2.CMP_GE)
        to_mnist_patch(mask, out=out[i, :, :, 0])
    return out, labels


def augment_digits(
    images: np.ndarray,
    rng: np.random.Generator,
    camera_fraction: float = CAMERA_FRACTION,
    heights: tuple[float, float] = DIGIT_HEIGHT_PX,
) -> np.ndarray:
    """Augment uint8 MNIST digits (N, 28, 28) into model inputs float32 (N, 28, 28, 1).

    Each image takes the camera route (drawn ``heights`` px tall) with probability
    ``camera_fraction``, else the mild route; either way it ends in ``to_mnist_patch``.
    """
    out = np.zeros((len(images), PATCH_SIZE, PATCH_SIZE, 1), np.float32)
    camera = rng.random(len(images)) < camera_fraction
    for i, image in enumerate(images):
        ink = camera_ink(image, rng, heights) if camera[i] else mild_grey(image, rng)
        to_mnist_patch(ink, out=out[i, :, :, 0])
    return out
