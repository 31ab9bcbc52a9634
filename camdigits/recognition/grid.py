"""A printed grid: a frame's ink that repeats at one spacing both down and across it.

A page of fine squared paper, its grid darkened by the camera, inks more of the mask than
RULE_TILT_MAX_INK, where frames are taken for texture (noise, grain, a desk) and searched
for level rules only unless they hold such a grid: level rules leave a grid turned a few
degrees whole, joining every digit.
Its ink repeats at the grid's spacing down every narrow upright band of the frame and
across every narrow level band: the rows of a band a spacing apart are alike, and those
half a spacing apart are not. Noise repeats at no spacing, and a desk's grain repeats
across its lines only (docs/accuracy.md, "A page in a dense grid").
"""

from __future__ import annotations

import cv2
import numpy as np

from camdigits.config import GRID_BANDS, GRID_MIN_LAG, GRID_PEAK, RULE_HOUGH_SHRINK


def shrunk(mask: np.ndarray) -> np.ndarray:
    """``mask`` shrunk RULE_HOUGH_SHRINK times by area (a thin rule stays a line of grey), as
    the grid test and the line search (:func:`camdigits.recognition.rules.rule_tilt`) read it."""
    h, w = mask.shape
    size = (max(1, w // RULE_HOUGH_SHRINK), max(1, h // RULE_HOUGH_SHRINK))
    return cv2.resize(mask, size, interpolation=cv2.INTER_AREA)


def is_printed_grid(mask: np.ndarray) -> bool:
    """Whether the ink of ``mask`` (uint8, 255 = ink) repeats like a printed grid's in both
    directions (:func:`_repeat`, at least GRID_PEAK each), measured on the mask
    :func:`shrunk`."""
    if min(mask.shape) < RULE_HOUGH_SHRINK * GRID_BANDS:
        return False
    small = shrunk(mask).astype(np.float32)
    return min(_repeat(small), _repeat(small.T)) >= GRID_PEAK


def _repeat(small: np.ndarray) -> float:
    """How strongly the rows of ``small`` repeat: the highest rise of the autocorrelation of
    the row sums of GRID_BANDS upright bands (summed over the bands, normalised to 1 at no
    shift) above its lowest value at any smaller shift, over shifts from GRID_MIN_LAG to a
    third of the height. Narrow bands, so that rules a few degrees off level stay within a
    row or two of a band; the rise, not the value, since a smooth texture's autocorrelation
    falls slowly from 1 without rising again."""
    h, w = small.shape
    band = w // GRID_BANDS
    sums = small[:, : band * GRID_BANDS].reshape(h, GRID_BANDS, band).sum(axis=2)
    sums -= sums.mean(axis=0)
    spectrum = np.fft.rfft(sums, n=2 * h, axis=0)
    shifts = np.fft.irfft((spectrum * spectrum.conj()).real.sum(axis=1), n=2 * h)[: h // 3]
    if len(shifts) <= GRID_MIN_LAG or shifts[0] <= 0:
        return 0.0
    shifts /= shifts[0]
    rise = shifts - np.minimum.accumulate(shifts)
    return float(rise[GRID_MIN_LAG:].max())
