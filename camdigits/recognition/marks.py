"""Marks read as digits that no one wrote: a one lying flat (a fold, a sheet's edge, wood
grain), and a printed grid's dashes, corners and crossings that the rule search left."""

from __future__ import annotations

import numpy as np

from camdigits.config import (
    ONE_INK_QUANTILE,
    ONE_MARGIN,
    ONE_MAX_ASPECT,
    ONE_MIN_CONTRAST,
    ONE_MIN_STROKE,
    ONE_PAPER_QUANTILE,
    ONE_PEERS,
    ONE_PEERS_READ,
    PRINTED_LABELS,
)
from camdigits.recognition.levels import grey_quantile
from camdigits.recognition.normalise import stroke_width
from camdigits.types import Box, Digit


def without_lying_ones(digits: list[Digit]) -> list[Digit]:
    """The ``digits`` but the ones whose box is over ONE_MAX_ASPECT times as wide as tall: a
    stroke lying that flat is a line (a fold, a paper's edge, wood grain), not a one, which
    is written upright or slanted."""
    return [d for d in digits if d.label != 1 or d.box[2] <= ONE_MAX_ASPECT * d.box[3]]


def without_printed_marks(digits: list[Digit], paper: np.ndarray, mask: np.ndarray) -> list[Digit]:
    """The ``digits`` but the ones, fours and sevens (PRINTED_LABELS) both finer
    (ONE_MIN_STROKE) and fainter (ONE_MIN_CONTRAST) than the median of a few digits other than
    ones (ONE_PEERS to ONE_PEERS_READ of them), in the dark-ink frame ``paper`` and its ink
    ``mask``: a dash (a one), a corner or a crossing (a seven or a four) of a printed grid
    that the rule search left (a faint grid in perspective). A grid is printed thin and pale;
    a digit written with a finer pen than the page's other numbers is as dark as they are."""
    marks = [k for k, d in enumerate(digits) if d.label in PRINTED_LABELS]
    # A few of the others give the pen's stroke and contrast: measuring every digit of a
    # page cost more than the rest of the split stage.
    peers = [k for k, d in enumerate(digits) if d.label != 1][:ONE_PEERS_READ]
    if not marks or len(peers) < ONE_PEERS:
        return digits
    strokes: dict[int, float] = {}

    def stroke(k: int) -> float:
        if k not in strokes:
            x, y, w, h = digits[k].box
            strokes[k] = stroke_width(mask[y : y + h, x : x + w])
        return strokes[k]

    finest = ONE_MIN_STROKE * float(np.median([stroke(k) for k in peers]))
    thin = [k for k in marks if stroke(k) < finest]
    if not thin:  # most frames
        return digits
    contrast = {k: _contrast(paper, mask, digits[k].box) for k in {*peers, *thin}}  # once each: a mark may be a peer
    faintest = ONE_MIN_CONTRAST * float(np.median([contrast[k] for k in peers]))
    printed = {k for k in thin if contrast[k] < faintest}
    return [d for k, d in enumerate(digits) if k not in printed]


def _contrast(paper: np.ndarray, mask: np.ndarray, box: Box) -> float:
    """How much darker a blob's ink is than the paper around it, in grey levels (see
    ONE_PAPER_QUANTILE): its darker ink, not its mean, as a thin stroke's pixels are
    mostly its blurred edge."""
    x, y, w, h = box
    x0, y0 = max(x - ONE_MARGIN, 0), max(y - ONE_MARGIN, 0)
    ground = grey_quantile(paper[y0 : y + h + ONE_MARGIN, x0 : x + w + ONE_MARGIN], None, ONE_PAPER_QUANTILE)
    ink = grey_quantile(paper[y : y + h, x : x + w], mask[y : y + h, x : x + w], ONE_INK_QUANTILE)
    return 0.0 if ground is None or ink is None else float(ground - ink)
