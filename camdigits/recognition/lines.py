"""Lines: a bare stroke that is a dash of a longer, fainter line, not a written one.

A faint or fine printed grid (squared paper, a form) that the rule search cannot level, on a
page that bends or lies at an angle, is thresholded into dashes; each dash is a perfect 1.
A written 1 ends where the pen stopped: the paper beyond both of its ends is as light as the
paper beside it. A grid line goes on: beyond both ends of its dash the paper stays darker,
if not dark enough to be ink. One end is enough to clear a 1 written above another digit.
"""

from __future__ import annotations

import cv2
import numpy as np

from camdigits.config import LINE_CONTINUES, LINE_REACH, LINE_SAMPLES
from camdigits.types import Box


def continues_a_line(paper: np.ndarray, ink: np.ndarray, box: Box, paper_level: float, ink_level: float) -> bool:
    """True if the stroke whose ``ink`` (uint8, 255 on its pixels) fills ``box`` of the
    dark-ink frame ``paper`` runs on beyond both of its ends as a fainter line: along its
    axis, from LINE_REACH[0] to LINE_REACH[1] of its length past each end, the paper's median
    is darker than ``paper_level`` by LINE_CONTINUES of the stroke's contrast or more.
    False where either end runs off the frame: it cannot be told."""
    x, y, _, _ = box
    ys, xs = np.nonzero(ink)
    if len(xs) < 2:
        return False
    points = np.stack([xs + x, ys + y], axis=1).astype(np.float32)
    dx, dy, cx, cy = cv2.fitLine(points, cv2.DIST_L2, 0, 0.01, 0.01).ravel()
    along = (points[:, 0] - cx) * dx + (points[:, 1] - cy) * dy
    low, high = float(along.min()), float(along.max())
    reach = np.linspace(*LINE_REACH, LINE_SAMPLES) * (high - low)
    beyond = []
    for t in (low - reach, high + reach):
        px, py = np.rint(cx + t * dx).astype(np.intp), np.rint(cy + t * dy).astype(np.intp)
        inside = (px >= 0) & (px < paper.shape[1]) & (py >= 0) & (py < paper.shape[0])
        if not inside.all():
            return False
        beyond.append(float(np.median(paper[py, px])))
    return paper_level - max(beyond) >= LINE_CONTINUES * (paper_level - ink_level)
