"""Texture: ink that is noise, grain or a picture, not writing, cleared from a frame's mask.

Thresholded texture breaks into thousands of blobs that pass every size and density check;
checking, cutting and classifying them one by one costs many times an ordinary frame. Two
frame-wide checks clear it before the candidate search, both skipped, at the cost of one
count, on frames with the ink of a page of digits:
- where the ink is dense everywhere around a pixel (written digits stand on paper, with
  little ink around them), in frames with ink on TEXTURE_FRAME_INK of their pixels or more;
  but a blob of wide, solid strokes on paper (a digit written large in a marker, whose
  strokes are as dense as texture) is kept whole (:func:`_solid_blobs_on_paper`);
- where the paper of a block and of every block around it is grain (recognition/grain.py),
  in frames with more ink than a page of digits holds. A digit on clean paper keeps the
  blocks it is written in, and so the blocks around them, out of it.
"""

from __future__ import annotations

import cv2
import numpy as np

from camdigits.config import (
    GRAIN_BLOCK,
    GRAIN_FRAME_INK,
    TEXTURE_BLOB_MARGIN,
    TEXTURE_BLOB_MIN_HEIGHT,
    TEXTURE_BLOB_OPENING,
    TEXTURE_BLOB_OTHER_INK,
    TEXTURE_BLOB_SOLID,
    TEXTURE_DENSE,
    TEXTURE_FRAME_INK,
)
from camdigits.recognition.grain import grain_blocks


def clear_texture(
    paper: np.ndarray, thresholded: np.ndarray, mask: np.ndarray, window: int, offset: float
) -> np.ndarray:
    """The ink mask of the dark-ink frame ``paper`` with its texture cleared.

    Args:
        paper: uint8 (h, w), the frame as dark ink on light ground.
        thresholded: uint8 (h, w), 255 where the local threshold found ink in ``paper``.
        mask: uint8 (h, w), ``thresholded`` with its rules erased.
        window: the side of the local threshold's window, px.
        offset: the least contrast (grey levels) the threshold takes for ink (on a faint
            frame the threshold took ink from 0.8 of it, :func:`threshold.is_faint`).
    """
    inked = cv2.countNonZero(mask) / max(mask.size, 1)
    if inked >= TEXTURE_FRAME_INK:
        density = cv2.boxFilter(mask, -1, (window, window), borderType=cv2.BORDER_REPLICATE)
        sparse = cv2.bitwise_and(mask, cv2.compare(density, TEXTURE_DENSE * 255, cv2.CMP_LT))
        mask = cv2.bitwise_or(sparse, _solid_blobs_on_paper(mask, window))
    if inked < GRAIN_FRAME_INK:
        return mask
    grain = grain_blocks(paper, thresholded, mask, max(round(GRAIN_BLOCK * window), 1), offset)
    if not grain.any():
        return mask
    cleared = cv2.resize(grain.astype(np.uint8), (mask.shape[1], mask.shape[0]), interpolation=cv2.INTER_NEAREST)
    return cv2.bitwise_and(mask, cv2.compare(cleared, 0, cv2.CMP_EQ))


def _solid_blobs_on_paper(mask: np.ndarray, window: int) -> np.ndarray:
    """uint8 mask of the blobs of ``mask`` (8-connected) that stand on paper as a digit in a
    wide pen does: at least TEXTURE_BLOB_MIN_HEIGHT windows tall, clear of the frame's edges
    (a stripe or a mesh of texture runs off the frame), their box grown by TEXTURE_BLOB_MARGIN
    windows holding at most TEXTURE_BLOB_OTHER_INK of other ink, and TEXTURE_BLOB_SOLID of
    their ink kept by an opening TEXTURE_BLOB_OPENING windows wide (texture's specks and
    threads are narrower)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    rows, cols = mask.shape
    x, y, w, h, area = (column.astype(np.int64) for column in stats.T)
    inside = (x > 0) & (y > 0) & (x + w < cols) & (y + h < rows)
    tall = np.flatnonzero(inside & (h >= TEXTURE_BLOB_MIN_HEIGHT * window))
    tall = tall[tall > 0]  # label 0 is the paper
    kept = np.zeros_like(mask)
    if not len(tall):
        return kept
    margin = round(TEXTURE_BLOB_MARGIN * window)
    x0, y0 = np.maximum(x[tall] - margin, 0), np.maximum(y[tall] - margin, 0)
    x1, y1 = np.minimum(x[tall] + w[tall] + margin, cols), np.minimum(y[tall] + h[tall] + margin, rows)
    inked = cv2.integral(cv2.compare(mask, 0, cv2.CMP_GT) // 255)
    around = inked[y1, x1] - inked[y0, x1] - inked[y1, x0] + inked[y0, x0] - area[tall]
    on_paper = tall[around <= TEXTURE_BLOB_OTHER_INK * (x1 - x0) * (y1 - y0)]
    if not len(on_paper):
        return kept
    # One opening over the box of them all, not one per blob (many nested blobs would cost
    # their boxes' areas many times over): the opening's disk, connected, fits inside one of
    # those 8-connected blobs or none, so each blob keeps what its own opening would.
    left, top = x[on_paper].min(), y[on_paper].min()
    right, bottom = (x + w)[on_paper].max(), (y + h)[on_paper].max()
    region = labels[top:bottom, left:right]
    chosen = np.zeros(count, bool)
    chosen[on_paper] = True
    blobs = np.where(chosen[region], np.uint8(255), np.uint8(0))
    side = max(round(TEXTURE_BLOB_OPENING * window) | 1, 3)
    opening = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side))
    opened = cv2.morphologyEx(blobs, cv2.MORPH_OPEN, opening, borderType=cv2.BORDER_CONSTANT, borderValue=0)
    solid = chosen & (np.bincount(region[opened > 0], minlength=count) >= TEXTURE_BLOB_SOLID * area)
    kept[top:bottom, left:right] = np.where(solid[region], np.uint8(255), np.uint8(0))
    return kept
