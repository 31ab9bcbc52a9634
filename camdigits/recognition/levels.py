"""Grey levels of the pixels under a mask, from 256-bin histograms.

The candidate stage asks each blob for its paper and ink levels, and rule erasing asks for
the depth of the ink it erased: a histogram (one OpenCV call) is cheaper than picking the
pixels out and partitioning them.
"""

from __future__ import annotations

import cv2
import numpy as np


def grey_histogram(grey: np.ndarray, where: np.ndarray | None) -> np.ndarray:
    """Counts of the 256 grey levels of the uint8 pixels of ``grey`` where ``where`` is non-zero
    (all of them where it is None)."""
    return cv2.calcHist([grey], [0], where, [256], [0, 256]).ravel()


def grey_quantile(grey: np.ndarray, where: np.ndarray | None, q: float) -> int | None:
    """The ``q`` quantile (0-1) of the uint8 pixels of ``grey`` where ``where`` is non-zero
    (all of them where it is None; the ``int(q * n)``-th smallest of the n), or None if there
    are none.

    From a 256-bin histogram: one OpenCV call and two small numpy ones, where picking the
    pixels out and partitioning them took three larger ones (the candidate stage runs this
    twice per blob).
    """
    counts = np.add.accumulate(grey_histogram(grey, where))
    n = int(counts[-1])
    if n == 0:
        return None
    return int(counts.searchsorted(min(int(q * n), n - 1), "right"))
