"""The blobs of an ink mask: their outer boundaries and holes, their boxes, and each one's own
ink, with neighbours reaching into its box left out. Used by the candidate search
(:mod:`camdigits.recognition.candidates`); a noisy frame has thousands of blobs, so the
boxes come from one pass over every contour and the overlap test by the frame.
"""

from __future__ import annotations

import cv2
import numpy as np

from camdigits.config import MAX_PAIRS_PER_BLOB
from camdigits.recognition.geometry import overlapping_boxes
from camdigits.types import Box


def outer_contours(mask: np.ndarray) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Every boundary of the ink blobs, the indices of the blobs' outer ones, and the contour
    hierarchy (per contour: next, previous, first child, parent) for :func:`holes_of`.

    RETR_CCOMP, not RETR_EXTERNAL: a digit written inside a drawn box lies in the box's
    hole, and only CCOMP still reports it as a blob of its own.
    """
    contours, hierarchy = cv2.findContours(mask, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return [], np.zeros(0, np.intp), np.zeros((0, 4), np.int32)
    links = hierarchy[0]
    return list(contours), np.flatnonzero(links[:, 3] == -1), links


def holes_of(contours: list[np.ndarray], links: np.ndarray, outer: int) -> list[np.ndarray]:
    """The boundaries of the holes of the blob whose outer boundary is ``contours[outer]``;
    asked only of the blobs that pass the size checks (a noisy frame has thousands)."""
    holes = []
    child = int(links[outer, 2])
    while child != -1:
        holes.append(contours[child])
        child = int(links[child, 0])
    return holes


def bounding_boxes(contours: list[np.ndarray]) -> np.ndarray:
    """int64 (N, 4: x, y, w, h), each contour's box as cv2.boundingRect gives it, from one
    pass over all their points instead of a call per contour (thousands on a noisy frame)."""
    points = np.concatenate(contours).reshape(-1, 2)
    starts = np.zeros(len(contours), np.intp)
    np.cumsum([len(c) for c in contours[:-1]], out=starts[1:])
    low = np.minimum.reduceat(points, starts).astype(np.int64)
    high = np.maximum.reduceat(points, starts).astype(np.int64)
    return np.concatenate([low, high - low + 1], axis=1)


def own_ink(mask: np.ndarray, outer: np.ndarray, holes: list[np.ndarray], box: Box, alone: bool) -> np.ndarray:
    """uint8 (h, w) mask, 255 on one blob's own pixels: neighbours reaching into its box, and
    blobs inside its holes, excluded. A view of ``mask`` where that is all of it.

    ``alone``: no other blob's box meets this one's, so all ink in the box is its own and
    the outline need not be filled (most digits on a page).
    """
    x, y, w, h = box
    if alone:
        own = mask[y : y + h, x : x + w]
        if not holes:
            return own
        own = own.copy()
    else:
        own = np.zeros((h, w), np.uint8)
        cv2.drawContours(own, [outer], -1, 255, cv2.FILLED, offset=(-x, -y))
        own &= mask[y : y + h, x : x + w]
    if holes:
        # A hole's contour runs over the ink around the hole, so this also takes the
        # innermost pixel ring of each loop (all of a loop 1 px thick). The ring stays cut:
        # chalk grain is full of tiny holes, and the thinner strokes it leaves are thickened
        # towards MNIST's width in normalise, which reads better (docs/accuracy.md).
        cv2.drawContours(own, holes, -1, 0, cv2.FILLED, offset=(-x, -y))
    return own


def alone_boxes(boxes: np.ndarray) -> np.ndarray:
    """For each of ``boxes`` (N, 4: x, y, w, h), whether no other box meets it; all False
    where finding out would compare more than MAX_PAIRS_PER_BLOB pairs per box (a frame of
    crossing lines), which gives the same ink: each blob then draws its own outline."""
    x0, y0, w, h = boxes.T
    pairs = overlapping_boxes(x0, x0 + w, y0, y0 + h, max_pairs=MAX_PAIRS_PER_BLOB * len(boxes))
    if pairs is None:
        return np.zeros(len(boxes), bool)
    alone = np.ones(len(boxes), bool)
    alone[pairs[0]] = False
    alone[pairs[1]] = False
    return alone
