"""Lines: a bare stroke that is a dash of a longer, fainter line, not a written one.

A faint or fine printed grid (squared paper, a form) that the rule search cannot level, on a
page that bends or lies at an angle, is thresholded into dashes; each dash is a perfect 1.
A written 1 ends where the pen stopped: the paper beyond both of its ends is as light as the
paper beside it. A grid line goes on: beyond both ends of its dash the paper stays darker,
if not dark enough to be ink. Both ends must: a 1 written above another digit, with clean
paper past its top, is kept. The same holds for a slanted stroke: a sheet's edge on a desk,
or a fold, is thresholded into pieces of one long diagonal line, each read as a 1.
"""

from __future__ import annotations

import cv2
import numpy as np

from camdigits.config import (
    LINE_CONTINUES,
    LINE_MIN_INSIDE,
    LINE_REACH,
    LINE_SAMPLES,
    LINE_SPAN,
    SLANTED_STROKE_ASPECT,
    STROKE_ASPECT,
)
from camdigits.types import Box

_REACH = np.linspace(*LINE_REACH, LINE_SAMPLES)  # of the stroke's length, past each end


def is_bare_stroke(ink: np.ndarray) -> bool:
    """True if ``ink`` (uint8, 255 on a blob's pixels, its box) is one straight stroke at any
    slant: narrower than STROKE_ASPECT of its box's height (upright), or, along the axes of
    its second moments, narrower than SLANTED_STROKE_ASPECT of its length (the square root
    of their ratio is a line's thickness to its length)."""
    h, w = ink.shape
    if w < STROKE_ASPECT * h:
        return True
    m = cv2.moments(ink, binaryImage=True)
    # The moments' eigenvalues are mean +- root; mean - root < k2 (mean + root) is the same
    # as mean (1 - k2) / (1 + k2) < root, compared squared: no square root for each blob.
    mean = (m["mu20"] + m["mu02"]) / 2
    root_squared = ((m["mu20"] - m["mu02"]) / 2) ** 2 + m["mu11"] ** 2
    k2 = SLANTED_STROKE_ASPECT**2
    return m["m00"] > 0 and (mean * (1 - k2) / (1 + k2)) ** 2 < root_squared


def continues_a_line(paper: np.ndarray, ink: np.ndarray, box: Box, paper_level: float, ink_level: float) -> bool:
    """True if the stroke whose ``ink`` (uint8, 255 on its pixels) fills ``box`` of the
    dark-ink frame ``paper`` runs on beyond both of its ends as a fainter line: along its
    axis, from LINE_REACH[0] to LINE_REACH[1] of its length past each end, the paper's median
    is darker than ``paper_level`` by LINE_CONTINUES of the stroke's contrast or more.
    An end near the frame's edge is judged on its samples inside the frame; False where
    under LINE_MIN_INSIDE of them are: it cannot be told. (All of them had to be: a grid's
    dashes along the top and bottom of a frame read as ones, docs/accuracy.md.)"""
    found = cv2.findNonZero(ink)
    if found is None or found.size < 4:  # (N, 1, 2) or (N, 2), depending on the OpenCV version
        return False
    points = found.reshape(-1, 2)
    dx, dy, cx, cy = cv2.fitLine(points, cv2.DIST_L2, 0, 0.01, 0.01).ravel().tolist()
    along = points[:, 0] * dx + points[:, 1] * dy - (cx * dx + cy * dy)
    low, high = float(along.min()), float(along.max())
    cx, cy = cx + box[0], cy + box[1]
    reach = _REACH * (high - low)
    t = np.concatenate([low - reach, high + reach])  # past the one end, then past the other
    px, py = np.rint(cx + t * dx).astype(np.intp), np.rint(cy + t * dy).astype(np.intp)
    inside = ((px >= 0) & (py >= 0) & (px < paper.shape[1]) & (py < paper.shape[0])).reshape(2, -1)
    if (inside.sum(axis=1) < max(LINE_MIN_INSIDE * LINE_SAMPLES, 1)).any():  # a median of something
        return False
    ends = zip(px.reshape(2, -1), py.reshape(2, -1), inside)  # past the one end, past the other
    return all(_runs_on(paper[y[kept], x[kept]], paper_level, ink_level) for x, y, kept in ends)


def crosses_lines(paper: np.ndarray, ink: np.ndarray, box: Box, paper_level: float, ink_level: float) -> bool:
    """True if the blob whose ``ink`` fills ``box`` is where two lines of a grid cross: one
    column of its ink spans LINE_SPAN of its height and one row LINE_SPAN of its width, and
    past all four of their ends (from LINE_REACH[0] to LINE_REACH[1] of the blob's longer
    side) the paper's median stays darker than ``paper_level`` by LINE_CONTINUES of the
    contrast. Such a piece of a grid reads as a 7 or a 4; a written 4 or 7 ends on clean
    paper. False where the samples would leave the frame."""
    h, w = ink.shape
    columns = ink.sum(axis=0, dtype=np.uint32)
    column = int(columns.argmax())
    if columns[column] < LINE_SPAN * h * 255:  # most digits: no straight upright stroke
        return False
    rows = ink.sum(axis=1, dtype=np.uint32)
    row = int(rows.argmax())
    if rows[row] < LINE_SPAN * w * 255:
        return False
    near, far = round(LINE_REACH[0] * max(w, h)), round(LINE_REACH[1] * max(w, h))
    x0, y0 = box[0], box[1]
    x1, y1 = x0 + w - 1, y0 + h - 1
    if min(x0, y0) - far < 0 or x1 + far >= paper.shape[1] or y1 + far >= paper.shape[0]:
        return False
    x, y = x0 + column, y0 + row
    ends = (
        paper[y0 - far : y0 - near + 1, x],
        paper[y1 + near : y1 + far + 1, x],
        paper[y, x0 - far : x0 - near + 1],
        paper[y, x1 + near : x1 + far + 1],
    )
    return all(_runs_on(end, paper_level, ink_level) for end in ends)  # stops at a clean end


def _runs_on(end: np.ndarray, paper_level: float, ink_level: float) -> bool:
    """Whether the paper sampled past one end of a stroke (uint8 greys) is, at its median,
    darker than ``paper_level`` by LINE_CONTINUES of the stroke's contrast or more."""
    ordered = np.sort(end)
    median = (int(ordered[(len(ordered) - 1) // 2]) + int(ordered[len(ordered) // 2])) / 2
    contrast = paper_level - ink_level
    return contrast > 0 and paper_level - median >= LINE_CONTINUES * contrast
