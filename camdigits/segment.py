"""Frame -> ink mask -> digit-like candidates.

Follows OpenCV's digits_video sample (adaptive mean threshold, outer blobs, filters on
height, aspect and ink density) with its weak spots fixed: the threshold window scales with
the frame, light-on-dark boards are detected, the fragments of a broken stroke are merged
back into one candidate, and each candidate keeps only its own ink so a neighbour reaching
into its box does not leak into its patch.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from camdigits.config import Config
from camdigits.types import Box

# Fragments smaller than this are noise, not pieces of a digit: at least this many ink
# pixels, and a longest side of at least this fraction of the smallest digit height.
MIN_FRAGMENT_AREA = 4  # px
MIN_FRAGMENT_SIDE = 0.3  # fraction of Config.min_digit_height
# Two fragments are parts of one digit when the narrower lies at least this much within
# the other's columns (a 5's top bar often overhangs its body by half its width) ...
MERGE_MIN_X_OVERLAP = 0.4  # fraction of the narrower fragment's width
# ... and the vertical gap between them is at most this many heights of the taller.
MERGE_MAX_Y_GAP = 0.25
# ... unless one box encloses the other and is this many times its area: then the outer
# blob is a loop or frame drawn around the inner one, not another piece of it.
MERGE_MAX_ENCLOSING_AREA = 4.0
# Noise suppression before thresholding; the kernel is small so thin pen strokes survive.
BLUR_KERNEL = (3, 3)
# Aspect (w/h) below which a blob is a bare stroke like a "1": such a blob fills most of
# its box, so the maximum ink density does not apply to it.
STROKE_ASPECT = 0.35


@dataclass(frozen=True)
class Candidate:
    """A blob that may be a digit: its box in frame pixels and a mask of its own ink."""

    box: Box
    ink: np.ndarray  # uint8 (h, w), 255 where this candidate has ink


def is_dark_background(gray: np.ndarray, config: Config) -> bool:
    """True for light ink on a dark board, judged from the median of a sparse sample."""
    return gray.size > 0 and float(np.median(gray[::8, ::8])) < config.dark_background_level


def to_dark_ink(gray: np.ndarray, config: Config) -> np.ndarray:
    """Grey frame -> grey frame with dark ink on light ground (boards are inverted)."""
    if gray.ndim != 2 or gray.dtype != np.uint8:
        raise ValueError(f"expected a 2-D uint8 image, got {gray.dtype} {gray.shape}")
    return cv2.bitwise_not(gray) if is_dark_background(gray, config) else gray


def binarize(paper: np.ndarray, config: Config) -> np.ndarray:
    """Dark-ink grey frame (see :func:`to_dark_ink`) -> uint8 mask, 255 where there is ink.

    A local (adaptive mean) threshold compares each pixel with its neighbourhood, so
    shadows and lighting gradients wider than the window do not turn into ink.
    """
    if paper.size == 0:
        return np.zeros_like(paper)
    window = max(int(config.threshold_window * min(paper.shape)) | 1, 3)
    smooth = cv2.GaussianBlur(paper, BLUR_KERNEL, 0)
    mask = cv2.adaptiveThreshold(
        smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, window, config.threshold_offset
    )
    close = int(config.close_fraction * window)
    if close >= 2:
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (close, close)))
    return mask


def _merge_fragments(stats: np.ndarray) -> list[np.ndarray]:
    """Group the rows of ``stats`` that are stacked fragments of one digit.

    A "5" whose top bar is drawn separately, or a pen that skipped, leaves blobs one above
    the other sharing most of their columns; side-by-side digits share few columns, so they
    stay apart. Pairs are tested with one vectorised comparison; only the few linked pairs
    go through the union-find loop.
    """
    x0, y0 = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    x1, y1 = x0 + w, y0 + h
    overlap = np.minimum(x1[:, None], x1[None, :]) - np.maximum(x0[:, None], x0[None, :])
    gap = np.maximum(y0[:, None], y0[None, :]) - np.minimum(y1[:, None], y1[None, :])
    area = w * h
    encloses = (x0[:, None] <= x0[None, :]) & (y0[:, None] <= y0[None, :]) & (x1[:, None] >= x1[None, :])
    encloses &= (y1[:, None] >= y1[None, :]) & (area[:, None] >= MERGE_MAX_ENCLOSING_AREA * area[None, :])
    linked = (overlap >= MERGE_MIN_X_OVERLAP * np.minimum(w[:, None], w[None, :])) & (
        gap <= MERGE_MAX_Y_GAP * np.maximum(h[:, None], h[None, :])
    )
    linked &= ~(encloses | encloses.T)
    parent = np.arange(len(stats))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for a, b in np.argwhere(np.triu(linked, 1)):
        parent[root(int(b))] = root(int(a))
    roots = np.array([root(i) for i in range(len(stats))])
    return [np.flatnonzero(roots == r) for r in np.unique(roots)]


def _has_paper_around(paper: np.ndarray, mask: np.ndarray, own: np.ndarray, box: Box, config: Config) -> bool:
    """Whether the ink is darker than the non-ink pixels of its own box.

    True of any digit. Not of the rim that a local threshold leaves of a large dark object
    (a phone, a hand, a filled shape): its "background" is the object's own dark inside.
    """
    x, y, w, h = box
    region = paper[y : y + h, x : x + w]
    ground = mask[y : y + h, x : x + w] == 0
    if not ground.any():
        return False
    # Medians, not means: the paper in the corners of a round object's box must not
    # outvote the object's dark inside.
    return float(np.median(region[ground])) - float(np.median(region[own])) >= config.threshold_offset


def find_candidates(paper: np.ndarray, mask: np.ndarray, config: Config) -> list[Candidate]:
    """Ink mask (of the dark-ink frame ``paper``) -> digit-like candidates, in no particular order.

    Keeps blobs of plausible height, aspect and ink density; drops specks, long lines,
    page edges, hollowed-out dark objects and blobs cut off by the frame border.
    """
    frame_h, frame_w = mask.shape[:2]
    if mask.size == 0:
        return []
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    longest = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    ids = np.flatnonzero(
        (stats[:, cv2.CC_STAT_AREA] >= MIN_FRAGMENT_AREA) & (longest >= MIN_FRAGMENT_SIDE * config.min_digit_height)
    )
    ids = ids[ids != 0]  # label 0 is the background
    # Only fragments that could be part of a digit take part in merging: anything taller
    # than the tallest digit is an object or a line and would swallow its neighbours.
    ids = ids[stats[ids, cv2.CC_STAT_HEIGHT] <= config.max_digit_height * frame_h]
    if ids.size == 0:
        return []
    # Sparse ink (a frame drawn around a digit, a long diagonal line) is never a digit nor
    # part of one; dropping it before merging keeps it from swallowing the digits inside.
    box_area = stats[ids, cv2.CC_STAT_WIDTH] * stats[ids, cv2.CC_STAT_HEIGHT]
    ids = ids[stats[ids, cv2.CC_STAT_AREA] >= config.min_ink_density * box_area]
    if ids.size == 0:
        return []
    groups = _merge_fragments(stats[ids])

    candidates = []
    for group in groups:
        members = ids[group]
        x0 = int(stats[members, cv2.CC_STAT_LEFT].min())
        y0 = int(stats[members, cv2.CC_STAT_TOP].min())
        x1 = int((stats[members, cv2.CC_STAT_LEFT] + stats[members, cv2.CC_STAT_WIDTH]).max())
        y1 = int((stats[members, cv2.CC_STAT_TOP] + stats[members, cv2.CC_STAT_HEIGHT]).max())
        w, h = x1 - x0, y1 - y0
        if not config.min_digit_height <= h <= config.max_digit_height * frame_h:
            continue
        aspect = w / h
        if not config.min_aspect <= aspect <= config.max_aspect:
            continue
        density = float(stats[members, cv2.CC_STAT_AREA].sum()) / (w * h)
        if density < config.min_ink_density:
            continue
        if density > config.max_ink_density and aspect >= STROKE_ASPECT:
            continue
        margin = config.border_margin
        if x0 < margin or y0 < margin or x1 > frame_w - margin or y1 > frame_h - margin:
            continue
        region = labels[y0:y1, x0:x1]
        own = region == members[0] if len(members) == 1 else np.isin(region, members)
        if not _has_paper_around(paper, mask, own, (x0, y0, w, h), config):
            continue
        candidates.append(Candidate(box=(x0, y0, w, h), ink=own.astype(np.uint8) * 255))
    return candidates
