"""Split touching digits: a wide blob may be two digits whose ink touches.

Segmentation sees one blob where a "3" and a "7" touch; its patch is neither digit, and the
model says "not a digit" (it was trained on such pairs) or guesses. For each blob wide
enough to hold two digits, a few cut columns are proposed (where the ink is thinnest, away
from the edges, and a few evenly spaced columns); from each, the blob is cut straight down
and along the path of a drop falling between the digits (:func:`drop_fall`), and each
cut's two halves are classified. :func:`split_touching` then keeps, per blob, whichever
reading the classifier is surest of: the whole blob as one digit, or the best cut as two
(see :func:`choose_split`). Before that, a blob whose ink lies apart along empty rows, or
one far taller than the frame's digits, is tried as the digits stacked in it
(:mod:`camdigits.recognition.stacks`, which decides which stacks are taken apart). Last, a
blob still read as no digit is tried as the cores of its ink (:func:`dark_parts`): small
digits blurred by the camera merge in their rims, and no cut through the rims reads.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from camdigits.config import (
    CONTEXT_MIN_CONFIDENCE,
    CUT_RANGE,
    CUT_SPACING,
    DARK_PART_LEVEL,
    DARK_PART_MAX,
    DROP_REACH,
    EVEN_CUTS,
    LEADING_ONE_ASPECT,
    LETTER_STEM_PARTNERS,
    LOOSE_HALF_CONFIDENCE,
    MIN_HALF_CONFIDENCE,
    MIN_HALF_HEIGHT_RATIO,
    MIN_HALF_INK,
    MIN_SPLIT_ASPECT,
    NO_DIGIT_BELOW,
    SMALL_HALF_CONFIDENCE,
    SMALL_PAIR_HEIGHT_RATIO,
    SMALL_PAIR_PX,
    SMALL_PAIR_RATIO_PX,
)
from camdigits.recognition.candidates import Candidate, component_parts, part_of
from camdigits.recognition.stacks import Classify, Reading, stacked_readings, whole_score, worth_cutting
from camdigits.types import Digit


def cut_columns(ink: np.ndarray) -> list[int]:
    """Columns (within the blob's box) to try cutting at: where the ink is thinnest, then
    evenly spaced ones. Digits that overlap have no thin joint (their strokes cross there),
    so the thinnest column alone often falls inside one digit, e.g. the sides of a 0."""
    h, w = ink.shape
    if w < MIN_SPLIT_ASPECT * h or w < 4:
        return []
    profile = np.count_nonzero(ink, axis=0).astype(np.float32)
    profile = np.convolve(profile, np.ones(3, np.float32) / 3, mode="same")  # ignore 1-px ripples
    lo, hi = int(CUT_RANGE[0] * w), int(np.ceil(CUT_RANGE[1] * w))
    cuts = [lo + int(np.argmin(profile[lo:hi]))]
    for fraction in EVEN_CUTS:
        column = round(fraction * w)
        if all(abs(column - c) >= CUT_SPACING * w for c in cuts):
            cuts.append(column)
    return cuts


def _part(candidate: Candidate, part: np.ndarray) -> Candidate | None:
    """The sub-candidate made of ``part`` (the blob's ink with the other half blanked),
    tightened to its ink."""
    px, py, pw, ph = cv2.boundingRect(part)
    if pw == 0:  # no ink
        return None
    return part_of(candidate, part, px, py, pw, ph)


def drop_fall(ink: np.ndarray, column: int) -> np.ndarray:
    """The path (one column per row) of a drop let fall from ``column`` at the top of the
    blob: where it meets ink it slides sideways to the nearest paper within DROP_REACH px,
    and where there is none it cuts straight down. Between two digits that overlap
    diagonally (the arm of a 4 over the side of a 0) no straight column is clear of both,
    but the drop follows the paper between them and cuts only where they touch."""
    h, w = ink.shape
    pixels = ink.tobytes()  # a row-major copy whose items index as ints, 10x faster than ink[y, x]
    path = np.empty(h, np.int64)
    x = column
    for y in range(h):
        row = y * w
        if pixels[row + x]:
            for step in range(1, DROP_REACH + 1):
                if x - step >= 0 and not pixels[row + x - step]:
                    x -= step
                    break
                if x + step < w and not pixels[row + x + step]:
                    x += step
                    break
        path[y] = x
    return path


def split_along(
    candidate: Candidate, path: np.ndarray, least_height_ratio: float = MIN_HALF_HEIGHT_RATIO
) -> tuple[Candidate, Candidate] | None:
    """The blob's ink cut along ``path`` (the first column of the right part, per row) into
    a left and a right candidate, or None if one side would be a sliver or under
    ``least_height_ratio`` of the other's height."""
    ink = candidate.ink
    total = cv2.countNonZero(ink)
    left = ink * (np.arange(ink.shape[1]) < path[:, None])  # uint8: the ink left of the path
    right = ink - left
    on_left = cv2.countNonZero(left)
    if min(on_left, total - on_left) < MIN_HALF_INK * total:
        return None
    a, b = _part(candidate, left), _part(candidate, right)
    if a is None or b is None or min(a.box[3], b.box[3]) < least_height_ratio * max(a.box[3], b.box[3]):
        return None
    return a, b


def split_at(
    candidate: Candidate, column: int, least_height_ratio: float = MIN_HALF_HEIGHT_RATIO
) -> tuple[Candidate, Candidate] | None:
    """The blob's ink cut straight down at ``column`` (see :func:`split_along`)."""
    return split_along(candidate, np.full(candidate.ink.shape[0], column, np.int64), least_height_ratio)


def propose_splits(
    candidate: Candidate, least_height_ratio: float = MIN_HALF_HEIGHT_RATIO
) -> list[tuple[Candidate, Candidate]]:
    """Every left/right pair worth classifying for one blob (none for a narrow blob): for
    each cut column, the straight cut and, where it differs, the drop-fall cut, each half at
    least ``least_height_ratio`` of the other's height.

    Each pair once: cuts through the same gap give the same halves, and each half costs a
    patch and a classification.
    """
    pairs: list[tuple[Candidate, Candidate]] = []
    for column in cut_columns(candidate.ink):
        fallen = drop_fall(candidate.ink, column)
        straight = split_at(candidate, column, least_height_ratio)
        for pair in (
            straight,
            split_along(candidate, fallen, least_height_ratio) if np.any(fallen != column) else None,
        ):
            if pair is not None and not any(_same_halves(pair, other) for other in pairs):
                pairs.append(pair)
    return pairs


def dark_parts(candidate: Candidate, min_height: float) -> list[Candidate]:
    """The digits in a blurred blob: the connected parts of its ink at least DARK_PART_LEVEL
    of the way from its paper to its ink, ordered by their left edges, if there are two to
    DARK_PART_MAX of them, each MIN_HALF_INK of that dark ink, together all but that share of
    it, of one height (MIN_HALF_HEIGHT_RATIO) and at least ``min_height`` tall; else none.
    Mostly the parts stand side by side (a number's digits); they may stand one above the
    other (two lines' digits on a ruled page)."""
    if candidate.grey is None:
        return []
    paper_level, ink_level = candidate.levels
    level = paper_level - DARK_PART_LEVEL * (paper_level - ink_level)
    dark = cv2.bitwise_and(cv2.threshold(candidate.grey, level, 255, cv2.THRESH_BINARY_INV)[1], candidate.ink)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    if count < 3:
        return []
    areas = stats[1:, cv2.CC_STAT_AREA]
    big = [k + 1 for k in np.flatnonzero(areas >= MIN_HALF_INK * areas.sum()).tolist()]
    # The parts hold the blob's dark ink all but a sliver's share: a joined word's loops stand
    # among its other letters' strokes, which come apart in many small pieces.
    if not 2 <= len(big) <= DARK_PART_MAX or areas[[k - 1 for k in big]].sum() < (1 - MIN_HALF_INK) * areas.sum():
        return []
    heights = stats[big, cv2.CC_STAT_HEIGHT]
    if heights.min() < max(MIN_HALF_HEIGHT_RATIO * heights.max(), min_height):
        return []
    big.sort(key=lambda k: stats[k, cv2.CC_STAT_LEFT])
    return component_parts(candidate, labels, stats, big)


def dark_parts_win(
    whole_confidence: float,
    readings: list[tuple[int, float]],
    parts: Sequence[Candidate] | None = None,
    loose: float = LOOSE_HALF_CONFIDENCE,
) -> bool:
    """Whether a blob read as no digit (``whole_confidence`` under NO_DIGIT_BELOW) is the
    digits of its :func:`dark_parts`, ``parts``, read as ``readings`` (label, confidence) in
    their order: as for the halves of a cut of such a blob (:func:`choose_split`), each read
    ``loose`` surely (:func:`loose_bar`), or MIN_HALF_CONFIDENCE where one of them is a one
    (:func:`least_half_confidence`; a lower bar read touching letters as digits,
    docs/accuracy.md), and a first part read as a one only as :func:`leading_one_may_win`
    allows (never, without ``parts``)."""
    labels = tuple(label for label, _ in readings)
    least = least_half_confidence(whole_confidence, labels, loose)
    sure = all(confidence >= least for _, confidence in readings)  # as high a bar as left_half_may_win's, or higher
    return sure and first_part_may_lead(whole_confidence, labels, None if parts is None else parts[0])


def sure_dark_parts(
    whole_confidence: float, readings: list[tuple[int, float]], parts: Sequence[Candidate], loose: float
) -> list[bool]:
    """Which :func:`dark_parts` of a small blob on a page of digits, read as ``readings`` and
    not all sure enough for :func:`dark_parts_win`, are digits all the same: those read at the
    bar :func:`dark_parts_win` holds every part to (:func:`least_half_confidence`: ``loose``,
    or MIN_HALF_CONFIDENCE where a part reads as a one); none where the first reads as a one
    that :func:`leading_one_may_win` does not allow. The parts stand apart in their dark
    cores, so each is a digit or a mark of its own, and the others go to the word context
    unsure (a 9 read 0.25 between a sure 1 and 2)."""
    labels = tuple(label for label, _ in readings)
    if not first_part_may_lead(whole_confidence, labels, parts[0]):  # a letter's stem and the rest
        return [False] * len(readings)
    least = least_half_confidence(whole_confidence, labels, loose)
    return [confidence >= least for _, confidence in readings]


def small_word_parts(
    blobs: Sequence[Candidate], classify: Classify, min_height: float, min_confidence: float
) -> tuple[list[Digit], list[Digit], list[int]]:
    """The digits in ``blobs``, the blobs of words at most SMALL_PAIR_PX tall on a page of
    digits: their :func:`dark_parts`, read by ``classify`` in one call, that
    :func:`sure_dark_parts` takes at the bar of such a small blob (SMALL_HALF_CONFIDENCE; a
    blob too wide for a digit is not read whole, so as one read as no digit); the parts read
    under ``min_confidence`` and those it leaves, for the word context unsure; and the
    indices of the blobs it takes parts of. A small number's digits blurred by the camera
    merge into one blob as wide as a word, and stand apart in their dark cores."""
    parted = [(k, parts) for k, blob in enumerate(blobs) if (parts := dark_parts(blob, min_height))]
    taken: list[Reading] = []
    held: list[Reading] = []
    numbers = []
    for (k, parts), got in zip(parted, _read_parts(parted, classify)):
        sure = sure_dark_parts(0.0, got, parts, SMALL_HALF_CONFIDENCE)
        if any(sure):
            kept, left = _kept_and_left(parts, got, sure)
            taken += kept
            held += left
            numbers.append(k)
    digits, unsure = _sure_and_unsure(taken, min_confidence)
    return digits, unsure + _digits(held), numbers


def _read_parts(parted: list[tuple[int, list[Candidate]]], classify: Classify) -> list[list[tuple[int, float]]]:
    """The (label, confidence) of every part of each blob of ``parted`` (index, parts), in
    order, from one ``classify`` call (none for no blob)."""
    if not parted:
        return []
    labels, confidences = classify([part for _, parts in parted for part in parts])
    read = iter(zip(labels.tolist(), confidences.tolist()))
    return [[next(read) for _ in parts] for _, parts in parted]


def _kept_and_left(
    parts: Sequence[Candidate], got: list[tuple[int, float]], sure: list[bool]
) -> tuple[list[Reading], list[Reading]]:
    """The ``parts`` read as ``got`` that ``sure`` takes, and the others."""
    readings = [(part, *reading) for part, reading in zip(parts, got)]
    return [r for r, s in zip(readings, sure) if s], [r for r, s in zip(readings, sure) if not s]


def _digits(readings: Sequence[Reading]) -> list[Digit]:
    """The ``readings`` as digits, however surely read."""
    return [Digit(label=label, confidence=confidence, box=blob.box) for blob, label, confidence in readings]


def _sure_and_unsure(readings: Sequence[Reading], min_confidence: float) -> tuple[list[Digit], list[Digit]]:
    """The ``readings`` read at least ``min_confidence`` surely, as digits, and the others."""
    digits = _digits(readings)
    return [d for d in digits if d.confidence >= min_confidence], [d for d in digits if d.confidence < min_confidence]


def _same_halves(pair: tuple[Candidate, Candidate], other: tuple[Candidate, Candidate]) -> bool:
    return all(a.box == b.box and np.array_equal(a.ink, b.ink) for a, b in zip(pair, other))


def left_half_may_win(
    label: int, confidence: float, loose: float = LOOSE_HALF_CONFIDENCE, unsure: float | None = None
) -> bool:
    """Whether a cut whose left half reads as ``label`` this surely may be taken (see
    :func:`choose_split`): ``loose`` (:func:`loose_bar`), or ``unsure`` where the right half
    may be the sure one (:func:`unsure_half_bar`), or MIN_HALF_CONFIDENCE for a one (which
    :func:`leading_one_may_win` checks further). Most cuts of a blob that is one digit fail
    here, so the recognizer classifies the right halves only of the cuts that pass."""
    if label == 1:
        return confidence >= MIN_HALF_CONFIDENCE
    return confidence >= (loose if unsure is None else min(loose, unsure))


def leading_one_may_win(whole_confidence: float, one: Candidate, next_label: int) -> bool:
    """Whether a cut (or dark parts) of a blob read this surely, whose left part ``one``
    reads as a one before a part read as ``next_label``, may be taken: only for a blob read
    as no digit, a one as narrow as a written one (LEADING_ONE_ASPECT), and a next part that
    a letter's stem does not leave (LETTER_STEM_PARTNERS). Without this, a one touching the
    digit after it ("10", "12") is not read."""
    _, _, width, height = one.box
    return (
        whole_confidence < NO_DIGIT_BELOW
        and next_label not in LETTER_STEM_PARTNERS
        and width <= LEADING_ONE_ASPECT * height
    )


def first_part_may_lead(whole_confidence: float, labels: tuple[int, ...], first: Candidate | None) -> bool:
    """Whether a blob's parts read as ``labels`` (left to right, ``first`` the leftmost part:
    a cut's halves, dark parts) may be taken for its digits as far as their first goes: any
    first digit but a one, and a one only as :func:`leading_one_may_win` allows (never
    without ``first``)."""
    if labels[0] != 1:
        return True
    return first is not None and len(labels) > 1 and leading_one_may_win(whole_confidence, first, labels[1])


def least_half_confidence(
    whole_confidence: float, labels: tuple[int, ...], loose: float = LOOSE_HALF_CONFIDENCE
) -> float:
    """How surely each half of a cut must read, for a blob read as one digit this surely
    and halves read as ``labels``: MIN_HALF_CONFIDENCE, or ``loose`` (:func:`loose_bar`)
    where :func:`_loose_pair` holds."""
    return loose if _loose_pair(whole_confidence, labels) else MIN_HALF_CONFIDENCE


def _loose_pair(whole_confidence: float, labels: tuple[int, ...]) -> bool:
    """Whether the parts of a blob read as one digit this surely, read as ``labels``, take the
    loose bars: a blob read as no digit at all (touching digits are), no part of it a one."""
    return whole_confidence < NO_DIGIT_BELOW and 1 not in labels


def loose_bar(candidate: Candidate, page_of_digits: bool) -> float:
    """The bar of :func:`least_half_confidence` for the parts of ``candidate``, a blob read as
    no digit: SMALL_HALF_CONFIDENCE for one at most SMALL_PAIR_PX tall on a page of digits
    (two small digits merged in their blurred rims), else LOOSE_HALF_CONFIDENCE."""
    return SMALL_HALF_CONFIDENCE if _small_on_digit_page(candidate, page_of_digits) else LOOSE_HALF_CONFIDENCE


def unsure_half_bar(candidate: Candidate, page_of_digits: bool) -> float | None:
    """The least the other half of a cut of ``candidate``, a blob read as no digit, may read
    where one half reads :func:`loose_bar` surely: CONTEXT_MIN_CONFIDENCE for a blob at most
    SMALL_PAIR_PX tall on a page of digits, whose half read under ``min_confidence`` then
    goes to the word context as any unsure blob does, and is read there beside the sure
    half; else None (both halves at the loose bar)."""
    return CONTEXT_MIN_CONFIDENCE if _small_on_digit_page(candidate, page_of_digits) else None


def half_height_ratio(candidate: Candidate, page_of_digits: bool) -> float:
    """The least height of a cut's shorter half over its taller's: lower for a blob at most
    SMALL_PAIR_RATIO_PX tall on a page of digits, whose small digits differ more in height
    than an h's halves do. Dark parts (:func:`dark_parts`) keep MIN_HALF_HEIGHT_RATIO."""
    small = page_of_digits and candidate.box[3] <= SMALL_PAIR_RATIO_PX
    return SMALL_PAIR_HEIGHT_RATIO if small else MIN_HALF_HEIGHT_RATIO


def _small_on_digit_page(candidate: Candidate, page_of_digits: bool) -> bool:
    return page_of_digits and candidate.box[3] <= SMALL_PAIR_PX


def choose_split(
    whole_confidence: float,
    halves: list[tuple[tuple[int, float], tuple[int, float]]],
    min_confidence: float,
    lefts: Sequence[Candidate] | None = None,
    loose: float = LOOSE_HALF_CONFIDENCE,
    unsure: float | None = None,
) -> int | None:
    """Index of the cut to take, or None to read the blob whole.

    ``halves`` holds, per cut, the (label, confidence) of its left and right half. Only a
    blob the model does not read confidently as one digit (below SPLIT_WHEN_WHOLE_BELOW)
    is cut: halves of a wide 0 or a flat 2 can each pass as a confident 1 or 7. A cut wins
    when both halves are very confident digits (:func:`least_half_confidence`, at ``loose``),
    or where ``unsure`` is given (:func:`unsure_half_bar`) one of them is and the other reads
    at least ``unsure``, and together (the product of their confidences) they beat the whole
    blob's reading, whose confidence counts only if it is at least ``min_confidence``. A cut
    whose left half (``lefts``, one per cut) reads as a one is taken only as :func:`leading_one_may_win`
    allows, and never without ``lefts``: a letter's stem on the left is how K, k, h, n, H,
    N, M, R and E come apart into a one and a digit (1+4, 1+7, 1+1).
    """
    if not worth_cutting(whole_confidence):
        return None
    best, best_score = None, whole_score(whole_confidence, min_confidence)
    for i, ((left_label, left), (right_label, right)) in enumerate(halves):
        labels = (left_label, right_label)
        least = least_half_confidence(whole_confidence, labels, loose)
        other = least if unsure is None or not _loose_pair(whole_confidence, labels) else unsure
        first = None if lefts is None else lefts[i]
        # least and other are as high bars as left_half_may_win's, or higher.
        if max(left, right) < least or min(left, right) < other:
            continue
        if not first_part_may_lead(whole_confidence, labels, first):
            continue
        score = left * right
        if score > best_score:
            best, best_score = i, score
    return best


def split_touching(
    candidates: list[Candidate],
    labels: np.ndarray,
    confidences: np.ndarray,
    classify: Classify,
    min_confidence: float,
    min_height: float,
    page_of_digits: bool = False,
) -> tuple[list[Digit], list[Digit]]:
    """The frame's digits, with wide blobs that were not read surely as one digit tried as
    two touching ones, and the blobs not read surely as digits, with their likeliest digit
    and its probability (letters, or digits the word context reads).

    Args:
        candidates: the frame's blobs, and ``labels`` and ``confidences``, their readings.
        classify: reads the cuts' halves, the stacked parts and the dark parts.
        min_confidence: a reading at least this sure is a digit.
        min_height: the least height of a digit, in px (the least a stacked or dark part is read).
        page_of_digits: whether the frame is a page of digits, whose small blobs' parts need
            to read less surely (:func:`loose_bar`) and whose tall blobs come apart into
            pieces side by side too (:func:`~camdigits.recognition.stacks.stacked_readings`).

    The cuts of all such blobs are classified together, and only for frames that have
    such a blob: classifying the cuts of every wide blob up front would add up to two
    dozen patches per wide blob (a 0, a flat 2) to every frame. Their left halves go to
    the classifier first, then, in a second call, the right halves of only the cuts
    whose left half may win (:func:`left_half_may_win`): the others cannot be taken
    whatever their right half reads. Most cuts of a blob that is one digit end there. The
    blobs still read as no digit then go, as their :func:`dark_parts`, to one more call.
    """
    readings: list[list[Reading]] = [
        [(c, int(label), float(confidence))] for c, label, confidence in zip(candidates, labels, confidences)
    ]
    unsure = [i for i in range(len(candidates)) if worth_cutting(float(confidences[i]))]
    bars = {i: loose_bar(candidates[i], page_of_digits) for i in unsure}
    unsure_bars = {i: unsure_half_bar(candidates[i], page_of_digits) for i in unsure}
    stacked = stacked_readings(candidates, confidences, unsure, classify, min_confidence, min_height, page_of_digits)
    for i, parts in stacked.items():
        readings[i] = parts
    tried = [
        (i, pairs)
        for i in unsure
        if i not in stacked
        and (pairs := propose_splits(candidates[i], half_height_ratio(candidates[i], page_of_digits)))
    ]
    if tried:
        left_labels, left_confidences = classify([left for _, pairs in tried for left, _ in pairs])
        lefts = iter(zip(left_labels.tolist(), left_confidences.tolist()))
        may_win = [
            [(pair, left) for pair, left in zip(pairs, lefts) if left_half_may_win(*left, bars[i], unsure_bars[i])]
            for i, pairs in tried
        ]
        right_labels, right_confidences = classify([pair[1] for cuts in may_win for pair, _ in cuts])
        rights = iter(zip(right_labels.tolist(), right_confidences.tolist()))
        for (i, _), cuts in zip(tried, may_win):
            halves = [(left, next(rights)) for _, left in cuts]
            lefts_of_cuts = [pair[0] for pair, _ in cuts]
            chosen = choose_split(float(confidences[i]), halves, min_confidence, lefts_of_cuts, bars[i], unsure_bars[i])
            if chosen is not None:
                readings[i] = [(half, *reading) for half, reading in zip(cuts[chosen][0], halves[chosen])]
    parted = [
        (i, parts)
        for i in unsure
        if i not in stacked
        and len(readings[i]) == 1
        and confidences[i] < NO_DIGIT_BELOW
        and (parts := dark_parts(candidates[i], min_height))
    ]
    held: list[Reading] = []  # parts that go to the word context unsure, however surely read
    for (i, parts), got in zip(parted, _read_parts(parted, classify)):
        if dark_parts_win(float(confidences[i]), got, parts, bars[i]):
            readings[i] = _kept_and_left(parts, got, [True] * len(parts))[0]
        elif unsure_bars[i] is not None:  # a small blob on a page of digits
            sure = sure_dark_parts(float(confidences[i]), got, parts, bars[i])
            if any(sure):
                readings[i], left = _kept_and_left(parts, got, sure)
                held += left
    flat = [reading for blob_readings in readings for reading in blob_readings]
    digits, unsure = _sure_and_unsure(flat, min_confidence)
    return digits, unsure + _digits(held)
