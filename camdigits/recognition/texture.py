"""Texture: a frame whose threshold mask is mostly ink is noise, grain or a picture, not a page.

Thresholded texture breaks into thousands of blobs that pass every size and density check;
cutting and classifying them all costs a second a frame. Written digits stand on paper,
with little ink around them, so where the ink is dense everywhere around a pixel it is
cleared before the candidate search. Frames with the ink of a page of writing (a tenth of
the pixels or less) are returned as they are, at the cost of one count.
"""

from __future__ import annotations

import cv2
import numpy as np

from camdigits.config import TEXTURE_DENSE, TEXTURE_FRAME_INK


def clear_texture(mask: np.ndarray, window: int) -> np.ndarray:
    """The mask with densely inked areas cleared, for a frame that is mostly texture."""
    if cv2.countNonZero(mask) < TEXTURE_FRAME_INK * mask.size:
        return mask
    density = cv2.boxFilter(mask, -1, (window, window), borderType=cv2.BORDER_REPLICATE)
    return cv2.bitwise_and(mask, cv2.compare(density, TEXTURE_DENSE * 255, cv2.CMP_LT))
