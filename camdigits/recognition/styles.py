"""A writer's style read from the page: one who crosses their sevens flags their ones.

A 1 with a flag (the European 1) has a 7's shape without its bar, and the network reads it
as a 7, or as a tie between the two. Where the writer crosses their sevens, as those who
flag their ones do, the page says which it is: a 7 with no bar across its stem is a flagged
1. :func:`with_flagged_ones` reads a page's digits so, and only on a page whose sevens are
crossed: on other pages a seven without a bar is an ordinary seven.
"""

from __future__ import annotations

import numpy as np

from camdigits.config import CROSSED_SEVEN_BAR, CROSSED_SEVENS_SHARE, FLAG_MIN_ONE, MIN_CROSSED_SEVENS, NOT_A_DIGIT
from camdigits.recognition.candidates import Candidate
from camdigits.recognition.geometry import true_runs

ONE, SEVEN = 1, 7
BAR_ROWS = (0.35, 0.75)  # of a seven's height: where a bar crosses its stem (its top arm slopes down above)
STEM_ENDS = 0.15  # of a seven's height: the rows that hold its stem's top (the top arm's end) and its foot


def bar_reach(ink: np.ndarray) -> float:
    """How far a bar across a seven's stem reaches on its shorter side, over the blob's height:
    the most, along the rows of BAR_ROWS, that a run of ink holding the stem runs on past it to
    both sides, beyond what the stem's own stroke does in a typical such row. The stem is taken
    as the line from the rightmost ink of the top rows (where the top arm turns down) to the
    middle of the foot (STEM_ENDS). A seven's sloping top arm and a one's flag meet the stem
    from one side only; a bar crosses it."""
    h, w = ink.shape
    on = ink > 0
    ends = max(1, round(STEM_ENDS * h))
    top, foot = np.flatnonzero(on[:ends].any(axis=0)), np.flatnonzero(on[h - ends :].any(axis=0))
    if not len(top) or not len(foot):
        return 0.0
    corner, middle = float(top.max()), float(foot.mean())
    reaches = []  # per row, how far the run holding the stem runs on past it to its shorter side
    for row in range(int(BAR_ROWS[0] * h), int(np.ceil(BAR_ROWS[1] * h))):
        stem = corner + (middle - corner) * row / max(h - 1, 1)
        held = [min(stem - start, end - stem) for start, end in true_runs(on[row]) if start <= stem <= end]
        reaches.append(held[0] if held else 0.0)
    # Past the stroke's own half width: the typical row's reach, the stem alone.
    return (max(reaches) - float(np.median(reaches))) / h if reaches else 0.0


def with_flagged_ones(candidates: list[Candidate], probabilities: np.ndarray, min_confidence: float) -> np.ndarray:
    """``probabilities`` (one row of class probabilities per candidate) with the 7s of a page
    whose sevens are crossed read as 1s: a blob read as a 1 or a 7 (the two together at least
    ``min_confidence``), at least FLAG_MIN_ONE a 1, and without a bar (:func:`bar_reach` under
    CROSSED_SEVEN_BAR) gets the seven's probability added to the one's.

    A page's sevens are crossed when MIN_CROSSED_SEVENS of its blobs read surely as sevens and
    not at all as ones (under FLAG_MIN_ONE) have a bar, and they are CROSSED_SEVENS_SHARE of
    those blobs at least. MNIST's writers cross a seven now and then, so one crossed seven
    does not make a page's style.
    """
    if not len(candidates):
        return probabilities
    ones, sevens = probabilities[:, ONE], probabilities[:, SEVEN]
    likeliest = probabilities[:, :NOT_A_DIGIT].max(axis=1)
    either = (ones + sevens >= min_confidence) & (np.maximum(ones, sevens) == likeliest)
    sure = np.flatnonzero((sevens >= min_confidence) & (ones < FLAG_MIN_ONE)).tolist()
    maybe = np.flatnonzero(either & (ones >= FLAG_MIN_ONE)).tolist()
    if len(sure) < MIN_CROSSED_SEVENS or not maybe:  # most pages
        return probabilities
    crossed = sum(bar_reach(candidates[k].ink) >= CROSSED_SEVEN_BAR for k in sure)
    if crossed < max(MIN_CROSSED_SEVENS, CROSSED_SEVENS_SHARE * len(sure)):
        return probabilities
    flagged = [k for k in maybe if bar_reach(candidates[k].ink) < CROSSED_SEVEN_BAR]
    if not flagged:
        return probabilities
    probabilities = probabilities.copy()
    probabilities[flagged, ONE] += probabilities[flagged, SEVEN]
    probabilities[flagged, SEVEN] = 0.0
    return probabilities
