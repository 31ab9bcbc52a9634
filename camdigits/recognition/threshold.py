"""Frame -> ink mask: dark ink on light ground, then a local mean threshold.

Follows OpenCV's digits_video sample (adaptive mean threshold) with its weak spots fixed:
the threshold window scales with the frame, light-on-dark boards are detected, a frame in
faint ink is thresholded at a lower offset, and rulings are erased
(:mod:`camdigits.recognition.rules`).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from camdigits.config import (
    BLUR_KERNEL,
    FAINT_DEEP_SHARE,
    FAINT_DEPTH_RATIO,
    FAINT_OFFSET_RATIO,
    FAINT_SAMPLE_STEP,
    RULE_TILT_MAX_INK,
    Config,
)
from camdigits.recognition.rules import erase_rules


def is_dark_background(gray: np.ndarray, config: Config) -> bool:
    """True for light ink on a dark board, judged from the median of a sparse sample."""
    return gray.size > 0 and float(np.median(gray[::8, ::8])) < config.dark_background_level


def to_dark_ink(gray: np.ndarray, config: Config) -> np.ndarray:
    """Grey frame -> grey frame with dark ink on light ground (boards are inverted)."""
    if gray.ndim != 2 or gray.dtype != np.uint8:
        raise ValueError(f"expected a 2-D uint8 image, got {gray.dtype} {gray.shape}")
    return cv2.bitwise_not(gray) if is_dark_background(gray, config) else gray


def threshold_window(shape: tuple[int, ...], config: Config) -> int:
    """Side (odd, px) of the local threshold's window for a frame of ``shape``."""
    return max(int(config.threshold_window * min(shape[:2])) | 1, 3)


def local_threshold(gray: np.ndarray, window: int, offset: float, depth: np.ndarray | None = None) -> np.ndarray:
    """uint8 mask, 255 where a pixel is at least ``offset`` darker than the mean of the
    ``window`` x ``window`` square around it.

    The same mask as cv2.adaptiveThreshold(gray, 255, MEAN_C, BINARY_INV, window, offset),
    spelt out: its comparison goes through a per-pixel table and costs almost as much as
    its box filter, while the two whole-image operations after the box filter here cost a
    fraction of that (docs/performance.md). ``depth``: the :func:`ink_depth` of ``gray`` at
    ``window``, where the caller has it already (one box filter, not two).
    """
    level = math.floor(offset)  # adaptiveThreshold floors the offset for BINARY_INV
    if level > 0:
        # gray <= mean - level is mean - gray >= level; where the mean is darker than the
        # pixel the saturated difference reads 0, below any positive level, as it must.
        return cv2.compare(ink_depth(gray, window) if depth is None else depth, level, cv2.CMP_GE)
    # mean - level only grows here; saturated at 255 it still holds every pixel below it.
    return cv2.compare(gray, cv2.subtract(_window_mean(gray, window), level), cv2.CMP_LE)


def ink_depth(gray: np.ndarray, window: int) -> np.ndarray:
    """uint8: how many grey levels each pixel lies below the mean of the ``window`` x
    ``window`` square around it (0 where it is lighter): the local threshold's measure."""
    return cv2.subtract(_window_mean(gray, window), gray)


def _window_mean(gray: np.ndarray, window: int) -> np.ndarray:
    return cv2.boxFilter(gray, -1, (window, window), borderType=cv2.BORDER_REPLICATE)


def threshold_mask(paper: np.ndarray, config: Config) -> np.ndarray:
    """Dark-ink grey frame (see :func:`to_dark_ink`) -> uint8 mask, 255 where the local
    threshold finds ink, rules and grid lines included.

    A local (adaptive mean) threshold compares each pixel with its neighbourhood, so
    shadows and lighting gradients wider than the window do not turn into ink. A frame in
    faint ink (:func:`is_faint`) is thresholded at FAINT_OFFSET_RATIO of the offset.
    """
    return threshold_with_depth(paper, config)[0]


def threshold_with_depth(paper: np.ndarray, config: Config) -> tuple[np.ndarray, np.ndarray]:
    """:func:`threshold_mask`, and the :func:`ink_depth` of the blurred frame it thresholded
    (rule erasing keeps the ink on a rule that lies far deeper than the rule itself)."""
    if paper.size == 0:
        return np.zeros_like(paper), np.zeros_like(paper)
    window = threshold_window(paper.shape, config)
    blurred = cv2.GaussianBlur(paper, BLUR_KERNEL, 0)
    depth = ink_depth(blurred, window)
    mask = local_threshold(blurred, window, config.threshold_offset, depth)
    most_ink = RULE_TILT_MAX_INK * mask.size  # more, and the rule search takes the frame for texture
    if cv2.countNonZero(mask) <= most_ink and is_faint(depth, mask, config.threshold_offset):
        fainter = local_threshold(blurred, window, config.threshold_offset * FAINT_OFFSET_RATIO, depth)
        # Not where a faint grid's lines thicken past that ink and would join every digit.
        if cv2.countNonZero(fainter) <= most_ink:
            mask = fainter
    close = int(config.close_fraction * window)
    if close >= 2:
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (close, close)))
    return mask, depth


def is_faint(depth: np.ndarray, mask: np.ndarray, offset: float) -> bool:
    """True where the ink of a frame thresholded at ``offset`` lies shallow: under
    FAINT_DEEP_SHARE of its ``mask`` pixels (every FAINT_SAMPLE_STEP-th row's) lie
    FAINT_DEPTH_RATIO times ``offset`` deep or more (False for a blank mask)."""
    depth, mask = depth[::FAINT_SAMPLE_STEP], mask[::FAINT_SAMPLE_STEP]
    inked = cv2.countNonZero(mask)
    deep = cv2.compare(depth, FAINT_DEPTH_RATIO * offset, cv2.CMP_GE)
    return inked > 0 and cv2.countNonZero(cv2.bitwise_and(deep, mask)) < FAINT_DEEP_SHARE * inked


def binarize(paper: np.ndarray, config: Config) -> np.ndarray:
    """Dark-ink grey frame -> uint8 mask, 255 where there is ink: :func:`threshold_mask`
    with its rules erased."""
    return erase_rules(*threshold_with_depth(paper, config))
