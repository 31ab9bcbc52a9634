"""Pairs of boxes that may touch or be near, found without comparing every box with every other.

A frame of fine texture or a photo of a printed page holds tens of thousands of blobs; an
all-against-all comparison of them needs gigabytes. Boxes that touch share columns, so
sorting by left edge and searching for the boxes that start within each box's columns
finds every candidate pair in time and memory that grow with the boxes and the pairs.
"""

from __future__ import annotations

import numpy as np


def overlapping_ranges(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (a, b), a < b, of the ranges [start, end) that overlap, each pair once.

    Each range is paired with the ranges that start within it: sort by start, then search
    for where each range ends. Ranges must not be empty (end > start).
    """
    order = np.argsort(start, kind="stable")
    starts = start[order]
    after = np.arange(1, len(order) + 1)  # sorted position of the first range that may start later
    counts = np.maximum(np.searchsorted(starts, end[order], side="left") - after, 0)
    first = np.repeat(np.arange(len(order)), counts)
    step = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    a, b = order[first], order[np.repeat(after, counts) + step]
    return np.minimum(a, b), np.maximum(a, b)


def overlapping_between(start: np.ndarray, end: np.ndarray,
                        other_start: np.ndarray, other_end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j) of a range [start, end) of the first set and a range of the second
    that overlap. Callers widen the first set's ranges so that every pair they may accept
    overlaps, then test the few pairs this gives exactly."""
    a, b = overlapping_ranges(np.concatenate([start, other_start]), np.concatenate([end, other_end]))
    first = len(start)
    across = (a < first) & (b >= first)  # a < b, so a is from the first set and b from the second
    return a[across], b[across] - first

