"""Stacked digits: a blob whose pieces lie apart may be several digits, not one.

The candidate search joins the pieces of one digit that a skipping pen or an erased rule cut
apart: pieces one above the other, a pen's gap apart. On a ruled or squared page the digits
of one line come as close to those of the next, and the search joins them too (a 2 over the
22 below it, a 3 over a 6). Such a blob reads as no digit. Its ink still falls apart along
empty rows and, within them, empty columns; the split stage reads those parts on their own
and keeps them where each reads surely as a digit. Where a digit of one line reaches into the
rows of the next, no row is empty, but a blob far taller than the frame's digits still comes
apart into its pieces of connected ink (:func:`stacked_pieces`).
"""

from __future__ import annotations

import cv2
import numpy as np

from camdigits.config import MIN_STACK_PART, STACK_MAX_OVERLAP
from camdigits.recognition.candidates import Candidate, part_of
from camdigits.recognition.geometry import true_runs


def stacked_parts(candidate: Candidate, min_height: float) -> list[Candidate]:
    """The parts of a blob's ink between its empty rows and, within each band of rows,
    between its empty columns, each tightened to its ink; parts under MIN_STACK_PART of the
    tallest part's height or under ``min_height`` px (a rule's leftover dash, a speck) left
    out. Empty (nothing to try) unless the ink falls apart along an empty row into two or
    more such parts: pieces side by side only are the horizontal split's to try."""
    ink = candidate.ink
    bands = true_runs(ink.any(axis=1))
    if len(bands) < 2:
        return []
    parts = []  # (band, part)
    for band, (top, bottom) in enumerate(bands):
        for left, right in true_runs(ink[top:bottom].any(axis=0)):
            px, py, pw, ph = cv2.boundingRect(ink[top:bottom, left:right])
            parts.append((band, part_of(candidate, ink, left + px, top + py, pw, ph)))
    tallest = max(part.box[3] for _, part in parts)
    kept = [(band, part) for band, part in parts if part.box[3] >= max(MIN_STACK_PART * tallest, min_height)]
    # Parts of two bands or more lie one above another; those of one band only side by side.
    return [part for _, part in kept] if len({band for band, _ in kept}) >= 2 else []


def stacked_pieces(candidate: Candidate, min_height: float) -> list[Candidate]:
    """The pieces of connected ink of a blob, top first, each tightened to its ink: pieces
    under MIN_STACK_PART of the tallest piece's height or under ``min_height`` px left out,
    as in :func:`stacked_parts`. Empty unless two pieces or more are left and each shares
    at most STACK_MAX_OVERLAP of the shorter's height with the rows of the piece above it:
    the pieces of a word's letters stand side by side on their line, and a piece inside
    another's loop shares all its rows."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(candidate.ink, connectivity=8)
    if count < 3:  # the background and one piece
        return []
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    kept = [label + 1 for label in np.flatnonzero(heights >= max(MIN_STACK_PART * heights.max(), min_height)).tolist()]
    if len(kept) < 2:
        return []
    kept.sort(key=lambda label: stats[label, cv2.CC_STAT_TOP])
    for upper, lower in zip(kept, kept[1:]):
        top, height = stats[upper, cv2.CC_STAT_TOP], stats[upper, cv2.CC_STAT_HEIGHT]
        shared = top + height - stats[lower, cv2.CC_STAT_TOP]
        if shared > STACK_MAX_OVERLAP * min(height, stats[lower, cv2.CC_STAT_HEIGHT]):
            return []
    return [
        part_of(candidate, cv2.compare(labels, label, cv2.CMP_EQ), *(int(v) for v in stats[label, :4]))
        for label in kept
    ]
