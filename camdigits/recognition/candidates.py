"""Ink mask -> digit-like candidates.

Follows OpenCV's digits_video sample (outer blobs, filters on height, aspect and ink
density) with its weak spots fixed: the fragments of a broken stroke are merged back into
one candidate, each candidate keeps only its own ink so a neighbour reaching into its box
does not leak into its patch, and pen lines far longer than a written one are dropped
whatever the page holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from camdigits.config import Config
from camdigits.recognition.geometry import overlapping_boxes
from camdigits.recognition.normalise import stroke_width
from camdigits.recognition.rules import frame_scale
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
# A pen stroke stands out from its paper; grain, noise and a faint grid's dashes barely
# stand out from the grey spread around them. A blob whose paper within GRAIN_REACH box
# heights spreads (standard deviation) by more than MAX_GRAIN of its ink's contrast is not
# writing.
# A blob too wide for a digit is a joined-up word, for the word context, if its ink
# travels at least this many times its width (a rule's piece or an underline: about once).
WORD_MIN_TRAVEL = 2.0
GRAIN_REACH = 0.5
MAX_GRAIN = 0.3
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


def min_ink_density(shape: tuple[int, ...], config: Config) -> float:
    """The least ink density (ink px / box area) of a candidate in a frame of ``shape``."""
    return config.min_ink_density / math.sqrt(frame_scale(shape))


@dataclass(frozen=True)
class Candidate:
    """A blob that may be a digit: its box in frame pixels and a mask of its own ink."""

    box: Box
    ink: np.ndarray  # uint8 (h, w), 255 where this candidate has ink


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
    if _grain(paper, mask, box) > MAX_GRAIN * (paper_level - ink_level):
        return None
    # 255 where region <= halfway (THRESH_BINARY_INV floors the level, as <= does for integers)
    dark = cv2.threshold(region, (paper_level + ink_level) / 2, 255, cv2.THRESH_BINARY_INV)[1]
    core = cv2.bitwise_and(dark, own)  # both 0/255: the same as masking, at a fifth of the cost
    cx, cy, cw, ch = cv2.boundingRect(core)
    if cw == 0:  # no ink darker than halfway: keep it all
        core = cv2.threshold(own, 0, 255, cv2.THRESH_BINARY)[1]  # a copy: ``own`` may be a view of the mask
        cx, cy, cw, ch = cv2.boundingRect(core)
    return Candidate(box=(x + cx, y + cy, cw, ch), ink=core[cy : cy + ch, cx : cx + cw])


def _grain(paper: np.ndarray, mask: np.ndarray, box: Box) -> float:
    """The spread (standard deviation) of the grey levels of the paper around a blob: its
    non-ink pixels within GRAIN_REACH box heights."""
    x, y, w, h = box
    reach = round(GRAIN_REACH * h)
    x0, y0 = max(x - reach, 0), max(y - reach, 0)
    x1, y1 = min(x + w + reach, paper.shape[1]), min(y + h + reach, paper.shape[0])
    _, spread = cv2.meanStdDev(paper[y0:y1, x0:x1], mask=cv2.bitwise_not(mask[y0:y1, x0:x1]))
    return float(spread[0, 0])


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


def find_candidates(paper: np.ndarray, mask: np.ndarray, config: Config,
                    too_wide: list[Box] | None = None) -> list[Candidate]:
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
            if _is_joined_up(own, ink):
                too_wide.append((x0, y0, w, h))  # a joined-up word, for the word context
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


def _is_joined_up(own: np.ndarray, ink: int) -> bool:
    """True if the ink of a blob too wide for a digit travels WORD_MIN_TRAVEL times its
    width or more, up and down as joined-up writing does, where a rule's stray piece or an
    underline runs straight along."""
    width = stroke_width(own)
    return width > 0 and ink / (width * own.shape[1]) >= WORD_MIN_TRAVEL


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
