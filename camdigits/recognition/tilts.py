"""The tilts of a strip's rules, from how sharply its ink lines up along each angle.

A page held in perspective fans its rules out: one third of a frame may hold rules level at
its top and 10 degrees off at its bottom, and the level search lets lines only about 3
degrees off level through. Projected along the rules' own angle, a strip's ink piles into a
few rows (the rules); along any other angle it spreads. Each local peak of the sum of
squared row counts over the angles is a family of rules; the strongest few, RULE_TILT_APART
apart, are the tilts to search at. (A Hough transform's median over the few lines it finds
on a strip can be pulled off by a digit's stroke: docs/accuracy.md.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np

from camdigits.config import (
    RULE_TILT_APART,
    RULE_TILT_CHUNK,
    RULE_TILT_PEAK,
    RULE_TILT_RANGE,
    RULE_TILT_SHRINK,
    RULE_TILT_STEP,
    RULE_TILTS,
)


def strip_tilts(
    mask: np.ndarray, around: float, most: int | None = None, apart_from: Sequence[float] = ()
) -> list[float]:
    """Up to ``most`` (RULE_TILTS) tilts in degrees (as :func:`~camdigits.recognition.rules.rule_tilt`
    gives them) of the rules in ``mask`` (a strip of a ruled frame's ink mask, uint8, ink
    255), searched within RULE_TILT_RANGE of ``around`` (the frame's tilt), strongest first,
    each RULE_TILT_APART from the others and from those of ``apart_from`` (tilts searched
    already); an end of that range counts as a peak (rules turned further are found at it,
    if at all); ``[around]`` where its ink lines up along no angle more than any other
    (``[]`` if ``around`` is too near ``apart_from``)."""
    h, w = mask.shape
    small = cv2.resize(
        mask, (max(1, w // RULE_TILT_SHRINK), max(1, h // RULE_TILT_SHRINK)), interpolation=cv2.INTER_AREA
    )
    ys, xs = np.nonzero(small >= 64)
    if not len(ys):
        return _apart([around], apart_from)
    angles = np.arange(around - RULE_TILT_RANGE, around + RULE_TILT_RANGE + RULE_TILT_STEP / 2, RULE_TILT_STEP)
    sharpness = _line_up(ys, xs, small.shape, angles)
    low, high = float(sharpness.min()), float(sharpness.max())
    if high <= low:
        return _apart([around], apart_from)
    height = (sharpness - low) / (high - low)
    # Local peaks (a plateau's every step counts; the spacing below keeps one of it).
    left = np.concatenate(([True], height[1:] >= height[:-1]))
    right = np.concatenate((height[:-1] >= height[1:], [True]))
    peaks = np.flatnonzero(left & right & (height >= RULE_TILT_PEAK))
    most = RULE_TILTS if most is None else most
    chosen: list[float] = []
    for i in peaks[np.argsort(-height[peaks], kind="stable")].tolist():
        chosen += _apart([float(angles[i])], [*apart_from, *chosen])
        if len(chosen) == most:
            break
    return chosen


def _apart(tilts: list[float], others: Sequence[float]) -> list[float]:
    """The ``tilts`` at least RULE_TILT_APART from every one of ``others``."""
    return [t for t in tilts if all(abs(t - other) >= RULE_TILT_APART for other in others)]


def _line_up(ys: np.ndarray, xs: np.ndarray, shape: tuple[int, int], angles: np.ndarray) -> np.ndarray:
    """For each of ``angles`` (degrees), the sum of the squared counts of the ink pixels
    (``ys``, ``xs`` in a mask of ``shape``) on each line at that angle: largest where the
    ink lies along few such lines."""
    slopes = np.tan(np.radians(angles))
    centre = shape[1] / 2
    pad = int(math.ceil(np.abs(centre * slopes).max())) + 1
    rows = shape[0] + 2 * pad
    sharpness = np.empty(len(angles))
    # Angles in chunks of about RULE_TILT_CHUNK (angle, pixel) pairs: a still's strip holds
    # millions of ink pixels, and all angles at once would need gigabytes.
    step = max(1, RULE_TILT_CHUNK // len(ys))
    for first in range(0, len(angles), step):
        chunk = slopes[first : first + step]
        # Where each pixel's line at each angle crosses the middle column, one row of bins an angle.
        crossing = np.rint(ys[None, :] - (xs[None, :] - centre) * chunk[:, None]).astype(np.intp) + pad
        bins = (crossing + np.arange(len(chunk))[:, None] * rows).ravel()
        counts = np.bincount(bins, minlength=len(chunk) * rows).reshape(len(chunk), rows).astype(np.float64)
        sharpness[first : first + step] = (counts * counts).sum(axis=1)
    return sharpness
