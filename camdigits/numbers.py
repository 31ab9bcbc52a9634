"""Digits -> multi-digit numbers, read left to right.

Two digits are neighbours in a number when the gap between them is small next to their
height, their vertical centres are close and their heights similar. Each digit links only
to its nearest right neighbour, so a sloping line of writing is followed link by link and
two numbers stacked one above the other stay apart. A lone digit is a number of length one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from camdigits.config import Config
from camdigits.types import Box, Digit, Number, union_box

# Two numbers are on one line of writing when their vertical extents overlap by at
# least this fraction of the shorter one's height.
SAME_LINE_OVERLAP = 0.5
# A right neighbour may overlap the digit to its left by this many heights at most;
# handwritten digits in a number sometimes touch or overlap slightly.
MAX_OVERLAP = 0.3
# Digit pairs weighed per array operation in _links: bounds its memory (a few tens of MB)
# on a page with thousands of digits.
LINK_BLOCK = 1 << 20


def _links(boxes: np.ndarray, config: Config) -> list[tuple[float, int, int]]:
    """Every pair (i, j), i < j, of the boxes (N, 4) that may be neighbours in a number, with
    j right of i, as (gap from i to j in digit heights, i, j), cheapest first.

    All pairs in array operations, LINK_BLOCK pairs at a time: a page of 30 digits has 435
    of them, a large photo of a printed page 20 million."""
    if not len(boxes):
        return []
    rows = max(1, LINK_BLOCK // len(boxes))
    found = [_links_of(boxes, start, min(start + rows, len(boxes)), config) for start in range(0, len(boxes), rows)]
    costs, i, j = (np.concatenate(part) for part in zip(*found))
    order = np.lexsort((j, i, costs))
    return list(zip(costs[order].tolist(), i[order].tolist(), j[order].tolist()))


def _links_of(boxes: np.ndarray, start: int, end: int, config: Config) -> tuple[np.ndarray, ...]:
    """:func:`_links` for the left digits ``start:end``, unsorted: costs, i, j."""
    x, y, w, h = boxes.T
    r = slice(start, end)
    height = np.maximum(h[r, None], h[None, :])
    gap = (x[None, :] - (x[r] + w[r])[:, None]) / height
    centre_x, centre_y = x + w / 2, y + h / 2
    linked = (gap >= -MAX_OVERLAP) & (gap <= config.max_gap)
    linked &= centre_x[None, :] > centre_x[r, None]  # must lie to the right, centre past centre
    linked &= np.abs(centre_y[r, None] - centre_y[None, :]) <= config.max_centre_offset * height
    linked &= np.minimum(h[r, None], h[None, :]) >= config.min_height_ratio * height
    linked &= np.arange(len(boxes))[None, :] > np.arange(start, end)[:, None]  # each pair once, i < j
    i, j = np.nonzero(linked)
    return gap[i, j], i + start, j


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


def group_numbers(digits: Sequence[Digit], config: Config) -> tuple[Number, ...]:
    """Group digits into numbers, in reading order (see :func:`_reading_order`)."""
    ordered = sorted(digits, key=lambda d: (d.box[0], d.box[1]))
    if not ordered:
        return ()
    # Candidate links, cheapest first; each digit takes one right and one left neighbour.
    right_of: dict[int, int] = {}
    left_of: dict[int, int] = {}
    for _, i, j in _links(np.array([d.box for d in ordered], np.float64), config):
        if i not in right_of and j not in left_of:
            right_of[i] = j
            left_of[j] = i

    numbers = []
    for start in range(len(ordered)):
        if start in left_of:
            continue
        chain = [ordered[start]]
        node = start
        while node in right_of:
            node = right_of[node]
            chain.append(ordered[node])
        numbers.append(make_number(chain))
    return _reading_order(numbers)


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
