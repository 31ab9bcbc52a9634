"""Grain: the areas of a frame where the paper itself is noise, measured for the whole frame.

Each candidate's paper is checked for grain in candidates._tighten, with histograms, blob by
blob. A frame of noise, grain or fine texture breaks into thousands of fragments, and
checking them one by one costs several times an ordinary frame. Here the same question is
asked once, for blocks of the frame: how far the paper pixels of a block reach above their
level, against how much darker than that level the block's ink is. Pen strokes stand out
from paper that barely varies; noise spreads as far on the light side as its "ink" lies on
the dark side. Only the light side is measured, so that the blurred rims of pen strokes
and rules, darker than the paper, do not count as its grain.
"""

from __future__ import annotations

import cv2
import numpy as np

from camdigits.config import GRAIN_BLOCK_LIGHT, GRAIN_BLOCK_MIN_INK, GRAIN_BLOCK_MIN_PAPER, GRAIN_SAMPLE_STEP

_AROUND = np.ones((3, 3), np.uint8)


def grain_blocks(paper: np.ndarray, thresholded: np.ndarray, mask: np.ndarray, block: int, offset: float) -> np.ndarray:
    """bool (rows, cols): True for each block of about ``block`` px whose paper, and the
    paper of every block around it, is grain.

    Args:
        paper: uint8 (h, w), the frame as dark ink on light ground.
        thresholded: uint8 (h, w), 255 where the local threshold found ink in ``paper``;
            the rest is the paper.
        mask: uint8 (h, w), the ink: ``thresholded`` without its rules (or less).
        block: the side of a block in px, at least 1.
        offset: the least contrast (grey levels) the threshold takes for ink (at least 1
            is used).
    """
    rows, cols = max(round(mask.shape[0] / block), 1), max(round(mask.shape[1] / block), 1)
    # Every GRAIN_SAMPLE_STEP-th pixel of every GRAIN_SAMPLE_STEP-th row: noise spreads as
    # far in a sample as in the whole, which costs several times more to measure.
    step = GRAIN_SAMPLE_STEP
    paper, thresholded, mask = paper[::step, ::step], thresholded[::step, ::step], mask[::step, ::step]
    h, w = mask.shape

    def mean(values: np.ndarray) -> np.ndarray:  # each block's mean of ``values``
        return cv2.resize(values, (cols, rows), interpolation=cv2.INTER_AREA)

    ink = cv2.compare(mask, 0, cv2.CMP_GT).astype(np.float32) / 255
    # Rules and grid lines are neither: erased from the ink, and not the paper's own grey.
    blank = cv2.compare(thresholded, 0, cv2.CMP_EQ).astype(np.float32) / 255
    grey = paper.astype(np.float32)
    ink_share, blank_share = mean(ink), mean(blank)
    with np.errstate(invalid="ignore", divide="ignore"):
        paper_level = mean(grey * blank) / blank_share
        ink_level = mean(grey * ink) / ink_share
        # How far the paper reaches above its level: the root mean square of its excess,
        # times sqrt(2) so that symmetric noise scores its standard deviation.
        level = cv2.resize(np.nan_to_num(paper_level), (w, h), interpolation=cv2.INTER_NEAREST)
        excess = np.maximum(grey - level, 0)
        spread = np.sqrt(2 * mean(excess * excess * blank) / blank_share)
        inked = ink_share >= GRAIN_BLOCK_MIN_INK
        least = max(offset, 1.0)
        # A block of ink with no paper at all has no paper level: NaN, taken as no contrast.
        contrast = np.nan_to_num(np.where(inked, np.maximum(paper_level - ink_level, least), 0)).astype(np.float32)
    # A block without ink of its own is measured against its neighbours' ink, or, with none
    # around, against the least contrast the threshold takes for ink.
    contrast = np.where(inked, contrast, np.maximum(cv2.dilate(contrast, _AROUND), least))
    # A block that is nearly all ink has too little paper to say: it counts as clean, and
    # keeps its neighbours.
    ratio = np.where(blank_share >= GRAIN_BLOCK_MIN_PAPER, spread / contrast, 0).astype(np.float32)
    return cv2.erode(ratio, _AROUND, borderType=cv2.BORDER_REPLICATE) > GRAIN_BLOCK_LIGHT
