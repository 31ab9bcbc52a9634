"""Word context: a blob read as a digit among letters is part of a word, not a digit.

A patch cannot tell a handwritten "e" from an 8 or a "y" from a 4 with certainty, but the
writing around it can: a run of blobs on one line (linked as the digits of a number are,
:func:`camdigits.recognition.numbers.link_chains`) in which letters outnumber digits is text. A letter
here is a blob the classifier did not read surely as a digit. A lone ambiguous glyph next
to digits (an O in "2O26") stays a digit, since its run has more digits than letters.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from camdigits.config import Config
from camdigits.recognition.numbers import link_chains
from camdigits.types import Box, Digit


def drop_text(digits: Sequence[Digit], letters: Sequence[Box], config: Config) -> list[Digit]:
    """The ``digits`` that do not stand in a run of writing made mostly of ``letters``
    (the boxes of the frame's blobs that were not read as digits)."""
    if not digits or len(letters) < 2:
        return list(digits)
    boxes = np.array([d.box for d in digits] + list(letters), np.float64)
    keep = np.ones(len(digits), bool)
    for chain in link_chains(boxes, config):
        members = np.array(chain)
        digit_members = members[members < len(digits)]
        if len(chain) >= config.word_min_blobs and len(chain) - len(digit_members) > len(digit_members):
            keep[digit_members] = False
    return [d for d, kept in zip(digits, keep) if kept]

