"""Stacked digits: a blob whose pieces lie apart may be several digits, not one.

The candidate search joins the pieces of one digit that a skipping pen or an erased rule cut
apart: pieces one above the other, a pen's gap apart. On a ruled or squared page the digits
of one line come as close to those of the next, and the search joins them too (a 2 over the
22 below it, a 3 over a 6). Such a blob reads as no digit. Its ink still falls apart along
empty rows and, within them, empty columns; the split stage reads those parts on their own
and keeps them where each reads surely as a digit. Where a digit of one line reaches into the
rows of the next, no row is empty, but a blob far taller than the frame's digits still comes
apart into its pieces of connected ink (:func:`stacked_pieces`).

Which stacks are taken apart is decided here too, for the split stage
(:func:`stacked_readings`): a blob not read surely as one digit whose parts together read
more surely (:func:`choose_stack`); the parts that read as digits of a blob far taller than
the frame's digits (:func:`sure_parts`); and a blob that tall read surely as one digit whose
every part reads as one of them (:func:`sure_stack`).
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from camdigits.config import (
    MIN_STACK_CONFIDENCE,
    MIN_STACK_PART,
    SPLIT_WHEN_WHOLE_BELOW,
    STACK_HEIGHT_SPAN,
    STACK_MAX_OVERLAP,
    STACK_PEERS,
    STACK_TALL,
)
from camdigits.recognition.candidates import Candidate, component_parts, part_of
from camdigits.recognition.geometry import true_runs

Classify = Callable[[list[Candidate]], tuple[np.ndarray, np.ndarray]]
"""A classifier: blobs -> the likeliest digit of each, and its probability."""
Reading = tuple[Candidate, int, float]
"""A blob or a part of one, the digit it reads as, and how surely."""


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


def stacked_pieces(candidate: Candidate, min_height: float, side_by_side: bool = False) -> list[Candidate]:
    """The pieces of connected ink of a blob, top first, each tightened to its ink: pieces
    under MIN_STACK_PART of the tallest piece's height or under ``min_height`` px left out,
    as in :func:`stacked_parts`. Empty unless two pieces or more are left and, unless
    ``side_by_side`` (a page of digits), each shares at most STACK_MAX_OVERLAP of the
    shorter's height with the rows of the piece above it: the pieces of a word's letters
    stand side by side on their line, and a piece inside another's loop shares all its rows.
    On a page of digits, pieces side by side are the digits of a line, which on a tilted
    page reach into the rows of the line above."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(candidate.ink, connectivity=8)
    if count < 3:  # the background and one piece
        return []
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    kept = [label + 1 for label in np.flatnonzero(heights >= max(MIN_STACK_PART * heights.max(), min_height)).tolist()]
    if len(kept) < 2:
        return []
    kept.sort(key=lambda label: stats[label, cv2.CC_STAT_TOP])
    if not side_by_side:
        for upper, lower in zip(kept, kept[1:]):
            top, height = stats[upper, cv2.CC_STAT_TOP], stats[upper, cv2.CC_STAT_HEIGHT]
            shared = top + height - stats[lower, cv2.CC_STAT_TOP]
            if shared > STACK_MAX_OVERLAP * min(height, stats[lower, cv2.CC_STAT_HEIGHT]):
                return []
    return component_parts(candidate, labels, stats, kept)


def worth_cutting(whole_confidence: float) -> bool:
    """Whether a wide blob read as one digit with this confidence may be two digits; a blob
    read surely as one is never cut (see :func:`~camdigits.recognition.split.choose_split`)."""
    return whole_confidence < SPLIT_WHEN_WHOLE_BELOW


def choose_stack(whole_confidence: float, parts: list[float], min_confidence: float) -> bool:
    """Whether to read a blob as the digits stacked in it (:func:`stacked_parts`), given how
    surely each part reads as a digit: as with a cut
    (:func:`~camdigits.recognition.split.choose_split`), only a blob not read surely as one
    digit, and only when together the parts beat the whole blob's reading. Each part must
    read at least MIN_STACK_CONFIDENCE surely, less than a cut's halves: the parts lie
    apart, where a cut makes its halves."""
    return (
        worth_cutting(whole_confidence)
        and min(parts) >= MIN_STACK_CONFIDENCE
        and float(np.prod(parts)) > whole_score(whole_confidence, min_confidence)
    )


def sure_parts(
    whole_confidence: float,
    blob_height: int,
    parts: list[Reading],
    digits_height: float | None,
    min_confidence: float,
) -> list[Reading]:
    """The parts (with their readings) of a stacked blob that :func:`choose_stack` did not
    take apart, kept as digits on their own: those read at least ``min_confidence`` surely
    and as tall as the frame's digits (``digits_height``, see :func:`median_digit_height`),
    give or take STACK_HEIGHT_SPAN, of a blob not read as a digit (under ``min_confidence``)
    and STACK_TALL times as tall as them. Empty for any other blob.

    Such a blob holds the digits of two lines of a ruled page and a part that reads less
    surely than a stack's parts must: a piece of a neighbour, a rule's leftover, two digits
    touching. The other parts are left out, not read in the word context: read there,
    curved ruled pages gave more false digits (docs/accuracy.md).
    """
    if digits_height is None or whole_confidence >= min_confidence or not is_tall(blob_height, digits_height):
        return []
    return [reading for reading in parts if peer_digit(reading, digits_height, min_confidence)]


def sure_stack(
    whole_confidence: float,
    blob_height: int,
    parts: list[Reading],
    digits_height: float | None,
    min_confidence: float,
) -> bool:
    """Whether a blob read as one digit (at least ``min_confidence`` surely) is the digits
    stacked in it all the same, where :func:`choose_stack` did not take it apart (a blob
    read 0.9 surely is never cut): it is STACK_TALL times as tall as the frame's digits
    (``digits_height``, see :func:`median_digit_height`) and each of its two parts or more
    is a digit of theirs (:func:`peer_digit`).

    The network reads some stacks of two lines' digits surely as one tall digit: two 0s as
    an 8, a 6 over a 2 as a 5, a 9 over a 9 as a 7. A digit that tall among the frame's
    digits whose every part reads as one of them is rarer than such a stack (docs/accuracy.md).
    """
    return (
        whole_confidence >= min_confidence
        and digits_height is not None
        and is_tall(blob_height, digits_height)
        and len(parts) >= 2
        and all(peer_digit(reading, digits_height, min_confidence) for reading in parts)
    )


def is_tall(blob_height: float, digits_height: float | None) -> bool:
    """Whether a blob is STACK_TALL times as tall as the frame's digits (``digits_height``,
    see :func:`median_digit_height`; never for a frame without enough of them): tall enough
    to hold the digits of two lines."""
    return digits_height is not None and blob_height >= STACK_TALL * digits_height


def peer_digit(reading: Reading, digits_height: float, min_confidence: float) -> bool:
    """Whether a part reads at least ``min_confidence`` surely and is as tall as the frame's
    digits (``digits_height``), give or take STACK_HEIGHT_SPAN (:func:`peer_height`)."""
    part, _, confidence = reading
    return confidence >= min_confidence and peer_height(part, digits_height)


def peer_height(part: Candidate, digits_height: float) -> bool:
    """Whether a part is as tall as the frame's digits, give or take STACK_HEIGHT_SPAN."""
    return abs(part.box[3] / digits_height - 1) <= STACK_HEIGHT_SPAN


def median_digit_height(candidates: list[Candidate], confidences: np.ndarray, min_confidence: float) -> float | None:
    """The median height of the blobs read as digits (at least ``min_confidence``
    surely), or None for a frame with fewer than STACK_PEERS of them."""
    heights = [c.box[3] for c, confidence in zip(candidates, confidences.tolist()) if confidence >= min_confidence]
    return float(np.median(heights)) if len(heights) >= STACK_PEERS else None


def whole_score(whole_confidence: float, min_confidence: float) -> float:
    """What the whole blob's reading counts for against a cut's or a stack's parts: its
    confidence where that reports a digit, else nothing."""
    return whole_confidence if whole_confidence >= min_confidence else 0.0


def stacked_readings(
    candidates: list[Candidate],
    confidences: np.ndarray,
    unsure: list[int],
    classify: Classify,
    min_confidence: float,
    min_height: float,
    page_of_digits: bool = False,
) -> dict[int, list[Reading]]:
    """The readings of the blobs that are taken apart into the digits stacked in them, by
    index: those among ``unsure`` (indices into ``candidates``) that :func:`choose_stack`
    takes apart or that keep the parts that read as digits (:func:`sure_parts`), and those,
    among them or read surely, STACK_TALL times as tall as the frame's digits that
    :func:`sure_stack` takes apart. A blob that tall is tried in its parts between empty rows
    (:func:`stacked_parts`) and in its pieces of connected ink (:func:`stacked_pieces`, side
    by side too on a ``page_of_digits``), and read in the way that gives more digits. The
    parts of all of them are read in one call; those of a blob read surely, only when each
    part is as tall as the frame's digits (else :func:`sure_stack` cannot take them)."""
    digits_height = median_digit_height(candidates, confidences, min_confidence)
    unsure_set = set(unsure)
    tall_sure = [i for i, blob in enumerate(candidates) if i not in unsure_set and is_tall(blob.box[3], digits_height)]

    def ways(i: int) -> list[list[Candidate]]:
        # Its parts between empty rows and, for a tall blob, its pieces of connected ink: on a
        # tilted page a line's digits reach into the rows of the line below.
        parts = stacked_parts(candidates[i], min_height)
        tall = is_tall(candidates[i].box[3], digits_height)
        pieces = stacked_pieces(candidates[i], min_height, side_by_side=page_of_digits) if tall else []
        found = [way for way in (parts, pieces) if way]
        if len(found) == 2 and [p.box for p in parts] == [p.box for p in pieces]:
            found.pop()
        # A surely read blob's parts are read only if sure_stack may take them: all of the digits' height.
        return [
            way
            for way in found
            if i in unsure_set or (digits_height is not None and all(peer_height(p, digits_height) for p in way))
        ]

    stacks = [(i, way) for i in unsure + tall_sure for way in ways(i)]
    if not stacks:
        return {}
    labels, part_confidences = classify([part for _, parts in stacks for part in parts])
    part_readings = iter(zip(labels.tolist(), part_confidences.tolist()))
    taken: dict[int, list[Reading]] = {}
    for i, parts in stacks:
        read = [(part, *next(part_readings)) for part in parts]
        whole, height = float(confidences[i]), candidates[i].box[3]
        if choose_stack(whole, [confidence for _, _, confidence in read], min_confidence):
            chosen = read
        elif kept := sure_parts(whole, height, read, digits_height, min_confidence):
            chosen = kept
        elif sure_stack(whole, height, read, digits_height, min_confidence):
            chosen = read
        else:
            continue
        if len(chosen) > len(taken.get(i, ())):  # the way that reads more digits
            taken[i] = chosen
    return taken
