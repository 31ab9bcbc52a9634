"""Ink mask -> digit-like candidates.

Follows OpenCV's digits_video sample (outer blobs, filters on height, aspect and ink
density) with its weak spots fixed: the fragments of a broken stroke are merged back into
one candidate (:mod:`camdigits.recognition.fragments`), each candidate keeps only its own
ink so a neighbour reaching into its box does not leak into its patch, and pen lines far
longer than a written one are dropped whatever the page holds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from camdigits.config import (
    CONTRAST_MARGIN,
    GRAIN_REACH,
    HOLLOW_DARK,
    INK_QUANTILE,
    LOOSE_WORD_MIN_TRAVEL,
    MAX_GRAIN,
    MAX_GRAIN_IN_CONTEXT,
    MAX_GRAIN_NOISY,
    MIN_FRAGMENT_AREA,
    MIN_FRAGMENT_SIDE,
    NOISY_PAPER,
    RULED_GRAIN,
    SHARP_GAMMA,
    SHARP_INK_QUANTILE,
    SMALL_PAIR_PX,
    SOLID_MASK_DENSITY,
    STROKE_ASPECT,
    WORD_MIN_TRAVEL,
    X_BAND_SHARE,
    X_BAND_SPAN,
    Config,
)
from camdigits.recognition.blobs import alone_boxes, bounding_boxes, holes_of, outer_contours, own_ink
from camdigits.recognition.fragments import merge_fragments
from camdigits.recognition.levels import grey_histogram, grey_quantile
from camdigits.recognition.lines import continues_a_line, crosses_lines, is_bare_stroke
from camdigits.recognition.normalise import stroke_width
from camdigits.recognition.rules import frame_scale
from camdigits.recognition.threshold import threshold_window
from camdigits.types import Box, union_box


def min_ink_density(shape: tuple[int, ...], config: Config) -> float:
    """The least ink density (ink px / box area) of a candidate in a frame of ``shape``.

    Config.min_ink_density holds at config.REFERENCE_SIDE and is divided by the square root
    of the frame's scale past it: in a larger frame a page's digits and pen strokes are as
    much larger, but the blurred rim the threshold adds to every stroke stays a few px, so
    a fine pen's digit fills less of its box (docs/accuracy.md, "Why these values").
    """
    return config.min_ink_density / math.sqrt(frame_scale(shape))


@dataclass(frozen=True)
class Word:
    """Joined-up writing, too wide to be a digit: its box and the height of its x-height
    band, by which its width counts in letters; or, ``loose``, a blob as wide whose ink
    travels less far (LOOSE_WORD_MIN_TRAVEL), which counts as one letter; for one at most
    SMALL_PAIR_PX tall, ``own``, the mask of its own ink (:func:`small_word_blob`)."""

    box: Box
    x_height: int
    loose: bool = False
    own: np.ndarray | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Candidate:
    """A blob that may be a digit: its box in frame pixels, a mask of its own ink, and the
    grey levels under it (for :func:`shaded`)."""

    box: Box
    ink: np.ndarray  # uint8 (h, w), 255 where this candidate has ink
    grey: np.ndarray | None = None  # uint8 (h, w), the dark-ink frame under ``box`` (a view: may be the caller's image)
    levels: tuple[int, int] = (0, 0)  # the grey levels of its paper and of its ink
    grainy: bool = False  # its paper spreads as grain's does, within MAX_GRAIN_IN_CONTEXT (see find_candidates)


def part_of(candidate: Candidate, ink: np.ndarray, x: int, y: int, w: int, h: int) -> Candidate:
    """The candidate made of the (x, y, w, h) rectangle (in ``candidate``'s box) of ``ink``, a
    mask of ``candidate``'s size: a cut's half, a stacked part."""
    grey = None if candidate.grey is None else candidate.grey[y : y + h, x : x + w]
    box = (candidate.box[0] + x, candidate.box[1] + y, w, h)
    return Candidate(
        box=box, ink=ink[y : y + h, x : x + w], grey=grey, levels=candidate.levels, grainy=candidate.grainy
    )


def component_parts(
    candidate: Candidate, labels: np.ndarray, stats: np.ndarray, kept: Sequence[int]
) -> list[Candidate]:
    """The candidates made of the ``kept`` connected components of ``candidate``'s ink, in
    that order (``labels`` and ``stats`` from cv2.connectedComponentsWithStats on a mask of
    its size): a stack's pieces, a blurred blob's dark parts."""
    return [
        part_of(candidate, cv2.compare(labels, label, cv2.CMP_EQ), *(int(v) for v in stats[label, :4]))
        for label in kept
    ]


def shaded(candidate: Candidate) -> np.ndarray:
    """The candidate's ink at its grey levels: 255 at its ink level or darker, about 128
    halfway to its paper (its mask's edge), at least 1 on every pixel of its mask, 0 off it;
    its mask if it has no grey levels.

    MNIST's digits are grey at their edges; a small digit's mask, scaled up to the patch,
    has blocky edges instead (see Reader.network_probabilities).
    """
    if candidate.grey is None:
        return candidate.ink
    paper_level, ink_level = candidate.levels
    return _on_ink(cv2.convertScaleAbs(_lighter(candidate), alpha=255.0 / max(paper_level - ink_level, 1)), candidate)


def sharpened(candidate: Candidate) -> np.ndarray:
    """The candidate's ink at its grey levels as :func:`shaded` draws it, but against the
    darkest SHARP_INK_QUANTILE of its own ink, not its blob's ink level, and raised to
    SHARP_GAMMA; its mask if it has no grey levels. A small digit blurred by the camera has
    its loops filled with mid grey, and a part cut from a blob holds a lighter neighbour's rim:
    so drawn, its dark cores stand out (docs/accuracy.md, "Small parts read sharpened")."""
    if candidate.grey is None:
        return candidate.ink
    paper_level, ink_level = candidate.levels
    own = grey_quantile(candidate.grey, candidate.ink, SHARP_INK_QUANTILE)
    darkness = _lighter(candidate).astype(np.float32) / max(paper_level - (ink_level if own is None else own), 1)
    return _on_ink((255 * np.minimum(darkness, 1) ** SHARP_GAMMA).astype(np.uint8), candidate)


def _lighter(candidate: Candidate) -> np.ndarray:
    """How much darker than its paper each pixel under ``candidate`` is: 0 past the paper level."""
    return cv2.subtract(np.full_like(candidate.grey, candidate.levels[0]), candidate.grey)


def _on_ink(shade: np.ndarray, candidate: Candidate) -> np.ndarray:
    """``shade`` on the pixels of ``candidate``'s mask, at least 1 on each, 0 off it."""
    # np.maximum, not cv2.max: OpenCV takes an array of 4 values or fewer in one column for a Scalar.
    return cv2.bitwise_and(np.maximum(shade, np.uint8(1)), candidate.ink)


def _tighten(
    paper: np.ndarray,
    unmarked: np.ndarray,
    own: np.ndarray,
    box: Box,
    config: Config,
    holes: Sequence[np.ndarray] = (),
    grain_allowance: float = 1.0,
    paper_only: np.ndarray | None = None,
) -> Candidate | None:
    """Keep the blob's ink darker than halfway between its paper and its ink; None if no paper.

    The local threshold also takes the blurred rim of each stroke, which doubles the width
    of a hairline and its box; halfway between the blob's own paper and ink levels is where
    the digit's edge is, as with MNIST's 50 % grey level.

    The paper level comes from the non-ink pixels in and just around the box (a bare "1"
    fills its own box; the margin is small so that the paper around a large dark object
    cannot outvote its dark inside). A blob whose ink is not darker than that is the rim a
    local threshold leaves of such an object (a phone, a hand, a filled shape): None. The
    ink level is a low quantile, not the median: a thin line's blob is mostly blurred rim.
    A blob whose paper spreads more than MAX_GRAIN of its contrast is grain (``grainy``;
    None past ``grain_allowance`` times that), unless it is no bare stroke and its paper
    without a ruled page's rules (``paper_only``, where given) spreads at most RULED_GRAIN of
    the limit: light pencil between rules darker than itself (the rules are neither ink nor
    paper, as for :func:`~camdigits.recognition.grain.grain_blocks`). A bare stroke that
    runs on as a fainter line is a dash of that line: None. Those of the blob's ``holes``
    (contours in frame pixels) as dark as its ink are its strokes' insides, and are filled
    first (:func:`_with_dark_holes`).
    """
    x, y, w, h = box
    pad = max(2, int(CONTRAST_MARGIN * h))
    x0, y0 = max(x - pad, 0), max(y - pad, 0)
    x1, y1 = min(x + w + pad, paper.shape[1]), min(y + h + pad, paper.shape[0])
    # Medians, not means: the paper in the corners of a round object's box must not
    # outvote the object's dark inside.
    paper_level = grey_quantile(paper[y0:y1, x0:x1], unmarked[y0:y1, x0:x1], 0.5)
    if paper_level is None:
        return None
    region = paper[y : y + h, x : x + w]
    ink_level = grey_quantile(region, own, INK_QUANTILE)
    if ink_level is None or paper_level - ink_level < config.threshold_offset:
        return None
    grain = _grain_share(paper, unmarked, box, paper_level - ink_level)
    between_rules = (
        grain > 1
        and paper_only is not None
        and _grain_share(paper, paper_only, box, paper_level - ink_level) <= RULED_GRAIN
    )
    if grain > grain_allowance and not between_rules:
        return None
    # 255 where region <= halfway (THRESH_BINARY_INV floors the level, as <= does for integers)
    dark = cv2.threshold(region, (paper_level + ink_level) / 2, 255, cv2.THRESH_BINARY_INV)[1]
    if holes:
        own = _with_dark_holes(own, dark, holes, (-x, -y))
    core = cv2.bitwise_and(dark, own)  # both 0/255: the same as masking, at a fifth of the cost
    cx, cy, cw, ch = cv2.boundingRect(core)
    if cw == 0:  # no ink darker than halfway: keep it all
        core = cv2.threshold(own, 0, 255, cv2.THRESH_BINARY)[1]  # a copy: ``own`` may be a view of the mask
        cx, cy, cw, ch = cv2.boundingRect(core)
    tight, ink = (x + cx, y + cy, cw, ch), core[cy : cy + ch, cx : cx + cw]
    if is_bare_stroke(ink):
        if continues_a_line(paper, ink, tight, paper_level, ink_level):
            return None
        # However smooth the paper between rules: a desk's grain cut by its lines reads as ones.
        between_rules = False
    elif crosses_lines(paper, ink, tight, paper_level, ink_level):
        return None
    if grain > grain_allowance and not between_rules:  # a bare stroke the rules alone let through
        return None
    grey = region[cy : cy + ch, cx : cx + cw]
    grainy = grain > 1 and not between_rules
    return Candidate(box=tight, ink=ink, grey=grey, levels=(paper_level, ink_level), grainy=grainy)


def _grain_share(paper: np.ndarray, unmarked: np.ndarray, box: Box, contrast: float) -> float:
    """The spread of the paper around a blob (:func:`_grain`) over the most a pen stroke's
    paper spreads, MAX_GRAIN of its ``contrast`` (MAX_GRAIN_NOISY on noise): more than 1 is
    grain."""
    spread, bright = _grain(paper, unmarked, box)
    noisy = spread >= NOISY_PAPER and bright >= NOISY_PAPER
    return spread / ((MAX_GRAIN_NOISY if noisy else MAX_GRAIN) * contrast)


def _with_dark_holes(
    own: np.ndarray, dark: np.ndarray, holes: Sequence[np.ndarray], offset: tuple[int, int]
) -> np.ndarray:
    """``own`` with its holes (contours in frame pixels, moved by ``offset``) filled where
    HOLLOW_DARK of a hole is ``dark``: the inside of a stroke wider than the threshold's
    window, which the local threshold leaves hollow (a digit half the frame tall), not a
    loop's paper."""
    filled = None
    for hole in holes:
        area = np.zeros_like(own)
        cv2.drawContours(area, [hole], -1, 255, cv2.FILLED, offset=offset)
        inside = cv2.countNonZero(area)
        if inside and cv2.countNonZero(cv2.bitwise_and(area, dark)) >= HOLLOW_DARK * inside:
            filled = area if filled is None else cv2.bitwise_or(filled, area)
    return own if filled is None else cv2.bitwise_or(own, filled)


def _grain(paper: np.ndarray, unmarked: np.ndarray, box: Box) -> tuple[float, float]:
    """The spread of the grey levels of the paper around a blob (its non-ink pixels within
    GRAIN_REACH box heights): their standard deviation, and how far their brightest tenth
    lies above their median. A pen stroke stands out from its paper; grain, noise and a
    faint grid's dashes barely stand out from the first. Noise has both large; a crisp
    grid's erased lines make the first large too, but paper has nothing much lighter than
    itself.

    The second is measured only where the first reaches NOISY_PAPER (0 otherwise): only then
    can the two together call the paper noise, and most blobs are spared a histogram. The
    first is infinite where ``unmarked`` leaves no paper there (a blob's own paper, which
    its paper level was taken from, always lies within reach; a page's rules need not).
    """
    x, y, w, h = box
    reach = round(GRAIN_REACH * h)
    x0, y0 = max(x - reach, 0), max(y - reach, 0)
    x1, y1 = min(x + w + reach, paper.shape[1]), min(y + h + reach, paper.shape[0])
    region, where = paper[y0:y1, x0:x1], unmarked[y0:y1, x0:x1]
    if not where.any():
        return math.inf, 0.0
    deviation = float(cv2.meanStdDev(region, mask=where)[1][0, 0])
    if deviation < NOISY_PAPER:
        return deviation, 0.0
    counts = np.add.accumulate(grey_histogram(region, where))
    median, high = counts.searchsorted((0.5 * counts[-1], 0.9 * counts[-1]), "right")
    return deviation, float(high - median)


def find_candidates(
    paper: np.ndarray,
    mask: np.ndarray,
    config: Config,
    too_wide: list[Word] | None = None,
    grainy: list[Candidate] | None = None,
    loosely_joined: list[Word] | None = None,
    rules: np.ndarray | None = None,
) -> list[Candidate]:
    """Ink mask (of the dark-ink frame ``paper``) -> digit-like candidates, in no particular order.

    Keeps blobs of plausible height, aspect and ink density; drops specks, long lines,
    page edges, hollowed-out dark objects and blobs cut off by the frame border. Stops at
    ``config.max_candidates`` (see :func:`hit_candidate_cap`). Blobs whose paper spreads as
    grain's does (``Candidate.grainy``) are not candidates; they go to ``grainy``, for the
    recognizer to read where lines of digits stand around them; ``rules`` (the pixels of a
    ruled page's rules erased from ``mask``, where given) are left out of the paper whose
    spread a candidate is judged by (:func:`_tighten`; not :func:`small_word_blob`'s).
    Blobs too wide for a digit go to ``too_wide`` as words where their ink travels as joined-up writing's does, and to
    ``loosely_joined`` where it travels LOOSE_WORD_MIN_TRAVEL widths but not that far
    (:func:`_travel`).
    """
    frame_h, frame_w = mask.shape[:2]
    if mask.size == 0:
        return []
    contours, outer, links = outer_contours(mask)
    if not len(outer):
        return []
    boxes = bounding_boxes([contours[i] for i in outer.tolist()])
    longest = boxes[:, 2:].max(axis=1)
    # Specks are noise; anything taller than the tallest digit is an object or a line and
    # would swallow its neighbours if it took part in merging.
    keep = np.flatnonzero(
        (longest >= MIN_FRAGMENT_SIDE * config.min_digit_height) & (boxes[:, 3] <= config.max_digit_height * frame_h)
    )
    min_density = min_ink_density(mask.shape, config)
    window = threshold_window(mask.shape, config)
    fragments, owns, inks, hollows = [], [], [], []
    for i, box, alone in zip(keep.tolist(), boxes[keep].tolist(), alone_boxes(boxes)[keep].tolist()):
        holes = holes_of(contours, links, outer[i])
        own = own_ink(mask, contours[outer[i]], holes, box, alone)
        ink = cv2.countNonZero(own)
        # Sparse ink (a frame drawn around a digit, a long diagonal line) is never a digit
        # nor part of one; dropping it before merging keeps it from swallowing its neighbours.
        if ink >= MIN_FRAGMENT_AREA and ink >= min_density * box[2] * box[3]:
            fragments.append(tuple(box))
            owns.append(own)
            inks.append(ink)
            hollows.append(holes)
    if not fragments:
        return []
    candidates = []
    unmarked = cv2.bitwise_not(mask)  # the paper's pixels: one frame-wide call, not two per blob
    # A caller that does not take the grainy blobs is spared their tightening.
    grain_allowance = 1.0 if grainy is None else MAX_GRAIN_IN_CONTEXT
    # The paper's pixels without a ruled page's rules, for blobs that fail the grain check.
    paper_only = None if rules is None else cv2.bitwise_not(cv2.bitwise_or(mask, rules))
    for group in merge_fragments(
        np.array(fragments, np.int64),
        np.array(inks),
        config.max_aspect,
        frame_scale(mask.shape),
        config.min_digit_height,
        rules is not None,
    ):
        x0, y0, w, h = fragments[group[0]] if len(group) == 1 else union_box([fragments[i] for i in group])
        x1, y1 = x0 + w, y0 + h
        if not config.min_digit_height <= h <= config.max_digit_height * frame_h:
            continue
        aspect = w / h
        wide = aspect > config.max_aspect
        if aspect < config.min_aspect or (wide and too_wide is None):
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
        if wide:
            travel = _travel(own, ink)
            small = own if h <= SMALL_PAIR_PX else None
            if travel >= WORD_MIN_TRAVEL:
                too_wide.append(Word((x0, y0, w, h), _x_height(own), own=small))  # for the word context
            elif loosely_joined is not None and travel >= LOOSE_WORD_MIN_TRAVEL:
                loosely_joined.append(Word((x0, y0, w, h), _x_height(own), loose=True, own=small))
            continue
        # A mask this solid is a filled shape whatever its tightened ink (:func:`_is_filled`):
        # dropped before tightening, which costs a page of filled marks several times the rest.
        if density >= SOLID_MASK_DENSITY and aspect >= STROKE_ASPECT:
            continue
        # A blob under half the threshold's window tall lies wholly in a window mostly paper,
        # so the threshold leaves none of its strokes hollow: its holes are loops.
        holes = [hole for i in group for hole in hollows[i]] if 2 * h >= window else []
        candidate = _tighten(paper, unmarked, own, (x0, y0, w, h), config, holes, grain_allowance, paper_only)
        if (
            candidate is not None
            and not _is_filled(candidate.ink, config)
            and not _is_long_line(candidate.ink, frame_h, config)
        ):
            if candidate.grainy:
                if grainy is not None and len(grainy) < config.max_candidates:
                    grainy.append(candidate)
                continue
            candidates.append(candidate)
            if len(candidates) == config.max_candidates:
                break
    return candidates


def small_word_blob(paper: np.ndarray, unmarked: np.ndarray, word: Word, config: Config) -> Candidate | None:
    """The blob of a ``word`` at most SMALL_PAIR_PX tall (its ``own`` ink), tightened as a
    candidate is (``unmarked``: the frame's paper pixels), or None for another word or one
    that a candidate's contrast, grain, line or filled-shape tests drop; its holes are not
    filled, being the rims between a small number's digits rather than inside strokes. A
    small number's digits blurred by the camera merge into one blob as wide as a word
    (docs/accuracy.md, "Small numbers merged into one blob")."""
    if word.own is None:
        return None
    blob = _tighten(paper, unmarked, word.own, word.box, config)
    if blob is None or _is_filled(blob.ink, config) or _is_long_line(blob.ink, paper.shape[0], config):
        return None
    return blob


def hit_candidate_cap(candidates: list[Candidate], config: Config) -> bool:
    """Whether :func:`find_candidates` may have stopped early: noise or fine texture gives a
    candidate every few hundred pixels, and reading them all would take minutes."""
    return len(candidates) >= config.max_candidates


def _x_height(own: np.ndarray) -> int:
    """The height of a joined-up word's x-height band: the rows from the first to the last
    whose ink reaches X_BAND_SHARE of its rows' upper quartile, where that band spans
    X_BAND_SPAN of its height; else its whole height (narrower: a rule's piece along a digit;
    wider: a word without ascenders or descenders, or no word). Its ascenders and descenders
    are single strokes: counted by its whole height, "read" beside a "b" weighs two letters,
    and the b is a digit in their run."""
    rows = np.count_nonzero(own, axis=1)
    band = np.flatnonzero(rows >= X_BAND_SHARE * np.percentile(rows[rows > 0], 75))
    height = int(band[-1] - band[0]) + 1
    least, most = X_BAND_SPAN
    return height if least * len(rows) <= height <= most * len(rows) else len(rows)


def _travel(own: np.ndarray, ink: int) -> float:
    """How many times its width the ink of a blob too wide for a digit travels (its ink over
    its stroke width): WORD_MIN_TRAVEL or more up and down as joined-up writing does, about
    1 where a rule's stray piece or an underline runs straight along; 0 for no stroke."""
    width = stroke_width(own)
    return ink / (width * own.shape[1]) if width > 0 else 0.0


def _is_filled(ink: np.ndarray, config: Config) -> bool:
    """True for a blob whose own ink, tightened to its darker half, fills more than
    Config.max_ink_density of its box: a filled shape or a dark object, not pen strokes; a
    bare stroke (a 1) is exempt. Judged after tightening, not on the thresholded mask: the
    rim the threshold adds to every stroke fills most of a small digit's box (docs/accuracy.md)."""
    h, w = ink.shape
    return w >= STROKE_ASPECT * h and cv2.countNonZero(ink) > config.max_ink_density * w * h


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
