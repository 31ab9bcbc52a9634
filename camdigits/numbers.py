"""Digits -> multi-digit numbers, read left to right.

Two digits are neighbours in a number when the gap between them is small next to their
height, their vertical centres are close and their heights similar. Each digit links only
to its nearest right neighbour, so a sloping line of writing is followed link by link and
two numbers stacked one above the other stay apart. A lone digit is a number of length one.
"""

from __future__ import annotations

from collections.abc import Sequence

from camdigits.config import Config
from camdigits.types import Box, Digit, Number, union_box

# Two numbers are on one line of writing when their vertical extents overlap by at
# least this fraction of the shorter one's height.
SAME_LINE_OVERLAP = 0.5
# A right neighbour may overlap the digit to its left by this many heights at most;
# handwritten digits in a number sometimes touch or overlap slightly.
MAX_OVERLAP = 0.3


def _link_cost(left: Digit, right: Digit, config: Config) -> float | None:
    """The gap from ``left`` to ``right`` in digit heights, or None if not neighbours."""
    lx, ly, lw, lh = left.box
    rx, ry, rw, rh = right.box
    height = max(lh, rh)
    gap = (rx - (lx + lw)) / height
    if not -MAX_OVERLAP <= gap <= config.max_gap:
        return None
    if rx + rw / 2 <= lx + lw / 2:  # must lie to the right, centre past centre
        return None
    if abs((ly + lh / 2) - (ry + rh / 2)) > config.max_centre_offset * height:
        return None
    if min(lh, rh) < config.min_height_ratio * height:
        return None
    return gap


def make_number(chain: Sequence[Digit], box: Box | None = None) -> Number:
    """The number the digits of ``chain`` spell, left to right.

    Its confidence is the chance that every digit is right; ``box`` may be passed when the
    caller already knows the union of the digits' boxes.
    """
    confidence = 1.0
    for digit in chain:
        confidence *= digit.confidence
    return Number(
        text="".join(str(d.label) for d in chain),
        confidence=confidence,
        box=box or union_box([d.box for d in chain]),
        digits=tuple(chain),
    )


def group_numbers(digits: Sequence[Digit], config: Config) -> tuple[Number, ...]:
    """Group digits into numbers, in reading order (see :func:`_reading_order`)."""
    ordered = sorted(digits, key=lambda d: (d.box[0], d.box[1]))
    # Candidate links, cheapest first; each digit takes one right and one left neighbour.
    links = []
    for i, left in enumerate(ordered):
        for j in range(i + 1, len(ordered)):
            cost = _link_cost(left, ordered[j], config)
            if cost is not None:
                links.append((cost, i, j))
    right_of: dict[int, int] = {}
    left_of: dict[int, int] = {}
    for _, i, j in sorted(links):
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
    lines: list[list[Number]] = []
    for number in sorted(numbers, key=lambda n: n.box[1] + n.box[3] / 2):
        _, y, _, h = number.box
        for line in lines:
            ly, lh = line[0].box[1], line[0].box[3]
            if min(y + h, ly + lh) - max(y, ly) >= SAME_LINE_OVERLAP * min(h, lh):
                line.append(number)
                break
        else:
            lines.append([number])
    return tuple(n for line in lines for n in sorted(line, key=lambda n: n.box[0]))
