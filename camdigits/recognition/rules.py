"""Ruled and squared paper, table lines: long thin straight lines erased from the ink mask.

Left in, a ruling joins every digit it touches into one page-wide blob. A row or column
with enough ink may hold a rule; runs of ink along it that span much of the frame and are
thin are rules: short runs let a line a few degrees off level through, and the extent and
thickness keep long digit strokes (a tall "1" is thick) out. Rules are found level, upright
and, on a page held at an angle, on the mask turned level; their px sizes grow with the
frame (:func:`frame_scale`, also used by the candidate search). The constants are in
:mod:`camdigits.config`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from camdigits.config import (
    MAX_FRAME_SCALE,
    REFERENCE_SIDE,
    RULE_BAND,
    RULE_CROSSING,
    RULE_CURVE_STEP,
    RULE_FIT_STEP,
    RULE_FULL_COVER,
    RULE_GAP,
    RULE_HOUGH_GAP,
    RULE_HOUGH_MIN_LINES,
    RULE_INK_DEPTH,
    RULE_MAX_THICKNESS,
    RULE_MIN_EXTENT,
    RULE_MIN_SAG,
    RULE_MIN_THICKNESS,
    RULE_RUN,
    RULE_STRIPS,
    RULE_TILT_INK,
    RULE_TILT_MAX_INK,
    RULE_TILT_MIN,
    RULE_TILT_RETRY,
    RULE_TRIGGER,
    RULING_LONE_EXTENT,
    RULING_MIN_LINES,
    STRIP_RULE_EXTENT,
)
from camdigits.recognition.crossings import strokes_on_rules
from camdigits.recognition.geometry import square_turn, tight_turn
from camdigits.recognition.grid import is_printed_grid, shrunk
from camdigits.recognition.levels import grey_quantile
from camdigits.recognition.not_rules import is_aligned_strokes, is_box_side, is_line_of_writing
from camdigits.recognition.tilts import strip_tilts


def frame_scale(shape: tuple[int, ...]) -> float:
    """How much larger than a REFERENCE_SIDE frame one of ``shape`` is (shorter sides), from
    1 (smaller frames keep the reference's sizes) up to MAX_FRAME_SCALE."""
    return min(max(1.0, min(shape[:2]) / REFERENCE_SIDE), MAX_FRAME_SCALE)


@dataclass(frozen=True)
class RuleSizes:
    """The px sizes of the rule search for one frame size: RULE_RUN, RULE_GAP, RULE_BAND and
    RULE_MIN_THICKNESS as they are for a 480-px frame, scaled up with the frame's shorter
    side up to MAX_FRAME_SCALE (never down: a few px are the least that survives rounding).
    Fixed px sizes would make the search stricter at 720p, where the same rules run in
    longer dashes with wider gaps."""

    run: int
    gap: int
    band: int
    min_thickness: float

    @classmethod
    def for_frame(cls, shape: tuple[int, ...]) -> RuleSizes:
        scale = frame_scale(shape)
        return cls(
            round(RULE_RUN * scale), round(RULE_GAP * scale), round(RULE_BAND * scale), RULE_MIN_THICKNESS * scale
        )

    @property
    def crossing(self) -> int:
        """px beyond the thickest rule: the widest erased strip a crossing stroke is bridged over."""
        return self.band + RULE_CROSSING


def erase_rules(mask: np.ndarray, depth: np.ndarray | None = None) -> np.ndarray:
    """The ink mask without long thin straight lines (ruled or squared paper, table lines).

    Left in, a ruling joins every digit it touches into one page-wide blob, which the
    size filters then drop whole, and the bits of a thin ruling between digits read as
    ones. Rules tilted past RULE_TILT_MIN (a page held at an angle), or past RULE_TILT_RETRY
    where the level search finds none, are found on the mask turned level (see rule_tilt):
    a thin rule one degree off level crosses a 720p frame's rows too briefly to trigger the
    level search. Under RULE_TILT_RETRY, a page-like frame whose line search finds
    RULE_HOUGH_MIN_LINES lines or more and whose level search finds none is searched level
    without that trigger: a faint level grid is thresholded into dashes. A frame with more
    ink than a ruled page (RULE_TILT_MAX_INK) is searched so only where its ink repeats like a
    printed grid's and tilts past RULE_TILT_MIN
    (:func:`~camdigits.recognition.grid.is_printed_grid`). On a frame with rules, upright
    strips are searched again, each turned level by its own tilts (a bowed page, a page in
    perspective, :func:`_rules_by_strips`).
    Frames without a well-inked row or column and with little ink (most) are returned as
    they are, at the cost of two projections.

    ``depth`` (the mask's :func:`~camdigits.recognition.threshold.ink_depth`), where given,
    keeps the ink on a rule that lies RULE_INK_DEPTH times deeper than the median of the
    ink erased: a pen stroke along a faint printed rule, which is far darker than the rule.
    Ink on a rule that runs across it further than the rule's own (a stroke crossing it
    aslant, or lying against it) is kept whatever its depth
    (:func:`~camdigits.recognition.crossings.strokes_on_rules`).
    """
    return erase_rules_and_tilt(mask, depth)[0]


def erase_rules_and_tilt(mask: np.ndarray, depth: np.ndarray | None = None) -> tuple[np.ndarray, float, bool]:
    """:func:`erase_rules`, the tilt in degrees of the rules it erased on a ruled or squared
    page (:func:`rule_tilt`; 0 where it erased none, or none of a page's), and whether it
    erased a page's rules (a frame inked as a ruled page is, RULE_TILT_INK to
    RULE_TILT_MAX_INK, or a printed grid)."""
    h, w = mask.shape
    if min(h, w) < RULE_RUN:
        return mask, 0.0, False
    sizes = RuleSizes.for_frame(mask.shape)
    max_thickness = max(sizes.min_thickness, RULE_MAX_THICKNESS * min(h, w))
    inked = cv2.countNonZero(mask) / mask.size
    # A ruled page's share of ink: searched for rules at any angle, and strip by strip.
    page_like = RULE_TILT_INK <= inked <= RULE_TILT_MAX_INK
    angles = line_angles(mask) if page_like else np.zeros(0)
    tilt = _median_tilt(angles)
    printed_grid = inked > RULE_TILT_MAX_INK and is_printed_grid(mask)
    if printed_grid:
        # A page in a fine grid inks more. Turned, it is searched as a ruled page; level, the
        # level search erases it, and the strips' searches leave pieces of its rules.
        grid_tilt = rule_tilt(mask)
        if abs(grid_tilt) >= RULE_TILT_MIN:
            tilt, page_like = grid_tilt, True
    rules = None if abs(tilt) >= RULE_TILT_MIN else _find_rules(mask, sizes, max_thickness, (h, w))
    if rules is None and abs(tilt) < RULE_TILT_RETRY and len(angles) >= RULE_HOUGH_MIN_LINES:
        # A faint level grid thresholded into dashes inks no row or column enough to start
        # the level search, so it is searched as a turned page is.
        rules = _find_rules(mask, sizes, max_thickness, (h, w), searched=True)
    if rules is None and abs(tilt) >= RULE_TILT_RETRY:
        # Turned so the rules run level, about the centre, on a canvas that keeps the corners.
        turn, side = square_turn(h, w, tilt)
        levelled = cv2.warpAffine(mask, turn, (side, side), flags=cv2.INTER_NEAREST)
        rules = _find_rules(levelled, sizes, max_thickness, (h, w), searched=True)
        if rules is not None:
            rules = cv2.warpAffine(rules, cv2.invertAffineTransform(turn), (w, h), flags=cv2.INTER_NEAREST)
    if rules is None or not rules.any():
        return mask, 0.0, False
    page_tilt = tilt if page_like else 0.0
    if page_like:
        rules |= _rules_by_strips(mask, sizes, max_thickness, tilt, _has_upright_rules(rules, sizes))
    erased = cv2.bitwise_and(mask, cv2.bitwise_not(rules))
    # Give back the ink where a stroke crosses a rule (ink on both sides of the erased
    # strip), so a 0 crossed by a line stays one blob instead of ( and ). Strokes crossing
    # aslant, and strokes lying along a rule (the bar of a 4 written on the line), are given
    # back by their run across it and by their depth, below.
    across = int(max_thickness) + sizes.crossing
    bridged = cv2.bitwise_or(
        cv2.morphologyEx(erased, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, across))),
        cv2.morphologyEx(erased, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (across, 1))),
    )
    on_rules = cv2.bitwise_and(rules, mask)
    kept = cv2.bitwise_or(erased, cv2.bitwise_and(bridged, on_rules))
    # A stroke crossing a rule aslant, or lying against it, runs across the rule further than
    # the rule's own ink does. A frame inked as texture (noise, grain) and no printed grid is
    # no page: its specks are left as the level search cut them.
    if inked <= RULE_TILT_MAX_INK or printed_grid:
        kept = cv2.bitwise_or(kept, strokes_on_rules(mask, rules, sizes.min_thickness))
    rule_depth = None if depth is None else grey_quantile(depth, on_rules, 0.5)
    if rule_depth is None:
        return kept, page_tilt, page_like
    # Printed rules lie 11-21 grey levels deep (median) and 18-31 at the 99th percentile on
    # the field set's squared pages; the pen ink erased with them, 30-89 (median).
    deep = cv2.compare(depth, RULE_INK_DEPTH * rule_depth, cv2.CMP_GE)
    return cv2.bitwise_or(kept, cv2.bitwise_and(deep, on_rules)), page_tilt, page_like


def _rules_by_strips(
    mask: np.ndarray, sizes: RuleSizes, max_thickness: float, tilt: float, upright: bool = False
) -> np.ndarray:
    """The rules found in each of RULE_STRIPS upright strips of a ruled frame's ``mask``, each
    strip turned level by each of its own tilts (:func:`~camdigits.recognition.tilts.strip_tilts`,
    near the frame's ``tilt``: a page in perspective fans its rules out over a strip) and its
    rules drawn over the strip only; zeros where none. A page that bows turns its rules a few
    degrees one way at one edge and the other way at the other: the search over the whole
    frame, turned by their median tilt, lets lines about 3 degrees off level through, finds
    their middles and misses their ends, where the digits they touch are joined into blobs
    too wide for a digit. Over a strip, each piece of a rule is nearly straight, and spans most of the
    strip (STRIP_RULE_EXTENT), where a pen's straight stroke (an underline, a fraction bar)
    rarely does: judged against the strip's own width (RULE_MIN_EXTENT), strokes 60 px long
    were erased as rules, and a desk's grain lines were found.

    On a frame whose rules are tilted (RULE_TILT_MIN or more: a page held at an angle), a
    strip where rules were found is searched once more, at the strongest tilt of the ink
    they leave (at least RULE_TILT_APART from those tried): a page in strong perspective
    fans its rules over more angles than RULE_TILTS, and the few rules at the far side of
    the fan (level at the top, 10 degrees off at the bottom) make no peak of their own
    until the many others are erased. On a level page that search finds nothing and costs
    a third more time (docs/accuracy.md).

    With ``upright`` (the frame holds a ruling of upright rules, :func:`_has_upright_rules`),
    each strip is searched again turned on its side, at the tilts of its upright rules that
    lean RULE_TILT_MIN or more from square to its level ones: in perspective a squared
    page's upright rules fan out across the frame as its level ones do down it, and those
    near its left and right edges lean past what the search turned by the level tilts lets
    through."""
    h, w = mask.shape
    rules = np.zeros_like(mask)
    for k in range(RULE_STRIPS):
        left, right = k * w // RULE_STRIPS, (k + 1) * w // RULE_STRIPS
        strip = np.ascontiguousarray(mask[:, left:right])
        tried = strip_tilts(strip, tilt)
        found = _strip_rules(strip, tried, sizes, max_thickness)
        if found.any() and abs(tilt) >= RULE_TILT_MIN:
            left_over = cv2.bitwise_and(strip, cv2.bitwise_not(found))
            found |= _strip_rules(strip, strip_tilts(left_over, tilt, 1, tried), sizes, max_thickness)
        if upright:
            # Upright rules square to the level ones were searched with them; searched again,
            # they gave digits' strokes along a faint grid's lines away (docs/accuracy.md).
            turned = cv2.transpose(strip)
            leaning = [t for t in strip_tilts(turned, -tilt) if all(abs(t + u) >= RULE_TILT_MIN for u in tried)]
            found |= cv2.transpose(_strip_rules(turned, leaning, sizes, max_thickness))
        rules[:, left:right] = found
    return rules


def _has_upright_rules(rules: np.ndarray, sizes: RuleSizes) -> bool:
    """Whether a mask of rules (as :func:`_find_rules` draws them) holds RULING_MIN_LINES
    upright ones spanning RULE_MIN_EXTENT of its height (squared paper, a table; a ruled
    page's margin is one), in what an opening by a column as tall as a rule's least run
    (RULE_RUN, grown with the frame) leaves of it: no level rule, drawn a few px thick and
    tilted, survives that."""
    upright = cv2.morphologyEx(rules, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, sizes.run)))
    _, _, stats, _ = cv2.connectedComponentsWithStats(upright, connectivity=8)
    return int(np.count_nonzero(stats[1:, cv2.CC_STAT_HEIGHT] >= RULE_MIN_EXTENT * rules.shape[0])) >= RULING_MIN_LINES


def _strip_rules(strip: np.ndarray, tilts: list[float], sizes: RuleSizes, max_thickness: float) -> np.ndarray:
    """The rules of one strip of a ruled frame's mask (see :func:`_rules_by_strips`) found
    with the strip turned level by each of ``tilts``; zeros where none."""
    h, width = strip.shape
    rules = np.zeros_like(strip)
    # Lengths judged as if the strip were wider: a piece must span STRIP_RULE_EXTENT of it.
    judged = round(STRIP_RULE_EXTENT / RULE_MIN_EXTENT * width)
    for strip_tilt in tilts:
        turn, size = tight_turn(h, width, strip_tilt)
        levelled = cv2.warpAffine(strip, turn, size, flags=cv2.INTER_NEAREST)
        found = _find_rules(levelled, sizes, max_thickness, (h, judged), searched=True)
        if found is not None:
            inverse = cv2.invertAffineTransform(turn)
            rules |= cv2.warpAffine(found, inverse, (width, h), flags=cv2.INTER_NEAREST)
    return rules


def rule_tilt(mask: np.ndarray) -> float:
    """The tilt in degrees [-45, 45) of the frame's long straight lines, folded so that the
    two families of squared paper agree: the median of their :func:`line_angles`; 0 if there
    are none.

    The median of a page's lines, since perspective makes them converge by a few degrees,
    which the level search then takes up (it lets lines about 3 degrees off level through).
    """
    return _median_tilt(line_angles(mask))


def _median_tilt(angles: np.ndarray) -> float:
    """The median of a frame's :func:`line_angles`; 0 where it has none."""
    return float(np.median(angles)) if len(angles) else 0.0


def line_angles(mask: np.ndarray) -> np.ndarray:
    """The angles in degrees, folded into [-45, 45), of the long straight lines a
    probabilistic Hough transform finds on the mask shrunk RULE_HOUGH_SHRINK times (empty
    where it finds none)."""
    small = shrunk(mask)
    length = RULE_MIN_EXTENT * min(small.shape)
    lines = cv2.HoughLinesP(
        cv2.compare(small, 64, cv2.CMP_GE),
        1,
        math.pi / 180,
        int(length),
        None,
        minLineLength=length,
        maxLineGap=RULE_HOUGH_GAP,
    )
    if lines is None or not lines.size:
        return np.zeros(0)
    x0, y0, x1, y1 = lines.reshape(-1, 4).T.astype(np.float64)
    angles = np.degrees(np.arctan2(y1 - y0, x1 - x0))
    return (angles + 45.0) % 90.0 - 45.0


def _find_rules(
    mask: np.ndarray, sizes: RuleSizes, max_thickness: float, frame: tuple[int, int], searched: bool = False
) -> np.ndarray | None:
    """The mask of the near-level and near-upright rules of ``mask`` (lines fitted through
    them, as thick as they are plus a band), or None if it has none, or only a line or two
    that a ruling's would outnumber or outspan (RULING_MIN_LINES). Lengths are judged
    against ``frame`` (height, width): the frame's own, also when ``mask`` is the frame
    turned level on a larger canvas, or the size a strip of it is judged as
    (:func:`_rules_by_strips`). ``searched``: the mask was turned by a tilt its lines were
    found at (rule_tilt, or a strip's strip_tilts), or is a level page whose lines
    line_angles found, so both directions are searched without the inked-row trigger, which
    the dashes of a faint rule left a degree off level, or of a faint level grid, can miss."""
    h, w = frame
    rows = cv2.reduce(mask, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel() // 255
    columns = cv2.reduce(mask, 0, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel() // 255
    lines = []  # (own, origin, thickness, horizontal, share of the frame's width or height spanned)
    for inked, along, run, band in (
        (rows.max() >= RULE_TRIGGER * w, w, (sizes.run, 1), (sizes.run, sizes.band)),
        (columns.max() >= RULE_TRIGGER * h, h, (1, sizes.run), (sizes.band, sizes.run)),
    ):
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
            own = (runs[y : y + bh, x : x + bw] > 0) & (labels[y : y + bh, x : x + bw] == label)
            horizontal = run[1] == 1
            along_line = np.count_nonzero(own, axis=0 if horizontal else 1)  # run pixels at each position
            cover = np.count_nonzero(along_line) / len(along_line)
            if is_aligned_strokes(along_line, cover, sizes):
                continue
            thickness = _median_thickness(along_line)
            if thickness > max_thickness:
                continue
            # A line of writing has gaps between its words; one covered nearly whole is a rule.
            writing = cover < RULE_FULL_COVER
            if writing and is_line_of_writing(mask, own, along_line, (x, y), thickness, horizontal, sizes):
                continue
            if not is_box_side(mask, own, (x, y), thickness, horizontal, sizes):
                lines.append((own, (x, y), thickness, horizontal, extent[label] / along))
    if not lines:
        return None
    rules = np.zeros_like(mask)
    if len(lines) >= RULING_MIN_LINES or any(span >= RULING_LONE_EXTENT for *_, span in lines):
        for own, origin, thickness, horizontal, _ in lines:
            _draw_rule(rules, own, origin, thickness, sizes.band, horizontal)
        return rules
    # A line or two, none spanning most of the frame in runs: a ruling only if one has ink
    # along most of the frame, drawn across it as it would be erased (a faint rule broken
    # near the digits on it spans the page in its pieces); else the feet or tops of a line
    # or two of writing that the writing test let through.
    ruling = False
    for own, origin, thickness, horizontal, _ in lines:
        line = np.zeros_like(mask)
        _draw_rule(line, own, origin, thickness, sizes.band, horizontal)
        ruling |= _inked_share(line, mask, horizontal, frame) >= RULING_LONE_EXTENT
        rules |= line
    return rules if ruling else None


def _inked_share(line: np.ndarray, mask: np.ndarray, horizontal: bool, frame: tuple[int, int]) -> float:
    """The share of the frame's width (height, for an upright ``line``) along which the drawn
    ``line`` has ink of ``mask`` on it (the frame, or the frame turned level on a larger canvas)."""
    inked = cv2.bitwise_and(line, mask).any(axis=0 if horizontal else 1)
    return np.count_nonzero(inked) / frame[1 if horizontal else 0]


def _median_thickness(along_line: np.ndarray) -> float:
    """Median thickness across a long component of runs (``along_line``: its run pixels at
    each position along it), in px, over the positions it covers. The median, not the mean:
    digits written on the rule add their own runs to a few positions."""
    across = along_line[along_line > 0]
    return float(np.median(across)) if len(across) else 0.0


def _draw_rule(
    rules: np.ndarray, own: np.ndarray, origin: tuple[int, int], thickness: float, band: int, horizontal: bool
) -> None:
    """Draw onto ``rules`` the straight line fitted through one rule's run pixels (``own``,
    its box at ``origin`` in the frame; ``horizontal``: a level rule, not an upright one),
    and where the rule bends, the parabola fitted through them (:func:`_fitted_curve`), as
    thick as the rule plus ``band`` (RULE_BAND for the frame's size): only the line goes,
    not the strokes of digits touching it."""
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
    width = max(1, round(thickness)) + band - 1
    cv2.line(rules, start, end, 255, width)
    # A page that curls bends its rules away from any straight line: the parabola through
    # the run pixels is drawn too, over the rule's own length (extended, it leaves the rule).
    curve = _fitted_curve(points, horizontal)
    if curve is not None:
        cv2.polylines(rules, [curve], False, 255, width)


def _fitted_curve(points: np.ndarray, level: bool) -> np.ndarray | None:
    """The parabola fitted (least squares) through every RULE_FIT_STEP-th of a rule's run
    ``points`` (x, y; ``level``: y as a function of x, else x of y), as int32 polyline points
    RULE_CURVE_STEP px apart over their extent; None where, at its farther end, it leaves its
    tangent at the points' middle by less than RULE_MIN_SAG px (most rules: the straight line
    erases them)."""
    sample = points[::RULE_FIT_STEP].astype(np.float64)
    along, across = (sample[:, 0], sample[:, 1]) if level else (sample[:, 1], sample[:, 0])
    centre = along.mean()
    reach = float(np.abs(along - centre).max())
    if reach == 0:
        return None
    t = (along - centre) / reach  # in [-1, 1]: the normal equations stay well scaled
    powers = np.stack([np.ones_like(t), t, t * t])
    try:
        a0, a1, a2 = np.linalg.solve(powers @ powers.T, powers @ across)
    except np.linalg.LinAlgError:  # the points stand on fewer than three positions
        return None
    if abs(a2) < RULE_MIN_SAG:  # a2: the sag at the farther end, in px
        return None
    u = np.arange(t.min(), t.max() + RULE_CURVE_STEP / reach, RULE_CURVE_STEP / reach)
    v = (a2 * u + a1) * u + a0
    curve = np.stack([u * reach + centre, v] if level else [v, u * reach + centre], axis=1)
    return np.round(curve).astype(np.int32)
