"""Long lines that are not rules: what the rule search (:mod:`camdigits.recognition.rules`)
finds along a page besides its ruling, and must leave in the ink.

The upright strokes of a worksheet's column of digits line up into a long component of
runs (:func:`is_aligned_strokes`); the tops or feet of a line of print are a long straight
edge with letters on one side (:func:`is_line_of_writing`); a drawn box's sides turn a
corner at both ends (:func:`is_box_side`). A rule has paper on both sides but for the digits
written on it, and free ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

from camdigits.config import BOX_CORNER_COVER, RULE_FLANK_STEP, RULE_LONG_RUN, RULE_MAX_FLANK, RULE_MIN_COVER
from camdigits.recognition.geometry import true_runs

if TYPE_CHECKING:  # rules imports this module: the sizes are only named here
    from camdigits.recognition.rules import RuleSizes


def is_aligned_strokes(along_line: np.ndarray, cover: float, sizes: RuleSizes) -> bool:
    """True if a long component of runs (``along_line``: its run pixels at each position
    along it; ``cover``: the share of positions with any) is strokes that happen to line
    up, not a rule: the upright strokes of a worksheet's column of digits. Their runs cover
    little of the component's length and none is much longer than a glyph; a rule's runs
    cover most of it, with long stretches between the digits written on it (RULE_MIN_COVER,
    RULE_LONG_RUN)."""
    if cover >= RULE_MIN_COVER:
        return False
    longest = max((end - start for start, end in true_runs(along_line > 0)), default=0)
    return longest < RULE_LONG_RUN * sizes.run


def is_line_of_writing(
    mask: np.ndarray,
    own: np.ndarray,
    along_line: np.ndarray,
    origin: tuple[int, int],
    thickness: float,
    horizontal: bool,
    sizes: RuleSizes,
) -> bool:
    """True if a long line (``own``: its run pixels in its box at ``origin``; ``along_line``:
    their count at each position along it) runs along a line of writing rather than across
    paper: the tops or the feet of a line of print, whose letters fill one side of it. The
    mask is sampled in a strip a quarter of a run deep just beyond the erased band on each
    side, following the line's centre position by position; a rule's sides are paper but
    for the digits written on it (RULE_MAX_FLANK)."""
    if not horizontal:  # the same test on the transposed frame
        mask, own, origin = mask.T, own.T, (origin[1], origin[0])
    # Every RULE_FLANK_STEP-th column of the line is enough to tell a strip's share of ink.
    columns = np.flatnonzero(along_line)[::RULE_FLANK_STEP]
    if not len(columns):
        return False
    x, y = origin
    near, depth = round(thickness / 2) + sizes.band + 1, max(sizes.run // 4, 1)
    top, bottom = max(y - near - depth, 0), min(y + own.shape[0] + near + depth, mask.shape[0])
    # The ink of any rows of a column from the integral image of the strip around the line
    # (cv2.integral), both sides at once: indexing each sampled pixel cost 0.3 ms a rule.
    strip = cv2.threshold(mask[top:bottom, x + columns[0] : x + columns[-1] + 1], 0, 1, cv2.THRESH_BINARY)[1]
    summed = cv2.integral(strip)
    rows = np.arange(own.shape[0]) @ own[:, columns]
    centres = np.rint(rows / along_line[columns]).astype(np.intp) + y - top
    at = columns - columns[0]
    starts = np.stack((centres - near - depth + 1, centres + near))  # above the line, below it
    low = np.minimum(np.maximum(starts, 0), strip.shape[0])
    high = np.minimum(np.maximum(starts + depth, 0), strip.shape[0])
    sampled = (high - low).sum(axis=1)
    inked = (summed[high, at + 1] - summed[high, at] - summed[low, at + 1] + summed[low, at]).sum(axis=1)
    return bool(((sampled > 0) & (inked >= RULE_MAX_FLANK * sampled)).any())


def is_box_side(
    mask: np.ndarray, own: np.ndarray, origin: tuple[int, int], thickness: float, horizontal: bool, sizes: RuleSizes
) -> bool:
    """True if both ends of a long line (``own``: its run pixels in its box at ``origin``)
    turn a corner into a thin stroke: a side of a drawn box (see BOX_CORNER_COVER). A
    ruling's ends are free, or run into the frame edge or the wide band a page edge leaves
    in the mask."""
    if not horizontal:  # the same test on the transposed frame
        return is_box_side(mask.T, own.T, origin[::-1], thickness, True, sizes)
    ys, xs = np.nonzero(own)
    if not len(xs):
        return False
    half = round(thickness) + sizes.band  # px: half the erased strip, and then some
    wide = 2 * half  # px: the widest a corner's stroke may be
    reach = sizes.run  # px beside each end that the corner's stroke is looked for
    for end_x in (int(xs.min()), int(xs.max())):
        end_y = int(np.median(ys[xs == end_x]))
        x, y = origin[0] + end_x, origin[1] + end_y
        if x < wide or x >= mask.shape[1] - wide:  # runs into the frame edge: a free end
            return False
        window = mask[:, x - wide : x + wide + 1]
        above, below = window[max(0, y - half - reach) : max(0, y - half)], window[y + half + 1 : y + half + 1 + reach]
        if not (_covered(above, wide, reach) or _covered(below, wide, reach)):
            return False
    return True


def _covered(rows: np.ndarray, wide: int, reach: int) -> bool:
    """True if a stroke at most ``wide`` px across runs through nearly all of ``rows``, a
    strip of ``reach`` rows beside a line's end (False where the frame cuts it short)."""
    if len(rows) < reach:
        return False
    inked = np.count_nonzero(rows, axis=1)
    return bool(np.count_nonzero((inked > 0) & (inked <= wide)) >= BOX_CORNER_COVER * len(rows))
