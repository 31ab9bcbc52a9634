"""The threshold stage as one step: a frame as dark ink on light ground, and its ink mask
with the page's rules erased (and their tilt and pixels kept) and texture cleared."""

from __future__ import annotations

import cv2
import numpy as np

from camdigits.config import Config
from camdigits.recognition.normalise import PageTilt
from camdigits.recognition.rules import erase_rules_and_tilt, frame_scale
from camdigits.recognition.texture import clear_texture
from camdigits.recognition.threshold import threshold_window, threshold_with_depth


def to_gray(image: np.ndarray) -> np.ndarray:
    """BGR, BGRA or grey uint8 image -> grey uint8."""
    if image.dtype != np.uint8 or image.ndim not in (2, 3):
        raise ValueError(f"expected a uint8 grey or BGR image, got {image.dtype} {image.shape}")
    if image.ndim == 2:
        return image
    if image.shape[2] == 3:
        return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    if image.shape[2] == 1:
        return image[:, :, 0]
    raise ValueError(f"expected 1, 3 or 4 channels, got {image.shape[2]}")


def ink_mask(paper: np.ndarray, config: Config) -> np.ndarray:
    """The binary ink mask of a dark-ink frame ``paper``
    (:func:`~camdigits.recognition.threshold.to_dark_ink`): thresholded, its rules erased and
    the ink of texture, noise and grain cleared."""
    return ink_mask_and_tilt(paper, config)[0]


def ink_mask_and_tilt(paper: np.ndarray, config: Config) -> tuple[np.ndarray, PageTilt, np.ndarray | None]:
    """:func:`ink_mask`, the tilt of the page's rules it erased
    (:func:`~camdigits.recognition.rules.erase_rules_and_tilt`; ``degrees`` 0 on a frame
    without), and the pixels of those rules (None on a frame without a page's rules), which
    are no paper to judge a blob's grain by (:func:`~camdigits.recognition.candidates.find_candidates`)."""
    thresholded, depth = threshold_with_depth(paper, config)
    window = threshold_window(paper.shape, config)
    erased, tilt, ruled = erase_rules_and_tilt(thresholded, depth)
    cleared = clear_texture(paper, thresholded, erased, window, config.threshold_offset)
    rules = cv2.bitwise_and(thresholded, cv2.bitwise_not(erased)) if ruled else None
    return cleared, PageTilt(tilt, frame_scale(paper.shape), ruled), rules
