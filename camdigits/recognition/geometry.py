"""Pairs of boxes that may touch or be near, found without comparing every box with every other.

A frame of fine texture or a photo of a printed page holds tens of thousands of blobs; an
all-against-all comparison of them needs gigabytes. Boxes that touch share columns, so
sorting by left edge and searching for the boxes that start within each box's columns
finds every candidate pair in time and memory that grow with the boxes and the pairs.
Boxes that touch also share rows: :func:`overlapping_boxes` sweeps each band of rows on its
own, so that a frame of noise, whose every column is shared by thousands of specks one
above the other, costs what its neighbouring specks cost, not what its columns hold.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from camdigits.config import ALL_PAIRS_MAX, BAND_ROWS

# Up to ALL_PAIRS_MAX ranges, every pair is compared in one (N, N) table: four array
# operations instead of the search's dozen, for a frame's few blobs; the table grows as N
# squared, the search does not.
_UPPER = np.triu(np.ones((ALL_PAIRS_MAX, ALL_PAIRS_MAX), bool), 1)  # a < b


def overlapping_ranges(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (a, b), a < b, of the ranges [start, end) that overlap, each pair once,
    in no particular order.

    Each range is paired with the ranges that start within it: sort by start, then search
    for where each range ends. Ranges must not be empty (end > start).
    """
    n = len(start)
    if n <= ALL_PAIRS_MAX:
        a, b = np.nonzero((start[:, None] < end) & (start < end[:, None]) & _UPPER[:n, :n])
        return a, b
    order = np.argsort(start, kind="stable")
    starts = start[order]
    after = np.arange(1, len(order) + 1)  # sorted position of the first range that may start later
    counts = np.maximum(np.searchsorted(starts, end[order], side="left") - after, 0)
    first = np.repeat(np.arange(len(order)), counts)
    step = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    a, b = order[first], order[np.repeat(after, counts) + step]
    return np.minimum(a, b), np.maximum(a, b)


def overlapping_between(
    start: np.ndarray, end: np.ndarray, other_start: np.ndarray, other_end: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j) of a range [start, end) of the first set and a range of the second
    that overlap. Callers widen the first set's ranges so that every pair they may accept
    overlaps, then test the few pairs this gives exactly."""
    if len(start) * len(other_start) <= ALL_PAIRS_MAX * ALL_PAIRS_MAX:
        i, j = np.nonzero((start[:, None] < other_end) & (other_start < end[:, None]))
        return i, j
    a, b = overlapping_ranges(np.concatenate([start, other_start]), np.concatenate([end, other_end]))
    first = len(start)
    across = (a < first) & (b >= first)  # a < b, so a is from the first set and b from the second
    return a[across], b[across] - first


def overlapping_boxes(
    x0: np.ndarray, x1: np.ndarray, y0: np.ndarray, y1: np.ndarray, max_pairs: int | None = None
) -> tuple[np.ndarray, np.ndarray] | None:
    """Index pairs (a, b), a < b, of the boxes [x0, x1) x [y0, y1) that overlap, each pair
    once, in no particular order; None if finding them would compare more than
    ``max_pairs`` pairs (a frame of crossing lines can make every box meet every other).

    Each box is entered once in every band of BAND_ROWS rows it spans; the boxes of one band
    are swept by their columns (:func:`overlapping_ranges`), and a pair is kept in the band
    that holds the top row of its overlap, the one band both boxes are sure to share.
    Boxes must not be empty.
    """
    n = len(x0)
    if n <= ALL_PAIRS_MAX:
        table = (x0[:, None] < x1) & (x0 < x1[:, None]) & (y0[:, None] < y1) & (y0 < y1[:, None])
        return np.nonzero(table & _UPPER[:n, :n])
    first = y0 // BAND_ROWS
    spans = (y1 - 1) // BAND_ROWS - first + 1
    box = np.repeat(np.arange(n), spans)
    band = np.repeat(first, spans) + np.arange(len(box)) - np.repeat(np.cumsum(spans) - spans, spans)
    band -= band.min()
    # Bands laid end to end on one line, each as long as the frame is wide, so that one
    # sweep finds the overlaps within every band and none across two.
    left = x0.min()
    width = int(x1.max() - left) + 1
    start, end = band * width + (x0[box] - left), band * width + (x1[box] - left)
    order = np.argsort(start, kind="stable")
    after = np.arange(1, len(order) + 1)
    counts = np.maximum(np.searchsorted(start[order], end[order], side="left") - after, 0)
    if max_pairs is not None and counts.sum() > max_pairs:
        return None
    first_entry = np.repeat(np.arange(len(order)), counts)
    step = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    p, q = order[first_entry], order[np.repeat(after, counts) + step]
    a, b = box[p], box[q]
    top = np.maximum(y0[a], y0[b])
    keep = (a != b) & (top < np.minimum(y1[a], y1[b])) & (band[p] == top // BAND_ROWS - first.min())
    a, b = a[keep], b[keep]
    return np.minimum(a, b), np.maximum(a, b)


def within(boxes: np.ndarray, wholes: np.ndarray) -> np.ndarray:
    """(N, M) bools: whether each of ``boxes`` (N, 4: x, y, w, h) lies within each of
    ``wholes`` (M, 4), edges included: the halves and parts of a cut blob within it."""
    inner = boxes[:, None, :]
    starts_inside = inner[..., :2] >= wholes[:, :2]
    ends_inside = inner[..., :2] + inner[..., 2:] <= wholes[:, :2] + wholes[:, 2:]
    return (starts_inside & ends_inside).all(axis=2)


def true_runs(filled: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of True in the 1-D ``filled``, end exclusive."""
    edges = np.flatnonzero(np.diff(np.concatenate(([False], filled, [False])).astype(np.int8)))
    return list(zip(edges[0::2].tolist(), edges[1::2].tolist()))


def square_turn(height: int, width: int, degrees: float, pad: int = 0) -> tuple[np.ndarray, int]:
    """The 2x3 affine matrix that turns an image of ``height`` x ``width`` by ``degrees``
    (counter-clockwise) about its centre onto a square canvas that keeps its corners (and
    ``pad`` px more), and that canvas's side."""
    side = int(math.ceil(math.hypot(width, height))) + pad
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    turn[:, 2] += ((side - width) / 2, (side - height) / 2)
    return turn, side


def tight_turn(height: int, width: int, degrees: float) -> tuple[np.ndarray, tuple[int, int]]:
    """The 2x3 affine matrix that turns an image of ``height`` x ``width`` by ``degrees``
    (counter-clockwise) about its centre onto the smallest canvas that keeps its corners,
    and that canvas's (width, height): a tall strip turned a few degrees needs a canvas
    little larger than itself, where :func:`square_turn`'s is as wide as it is tall."""
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    corners = np.array([[0, 0, 1], [width, 0, 1], [0, height, 1], [width, height, 1]], np.float64) @ turn.T
    low, high = corners.min(axis=0), corners.max(axis=0)
    turn[:, 2] -= low
    return turn, (int(math.ceil(high[0] - low[0])), int(math.ceil(high[1] - low[1])))
