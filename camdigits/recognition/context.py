"""Word context: a blob read as a digit among letters is part of a word, not a digit.

A patch cannot tell a handwritten "e" from an 8 or a "y" from a 4 with certainty, but the
writing around it can: a run of blobs on one line (linked as the digits of a number are,
:func:`camdigits.recognition.numbers.link_chains`) with at least as many letters as digits
is text. A letter here is a blob the classifier did not read surely as a digit; joined-up
writing too wide to be one, which counts as many letters as it is heights wide; or a blob
read as a digit but far shorter than the run's tallest blobs, on their baseline: the digits
of one number share a height, while a word's x-height letters (a, o, e) stand beside its
ascenders (l, t) at about half to two thirds of their height. A lone ambiguous glyph next to
digits (an O in "2O26") stays a digit, since its run has more digits than letters.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from camdigits.config import ASCENDER, BASELINE, X_HEIGHT, Config
from camdigits.recognition.numbers import link_chains
from camdigits.types import Box, Digit


def drop_text(digits: Sequence[Digit], letters: Sequence[Box], config: Config) -> list[Digit]:
    """The ``digits`` that do not stand in a run of writing made mostly of ``letters``
    (the boxes of the frame's blobs that were not read as digits, and of joined-up words)."""
    if not digits or not letters:
        return list(digits)
    boxes = np.array([d.box for d in digits] + list(letters), np.float64)
    # A letter blob as wide as n letters (joined-up writing) counts n times.
    weight = np.maximum(1, np.rint(boxes[:, 2] / boxes[:, 3]))
    weight[: len(digits)] = 1
    keep = np.ones(len(digits), bool)
    for chain in link_chains(boxes, config):
        members = np.array(chain)
        is_digit = members < len(digits)
        short = is_digit & _at_x_height(boxes[members])
        letters_weight = weight[members[~is_digit | short]].sum()
        if len(chain) >= config.word_min_blobs and letters_weight >= (is_digit & ~short).sum():
            keep[members[is_digit]] = False
    return [d for d, kept in zip(digits, keep) if kept]


def _at_x_height(run: np.ndarray) -> np.ndarray:
    """Which boxes of a run (N, 4) stand at a word's x-height: far shorter than the run's
    tallest, on the baseline, in a run with at least two blobs of the full height (a word's
    ascenders; a lone tall blob is more often two digits merged across lines)."""
    heights = run[:, 3]
    tallest = heights.max()
    if np.count_nonzero(heights >= ASCENDER * tallest) < 2:
        return np.zeros(len(run), bool)
    bottoms = run[:, 1] + heights
    on_baseline = np.abs(bottoms - np.median(bottoms)) <= BASELINE * tallest
    return (heights < X_HEIGHT * tallest) & on_baseline
