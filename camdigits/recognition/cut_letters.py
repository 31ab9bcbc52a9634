"""Letters cut into digits: off a page of digits, a blob the split stage cut into two digits
is left whole, for the word context, where the letter network reads it as a letter beside a
word's letters (docs/accuracy.md, "Letters cut into digits")."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from camdigits.config import LETTER_GAP, Config
from camdigits.recognition.candidates import Candidate, Word
from camdigits.recognition.geometry import within
from camdigits.recognition.numbers import word_neighbours
from camdigits.types import Box, Digit


def letters_left_whole(
    candidates: list[Candidate],
    labels: np.ndarray,
    confidences: np.ndarray,
    digits: list[Digit],
    unsure: list[Digit],
    words: Sequence[Word],
    letters: Callable[[list[Candidate]], list[bool]],
    config: Config,
) -> tuple[list[Digit], list[Digit]]:
    """The ``digits`` and ``unsure`` blobs of the split stage, where the parts of a cut blob
    (of ``candidates``, read as ``labels`` with ``confidences``) give way to the whole blob,
    unsure, for the word context, if ``letters`` (the letter network) reads it LETTER_SHARE
    surely or more as a letter and it stands a letter's gap (LETTER_GAP) from one of a
    word's letters: a joined-up word of ``words`` or an uncut blob the network also reads as
    a letter. A print hand's "a" cut into a 0 and a 1 beside "per" is one; two touching
    digits alone, or beside another such pair, keep their cut."""
    whole = {blob.box for blob in candidates}
    held = _holders([d.box for d in digits + unsure if d.box not in whole], candidates)
    if not held:
        return digits, unsure
    boxes = np.array([blob.box for blob in candidates] + [word.box for word in words], np.float64)
    cut = sorted(set(held.values()))
    beside = {k: _word_neighbours(k, boxes, config) for k in cut}
    asked = sorted(set(cut).union(n for near in beside.values() for n in near if n < len(candidates)))
    letter = {k for k, is_letter in zip(asked, letters([candidates[k] for k in asked])) if is_letter}
    # A word's letters beside it: joined-up words, and blobs read so that were not cut
    # ("2026" as two touching pairs, each read as a letter, vouches for no letter).
    beside_letters = (letter - set(cut)).union(range(len(candidates), len(boxes)))
    uncut = [k for k in cut if k in letter and beside_letters.intersection(beside[k])]
    if not uncut:
        return digits, unsure
    parts = {box for box, k in held.items() if k in uncut}
    kept = [d for d in digits if d.box not in parts]
    wholes = [Digit(int(labels[k]), float(confidences[k]), candidates[k].box) for k in uncut]
    return kept, [d for d in unsure if d.box not in parts] + wholes


def _word_neighbours(k: int, boxes: np.ndarray, config: Config) -> list[int]:
    """Indices into ``boxes`` (N, 4) of those linked to box ``k`` as a word's letters are,
    LETTER_GAP apart at most (:func:`camdigits.recognition.numbers.word_neighbours`), among
    the boxes near it only: a photo of a page holds thousands."""
    x, y, w, h = boxes[k]
    reach = max(w, h) / config.word_height_ratio  # the tallest a linked box can be: gaps and offsets are less
    xs, ys, ws, hs = boxes.T
    across = (xs <= x + w + reach) & (xs + ws >= x - reach)
    near = np.flatnonzero(across & (ys <= y + h + reach) & (ys + hs >= y - reach))
    near = near[near != k]
    return [int(near[n]) for n in word_neighbours(boxes[k], boxes[near], config, LETTER_GAP)]


def _holders(parts: list[Box], candidates: list[Candidate]) -> dict[Box, int]:
    """The index into ``candidates`` of the smallest one holding each of the ``parts`` (boxes
    of the halves and parts of cut blobs), for those that one holds."""
    if not parts or not candidates:
        return {}
    boxes = np.array([blob.box for blob in candidates], np.int64)
    areas = boxes[:, 2] * boxes[:, 3]
    held = {}
    for part in parts:  # one at a time: a photo of a page holds thousands of candidates
        (inside,) = within(np.array([part], np.int64), boxes)
        if inside.any():
            held[part] = int(np.flatnonzero(inside)[np.argmin(areas[inside])])
    return held
