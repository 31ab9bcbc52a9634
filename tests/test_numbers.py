"""Grouping digits into numbers read left to right."""

import numpy as np
import pytest

from camdigits.config import MAX_OVERLAP, WORD_MAX_OVERLAP, Config
from camdigits.recognition.numbers import group_numbers, word_neighbours
from camdigits.types import Digit

CONFIG = Config()


def row(labels, x=10, y=100, h=40, w=25, gap=8, slope=0.0):
    """Digits in a row: ``gap`` px apart, each ``slope`` px lower than the last."""
    digits = []
    for i, label in enumerate(labels):
        digits.append(Digit(label=label, confidence=0.9, box=(x, int(y + i * slope), w, h)))
        x += w + gap
    return digits


@pytest.mark.parametrize(
    "digits, expected",
    [
        ([], []),
        (row([7]), ["7"]),
        (row([2, 0, 2, 6]), ["2026"]),
        (row([2, 0, 2, 6])[::-1], ["2026"]),  # input order does not matter
        (row([1, 2], gap=60), ["1", "2"]),  # far apart: two numbers
        (row([4, 0, 7], slope=6), ["407"]),  # a sloping line
        (row([1, 2], gap=-5), ["12"]),  # slightly touching
        (row([3, 4]) + row([5, 6], y=200), ["34", "56"]),  # two lines, top first
        (row([9], h=40) + row([8], x=43, h=12, w=8), ["9", "8"]),  # very different heights
        (row([1, 2, 3], gap=10) + row([4, 5], x=200), ["123", "45"]),
        # A space of 0.9 digit heights between groups, 0.2 within them: "555 0199".
        (row([5, 5, 5]) + row([0, 1, 9, 9], x=10 + 3 * 33 - 8 + 36), ["555", "0199"]),
        (row([4, 2], gap=20), ["42"]),  # half a height apart: one number
    ],
    ids=[
        "empty",
        "one",
        "year",
        "shuffled",
        "apart",
        "slope",
        "touching",
        "two-lines",
        "heights",
        "two-in-a-row",
        "spaced-groups",
        "half-height-gap",
    ],
)
def test_group_numbers(digits, expected):
    numbers = group_numbers(digits, CONFIG)
    assert [n.text for n in numbers] == expected
    assert sum(len(n.digits) for n in numbers) == len(digits)


def test_number_box_and_confidence():
    digits = row([1, 9], gap=5)
    (number,) = group_numbers(digits, CONFIG)
    assert number.box == (10, 100, 55, 40)
    assert number.confidence == pytest.approx(0.81)
    assert number.digits == tuple(digits)


def test_a_one_under_the_bar_of_the_seven_after_it_reads_first():
    # "17" where the 7's bar reaches back over the 1: the 1's box lies in the left part of
    # the 7's. Ordered by left edge, the 7 came first and the two were never linked.
    seven = Digit(label=7, confidence=0.99, box=(10, 100, 30, 40))
    one = Digit(label=1, confidence=0.99, box=(12, 106, 5, 34))
    (number,) = group_numbers([seven, one], CONFIG)
    assert number.text == "17"


def _link_cost_reference(left, right, config, max_overlap=MAX_OVERLAP):
    """The neighbour rule pair by pair, as first written: the gap in heights, or None."""
    lx, ly, lw, lh = left
    rx, ry, rw, rh = right
    height = max(lh, rh)
    gap = (rx - (lx + lw)) / height
    if not -max_overlap <= gap <= config.max_gap:
        return None
    if rx + rw / 2 <= lx + lw / 2:
        return None
    if abs((ly + lh / 2) - (ry + rh / 2)) > config.max_centre_offset * height:
        return None
    if min(lh, rh) < config.min_height_ratio * height:
        return None
    return gap


@pytest.mark.parametrize("word", [False, True])
@pytest.mark.parametrize("seed", range(5))
def test_links_match_the_pairwise_rule(seed, word):
    """The array form of the neighbour rule finds the same links, at the same costs, in the
    same order as testing every ordered pair in turn, whatever order the boxes come in; for a
    word's letters too, whose heights and centres may lie further apart. The layout holds a
    narrow box in the left part of a wider one (an i's stem under its dot joined to the t),
    which links to the wider one although it starts no earlier."""
    import dataclasses

    import numpy as np

    from camdigits.recognition.numbers import _links

    limits = (
        (CONFIG.word_centre_offset, CONFIG.word_height_ratio, WORD_MAX_OVERLAP)
        if word
        else (CONFIG.max_centre_offset, CONFIG.min_height_ratio, MAX_OVERLAP)
    )
    reference = dataclasses.replace(CONFIG, max_centre_offset=limits[0], min_height_ratio=limits[1])
    rng = np.random.default_rng(seed)
    boxes = [
        (int(rng.integers(0, 600)), int(rng.integers(0, 440)), int(rng.integers(5, 40)), int(rng.integers(10, 60)))
        for _ in range(40)
    ] + [(300, 460, 28, 43), (300, 480, 4, 17)]  # the dotted t, then the i's stem
    expected = sorted(
        (cost, i, j)
        for i in range(len(boxes))
        for j in range(len(boxes))
        if i != j and (cost := _link_cost_reference(boxes[i], boxes[j], reference, limits[2])) is not None
    )
    assert expected  # the layout has links to find
    if word:  # the stem (41) links to the t (40), listed before it
        assert any((i, j) == (41, 40) for _, i, j in expected)
    assert _links(np.array(boxes, np.float64), CONFIG.max_gap, *limits) == expected


def test_word_neighbours_are_linked_as_a_word_s_letters_within_the_gap_given():
    """An x-height letter's neighbours: an ascender a pixel right of it and one 3 px left
    (within 0.3 of the taller's 30 px), not one a word space away, nor a speck a fifth of
    its height."""
    a = (100, 116, 12, 14)
    boxes = np.array([(113, 100, 10, 30), (85, 100, 12, 30), (140, 100, 10, 30), (95, 125, 3, 3)], np.float64)
    assert word_neighbours(a, boxes, Config(), 0.3) == [0, 1]


def test_a_letter_under_a_capital_s_bar_links_as_a_word_s_letter_only():
    """The o of "Total" (field letters among digits, page 39 at 640x480) stands under the
    T's bar, its box 0.48 of the T's height inside the T's: a word's letter off a page of
    digits may overlap so (WORD_MAX_OVERLAP), a number's digit not (MAX_OVERLAP), and the
    "tal" after it then links to the o, not to the T."""
    from camdigits.recognition.numbers import link_chains

    t, o, tal = (412, 18, 31, 31), (428, 30, 14, 17), (442, 13, 48, 36)
    boxes = np.array([t, o, tal], np.float64)
    assert link_chains(boxes, CONFIG, word=True, max_overlap=WORD_MAX_OVERLAP) == [[0, 1, 2]]
    assert link_chains(boxes, CONFIG, word=True) != [[0, 1, 2]]
