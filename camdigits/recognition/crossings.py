"""Pen strokes on a page's rules: the ink erased with a rule that a stroke crosses aslant or
lies against, given back.

A printed rule runs across itself about equally far everywhere: its thickness. Where the ink
through one of its pixels runs across it RULE_STROKE_RUN px further than the rule's median,
a stroke meets the rule there. The rule search bridges a stroke that crosses a rule square
to it (ink straight above and below the erased strip); a stroke crossing aslant, or running
along a rule against it, is given back here. The constants are in :mod:`camdigits.config`.
"""

from __future__ import annotations

import cv2
import numpy as np

from camdigits.config import RULE_DIRECTION_RUN, RULE_STROKE_RUN


def strokes_on_rules(mask: np.ndarray, rules: np.ndarray, thickest: float) -> np.ndarray:
    """The pixels of ``mask`` on ``rules`` (the bands erased as a page's rules, level or
    upright, turned a few degrees at most) whose ink runs across their rule RULE_STROKE_RUN
    px or more past the median of the rule's own pixels. Where a level and an upright band
    meet (a squared page's crossings), neither is judged: the other rule runs across it.
    Bands whose median run across is past ``thickest`` (RULE_MIN_THICKNESS for the frame's
    size, 4 px at 480p: a printed rule thresholded runs 1-3 px across) are no printed rules
    (a desk's grain, 5 px) and are left erased."""
    found = np.zeros_like(mask)
    level = _along(rules, RULE_DIRECTION_RUN, upright=False)
    upright = _along(rules, RULE_DIRECTION_RUN, upright=True)
    # A level rule is crossed by upright runs, an upright rule by level ones.
    for band, other, runs_upright in ((level, upright, True), (upright, level, False)):
        own = cv2.bitwise_and(cv2.bitwise_and(band, mask), cv2.bitwise_not(other))
        pixels = cv2.countNonZero(own)
        if not pixels:
            continue
        run = _median_run(mask, own, pixels, runs_upright, int(thickest) + 1)
        if run > thickest:
            continue
        found |= cv2.bitwise_and(_along(mask, run + RULE_STROKE_RUN, runs_upright), own)
    return found


def _median_run(mask: np.ndarray, own: np.ndarray, pixels: int, upright: bool, longest: int) -> int:
    """The median length, in px, of the upright (else level) runs of ``mask`` ink through
    the ``pixels`` pixels of ``own``: the longest length that half of them lie on a run of,
    searched up to ``longest``."""
    run = 1
    while run < longest and 2 * cv2.countNonZero(cv2.bitwise_and(_along(mask, run + 1, upright), own)) >= pixels:
        run += 1
    return run


def _along(mask: np.ndarray, length: int, upright: bool) -> np.ndarray:
    """The pixels of ``mask`` on an upright (else level) run of ink ``length`` px long or longer."""
    size = (1, length) if upright else (length, 1)  # (width, height)
    return cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, size))
