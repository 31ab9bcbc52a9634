"""A writer's style read from the page: one who crosses their sevens flags their ones.

A 1 with a flag (the European 1) has a 7's shape without its bar, and the network reads it
as a 7, or as a tie between the two. Where the writer crosses their sevens, as those who
flag their ones do, the page says which it is: a 7 with no bar across its stem is a flagged
1. :func:`with_flagged_ones` reads a page's digits so, and only on a page whose sevens are
crossed: on other pages a seven without a bar is an ordinary seven.
"""

from __future__ import annotations

import math
import statistics

import numpy as np

from camdigits.config import (
    BAR_ROWS,
    CROSSED_SEVEN_BAR,
    CROSSED_SEVENS_SHARE,
    FLAG_MIN_ONE,
    MIN_CROSSED_SEVENS,
    NOT_A_DIGIT,
    STEM_ENDS,
)
from camdigits.recognition.candidates import Candidate

ONE, SEVEN = 1, 7


def bar_reach(ink: np.ndarray) -> float:
    """How far a bar across a seven's stem reaches past the stem's stroke on its shorter side,
    over the blob's height: the most, along the rows of BAR_ROWS, that the run of ink holding
    the stem runs on past it to both sides, less half the foot's stroke (its rows' median
    ink). The stem is taken as the line from the rightmost ink of the top rows (where the top
    arm turns down) to the middle of the foot (STEM_ENDS of the rows at each end). A seven's
    sloping top arm and a one's flag meet the stem from one side only; a bar crosses it. 0
    for an empty blob and one with no ink in its top or foot rows."""
    h, w = ink.shape
    if not ink.size:
        return 0.0
    ends = max(1, round(STEM_ENDS * h))
    top, foot = np.flatnonzero(ink[:ends].max(axis=0)), np.flatnonzero(ink[h - ends :].max(axis=0))
    first, last = int(BAR_ROWS[0] * h), math.ceil(BAR_ROWS[1] * h)
    if not len(top) or not len(foot) or last <= first:
        return 0.0
    corner, middle = float(top[-1]), float(foot.mean())
    stroke = statistics.median(np.count_nonzero(ink[h - ends :], axis=1).tolist())
    # Row-major bytes index as ints: a few rows of a few px each are scanned in plain Python,
    # 4.7x as fast as geometry.true_runs on each row (28 against 134 us a blob of european pages).
    pixels = ink.tobytes()
    reach = 0.0
    for row in range(first, last):
        stem = corner + (middle - corner) * row / max(h - 1, 1)
        start = row * w + min(max(round(stem), 0), w - 1)
        if not pixels[start]:
            continue
        left, right = start, start + 1
        while left > row * w and pixels[left - 1]:
            left -= 1
        while right < (row + 1) * w and pixels[right]:
            right += 1
        reach = max(reach, min(stem - (left - row * w), (right - row * w) - stem))
    return max(0.0, reach - stroke / 2) / h


def with_flagged_ones(candidates: list[Candidate], probabilities: np.ndarray, min_confidence: float) -> np.ndarray:
    """``probabilities`` (one row of class probabilities per candidate) with the 7s of a page
    whose sevens are crossed read as 1s: a blob whose likeliest digit is a 1 or a 7, read as
    the two together at least ``min_confidence``, at least FLAG_MIN_ONE a 1, and without a bar
    (:func:`bar_reach` under CROSSED_SEVEN_BAR) gets the seven's probability added to the
    one's. The caller's array is left as it is.

    A page's sevens are crossed when MIN_CROSSED_SEVENS of its blobs read surely as sevens and
    not at all as ones (under FLAG_MIN_ONE) have a bar, and they are CROSSED_SEVENS_SHARE of
    those blobs at least. MNIST's writers cross a seven now and then, so one crossed seven
    does not make a page's style.
    """
    ones, sevens = probabilities[:, ONE], probabilities[:, SEVEN]
    likeliest = probabilities[:, :NOT_A_DIGIT].max(axis=1)
    either = (ones + sevens >= min_confidence) & (np.maximum(ones, sevens) == likeliest)
    sure = np.flatnonzero((sevens >= min_confidence) & (ones < FLAG_MIN_ONE)).tolist()
    maybe = np.flatnonzero(either & (ones >= FLAG_MIN_ONE)).tolist()
    if len(sure) < MIN_CROSSED_SEVENS or not maybe:  # most pages
        return probabilities
    if not _crossed(candidates, sure):
        return probabilities
    flagged = [k for k in maybe if bar_reach(candidates[k].ink) < CROSSED_SEVEN_BAR]
    if not flagged:
        return probabilities
    probabilities = probabilities.copy()
    probabilities[flagged, ONE] += probabilities[flagged, SEVEN]
    probabilities[flagged, SEVEN] = 0.0
    return probabilities


def _crossed(candidates: list[Candidate], sevens: list[int]) -> bool:
    """Whether MIN_CROSSED_SEVENS of the blobs ``sevens`` (indices into ``candidates``) at
    least, and CROSSED_SEVENS_SHARE of them, have a bar; measured only until that is decided,
    which on a page of plain sevens takes about the first two fifths of them."""
    needed = max(MIN_CROSSED_SEVENS, CROSSED_SEVENS_SHARE * len(sevens))
    crossed = 0
    for measured, k in enumerate(sevens, start=1):
        crossed += bar_reach(candidates[k].ink) >= CROSSED_SEVEN_BAR
        if crossed >= needed:
            return True
        if crossed + len(sevens) - measured < needed:
            return False
    return False
