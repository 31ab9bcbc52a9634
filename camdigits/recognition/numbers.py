"""Digits -> multi-digit numbers, read left to right.

Two digits are neighbours in a number when the gap between them is small next to their
height (wider than about half a height is a space: "555 0199" is two numbers), their
vertical centres are close and their heights similar. Links as loose in height and centre
as a word's letters stand chain the blobs of a word for the word context
(:mod:`camdigits.recognition.context`). Links are taken cheapest (narrowest gap) first,
one on each side of a digit, so a sloping line of writing is followed link by link and two
numbers stacked one above the other stay apart. A lone digit is a number of length one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from camdigits.config import MAX_OVERLAP, SAME_LINE_OVERLAP, WORD_MAX_OVERLAP, Config
from camdigits.recognition.geometry import overlapping_between
from camdigits.types import Box, Digit, Number, union_box


def _links(
    boxes: np.ndarray, max_gap: float, max_centre_offset: float, min_height_ratio: float, max_overlap: float
) -> list[tuple[float, int, int]]:
    """Every pair (i, j) of the boxes (N, 4) that may be neighbours in a number (or a word:
    see :func:`link_chains`), with j right of i (its centre past i's), as (gap from i to j in
    digit heights, i, j), cheapest first; the limits are those of
    :class:`~camdigits.config.Config`, and j may overlap i by ``max_overlap`` of the taller's
    height (MAX_OVERLAP, WORD_MAX_OVERLAP). The boxes may come in any order.

    Only pairs whose gap could pass are weighed (see :mod:`camdigits.recognition.geometry`): a page of
    30 digits has 435 pairs, a large photo of a printed page 20 million."""
    x, y, w, h = boxes.T
    tallest = h.max(initial=0.0)
    # j's left edge lies within [-max_overlap, max_gap] digit heights of i's right edge,
    # and no digit height exceeds the tallest; the exact test follows.
    i, j = overlapping_between(x + w - max_overlap * tallest, x + w + max_gap * tallest + 1, x, x + 1)
    height = np.maximum(h[i], h[j])
    gap = (x[j] - (x[i] + w[i])) / height
    centre_x, centre_y = x + w / 2, y + h / 2
    linked = (gap >= -max_overlap) & (gap <= max_gap)
    linked &= centre_x[j] > centre_x[i]  # must lie to the right, centre past centre: each pair once
    linked &= np.abs(centre_y[i] - centre_y[j]) <= max_centre_offset * height
    linked &= np.minimum(h[i], h[j]) >= min_height_ratio * height
    i, j, costs = i[linked], j[linked], gap[linked]
    order = np.lexsort((j, i, costs))
    return list(zip(costs[order].tolist(), i[order].tolist(), j[order].tolist()))


def word_neighbours(box: Box, boxes: np.ndarray, config: Config, max_gap: float) -> list[int]:
    """Indices into ``boxes`` (N, 4) of those linked to ``box`` as a word's letters are
    (:func:`link_chains` with ``word``), on either side, at most ``max_gap`` of the
    taller's height apart."""
    both = np.vstack([np.array(box, np.float64)[None], np.asarray(boxes, np.float64).reshape(-1, 4)])
    links = _links(both, max_gap, config.word_centre_offset, config.word_height_ratio, WORD_MAX_OVERLAP)
    return sorted({i + j - 1 for _, i, j in links if 0 in (i, j)})


def make_number(chain: Sequence[Digit], box: Box | None = None) -> Number:
    """The number the digits of ``chain`` spell, left to right.

    Its confidence is the chance that every digit is right; ``box`` may be passed when the
    caller already knows the union of the digits' boxes.
    """
    confidence = 1.0
    for digit in chain:
        confidence *= digit.confidence
    return Number(
        text="".join([str(d.label) for d in chain]),
        confidence=confidence,
        box=box or (chain[0].box if len(chain) == 1 else union_box([d.box for d in chain])),
        digits=tuple(chain),
    )


def link_chains(
    boxes: np.ndarray,
    config: Config,
    word: bool = False,
    max_overlap: float = MAX_OVERLAP,
    word_height_ratio: float | None = None,
) -> list[list[int]]:
    """Chains of the boxes (N, 4) that read as one run of writing, each a list of indices
    into ``boxes`` from left to right by their centres (a narrow box in the left part of a
    wider one stands before it: the stem of an i whose dot joined the t after it, a 1 under
    the overhanging bar of the 7 after it); a box with no neighbour is a chain of one.
    Linked as the digits of a number are, or if ``word``, as the letters of a word: with
    heights and centres further apart (``config.word_height_ratio``, ``word_centre_offset``),
    since a word's x-height letters stand beside its ascenders. A box may overlap the one
    to its left by ``max_overlap`` of the taller's height (WORD_MAX_OVERLAP off a page of
    digits: an o under a T's bar); with ``word``, a shorter blob may be ``word_height_ratio``
    of the taller's height where given (WORD_HEIGHT_RATIO_OFF_DIGIT_PAGE).

    Candidate links are taken cheapest first, and each box takes one right and one left
    neighbour, so a sloping line is followed link by link and stacked lines stay apart."""
    if not len(boxes):
        return []
    order = np.lexsort((boxes[:, 1], boxes[:, 0] + boxes[:, 2] / 2))
    right_of: dict[int, int] = {}
    left_of: dict[int, int] = {}
    offset, ratio = (
        (config.word_centre_offset, config.word_height_ratio if word_height_ratio is None else word_height_ratio)
        if word
        else (config.max_centre_offset, config.min_height_ratio)
    )
    for _, i, j in _links(boxes[order], config.max_gap, offset, ratio, max_overlap):
        if i not in right_of and j not in left_of:
            right_of[i] = j
            left_of[j] = i
    chains = []
    for start in range(len(order)):
        if start in left_of:
            continue
        chain = [start]
        while chain[-1] in right_of:
            chain.append(right_of[chain[-1]])
        chains.append([int(order[k]) for k in chain])
    return chains


def group_numbers(digits: Sequence[Digit], config: Config) -> tuple[Number, ...]:
    """Group digits into numbers, in reading order (see :func:`_reading_order`)."""
    boxes = np.array([d.box for d in digits], np.float64).reshape(-1, 4)
    return _reading_order([make_number([digits[i] for i in chain]) for chain in link_chains(boxes, config)])


def _reading_order(numbers: list[Number]) -> tuple[Number, ...]:
    """Lines top to bottom, numbers within a line left to right."""
    lines: list[tuple[int, int, list[Number]]] = []  # the first number's top and bottom, the numbers
    for number in sorted(numbers, key=lambda n: n.box[1] + n.box[3] / 2):
        _, top, _, h = number.box
        bottom = top + h
        for line_top, line_bottom, line in lines:
            if min(bottom, line_bottom) - max(top, line_top) >= SAME_LINE_OVERLAP * min(h, line_bottom - line_top):
                line.append(number)
                break
        else:
            lines.append((top, bottom, [number]))
    return tuple(n for _, _, line in lines for n in sorted(line, key=lambda n: n.box[0]))


def group_tracked(
    numbers: Sequence[Number],
    detections: Sequence[Digit],
    tracked: Sequence[Digit | None],
    shown: Sequence[Digit],
    config: Config,
) -> tuple[Number, ...]:
    """The numbers of a tracked frame: what a tracker shows of ``detections``, grouped.

    Args:
        numbers: ``detections`` grouped by :func:`group_numbers` (the recognizer's numbers).
        detections: the frame's digits as recognised.
        tracked: per detection, the digit its track shows, or None (not shown yet).
        shown: every digit the tracker shows, including any coasting ones (no detection).

    Grouping depends only on boxes and tracked boxes are the detected ones, so where every
    shown digit is a detection this is ``numbers`` with each digit replaced by its tracked
    one, a digit not shown splitting its number there as a gap would: the grouping
    :func:`group_numbers` gave, at a fraction of its cost. Otherwise (coasting digits, or
    ``numbers`` that do not hold exactly ``detections``) the shown digits are grouped anew.
    """
    if len(shown) == sum(digit is not None for digit in tracked):
        regrouped = _regroup(numbers, detections, tracked)
        if regrouped is not None:
            return regrouped
    return group_numbers(shown, config)


def _regroup(
    numbers: Sequence[Number], detections: Sequence[Digit], tracked: Sequence[Digit | None]
) -> tuple[Number, ...] | None:
    """``numbers`` with each detection replaced by its tracked digit, split where that is
    None; None when ``numbers`` do not hold exactly ``detections``."""
    position = {id(digit): index for index, digit in enumerate(detections)}
    if len(position) != len(detections) or sum(len(n.digits) for n in numbers) != len(detections):
        return None
    regrouped: list[Number] = []
    for number in numbers:
        chain: list[Digit] = []
        for digit in number.digits:
            index = position.get(id(digit))
            if index is None:
                return None
            if tracked[index] is not None:
                chain.append(tracked[index])
            elif chain:
                regrouped.append(make_number(chain))
                chain = []
        if len(chain) == len(number.digits):  # the whole number: same boxes, same union
            regrouped.append(make_number(chain, number.box))
        elif chain:
            regrouped.append(make_number(chain))
    return tuple(regrouped)
