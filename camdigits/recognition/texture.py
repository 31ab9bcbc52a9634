"""Texture: ink that is noise, grain or a picture, not writing, cleared from a frame's mask.

Thresholded texture breaks into thousands of blobs that pass every size and density check;
checking, cutting and classifying them one by one costs many times an ordinary frame. Two
frame-wide checks clear it before the candidate search, both skipped, at the cost of one
count, on frames with the ink of a page of digits:
- where the ink is dense everywhere around a pixel (written digits stand on paper, with
  little ink around them), in frames with ink on TEXTURE_FRAME_INK of their pixels or more;
- where the paper of a block and of every block around it is grain (recognition/grain.py),
  in frames with more ink than a page of digits holds. A digit on clean paper keeps the
  blocks it is written in, and so the blocks around them, out of it.
"""

from __future__ import annotations

import cv2
import numpy as np

from camdigits.config import GRAIN_BLOCK, GRAIN_FRAME_INK, TEXTURE_DENSE, TEXTURE_FRAME_INK
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
        mask = cv2.bitwise_and(mask, cv2.compare(density, TEXTURE_DENSE * 255, cv2.CMP_LT))
    if inked < GRAIN_FRAME_INK:
        return mask
    grain = grain_blocks(paper, thresholded, mask, max(round(GRAIN_BLOCK * window), 1), offset)
    if not grain.any():
        return mask
    cleared = cv2.resize(grain.astype(np.uint8), (mask.shape[1], mask.shape[0]), interpolation=cv2.INTER_NEAREST)
    return cv2.bitwise_and(mask, cv2.compare(cleared, 0, cv2.CMP_EQ))
