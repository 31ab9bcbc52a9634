"""The fragments of one digit, grouped: pieces of a broken stroke, a bar drawn apart.

The candidate search (:mod:`camdigits.recognition.candidates`) finds the frame's outer blobs;
a digit whose pen skipped, or a 5 whose top bar was drawn separately, is several of them.
:func:`merge_fragments` groups those that lie one above the other, sharing columns, and
keeps apart the digits of a worksheet's column, a loop drawn around a digit, the digits
of two lines that a rule's leftover dash touches (:func:`_through_rule_dashes`), and, on a
ruled page, two lines' digits a pen's gap apart (:func:`_two_lines`).
"""

from __future__ import annotations

import numpy as np

from camdigits.config import (
    DASH_ASPECT,
    DASH_THIN,
    MERGE_DIGIT_PIECE_GAP,
    MERGE_DIGIT_PIECE_SHARE,
    MERGE_MAX_ENCLOSING_AREA,
    MERGE_MAX_GROWTH,
    MERGE_MAX_SIMILAR_GAP,
    MERGE_MAX_Y_GAP,
    MERGE_MIN_X_OVERLAP,
    MERGE_PEN_GAP,
    MERGE_ROW_GAP,
    MERGE_ROW_OVERLAP,
    MERGE_ROW_PIECE_SHARE,
    MERGE_SIMILAR_HEIGHT,
    STACKED_LINES_MIN_ASPECT,
    STACKED_LINES_MIN_HEIGHT,
    STACKED_LINES_PEERS,
    STACKED_LINES_PIECE,
    STACKED_LINES_SPAN,
)
from camdigits.recognition.geometry import overlapping_between, overlapping_boxes


def merge_fragments(
    boxes: np.ndarray, inks: np.ndarray, max_aspect: float, scale: float, digit_height: int, ruled: bool = False
) -> list[list[int]]:
    """Group the rows of ``boxes`` (N, 4: x, y, w, h) that are stacked fragments of one digit.

    A "5" whose top bar is drawn separately, or a pen that skipped, leaves blobs one above
    the other sharing most of their columns; side-by-side digits share few columns, so they
    stay apart. Two pieces of about one height merge only across a pen's gap, so the whole
    digits of a worksheet's column stay apart, and a box that encloses a much smaller one
    is a loop drawn around it, not a piece of it; nor does a group grow past MERGE_MAX_GROWTH
    times its tallest piece. ``digit_height`` is the least height of a digit of its own
    (``Config.min_digit_height``): a piece that tall by a much taller one must lie closer.
    On a ``ruled`` page the digits of one line come a pen's gap from those of the next: the
    pieces are grouped a second time, knowing the page's line height from the first, and
    two groups each about as tall as its digits stay apart (:func:`_join`).
    Only pairs that share columns are tested, in one vectorised comparison; only the few
    linked pairs go through the union-find loop.
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
    # A piece lies no farther from the rest of its digit than its own size: a small digit
    # under a large one lies farther, though within MERGE_MAX_Y_GAP of the large one's height.
    # A piece as tall as a digit beside a much taller one lies within half its size: a small
    # digit over a heading digit lies about its own size away.
    shorter = np.where(h[a] <= h[b], a, b)
    digit_sized = (h[shorter] >= digit_height) & (h[shorter] <= MERGE_DIGIT_PIECE_SHARE * taller)
    # So is a piece up to MERGE_ROW_PIECE_SHARE of it with a piece of its own height beside
    # it: a number's digits stand in a row, a digit's pieces one above the other.
    maybe_row = ~digit_sized & (h[shorter] >= digit_height) & (h[shorter] <= MERGE_ROW_PIECE_SHARE * taller)
    if maybe_row.any():
        pieces, where = np.unique(shorter[maybe_row], return_inverse=True)
        digit_sized[maybe_row] = _beside_its_like(boxes, pieces)[where]
    own_size = np.maximum(w[shorter], h[shorter]) * np.where(digit_sized, MERGE_DIGIT_PIECE_GAP, 1.0)
    piece_gap = np.minimum(MERGE_MAX_Y_GAP * taller, own_size)
    linked = (overlap >= MERGE_MIN_X_OVERLAP * np.minimum(w[a], w[b])) & (
        gap <= np.where(similar, np.maximum(MERGE_MAX_SIMILAR_GAP * taller, pen_gap), piece_gap)
    )
    linked &= ~(encloses(a, b) | encloses(b, a))
    linked &= ~_through_rule_dashes(boxes, inks, a, b, linked, max_aspect)
    # The closest pieces first (see the loop below).
    links = sorted(zip(gap[linked].tolist(), a[linked].tolist(), b[linked].tolist()))
    if not links:  # most frames: every blob is a digit of its own
        return [[i] for i in range(len(boxes))]
    groups, sizes = _join(links, boxes, None)
    if not ruled:
        return groups
    # The page's digits: no grid's upright dash (narrow) nor a desk's dot (short) among them.
    heights = [gh for gw, gh in sizes if gh >= STACKED_LINES_MIN_HEIGHT * scale and gw >= STACKED_LINES_MIN_ASPECT * gh]
    if len(heights) < STACKED_LINES_PEERS:
        return groups
    return _join(links, boxes, float(np.median(heights)))[0]


def _join(
    links: list[tuple[float, int, int]], boxes: np.ndarray, line_height: float | None
) -> tuple[list[list[int]], list[tuple[int, int]]]:
    """The groups of ``boxes`` that ``links`` (gap, a, b; closest first) join, and the width
    and height each spans. No group grows past MERGE_MAX_GROWTH times its tallest piece.
    Given the frame's ``line_height`` (its digits' median height), no two groups that
    :func:`_two_lines` calls two lines' digits join."""
    x0, y0, w, h = boxes.T
    x1, y1 = x0 + w, y0 + h
    parent = list(range(len(boxes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]  # path halving: chains stay short on fine texture
            i = parent[i]
        return i

    # No group taller than MERGE_MAX_GROWTH times its tallest piece: pieces chained link by
    # link down a dense page would join the digits of lines.
    top, bottom, tallest = y0.tolist(), y1.tolist(), h.tolist()
    left, right = x0.tolist(), x1.tolist()
    for _, a, b in links:
        ra, rb = root(a), root(b)
        if ra == rb:
            continue
        joined_top, joined_bottom = min(top[ra], top[rb]), max(bottom[ra], bottom[rb])
        piece = max(tallest[ra], tallest[rb])
        if joined_bottom - joined_top > MERGE_MAX_GROWTH * piece:
            continue
        if line_height is not None and _two_lines(
            bottom[ra] - top[ra], bottom[rb] - top[rb], joined_bottom - joined_top, line_height
        ):
            continue
        parent[rb] = ra
        top[ra], bottom[ra], tallest[ra] = joined_top, joined_bottom, piece
        left[ra], right[ra] = min(left[ra], left[rb]), max(right[ra], right[rb])
    groups: dict[int, list[int]] = {}
    for i in range(len(boxes)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values()), [(right[r] - left[r], bottom[r] - top[r]) for r in groups]


def _two_lines(span_a: float, span_b: float, joined: float, line_height: float) -> bool:
    """Whether two groups spanning these heights are the digits of two lines of a page whose
    digits are ``line_height`` tall: each STACKED_LINES_PIECE of it, and ``joined`` (the
    height they would span together) STACKED_LINES_SPAN of it or more."""
    low, high = STACKED_LINES_PIECE
    digit_sized = all(low * line_height <= span <= high * line_height for span in (span_a, span_b))
    return digit_sized and joined >= STACKED_LINES_SPAN * line_height


def _beside_its_like(boxes: np.ndarray, pieces: np.ndarray) -> np.ndarray:
    """Whether each of ``pieces`` (rows of ``boxes``) has another blob beside it, not above
    or below: of about its height (MERGE_SIMILAR_HEIGHT), sharing MERGE_ROW_OVERLAP of its rows
    and few of its columns (MERGE_MIN_X_OVERLAP), within MERGE_ROW_GAP of its height."""
    x0, y0, w, h = boxes.T
    reach = MERGE_ROW_GAP * h[pieces]
    p, q = overlapping_between(x0[pieces] - reach, x0[pieces] + w[pieces] + reach + 1, x0, x0 + w)
    piece = pieces[p]
    rows = np.minimum(y0[q] + h[q], y0[piece] + h[piece]) - np.maximum(y0[q], y0[piece])
    columns = np.minimum(x0[q] + w[q], x0[piece] + w[piece]) - np.maximum(x0[q], x0[piece])
    shorter = np.minimum(h[q], h[piece])
    alike = (shorter >= MERGE_SIMILAR_HEIGHT * np.maximum(h[q], h[piece])) & (rows >= MERGE_ROW_OVERLAP * shorter)
    beside = (columns < MERGE_MIN_X_OVERLAP * np.minimum(w[q], w[piece])) & (-columns <= reach[p])
    found = np.zeros(len(pieces), bool)
    found[p[alike & beside & (q != piece)]] = True
    return found


def _through_rule_dashes(
    boxes: np.ndarray, inks: np.ndarray, a: np.ndarray, b: np.ndarray, linked: np.ndarray, max_aspect: float
) -> np.ndarray:
    """Which of the ``linked`` fragment pairs (rows ``a`` and ``b`` of ``boxes``) join through
    a rule's leftover dash: a piece DASH_ASPECT times as wide as tall and at most DASH_THIN of
    its partner's height (a stroke's width), as the rule search leaves of a rule on a tilted
    or curved page, between two lines of digits. Such a dash must not make a digit's piece
    wider than any digit (the blob would be dropped, digit and all), nor chain the digits
    side by side that it touches into one blob. A 5's or a 2's bar joins one body, and the
    slices a skipping pen leaves of a digit are as thick as its stroke.
    """
    x0, y0, w, h = boxes.T
    flat = w >= DASH_ASPECT * h
    if not (linked & (flat[a] | flat[b])).any():  # most frames
        return np.zeros_like(linked)
    x1, y1 = x0 + w, y0 + h
    thickness = inks / w  # a flat piece's stroke width, however it tilts
    dash_a = flat[a] & (thickness[a] <= DASH_THIN * h[b])  # a is a dash beside b
    dash_b = flat[b] & (thickness[b] <= DASH_THIN * h[a])
    shaped = w <= max_aspect * h
    union_w = np.maximum(x1[a], x1[b]) - np.minimum(x0[a], x0[b])
    union_h = np.maximum(y1[a], y1[b]) - np.minimum(y0[a], y0[b])
    through = (union_w > max_aspect * union_h) & ((dash_a & shaped[b]) | (dash_b & shaped[a]))
    on = linked & (dash_a | dash_b)
    for dash in np.flatnonzero(np.bincount(np.concatenate([a[on & dash_a], b[on & dash_b]])) >= 2).tolist():
        mine = on & (((a == dash) & dash_a) | ((b == dash) & dash_b))
        others = np.where(a[mine] == dash, b[mine], a[mine])
        order = others[np.argsort(x0[others])]
        if np.any(x0[order[1:]] >= np.maximum.accumulate(x1[order])[:-1]):  # two of them share no column
            through |= mine
    return through
