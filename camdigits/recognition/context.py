"""Word context: a blob read as a digit among letters is part of a word, not a digit.

A patch cannot tell a handwritten "e" from an 8 or a "y" from a 4 with certainty, but the
writing around it can: a run of blobs on one line (linked as a word's letters are, more
loosely than a number's digits, :func:`camdigits.recognition.numbers.link_chains`) with at
least as many letters as digits is text. A letter here is a blob the classifier did not read
surely as a digit; joined-up writing too wide to be one, which counts as many letters as it
is heights wide; or a blob read as a digit but far shorter than the run's tallest blobs, on
their baseline: the digits of one number share a height, while a word's x-height letters (a,
o, e) stand beside its ascenders (l, t) at about half to two thirds of their height; but
digits under half their height, all on one side of the tall ones, are a number of a second
size beside a heading (:func:`_two_sizes`). A nine or a four level at its top with the run's
x-height letters and hanging below their baseline is a g, q or y (:func:`_descenders`). A
lone ambiguous glyph next to digits (an O in "2O26") stays a digit, since its run has more
digits than letters. Among two letters or more, in a run whose blobs stand at two heights, a
one or a zero (written as l, I, i, O, o are) counts half a digit (:func:`_letterlike_run`).
Digits that stand between two letters (the 5 5 0 of "lesson" read as 1 e 5 5 0 n) are
letters too when the run's other digits are fewer than its letters: a number does not stand
inside a word; nor does a digit at the word's end, a letter's gap from it (the 1 there). A
joined-up word is a run of writing by itself when it is as wide as a run's least number of
blobs (the "D" before "inner" is a letter), while a blob two letters wide may as well be two
touching digits. A run of two blobs is too short to be judged, but on a page of writing
(letters weighing TEXT_PAGE times its digits) a one or a zero beside a single letter is
that word's l or o ("tota l"). On a page of digits (:func:`is_page_of_digits`) a run is
text only where its letters outweigh its digits: there an unread blob is as often a digit
read unsurely or a grid's piece as a letter. A blob the letter network reads as a letter
(LETTER_SHARE) is one where it stands a letter's gap from a word's letters:
a joined-up word, an unread blob it reads as a letter, or a digit taken so before it
(:func:`_letters_beside_words`: "sugar" read as 5 4 9 + "ar"); off a page of digits, in a run
too short to be judged, such a digit is a letter all the same (the D of "DAMP", read as 0
beside "AMP").
Ones and zeros, two or more and no other digit in their run, are taken as read so beside
a word or a letter that is no digit to the digit network either (:func:`_only_letterlike`:
the l l of "Call").
On a page of digits MNIST's odd shapes (a 6 like an L, a 4 like a Y) read as letters to
it, and the ones-and-zeros rule is off: there an unread blob is a letter only where the
digit network reads it as no digit too, and a run's letters count only where they are
PAGE_OF_DIGITS_WORD_LETTERS or more. "Name" among numbers, its N and m unread, its a read as 2
and its e cut into 6 3, is three letters against two digits; "116", its 11 merged into one
unread blob, is two letters and stays a number.

Context also reads: a blob read as a digit less surely than a digit needs, but at least
CONTEXT_MIN_CONFIDENCE surely (a small one: the caller's ``small_min_confidence``),
is a digit when its run links it to CONTEXT_SURE_DIGITS digits read surely (a faint 3 in
"2036"), or to one on a page of digits (:func:`is_page_of_digits`), and a letter otherwise;
and which of the blobs the grain check set aside stand in runs of digits
(:func:`in_runs_of_digits`).

A frame that reads only ones, several of them, has no writing in it at all
(:func:`without_only_ones`).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Collection, Iterator, Sequence

import numpy as np

from camdigits.config import (
    ASCENDER,
    BASELINE,
    CONTEXT_MIN_CONFIDENCE,
    CONTEXT_SMALL_PX,
    CONTEXT_SURE_DIGITS,
    DESCENDER_LABELS,
    DESCENT,
    DIGIT_PAGE,
    GRAINY_RUN,
    LETTER_GAP,
    LETTER_MIN_WIDTH,
    LETTERLIKE,
    LETTERLIKE_AMONG,
    LETTERLIKE_LETTERS,
    LETTERLIKE_WEIGHT,
    LONE_ONE_HEIGHT,
    MAX_OVERLAP,
    ONLY_ONES,
    PAGE_OF_DIGITS_MIN_DIGITS,
    PAGE_OF_DIGITS_WORD_LETTERS,
    SIZE_STEP_DIGITS,
    TEXT_PAGE,
    WORD_HEIGHT_RATIO_OFF_DIGIT_PAGE,
    WORD_MAX_OVERLAP,
    X_HEIGHT,
    X_HEIGHT_BESIDE_ONES,
    Config,
)
from camdigits.recognition.candidates import Word
from camdigits.recognition.numbers import link_chains
from camdigits.types import Box, Digit, Number


def read_in_context(
    digits: Sequence[Digit],
    unsure: Sequence[Digit],
    config: Config,
    sure_digits: int = CONTEXT_SURE_DIGITS,
    small_min_confidence: float = CONTEXT_MIN_CONFIDENCE,
) -> tuple[list[Digit], list[Box]]:
    """The ``digits`` (read surely), with those of ``unsure`` (the frame's other blobs, with
    their likeliest digit) read at least CONTEXT_MIN_CONFIDENCE surely (a blob CONTEXT_SMALL_PX
    tall and no wider than tall: ``small_min_confidence``) that a run of writing links to
    ``sure_digits`` of ``digits``; and the boxes of the rest, letters."""
    least, most = CONTEXT_SMALL_PX

    def bar(box: Box) -> float:
        small = least <= box[3] <= most and box[2] <= box[3]
        return small_min_confidence if small else CONTEXT_MIN_CONFIDENCE

    maybe = [k for k, d in enumerate(unsure) if d.confidence >= bar(d.box)]
    if not maybe or len(digits) < sure_digits:
        return list(digits), [d.box for d in unsure]
    read: set[int] = set()  # indices into ``unsure``
    for sure, linked in _runs(digits, [unsure[k].box for k in maybe], config):
        if sure >= sure_digits:
            read.update(maybe[j] for j in linked)
    return (
        list(digits) + [unsure[k] for k in sorted(read)],
        [d.box for k, d in enumerate(unsure) if k not in read],
    )


def in_runs_of_digits(digits: Sequence[Digit], others: Sequence[Digit], config: Config) -> list[int]:
    """Indices of ``others`` in a run of writing (linked as a number's digits are) of at least
    GRAINY_RUN of ``digits`` and ``others`` together."""
    if not others:
        return []
    runs = _runs(digits, [d.box for d in others], config)
    return sorted(j for sure, linked in runs if sure + len(linked) >= GRAINY_RUN for j in linked)


def _runs(digits: Sequence[Digit], others: Sequence[Box], config: Config) -> Iterator[tuple[int, list[int]]]:
    """Each run of writing (linked as a number's digits are) of ``digits`` and the boxes
    ``others``: how many of ``digits`` it holds, and the indices into ``others`` of those it holds."""
    sure = len(digits)
    for chain in link_chains(np.array([d.box for d in digits] + list(others), np.float64), config):
        yield sum(i < sure for i in chain), [i - sure for i in chain if i >= sure]


def letter_weights(letters: Sequence[Box], words: Sequence[Word] = ()) -> np.ndarray:
    """How many letters each of ``letters`` (boxes of blobs not read as digits) and then of
    ``words`` counts for: as many as it is heights wide, at least one. A joined-up word is
    measured by its x-height, not by its box with its ascenders; a loose one counts one (a
    print hand's touching "ar", a 2 with a long tail)."""
    boxes = np.array(list(letters) + [word.box for word in words], np.float64).reshape(-1, 4)
    heights = np.concatenate([boxes[: len(letters), 3], [word.x_height for word in words]])
    weights = np.maximum(1, np.rint(boxes[:, 2] / heights))
    weights[len(letters) :][[word.loose for word in words]] = 1
    return weights


def is_page_of_digits(digit_count: int, letters: Sequence[Box], words: Sequence[Word] = ()) -> bool:
    """Whether a frame with ``digit_count`` blobs read surely as digits, and ``letters`` and
    ``words`` besides, is a page of digits: its letters weigh DIGIT_PAGE times its digits or
    less (:func:`letter_weights`), and it holds PAGE_OF_DIGITS_MIN_DIGITS digits or more. A
    page of words is not, nor one of words with a number here and there, nor a word alone
    whose letters read as digits."""
    if digit_count < PAGE_OF_DIGITS_MIN_DIGITS:
        return False
    return float(letter_weights(letters, words).sum()) <= DIGIT_PAGE * digit_count


def drop_text(
    digits: Sequence[Digit],
    letters: Sequence[Box],
    config: Config,
    words: Sequence[Word] = (),
    page_of_digits: bool = False,
    read_as_letters: Callable[[list[Box]], Collection[Box]] | None = None,
    no_digit: Callable[[Box], bool] | None = None,
) -> list[Digit]:
    """The ``digits`` that do not stand in a run of writing made mostly of ``letters`` (the
    boxes of the frame's blobs that were not read as digits) and joined-up ``words``; on a
    ``page_of_digits`` a tie between a run's letters and digits leaves the digits.
    ``read_as_letters`` (the letter network, if given) says which of the boxes of digits and
    letters it is asked about, in runs of both, read as letters, and ``no_digit`` (used with
    it) which of the letters the digit network reads as no digit at all (see the module's
    docstring)."""
    if not digits or not (letters or words):
        return list(digits)
    boxes = np.array([d.box for d in digits] + list(letters) + [word.box for word in words], np.float64)
    weight = np.ones(len(boxes))
    weight[len(digits) :] = letter_weights(letters, words)
    # Runs hold a few blobs each: plain Python on lists is several times faster than numpy here.
    weights, heights, tops = weight.tolist(), boxes[:, 3].tolist(), boxes[:, 1].tolist()
    labels = [d.label for d in digits]
    bottoms = (boxes[:, 1] + boxes[:, 3]).tolist()
    # The blobs a word's x-height is read from: letters as wide as an a or an e, no joined-up word.
    x_letters = [
        len(digits) <= i < len(digits) + len(letters) and w >= LETTER_MIN_WIDTH * h
        for i, (w, h) in enumerate(zip(boxes[:, 2].tolist(), heights))
    ]
    keep = [True] * len(digits)
    text_page = sum(weights[len(digits) :]) >= TEXT_PAGE * len(digits)
    # Off a page of digits a letter may stand under a capital's bar, and an x-height letter
    # lower beside an ascender; on one, a box that far inside another is a stacked or merged
    # piece of writing, and a blob that short beside a digit a tick or a dash.
    chains = link_chains(
        boxes,
        config,
        word=True,
        max_overlap=MAX_OVERLAP if page_of_digits else WORD_MAX_OVERLAP,
        word_height_ratio=None if page_of_digits else min(config.word_height_ratio, WORD_HEIGHT_RATIO_OFF_DIGIT_PAGE),
    )

    def no_digit_at(i: int) -> bool:
        return no_digit is not None and no_digit(_box(boxes[i]))

    def grows_letters(chain: list[int]) -> bool:
        # On a page of digits a run's letters grow only from its words and unread blobs no digit to the digit network.
        anchors = (i >= len(digits) + len(letters) or (i >= len(digits) and no_digit_at(i)) for i in chain)
        return len(chain) >= PAGE_OF_DIGITS_WORD_LETTERS and any(anchors)

    as_letters: Collection[Box] = ()
    if read_as_letters is not None:
        # One call of the network, on the digits and unread blobs of runs that hold both.
        mixed = [chain for chain in chains if min(chain) < len(digits) <= max(chain)]  # digits and others
        if page_of_digits:
            mixed = [chain for chain in mixed if grows_letters(chain)]  # a worksheet's runs cost 10-20 % more else
        asked = [_box(boxes[i]) for chain in mixed for i in chain if i < len(digits) + len(letters)]
        as_letters = read_as_letters(asked) if asked else ()

    def beside_words(chain: list[int]) -> list[bool]:
        # Which of the run's blobs are letters of a word, by the letter network (see the module's docstring).
        lefts, rights = [boxes[i, 0] for i in chain], [boxes[i, 0] + boxes[i, 2] for i in chain]
        read = [_box(boxes[i]) in as_letters for i in chain]
        kinds = [i < len(digits) for i in chain], [i >= len(digits) + len(letters) for i in chain]
        run_heights = [heights[i] for i in chain]
        if page_of_digits:
            read = [as_letter and (i < len(digits) or no_digit_at(i)) for as_letter, i in zip(read, chain)]
            letter = _letters_beside_words(*kinds, read, lefts, rights, run_heights)
            return letter if sum(letter) >= PAGE_OF_DIGITS_WORD_LETTERS else [False] * len(chain)
        letter = _letters_beside_words(*kinds, read, lefts, rights, run_heights)
        if _only_letterlike([labels[i] for i in chain if i < len(digits)]):
            # "Ca" 1 1: its ones and zeros are letters beside a word, or a letter no digit to either network.
            grown = [i < len(digits) or (as_letter and no_digit_at(i)) for as_letter, i in zip(read, chain)]
            letter = [a or b for a, b in zip(letter, _letters_beside_words(*kinds, grown, lefts, rights, run_heights))]
        return letter

    for chain in chains:
        if max(len(chain), *(weights[i] for i in chain)) < config.word_min_blobs:
            if text_page:
                for i in _letterlike_beside_a_letter(chain, labels, heights, config.min_height_ratio):
                    keep[i] = False
            if as_letters and not page_of_digits and min(chain) < len(digits) <= max(chain):  # "D" + "AMP"
                for i, letter in zip(chain, beside_words(chain)):
                    if i < len(digits) and letter:
                        keep[i] = False
            continue
        is_digit = [i < len(digits) for i in chain]
        run_heights = [heights[i] for i in chain]
        run_tops, run_bottoms = [tops[i] for i in chain], [bottoms[i] for i in chain]
        run_labels = [labels[i] if digit else None for i, digit in zip(chain, is_digit)]
        short = _at_x_height(run_heights, run_tops, run_bottoms, run_labels)
        if _two_sizes(short, is_digit, run_heights, config.min_height_ratio):
            short = [False] * len(chain)
        hanging = _descenders(run_labels, [x_letters[i] for i in chain], run_heights, run_tops, run_bottoms)
        short = [low or hangs for low, hangs in zip(short, hanging)]  # counted as letters, as x-height ones are
        if as_letters and not all(is_digit):
            short = [low or (digit and letter) for low, digit, letter in zip(short, is_digit, beside_words(chain))]
        letters_weight = sum(weights[i] for i, digit, low in zip(chain, is_digit, short) if low or not digit)
        run_digits = [labels[i] for i, digit, low in zip(chain, is_digit, short) if digit and not low]
        # On a page of digits, a tie leaves the digits (see the module's docstring).
        outweighed = letters_weight > len(run_digits) if page_of_digits else letters_weight >= len(run_digits)
        if outweighed or _letterlike_run(letters_weight, run_digits, is_digit, run_heights):
            for i, digit in zip(chain, is_digit):
                if digit:
                    keep[i] = False
        else:
            # Digits inside a word ("lesson" read as 1 e 5 5 0 n), in a run whose other
            # digits are fewer than its letter blobs: a number with two misread digits in
            # it ("4 ? 1 ? 4") has as many. So are the digits at the word's ends a letter's gap
            # from it (the 1 there); a number a word space after it ("ROOM 7", its O's read
            # as 0 0), in the same run, stays.
            inside, digit_count = _between_letters(is_digit), sum(is_digit)
            if digit_count - len(inside) < len(is_digit) - digit_count:
                lefts, rights = [boxes[i, 0] for i in chain], [boxes[i, 0] + boxes[i, 2] for i in chain]
                for k in _joined_to_the_word(is_digit, inside, lefts, rights, run_heights):
                    keep[chain[k]] = False
    return [d for d, kept in zip(digits, keep) if kept]


def _letterlike_run(letters_weight: float, labels: list[int], is_digit: list[bool], heights: list[float]) -> bool:
    """Whether a run of writing whose letters (``letters_weight``) do not outweigh its digits
    read as ``labels`` (the run's blobs are digits as ``is_digit`` says, and have these
    ``heights``) is text all the same: with LETTERLIKE_AMONG or more blobs not read as digits
    and blobs of two heights, where each digit that a letter is written as (LETTERLIKE: O o,
    l I i) counts LETTERLIKE_WEIGHT of one and the letters outweigh them ("little" read as
    1 1 tt 1 e: two letters, three ones, and the e under ASCENDER of the l's height). A
    number's digits stand at one height, its unread ones too ("0 6 4 0 9" with an open 6 and
    its 4 unread)."""
    if is_digit.count(False) < LETTERLIKE_AMONG or min(heights) >= ASCENDER * max(heights):
        return False
    return letters_weight >= sum(LETTERLIKE_WEIGHT if label in LETTERLIKE else 1.0 for label in labels)


def _letterlike_beside_a_letter(
    chain: list[int], labels: list[int], heights: list[float], min_height_ratio: float
) -> list[int]:
    """The digit of a run of two blobs (``chain``: indices into ``heights``, those under
    ``len(labels)`` digits read as ``labels``) that are a letter and a digit letters are
    written as (LETTERLIKE), the digit at least ``min_height_ratio`` of the letter's height:
    a word's l or o stands beside its letters, any of them as short as an x-height letter,
    but a one beside a drawn box is no letter of it."""
    digits = [i for i in chain if i < len(labels)]
    if len(chain) != 2 or len(digits) != 1 or labels[digits[0]] not in LETTERLIKE:
        return []
    (letter,) = (i for i in chain if i >= len(labels))
    return digits if heights[digits[0]] >= min_height_ratio * heights[letter] else []


def _descenders(
    labels: list[int | None], x_letters: list[bool], heights: list[float], tops: list[float], bottoms: list[float]
) -> list[bool]:
    """Which blobs of a run (read as ``labels``, None for no digit) are a g, q or y read as a
    digit of DESCENDER_LABELS: their tops level with the run's ``x_letters`` (its letters as
    wide as an a or an e) within BASELINE of those letters' height, their feet DESCENT of it
    or more under those letters' baseline. A number's digits stand on one line with its
    unread ones; "eggs" read as e 9 9 5 has two nines hanging under the e."""
    letters = [k for k, is_letter in enumerate(x_letters) if is_letter]
    if not letters:
        return [False] * len(labels)
    x_line = statistics.median(tops[k] for k in letters)
    baseline = statistics.median(bottoms[k] for k in letters)
    x_height = statistics.median(heights[k] for k in letters)
    return [
        label in DESCENDER_LABELS
        and abs(top - x_line) <= BASELINE * x_height
        and bottom - baseline >= DESCENT * x_height
        for label, top, bottom in zip(labels, tops, bottoms)
    ]


def without_only_ones(digits: Sequence[Digit]) -> list[Digit]:
    """The ``digits``, or none where ONLY_ONES of them or more are all ones: a straight
    stroke reads as a one, and a frame of strokes without one other digit among them is
    lines (wood grain, a faint grid, a fence), or the stems of a page of words."""
    if len(digits) >= ONLY_ONES and all(d.label == 1 for d in digits):
        return []
    return list(digits)


def without_short_lone_ones(numbers: Sequence[Number]) -> list[Number]:
    """The ``numbers`` of a ruled or squared page without those that are one digit, a one,
    under LONE_ONE_HEIGHT of the median height of the page's digits (counted where it has
    three or more): the pieces of a grid's upright lines that the rule erase leaves read as
    ones, one cell tall among digits written two cells tall, apart from any number."""
    heights = [d.box[3] for number in numbers for d in number.digits]
    if len(heights) < 3:
        return list(numbers)
    least = LONE_ONE_HEIGHT * statistics.median(heights)
    return [n for n in numbers if not (len(n.digits) == 1 and n.digits[0].label == 1 and n.digits[0].box[3] < least)]


def _at_x_height(heights: list[float], tops: list[float], bottoms: list[float], labels: list[int | None]) -> list[bool]:
    """Which blobs of a run (their heights, top and bottom edges, and what they read as:
    ``labels``, None for no digit) stand at a word's x-height: under X_HEIGHT of the run's
    tallest (X_HEIGHT_BESIDE_ONES where its blobs of the full height are two ones or more,
    as a word's l's read, and letters), in a run with at least two blobs of the full height
    (a word's ascenders or descenders; a lone tall blob is more often two digits merged
    across lines), and on the run's baseline (beside ascenders: "late") or under its x-line
    (beside descenders, whose tops stand there: "gray")."""
    tallest = max(heights)
    tall = [h >= ASCENDER * tallest for h in heights]
    tall_labels = [label for label, high in zip(labels, tall) if high]
    beside_ones = tall_labels.count(1) >= 2 and all(label in (1, None) for label in tall_labels)
    short = [h < (X_HEIGHT_BESIDE_ONES if beside_ones else X_HEIGHT) * tallest for h in heights]
    if not any(short) or sum(tall) < 2:
        return [False] * len(heights)
    baseline, x_line, near = statistics.median(bottoms), statistics.median(tops), BASELINE * tallest
    return [
        low and (abs(bottom - baseline) <= near or abs(top - x_line) <= near)
        for low, top, bottom in zip(short, tops, bottoms)
    ]


def _two_sizes(short: list[bool], is_digit: list[bool], heights: list[float], min_height_ratio: float) -> bool:
    """Whether a run's blobs at x-height (``short``, see :func:`_at_x_height`) are a number of
    a second size, not a word's letters: all on one side of the run's tall blobs, and among
    them SIZE_STEP_DIGITS digits or more under ``min_height_ratio`` of the tallest blob's
    height (too short to link to it as a number's digits do: ``heights`` are the run's).
    A word's x-height letters stand among its ascenders (D a t e); a heading number and the
    smaller one written beside it, each on its own side. Short digits of about half the
    tallest's height stay letters wherever they stand (the o o of "Bloom")."""
    if sum(a != b for a, b in zip(short, short[1:])) != 1:
        return False
    least = min_height_ratio * max(heights)
    return sum(low and digit and h < least for low, digit, h in zip(short, is_digit, heights)) >= SIZE_STEP_DIGITS


def _joined_to_the_word(
    is_digit: list[bool], inside: list[int], lefts: list[float], rights: list[float], heights: list[float]
) -> list[int]:
    """Positions in a run of the digits that belong to its word: those ``inside`` it, and a
    digit at either end of that word within LETTER_GAP of the taller's height of it (the S
    of "Sugar" read as 5). A number a word space from the word ("ROOM 7") stays."""
    word = set(inside) | {k for k, digit in enumerate(is_digit) if not digit}
    first, last = min(word), max(word)
    joined = list(inside)
    for step, k in ((-1, first), (1, last)):
        while 0 <= k + step < len(is_digit) and is_digit[k + step]:
            if not _a_letter_apart(k, k + step, lefts, rights, heights):
                break
            k += step
            joined.append(k)
    return joined


def _a_letter_apart(a: int, b: int, lefts: list[float], rights: list[float], heights: list[float]) -> bool:
    """Whether blobs ``a`` and ``b`` of a run (left to right) stand within LETTER_GAP of the
    taller's height of each other, as a word's letters do."""
    near, far = min(a, b), max(a, b)
    return lefts[far] - rights[near] <= LETTER_GAP * max(heights[near], heights[far])


def _box(row: np.ndarray) -> Box:
    x, y, w, h = (int(v) for v in row)
    return x, y, w, h


def _letters_beside_words(
    is_digit: list[bool],
    is_word: list[bool],
    read: list[bool],
    lefts: list[float],
    rights: list[float],
    heights: list[float],
) -> list[bool]:
    """Which blobs of a run (left to right: digits as ``is_digit`` says, joined-up words as
    ``is_word`` says, the blobs the letter network reads as letters as ``read`` says, with
    their left and right edges and heights) are letters of a word: a joined-up word, an
    unread blob read as a letter, and a digit read as a letter within LETTER_GAP of the
    taller's height of such a letter, one after another ("sugar" read as 5 4 9 + "ar": the g
    beside the "ar", then the u beside the g). A digit read as a letter beside other digits
    only, or a word space from the word, stays a digit; so does one beside an unread blob
    the letter network reads as a digit (a digit read unsurely)."""
    letter = [word or (not digit and as_letter) for digit, word, as_letter in zip(is_digit, is_word, read)]
    grown = True
    while grown:
        grown = False
        for k, (digit, as_letter) in enumerate(zip(is_digit, read)):
            if not digit or not as_letter or letter[k]:
                continue
            for m in (k - 1, k + 1):
                if not 0 <= m < len(letter) or not letter[m]:
                    continue
                if _a_letter_apart(k, m, lefts, rights, heights):
                    letter[k] = grown = True
                    break
    return letter


def _only_letterlike(labels: list[int]) -> bool:
    """Whether a run's digits, read as ``labels``, are LETTERLIKE_LETTERS or more, all ones
    and zeros (LETTERLIKE): each may be read as a letter, as the letter network's
    letters are, where it stands a letter's gap from a word's letters ("Call" read as "Ca"
    1 1: a stroke is an l or a one alike, and the letter network reads these l's as digits).
    ``drop_text`` lets them grow only from joined-up words and from letters that the digit
    network reads as no digit (NO_DIGIT_CONFIDENCE): a lone one, or a 0 1 beside an unread
    4 that the letter network reads as a letter, is as likely a number beside a digit read
    unsurely."""
    return len(labels) >= LETTERLIKE_LETTERS and all(label in LETTERLIKE for label in labels)


def _between_letters(is_digit: list[bool]) -> list[int]:
    """Positions in a run (``is_digit`` per blob, left to right) of the digits that stand
    between two letters with no other letter between them: the 5 5 0 of 1 e 5 5 0 n."""
    between: list[int] = []
    for k in range(1, len(is_digit)):
        if is_digit[k] or not is_digit[k - 1]:
            continue
        start = k - 1  # k is a letter after a digit: go back to the letter before that digit
        while start > 0 and is_digit[start - 1]:
            start -= 1
        if start > 0:
            between.extend(range(start, k))
    return between
