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
    upright, turned up to about 18 degrees) whose ink runs across their rule RULE_STROKE_RUN
    px or more past that rule's median run: each band (bands that touch are one) is judged
    by its own rule's run, so a bold rule among fine ones (a graph paper's every fifth line)
    stays erased. Where a level and an upright band meet (a squared page's crossings),
    nothing is given back: the other rule runs across there. A band whose median run is past
    ``thickest`` px is no printed rule (a desk's grain) and is left erased. Masks hold 0 and
    255."""
    found = np.zeros_like(mask)
    longest = int(thickest) + 1
    level = _along(rules, RULE_DIRECTION_RUN, upright=False)
    upright = _along(rules, RULE_DIRECTION_RUN, upright=True)
    # A level rule is crossed by upright runs, an upright rule by level ones.
    for band, other, runs_upright in ((level, upright, True), (upright, level, False)):
        ys, xs = np.nonzero(cv2.bitwise_and(cv2.bitwise_and(band, mask), cv2.bitwise_not(other)))
        if not len(ys):
            continue
        count, labels = cv2.connectedComponents(band)  # one per rule (or per rules whose bands touch)
        ids = labels[ys, xs]
        pixels = np.bincount(ids, minlength=count)
        runs = {length: _along(mask, length, runs_upright)[ys, xs] > 0 for length in range(2, longest + 1)}
        # Each rule's median run across: the longest length on a run of which half its ink lies.
        median = np.ones(count, np.int64)
        for length, on_run in runs.items():
            median[2 * np.bincount(ids[on_run], minlength=count) >= pixels] = length
        needed = np.where(median <= thickest, median + RULE_STROKE_RUN, 0)[ids]
        for length in np.unique(needed[needed > 0]).tolist():
            on_run = runs[length] if length in runs else _along(mask, length, runs_upright)[ys, xs] > 0
            stroke = (needed == length) & on_run
            found[ys[stroke], xs[stroke]] = 255
    return found


def _along(mask: np.ndarray, length: int, upright: bool) -> np.ndarray:
    """The pixels of ``mask`` on an upright (else level) run of ink ``length`` px long or
    longer; the frame's border is no ink (a rule along the frame's edge runs no further).
    An opening whose erosion and dilation anchor at the segment's two ends: with
    cv2.morphologyEx both anchor at its middle, which shifts an even length's runs 1 px."""
    kernel = np.ones((length, 1) if upright else (1, length), np.uint8)  # (rows, columns)
    first, last = (0, 0), ((0, length - 1) if upright else (length - 1, 0))  # (x, y)
    border = {"borderType": cv2.BORDER_CONSTANT, "borderValue": 0}
    starts = cv2.erode(mask, kernel, anchor=first, **border)  # where a run of ``length`` begins
    return cv2.dilate(starts, kernel, anchor=last, **border)
