"""Frame -> ink mask -> digit-like candidates.

Follows OpenCV's digits_video sample (adaptive mean threshold, outer blobs, filters on
height, aspect and ink density) with its weak spots fixed: the threshold window scales with
the frame, light-on-dark boards are detected, rulings are erased, the fragments of a broken
stroke are merged back into one candidate, each candidate keeps only its own ink so a
neighbour reaching into its box does not leak into its patch, and pen lines far longer than
a written one are dropped whatever the page holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from camdigits.config import REFERENCE_SIDE, Config
from camdigits.recognition.geometry import overlapping_boxes
from camdigits.recognition.normalise import stroke_width
from camdigits.types import Box, union_box

# Fragments smaller than this are noise, not pieces of a digit: at least this many ink
# pixels, and a longest side of at least this fraction of the smallest digit height.
MIN_FRAGMENT_AREA = 4  # px
MIN_FRAGMENT_SIDE = 0.3  # fraction of Config.min_digit_height
# Two fragments are parts of one digit when the narrower lies at least this much within
# the other's columns (a 5's top bar often overhangs its body by half its width) ...
MERGE_MIN_X_OVERLAP = 0.4  # fraction of the narrower fragment's width
# ... and the vertical gap between them is at most this many heights of the taller ...
MERGE_MAX_Y_GAP = 0.25
# ... or, for two pieces of about one height (the shorter at least MERGE_SIMILAR_HEIGHT of
# the taller), at most MERGE_MAX_SIMILAR_GAP: halves of a digit a skipping pen broke lie a
# pen gap apart (MERGE_PEN_GAP px, if that is more), while two whole digits of a
# worksheet's column lie a row gap apart.
MERGE_SIMILAR_HEIGHT = 0.6
MERGE_MAX_SIMILAR_GAP = 0.1
MERGE_PEN_GAP = 4  # px at the reference side: a skipping pen's gap, whatever the digit's size
# ... unless one box encloses the other and is this many times its area: then the outer
# blob is a loop or frame drawn around the inner one, not another piece of it.
MERGE_MAX_ENCLOSING_AREA = 4.0
# Margin of paper around a candidate's box that also counts for its paper level, as a
# fraction of the box height (at least 2 px): a bare "1" fills its own box and has no
# paper inside it. Kept small so the paper around a large dark object cannot outvote
# its dark inside.
CONTRAST_MARGIN = 0.05
# The ink level of a blob is this quantile of its own pixels' grey levels. Not the median:
# the local threshold also takes the blurred rim of each stroke, which for a 1-2 px pen
# line is most of the blob, so its median is barely darker than the paper.
INK_QUANTILE = 0.25
# Noise suppression before thresholding; the kernel is small so thin pen strokes survive.
BLUR_KERNEL = (3, 3)
# Ruled and squared paper, table borders: straight lines far longer than any digit. A row
# (or column) of the mask with at least RULE_TRIGGER of its pixels inked may hold one;
# then runs of RULE_RUN px of ink along it are opened out of the mask, and what they form
# is a rule when it spans at least RULE_MIN_EXTENT of the frame and its median thickness
# is at most RULE_MAX_THICKNESS of the frame. A short run lets a line tilted by up to ~3
# degrees through; the extent and thickness keep long digit strokes (a tall "1" is
# thick) out of it. A line fitted through each rule is erased, and the pen strokes
# crossing it are bridged back over the erased strip (see erase_rules).
# The sizes in px are for a frame whose shorter side is config.REFERENCE_SIDE and grow
# with larger frames (see RuleSizes): the same page seen at 720p has longer dashes and gaps.
RULE_TRIGGER = 0.3
RULE_RUN = 40  # px
RULE_MIN_EXTENT = 0.3
RULE_MAX_THICKNESS = 0.012  # of the frame's shorter side (at least RULE_MIN_THICKNESS px)
RULE_MIN_THICKNESS = 4.0  # px
RULE_GAP = 9  # px: gaps along a faint rule's dashes that are bridged
RULE_BAND = 3  # px across a rule that is erased with it: its tilt steps and blurred edge
RULE_CROSSING = 2  # px beyond the thickest rule and RULE_BAND: widest erased strip a crossing stroke is bridged over
# A page held at an angle tilts its rules past what the level search lets through. Masks
# with at least RULE_TILT_INK of their pixels inked (a ruled page; a page of digits has
# about half that) are searched for long lines at any angle (rule_tilt), and rules tilted
# RULE_TILT_MIN degrees or more are erased on the mask turned level.
RULE_TILT_INK = 0.035
RULE_TILT_MAX_INK = 0.2  # more ink than this is texture, where the line search costs most and finds none
RULE_TILT_MIN = 1.5  # degrees
RULE_HOUGH_SHRINK = 4  # the line search runs on the mask shrunk this many times: 16x fewer px
RULE_HOUGH_GAP = 3  # px of the shrunk mask: gaps along a line's dashes that it spans
# Sizes in px, here and for the least ink density below, follow the frame only up to 720p's
# scale, the largest measured (see frame_scale). A 12 MP still at its own scale (6x) had the
# letters of printed lines joined across 56 px gaps into "rules", then erased: a printed
# page went from 9,900 blobs and 4.5 s to 14,600 blobs and 19 s.
MAX_FRAME_SCALE = 1.5
# A long line whose two ends both turn a corner into a stroke as thin as itself is a side
# of a drawn box (around an answer, say), not a ruling: a ruling's ends are free, or run
# into the frame edge or the wide band a page edge leaves in the mask. Erased, a box's top
# and bottom leave its sides, which read as ones. A corner's stroke must run through
# BOX_CORNER_COVER of the RULE_RUN rows beside the line's end, no wider there than the
# strip that erasing the line would take.
BOX_CORNER_COVER = 0.9
# Box pairs the search for blobs that meet may compare, per blob. A page of print compares
# about two per blob and a frame of noise three; crossing lines, every box meeting every
# other, would compare millions, and then each blob is taken as not alone instead (exact,
# and linear in the blobs: its own outline is drawn).
MAX_PAIRS_PER_BLOB = 16
# Aspect (w/h) below which a blob is a bare stroke like a "1": such a blob fills most of
# its box, so the maximum ink density does not apply to it.
STROKE_ASPECT = 0.35
# Config.min_ink_density holds for a frame whose shorter side is config.REFERENCE_SIDE and is
# divided by the square root of the frame's scale past it. Seen at 720p, a page's digits
# are 1.5 times as tall and its pen strokes 1.5 times as wide, but the blurred rim the
# threshold adds to every stroke stays a few px, so a fine-pen digit's ink fills less of its
# box: by a factor between 1 (rim negligible) and 1.5 (rim all of it). Which factor was
# measured on 200 scenes at 1280x720, where the benchmark's fine pen stays 1-2 px: factor
# 1 / 1.22 (the square root) / 1.5 gave thin F1 0.904 / 0.947 / 0.964 and 0.035 / 0.040 /
# 0.060 false digits per empty image (wavy doodles are sparse ink too); only the square
# root meets both targets (0.93, 0.05). 640x480 is unchanged.


def frame_scale(shape: tuple[int, ...]) -> float:
    """How much larger than a REFERENCE_SIDE frame one of ``shape`` is (shorter sides), from
    1 (smaller frames keep the reference's sizes) up to MAX_FRAME_SCALE."""
    return min(max(1.0, min(shape[:2]) / REFERENCE_SIDE), MAX_FRAME_SCALE)


def min_ink_density(shape: tuple[int, ...], config: Config) -> float:
    """The least ink density (ink px / box area) of a candidate in a frame of ``shape``."""
    return config.min_ink_density / math.sqrt(frame_scale(shape))


@dataclass(frozen=True)
class Candidate:
    """A blob that may be a digit: its box in frame pixels and a mask of its own ink."""

    box: Box
    ink: np.ndarray  # uint8 (h, w), 255 where this candidate has ink


def is_dark_background(gray: np.ndarray, config: Config) -> bool:
    """True for light ink on a dark board, judged from the median of a sparse sample."""
    return gray.size > 0 and float(np.median(gray[::8, ::8])) < config.dark_background_level


def to_dark_ink(gray: np.ndarray, config: Config) -> np.ndarray:
    """Grey frame -> grey frame with dark ink on light ground (boards are inverted)."""
    if gray.ndim != 2 or gray.dtype != np.uint8:
        raise ValueError(f"expected a 2-D uint8 image, got {gray.dtype} {gray.shape}")
    return cv2.bitwise_not(gray) if is_dark_background(gray, config) else gray


def threshold_window(shape: tuple[int, ...], config: Config) -> int:
    """Side (odd, px) of the local threshold's window for a frame of ``shape``."""
    return max(int(config.threshold_window * min(shape[:2])) | 1, 3)


def local_threshold(gray: np.ndarray, window: int, offset: float) -> np.ndarray:
    """uint8 mask, 255 where a pixel is at least ``offset`` darker than the mean of the
    ``window`` x ``window`` square around it.

    The same mask as cv2.adaptiveThreshold(gray, 255, MEAN_C, BINARY_INV, window, offset),
    spelt out: its comparison goes through a per-pixel table and costs almost as much as
    its box filter, and the two whole-image operations after the box filter here cost a
    fraction of that (0.47 -> 0.33 ms for the whole threshold at 640x480 with four of them).
    """
    mean = cv2.boxFilter(gray, -1, (window, window), borderType=cv2.BORDER_REPLICATE)
    level = math.floor(offset)  # adaptiveThreshold floors the offset for BINARY_INV
    if level > 0:
        # gray <= mean - level is mean - gray >= level; where the mean is darker than the
        # pixel the saturated difference reads 0, below any positive level, as it must.
        return cv2.compare(cv2.subtract(mean, gray), level, cv2.CMP_GE)
    # mean - level only grows here; saturated at 255 it still holds every pixel below it.
    return cv2.compare(gray, cv2.subtract(mean, level), cv2.CMP_LE)


def binarize(paper: np.ndarray, config: Config) -> np.ndarray:
    """Dark-ink grey frame (see :func:`to_dark_ink`) -> uint8 mask, 255 where there is ink.

    A local (adaptive mean) threshold compares each pixel with its neighbourhood, so
    shadows and lighting gradients wider than the window do not turn into ink.
    """
    if paper.size == 0:
        return np.zeros_like(paper)
    window = threshold_window(paper.shape, config)
    mask = local_threshold(cv2.GaussianBlur(paper, BLUR_KERNEL, 0), window, config.threshold_offset)
    close = int(config.close_fraction * window)
    if close >= 2:
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (close, close)))
    return erase_rules(mask)


@dataclass(frozen=True)
class RuleSizes:
    """The px sizes of the rule search for one frame size: RULE_RUN, RULE_GAP, RULE_BAND and
    RULE_MIN_THICKNESS as they are for a 480-px frame, scaled up with the frame's shorter
    side up to MAX_FRAME_SCALE (never down: a few px are the least that survives rounding).
    Fixed px sizes made the search stricter at 720p, where the same rules run in longer
    dashes with wider gaps: ruled F1 at 1280x720 0.898 with them, 0.924 scaled."""

    run: int
    gap: int
    band: int
    min_thickness: float

    @classmethod
    def for_frame(cls, shape: tuple[int, ...]) -> RuleSizes:
        scale = frame_scale(shape)
        return cls(round(RULE_RUN * scale), round(RULE_GAP * scale), round(RULE_BAND * scale),
                   RULE_MIN_THICKNESS * scale)

    @property
    def crossing(self) -> int:
        """px beyond the thickest rule: the widest erased strip a crossing stroke is bridged over."""
        return self.band + RULE_CROSSING


def erase_rules(mask: np.ndarray) -> np.ndarray:
    """The ink mask without long thin straight lines (ruled or squared paper, table lines).

    Left in, a ruling joins every digit it touches into one page-wide blob, which the
    size filters then drop whole, and the bits of a thin ruling between digits read as
    ones. Rules tilted past RULE_TILT_MIN (a page held at an angle) are found on the mask
    turned level (see rule_tilt). Frames without a well-inked row or column and with little
    ink (most) are returned as they are, at the cost of two projections.
    """
    h, w = mask.shape
    if min(h, w) < RULE_RUN:
        return mask
    sizes = RuleSizes.for_frame(mask.shape)
    max_thickness = max(sizes.min_thickness, RULE_MAX_THICKNESS * min(h, w))
    inked = cv2.countNonZero(mask) / mask.size
    tilt = rule_tilt(mask) if RULE_TILT_INK <= inked <= RULE_TILT_MAX_INK else 0.0
    if abs(tilt) >= RULE_TILT_MIN:
        # Turned so the rules run level, about the centre, on a canvas that keeps the corners.
        turn = cv2.getRotationMatrix2D((w / 2, h / 2), tilt, 1.0)
        side = int(math.ceil(math.hypot(w, h)))
        turn[:, 2] += ((side - w) / 2, (side - h) / 2)
        levelled = cv2.warpAffine(mask, turn, (side, side), flags=cv2.INTER_NEAREST)
        rules = _find_rules(levelled, sizes, max_thickness, (h, w), searched=True)
        if rules is not None:
            rules = cv2.warpAffine(rules, cv2.invertAffineTransform(turn), (w, h), flags=cv2.INTER_NEAREST)
    else:
        rules = _find_rules(mask, sizes, max_thickness, (h, w))
    if rules is None or not rules.any():
        return mask
    erased = cv2.bitwise_and(mask, cv2.bitwise_not(rules))
    # Give back the ink where a stroke crosses a rule (ink on both sides of the erased
    # strip), so a 0 crossed by a line stays one blob instead of ( and ). A stroke lying
    # along a rule (the bar of a 4 written on the line) is lost with it.
    across = int(max_thickness) + sizes.crossing
    bridged = cv2.bitwise_or(
        cv2.morphologyEx(erased, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, across))),
        cv2.morphologyEx(erased, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (across, 1))),
    )
    return cv2.bitwise_or(erased, cv2.bitwise_and(bridged, cv2.bitwise_and(rules, mask)))


def rule_tilt(mask: np.ndarray) -> float:
    """The tilt in degrees (-45, 45] of the frame's long straight lines, folded so that the
    two families of squared paper agree: the median over the lines a probabilistic Hough
    transform finds on the mask shrunk RULE_HOUGH_SHRINK times; 0 if it finds none.

    The median of a page's lines, since perspective makes them converge by a few degrees,
    which the level search then takes up (it lets lines about 3 degrees off level through).
    """
    h, w = mask.shape
    small = cv2.resize(mask, (max(1, w // RULE_HOUGH_SHRINK), max(1, h // RULE_HOUGH_SHRINK)),
                       interpolation=cv2.INTER_AREA)
    length = RULE_MIN_EXTENT * min(small.shape)
    lines = cv2.HoughLinesP(cv2.compare(small, 64, cv2.CMP_GE), 1, math.pi / 180, int(length), None,
                            minLineLength=length, maxLineGap=RULE_HOUGH_GAP)
    if lines is None or not lines.size:
        return 0.0
    x0, y0, x1, y1 = lines.reshape(-1, 4).T.astype(np.float64)
    angles = np.degrees(np.arctan2(y1 - y0, x1 - x0))
    folded = (angles + 45.0) % 90.0 - 45.0
    return float(np.median(folded))


def _find_rules(mask: np.ndarray, sizes: RuleSizes, max_thickness: float,
                frame: tuple[int, int], searched: bool = False) -> np.ndarray | None:
    """The mask of the near-level and near-upright rules of ``mask`` (lines fitted through
    them, as thick as they are plus a band), or None if it has none. Lengths are judged
    against ``frame`` (height, width): the frame's own, also when ``mask`` is the frame
    turned level on a larger canvas. ``searched``: lines were found already (rule_tilt),
    so both directions are searched without the inked-row trigger, which the dashes of a
    faint rule left a degree off level can miss."""
    h, w = frame
    rows = cv2.reduce(mask, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel() // 255
    columns = cv2.reduce(mask, 0, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel() // 255
    rules = None
    for inked, along, run, band in ((rows.max() >= RULE_TRIGGER * w, w, (sizes.run, 1), (sizes.run, sizes.band)),
                                    (columns.max() >= RULE_TRIGGER * h, h, (1, sizes.run), (sizes.band, sizes.run))):
        if not (inked or searched):
            continue
        # A faint rule is thresholded into dashes: bridge their gaps first.
        gap = (sizes.gap, 1) if run[1] == 1 else (1, sizes.gap)
        bridged = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, gap))
        runs = cv2.morphologyEx(bridged, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, run))
        # A thin line that is slightly tilted comes out of the opening as a staircase of
        # runs; a band a few px across joins them into one line again.
        joined = cv2.dilate(runs, cv2.getStructuringElement(cv2.MORPH_RECT, band))
        _, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
        extent = stats[:, cv2.CC_STAT_WIDTH if run[1] == 1 else cv2.CC_STAT_HEIGHT]
        long = np.flatnonzero(extent >= RULE_MIN_EXTENT * along)
        for label in long[long > 0]:  # label 0 is the background
            x, y, bw, bh = (int(v) for v in stats[label, :4])
            own = (runs[y:y + bh, x:x + bw] > 0) & (labels[y:y + bh, x:x + bw] == label)
            horizontal = run[1] == 1
            thickness = _median_thickness(own, horizontal)
            if thickness <= max_thickness and not _is_box_side(mask, own, (x, y), thickness, horizontal, sizes):
                if rules is None:
                    rules = np.zeros_like(mask)
                _draw_rule(rules, own, (x, y), thickness, sizes.band)
    return rules


def _median_thickness(own: np.ndarray, horizontal: bool) -> float:
    """Median thickness across a long component of runs (``own``: its run pixels in its
    box), in px: the median over its columns (rows, for a vertical one) of its pixels. The
    median, not the mean: digits written on the rule add their own runs to a few columns."""
    across = np.count_nonzero(own, axis=0 if horizontal else 1)
    across = across[across > 0]
    return float(np.median(across)) if len(across) else 0.0


def _is_box_side(mask: np.ndarray, own: np.ndarray, origin: tuple[int, int], thickness: float,
                 horizontal: bool, sizes: RuleSizes) -> bool:
    """True if both ends of a long line (``own``: its run pixels in its box at ``origin``)
    turn a corner into a thin stroke: a side of a drawn box (see BOX_CORNER_COVER)."""
    if not horizontal:  # the same test on the transposed frame
        return _is_box_side(mask.T, own.T, origin[::-1], thickness, True, sizes)
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
        window = mask[:, x - wide:x + wide + 1]
        above, below = window[max(0, y - half - reach):max(0, y - half)], window[y + half + 1:y + half + 1 + reach]
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


def _draw_rule(rules: np.ndarray, own: np.ndarray, origin: tuple[int, int], thickness: float, band: int) -> None:
    """Draw onto ``rules`` the straight line fitted through one rule's run pixels (``own``,
    its box at ``origin`` in the frame), as thick as the rule plus ``band`` (RULE_BAND for
    the frame's size): only the line goes, not the strokes of digits touching it."""
    x, y = origin
    ys, xs = np.nonzero(own)
    if len(xs) < 2:
        return
    points = np.stack([xs + x, ys + y], axis=1).astype(np.float32)
    vx, vy, x0, y0 = cv2.fitLine(points, cv2.DIST_L2, 0, 0.01, 0.01).ravel()
    # The line is drawn across the whole frame, not only the component's box: a faint rule
    # is often broken near the digits written on it (their ink darkens the local mean the
    # threshold compares with), and the pieces beyond the break are too short to be found
    # on their own. Only ink on the line is erased, and strokes crossing it come back.
    reach = float(rules.shape[0] + rules.shape[1])
    start = (round(x0 - vx * reach), round(y0 - vy * reach))
    end = (round(x0 + vx * reach), round(y0 + vy * reach))
    cv2.line(rules, start, end, 255, max(1, round(thickness)) + band - 1)


def _merge_fragments(boxes: np.ndarray, scale: float = 1.0) -> list[list[int]]:
    """Group the rows of ``boxes`` (N, 4: x, y, w, h) that are stacked fragments of one digit.

    A "5" whose top bar is drawn separately, or a pen that skipped, leaves blobs one above
    the other sharing most of their columns; side-by-side digits share few columns, so they
    stay apart. Only pairs that share columns are tested, in one vectorised comparison; only
    the few linked pairs go through the union-find loop.
    """
    x0, y0, w, h = boxes.T
    x1, y1 = x0 + w, y0 + h
    # A fragment's pieces share columns and lie within MERGE_MAX_Y_GAP of each other's
    # heights: boxes grown by a little more than that meet.
    grow = h // 4 + 1
    a, b = overlapping_boxes(x0, x1, y0 - grow, y1 + grow)
    overlap = np.minimum(x1[a], x1[b]) - np.maximum(x0[a], x0[b])
    gap = np.maximum(y0[a], y0[b]) - np.minimum(y1[a], y1[b])
    area = w * h

    def encloses(p: np.ndarray, q: np.ndarray) -> np.ndarray:
        inside = (x0[p] <= x0[q]) & (y0[p] <= y0[q]) & (x1[p] >= x1[q]) & (y1[p] >= y1[q])
        return inside & (area[p] >= MERGE_MAX_ENCLOSING_AREA * area[q])

    taller = np.maximum(h[a], h[b])
    pen_gap = MERGE_PEN_GAP * scale
    similar = np.minimum(h[a], h[b]) >= MERGE_SIMILAR_HEIGHT * taller
    linked = (overlap >= MERGE_MIN_X_OVERLAP * np.minimum(w[a], w[b])) & (
        gap <= np.where(similar, np.maximum(MERGE_MAX_SIMILAR_GAP * taller, pen_gap), MERGE_MAX_Y_GAP * taller)
    )
    linked &= ~(encloses(a, b) | encloses(b, a))
    pairs = list(zip(a[linked].tolist(), b[linked].tolist()))
    if not pairs:  # most frames: every blob is a digit of its own
        return [[i] for i in range(len(boxes))]
    parent = list(range(len(boxes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]  # path halving: chains stay short on fine texture
            i = parent[i]
        return i

    for a, b in pairs:
        parent[root(b)] = root(a)
    groups: dict[int, list[int]] = {}
    for i in range(len(boxes)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def _grey_quantile(grey: np.ndarray, where: np.ndarray, q: float) -> int | None:
    """The ``q`` quantile (0-1) of the uint8 pixels of ``grey`` where ``where`` is non-zero
    (the ``int(q * n)``-th smallest of the n), or None if there are none.

    From a 256-bin histogram: one OpenCV call and two small numpy ones, where picking the
    pixels out and partitioning them took three larger ones; this runs twice per blob.
    """
    counts = np.add.accumulate(cv2.calcHist([grey], [0], where, [256], [0, 256]).ravel())
    n = int(counts[-1])
    if n == 0:
        return None
    return int(counts.searchsorted(min(int(q * n), n - 1), "right"))


def _tighten(paper: np.ndarray, mask: np.ndarray, own: np.ndarray, box: Box, config: Config) -> Candidate | None:
    """Keep the blob's ink darker than halfway between its paper and its ink; None if no paper.

    The local threshold also takes the blurred rim of each stroke, which doubles the width
    of a hairline and its box; halfway between the blob's own paper and ink levels is where
    the digit's edge is, as with MNIST's 50 % grey level.

    The paper level comes from the non-ink pixels in and just around the box. A blob whose
    ink is not darker than that is the rim a local threshold leaves of a large dark object
    (a phone, a hand, a filled shape), whose "paper" is its own dark inside: None.
    """
    x, y, w, h = box
    pad = max(2, int(CONTRAST_MARGIN * h))
    x0, y0 = max(x - pad, 0), max(y - pad, 0)
    x1, y1 = min(x + w + pad, paper.shape[1]), min(y + h + pad, paper.shape[0])
    # Medians, not means: the paper in the corners of a round object's box must not
    # outvote the object's dark inside.
    paper_level = _grey_quantile(paper[y0:y1, x0:x1], cv2.bitwise_not(mask[y0:y1, x0:x1]), 0.5)
    if paper_level is None:
        return None
    region = paper[y:y + h, x:x + w]
    ink_level = _grey_quantile(region, own, INK_QUANTILE)
    if ink_level is None or paper_level - ink_level < config.threshold_offset:
        return None
    # 255 where region <= halfway (THRESH_BINARY_INV floors the level, as <= does for integers)
    dark = cv2.threshold(region, (paper_level + ink_level) / 2, 255, cv2.THRESH_BINARY_INV)[1]
    core = cv2.bitwise_and(dark, own)  # both 0/255: the same as masking, at a fifth of the cost
    cx, cy, cw, ch = cv2.boundingRect(core)
    if cw == 0:  # no ink darker than halfway: keep it all
        core = cv2.threshold(own, 0, 255, cv2.THRESH_BINARY)[1]  # a copy: ``own`` may be a view of the mask
        cx, cy, cw, ch = cv2.boundingRect(core)
    return Candidate(box=(x + cx, y + cy, cw, ch), ink=core[cy : cy + ch, cx : cx + cw])


def _outer_contours(mask: np.ndarray) -> tuple[list[np.ndarray], list[list[np.ndarray]]]:
    """Each ink blob's outer boundary and the boundaries of its holes.

    RETR_CCOMP, not RETR_EXTERNAL: a digit written inside a drawn box lies in the box's
    hole, and only CCOMP still reports it as a blob of its own.
    """
    contours, hierarchy = cv2.findContours(mask, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return [], []
    links = hierarchy[0]  # per contour: next, previous, first child, parent
    outers, holes = [], []
    for i, (_, _, child, parent) in enumerate(links):
        if parent != -1:
            continue
        outers.append(contours[i])
        inner = []
        while child != -1:
            inner.append(contours[child])
            child = links[child][0]
        holes.append(inner)
    return outers, holes


def _own_ink(mask: np.ndarray, outer: np.ndarray, holes: list[np.ndarray], box: Box, alone: bool) -> np.ndarray:
    """uint8 (h, w) mask, 255 on one blob's own pixels: neighbours reaching into its box, and
    blobs inside its holes, excluded. A view of ``mask`` where that is all of it.

    ``alone``: no other blob's box meets this one's, so all ink in the box is its own and
    the outline need not be filled (most digits on a page).
    """
    x, y, w, h = box
    if alone:
        own = mask[y : y + h, x : x + w]
        if not holes:
            return own
        own = own.copy()
    else:
        own = np.zeros((h, w), np.uint8)
        cv2.drawContours(own, [outer], -1, 255, cv2.FILLED, offset=(-x, -y))
        own &= mask[y : y + h, x : x + w]
    if holes:
        # A hole's contour runs over the ink around the hole, so this also takes the
        # innermost pixel ring of each loop (all of a loop 1 px thick). Drawing that ring
        # back was measured: thin +0.005 F1, touching +0.005, but board -0.005 (chalk grain
        # is full of tiny holes, and the thinner strokes it leaves get thickened towards
        # MNIST's width in normalise, which reads better), so the ring stays cut. Drawing it
        # back and closing the chalk grain of the tightened ink (3x3) gave board +0.016 but
        # small -0.043 and 0.20 false digits per image among distractors (from 0.03).
        cv2.drawContours(own, holes, -1, 0, cv2.FILLED, offset=(-x, -y))
    return own


def _alone(boxes: np.ndarray) -> np.ndarray:
    """For each of ``boxes`` (N, 4: x, y, w, h), whether no other box meets it; all False
    where finding out would compare more than MAX_PAIRS_PER_BLOB pairs per box."""
    x0, y0, w, h = boxes.T
    pairs = overlapping_boxes(x0, x0 + w, y0, y0 + h, max_pairs=MAX_PAIRS_PER_BLOB * len(boxes))
    if pairs is None:
        return np.zeros(len(boxes), bool)
    alone = np.ones(len(boxes), bool)
    alone[pairs[0]] = False
    alone[pairs[1]] = False
    return alone


def find_candidates(paper: np.ndarray, mask: np.ndarray, config: Config) -> list[Candidate]:
    """Ink mask (of the dark-ink frame ``paper``) -> digit-like candidates, in no particular order.

    Keeps blobs of plausible height, aspect and ink density; drops specks, long lines,
    page edges, hollowed-out dark objects and blobs cut off by the frame border. Stops at
    ``config.max_candidates`` (see :func:`hit_candidate_cap`).
    """
    frame_h, frame_w = mask.shape[:2]
    if mask.size == 0:
        return []
    outers, holes = _outer_contours(mask)
    if not outers:
        return []
    boxes = np.array([cv2.boundingRect(c) for c in outers], np.int64).reshape(-1, 4)
    longest = boxes[:, 2:].max(axis=1)
    # Specks are noise; anything taller than the tallest digit is an object or a line and
    # would swallow its neighbours if it took part in merging.
    keep = np.flatnonzero(
        (longest >= MIN_FRAGMENT_SIDE * config.min_digit_height) & (boxes[:, 3] <= config.max_digit_height * frame_h)
    )
    min_density = min_ink_density(mask.shape, config)
    fragments, owns, inks = [], [], []
    for i, box, alone in zip(keep.tolist(), boxes[keep].tolist(), _alone(boxes)[keep].tolist()):
        own = _own_ink(mask, outers[i], holes[i], box, alone)
        ink = cv2.countNonZero(own)
        # Sparse ink (a frame drawn around a digit, a long diagonal line) is never a digit
        # nor part of one; dropping it before merging keeps it from swallowing its neighbours.
        if ink >= MIN_FRAGMENT_AREA and ink >= min_density * box[2] * box[3]:
            fragments.append(tuple(box))
            owns.append(own)
            inks.append(ink)
    if not fragments:
        return []
    candidates = []
    for group in _merge_fragments(np.array(fragments, np.int64), frame_scale(mask.shape)):
        x0, y0, w, h = fragments[group[0]] if len(group) == 1 else union_box([fragments[i] for i in group])
        x1, y1 = x0 + w, y0 + h
        if not config.min_digit_height <= h <= config.max_digit_height * frame_h:
            continue
        aspect = w / h
        if not config.min_aspect <= aspect <= config.max_aspect:
            continue
        margin = config.border_margin
        if x0 < margin or y0 < margin or x1 > frame_w - margin or y1 > frame_h - margin:
            continue
        if len(group) == 1:
            own, ink = owns[group[0]], inks[group[0]]
        else:
            own = np.zeros((h, w), np.uint8)
            for i in group:
                fx, fy, fw, fh = fragments[i]
                own[fy - y0 : fy - y0 + fh, fx - x0 : fx - x0 + fw] |= owns[i]
            ink = cv2.countNonZero(own)
        density = ink / (w * h)
        if density < min_density:
            continue
        if density > config.max_ink_density and aspect >= STROKE_ASPECT:
            continue
        candidate = _tighten(paper, mask, own, (x0, y0, w, h), config)
        if candidate is not None and not _is_long_line(candidate.ink, frame_h, config):
            candidates.append(candidate)
            if len(candidates) == config.max_candidates:
                break
    return candidates


def hit_candidate_cap(candidates: list[Candidate], config: Config) -> bool:
    """Whether :func:`find_candidates` may have stopped early: noise or fine texture gives a
    candidate every few hundred pixels, and reading them all would take minutes."""
    return len(candidates) >= config.max_candidates


def _is_long_line(ink: np.ndarray, frame_h: int, config: Config) -> bool:
    """True for a pen line far longer than a one is ever written (see Config.line_min_height)."""
    h, w = ink.shape
    if h < config.line_min_height * frame_h:
        return False
    width = stroke_width(ink)
    length = math.hypot(h, w)
    if not 0 < width < config.line_max_stroke * length:
        return False
    return np.count_nonzero(ink) / (width * length) <= config.line_max_travel
