"""Crop of ink -> MNIST-style 28x28 patch. Shared by training (train/) and the runtime.

MNIST digits were made by scaling each digit's ink so its longest side is 20 px, keeping
the aspect ratio, and placing it in a 28x28 field with its centre of mass at the centre.
Doing exactly that to camera crops, and passing every training image through the same
function, is what lets a network trained on MNIST read a webcam.

One extra step MNIST did not need: camera strokes range from hairline pen to fat marker,
while MNIST strokes are about 0.11 of the digit's longest side (5-95 %: 0.075-0.175, by
the contour estimate below). Strokes far outside that range are thickened or thinned
towards it before scaling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from camdigits.config import (
    INK_LEVEL,
    LEVEL_MIN_PX,
    MNIST_STROKE_RATIO,
    PATCH_BOX,
    PATCH_SIZE,
    RULE_TILT_MIN,
    STROKE_ASPECT,
    STROKE_TOO_THICK,
    STROKE_TOO_THIN,
)
from camdigits.recognition.geometry import square_turn
from camdigits.types import Box

_ELLIPSES: dict[int, np.ndarray] = {}


def ellipse_kernel(size: int) -> np.ndarray:
    """The elliptic structuring element of ``size`` x ``size`` px, made once per size."""
    if size not in _ELLIPSES:
        _ELLIPSES[size] = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    return _ELLIPSES[size]


def stroke_width(ink: np.ndarray) -> float:
    """Mean stroke width of the ink in px: twice the ink area over the outline length.

    For a stroke of length L and width w, area = L*w and outline ~ 2L, so 2*area/outline
    recovers w whatever the digit's size.
    """
    _, mask = cv2.threshold(ink, INK_LEVEL - 1, 1, cv2.THRESH_BINARY)
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    outline = sum(cv2.arcLength(c, True) for c in contours)
    return 2.0 * float(cv2.countNonZero(mask)) / outline if outline > 0 else 0.0


def _normalise_stroke(ink: np.ndarray, longest_side: int) -> np.ndarray:
    """Thicken hairlines and thin fat marker strokes towards MNIST's stroke width."""
    ratio = stroke_width(ink) / longest_side
    if ratio <= 0.0 or STROKE_TOO_THIN <= ratio <= STROKE_TOO_THICK:
        return ink
    change = 1 + int(round(abs(MNIST_STROKE_RATIO - ratio) * longest_side))
    if change < 2:
        return ink
    # Morphology grows or shrinks the stroke by (kernel - 1) px in total; pad first so
    # thickening is not clipped at the crop border.
    if ratio < STROKE_TOO_THIN:
        pad = change // 2 + 1
        padded = cv2.copyMakeBorder(ink, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
        return cv2.dilate(padded, ellipse_kernel(change))
    thinned = cv2.erode(ink, ellipse_kernel(change))
    return thinned if cv2.countNonZero(thinned) else ink


def to_mnist_patch(ink: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Turn a crop holding one digit's ink into a 28x28 MNIST-style patch.

    Args:
        ink: 2-D uint8 image, ink bright (up to 255) on black (0): a candidate's ink or
            mask from the segmenter, or a grey MNIST digit. Margins around the ink do not
            matter.
        out: optional float32 (28, 28) array to write into, so a batch can be filled
            without allocating.

    Returns:
        float32 (28, 28) array in [0, 1], white ink on black, longest side of the ink
        20 px, centre of mass at the centre. All zeros if the crop holds no ink.
    """
    if ink.ndim != 2 or ink.dtype != np.uint8:
        raise ValueError(f"to_mnist_patch expects a 2-D uint8 crop, got {ink.dtype} {ink.shape}")
    patch = np.zeros((PATCH_SIZE, PATCH_SIZE), np.float32) if out is None else out
    patch[:] = 0.0
    x, y, w, h = cv2.boundingRect(ink)
    if w == 0 or h == 0:
        return patch
    ink = _normalise_stroke(ink[y : y + h, x : x + w], max(w, h))
    x, y, w, h = cv2.boundingRect(ink)
    ink = ink[y : y + h, x : x + w]

    scale = PATCH_BOX / max(w, h)
    new_w = max(1, min(PATCH_BOX, int(round(w * scale))))
    new_h = max(1, min(PATCH_BOX, int(round(h * scale))))
    interpolation = cv2.INTER_AREA if scale < 1.0 else cv2.INTER_LINEAR
    small = cv2.resize(ink, (new_w, new_h), interpolation=interpolation).astype(np.float32)
    small *= 1.0 / 255.0

    moments = cv2.moments(small)
    if moments["m00"] <= 0:
        return patch
    # Place the ink so its centre of mass lands on the patch centre, then clip whatever
    # falls outside (only happens for very lopsided ink, as in MNIST itself).
    centre = PATCH_SIZE / 2.0
    dx = int(round(centre - moments["m10"] / moments["m00"]))
    dy = int(round(centre - moments["m01"] / moments["m00"]))
    x0, y0 = max(dx, 0), max(dy, 0)
    x1, y1 = min(dx + new_w, PATCH_SIZE), min(dy + new_h, PATCH_SIZE)
    if x1 > x0 and y1 > y0:
        patch[y0:y1, x0:x1] = small[y0 - dy : y1 - dy, x0 - dx : x1 - dx]
    return patch


def turned(ink: np.ndarray, degrees: float) -> np.ndarray:
    """``ink`` turned by ``degrees`` (counter-clockwise) about its centre, on a square canvas
    that keeps its corners; its edges come out grey, as bilinear sampling draws them."""
    turn, side = square_turn(*ink.shape, degrees, pad=2)
    return cv2.warpAffine(ink, turn, (side, side), flags=cv2.INTER_LINEAR)


@dataclass(frozen=True)
class PageTilt:
    """How far a frame's page is turned, for reading its blobs level (:meth:`levelled`): the
    tilt in degrees of the rules erased from it (0: none found) and its frame scale
    (:func:`camdigits.recognition.rules.frame_scale`); and whether a ruled or squared page's
    rules were erased from it (``ruled``)."""

    degrees: float = 0.0
    scale: float = 1.0
    ruled: bool = False

    def __post_init__(self) -> None:
        if not (math.isfinite(self.degrees) and abs(self.degrees) <= 45.0 and self.scale >= 1.0):
            raise ValueError(
                f"PageTilt needs degrees within [-45, 45] and scale >= 1, got {self.degrees}, {self.scale}"
            )

    def levelled(self, ink: np.ndarray, box: Box) -> np.ndarray:
        """A blob's ``ink`` (of ``box``) turned level where the page tilts RULE_TILT_MIN or
        more: a page held at an angle turns its digits as much, and the network learnt them
        upright. Not a bare stroke (STROKE_ASPECT), nor a blob at most LEVEL_MIN_PX tall
        (grown with the frame): a grid's dash or corner turned square reads as a one or a
        six (docs/accuracy.md, "Digits on a tilted page read level")."""
        if abs(self.degrees) < RULE_TILT_MIN or box[3] <= LEVEL_MIN_PX * self.scale or box[2] < STROKE_ASPECT * box[3]:
            return ink
        return turned(ink, self.degrees)


UPRIGHT = PageTilt()  # a frame read as it stands: no rules found, or level ones


def to_mnist_patches(crops: list[np.ndarray] | np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Batch form of :func:`to_mnist_patch`: returns float32 (N, 28, 28, 1).

    ``out``, if given, must be float32 with at least N rows and is filled in place (the
    returned array is a view of its first N rows), so a caller can reuse one buffer.
    """
    n = len(crops)
    if out is None:
        out = np.zeros((n, PATCH_SIZE, PATCH_SIZE, 1), np.float32)
    elif out.shape[0] < n or out.shape[1:] != (PATCH_SIZE, PATCH_SIZE, 1) or out.dtype != np.float32:
        raise ValueError(f"out must be float32 (>={n}, 28, 28, 1), got {out.dtype} {out.shape}")
    for i in range(n):
        to_mnist_patch(crops[i], out=out[i, :, :, 0])
    return out[:n]
