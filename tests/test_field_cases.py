"""The pages users hold up that the scene benchmark did not show: handwritten words, texture,
a ruled page at an angle, digits of very different sizes, European ones and crossed sevens,
and numbers written in spaced groups. Each is drawn here with real MNIST test digits and
handwriting fonts the model was never trained on (train.fonts.HELD_OUT_FAMILIES)."""

from __future__ import annotations

import math
from dataclasses import replace

import cv2
import numpy as np
import pytest

import camdigits.recognition.context as context
import camdigits.recognition.lines as lines
import camdigits.recognition.recognizer as recognizer_module
import camdigits.recognition.rules as rules
import camdigits.recognition.threshold as threshold
import camdigits.recognition.tilts as tilts
from bench.field.scene import render
from bench.metrics import iou
from camdigits.config import LEVEL_MIN_PX, RULE_TILT_MIN, RULE_TILT_RETRY, TEXTURE_FRAME_INK, Config
from camdigits.recognition.mask import to_gray
from camdigits.recognition.normalise import PageTilt
from camdigits.recognition.recognizer import Recognizer
from camdigits.recognition.rules import erase_rules
from camdigits.recognition.threshold import is_faint, threshold_mask, threshold_with_depth, to_dark_ink
from tests.pages import (
    PAPER,
    PEN,
    blank_page,
    marker_page,
    mnist_test,
    page_with_row,
    pen_stroke,
    thresholded,
    with_two_lines_joined,
    without_strokes_on_rules,
    write_digit,
)
from train.fonts import HELD_OUT_FAMILIES, draw_glyphs, fetch_font

# Of 100 test digits 12 / 14 px tall, blurred, at least this many read: 89 / 94 measured
# (2026-12-05), 86 / 93 without the small-digit network (with float32 weights and with int8).
# An earlier network read 74 / 87; 69 / 86 from their masks and grey levels only (before the
# turned readings of Recognizer.probabilities), 61 / 83 from their masks alone.
SMALL_12_PX_READ = 86
SMALL_14_PX_READ = 92
# 10 px tall: 69 read, 57 by the full network alone (2026-12-05).
SMALL_10_PX_READ = 66
SMALL_10_PX_GAIN = 8

# Words with no digit in them, among them the ones earlier models read as digits.
WORDS = (
    "every",
    "DAMP",
    "Harvey",
    "yes",
    "recheck",
    "sunny",
    "week",
    "Hey",
    "maybe",
    "green",
    "apple",
    "the",
    "reason",
    "Everyday",
    "hurry",
    "never",
    "eye",
    "why",
    "Ferry",
    "keep",
)


@pytest.fixture(scope="module")
def recognizer():
    return Recognizer()


def _first(label: int, skip: int = 0) -> int:
    _, labels = mnist_test()
    return int(np.flatnonzero(labels == label)[skip])


def _write_word(page: np.ndarray, word: str, font, x: int, y: int, size: int) -> int:
    """Dark ink ``word`` with its top-left at (x, y); returns the x after it."""
    glyphs = draw_glyphs(word, font, size, stroke_px=1)
    h, w = min(glyphs.shape[0], page.shape[0] - y), min(glyphs.shape[1], page.shape[1] - x)
    if h <= 0 or w <= 0:
        return page.shape[1]
    alpha = glyphs[:h, :w, None].astype(np.float32) / 255.0
    region = page[y : y + h, x : x + w].astype(np.float32)
    page[y : y + h, x : x + w] = (region * (1 - alpha) + PEN * alpha).astype(np.uint8)
    return x + glyphs.shape[1]


def words_page(family: str, seed: int, size: int = 40) -> np.ndarray:
    """A 640x480 page of handwritten words in one held-out font, no digit on it."""
    rng = np.random.default_rng(seed)
    font = fetch_font(family)
    page = blank_page()
    y = 20
    while y < 480 - 2 * size:
        x = 15
        while x < 640 - 4 * size:
            x = _write_word(page, str(rng.choice(WORDS)), font, x, y, size) + int(size * 0.6)
        y += int(size * 1.6)
    return page


def test_pages_of_handwritten_words_give_few_digits(recognizer):
    pages = [words_page(family, seed) for seed, family in enumerate(HELD_OUT_FAMILIES)]
    false_digits = [len(recognizer.recognize(page).digits) for page in pages]
    # Measured: 0.64 false digits per page (0.73 while a word's letters were linked as a
    # number's digits are, 0.82 while a joined-up word was no run of writing by itself, 0.91
    # while lines of print were erased as rules, 1.45 before joined-up words counted as
    # letters, 7.8 with the network before); the target, 0.1 a page, is not met.
    assert sum(false_digits) / len(pages) <= 0.7, false_digits


def _one_word(word: str, family: str, size: int, x: int = 150) -> np.ndarray:
    """A blank page with ``word`` written on it in ``family`` at ``size`` px."""
    page = blank_page()
    _write_word(page, word, fetch_font(family), x, 200, size)
    return page


# Words whose x-height letters, each alone, read as digits (o 0, a 2, s 5) while their
# ascenders read as letters or ones, in the held-out fonts where they did: "total" read 021,
# "tools" 0015, "halo" 210 and "Bolt" 80 before the word context knew x-height letters.
@pytest.mark.parametrize(
    "word, family",
    [("total", "yomogi"), ("tools", "delius"), ("tools", "yomogi"), ("halo", "yomogi"), ("Bolt", HELD_OUT_FAMILIES[9])],
)
def test_x_height_letters_beside_ascenders_are_not_digits(recognizer, word, family):
    assert recognizer.recognize(_one_word(word, family, 40, x=200)).digits == ()


# Words in the held-out fonts where a letter reads as a digit, each kept out by a rule of
# the word context:
# - a first letter a letter's gap from the rest, while digits inside the word are dropped
#   ("Sugar" as 5 with its u g a read as 9 2 or letters, "lesson" as 1): the word's too;
# - a first letter, an ascender, apart from the rest written joined-up ("l" + "ead", "b" +
#   "ead"; 1, 6): counted by its whole height, with the d's ascender, the joined-up part
#   weighs two letters, too few for a run of writing with the digit; by its x-height band,
#   three or four;
# - "little", its l, i and l read as ones and its tt and e as letters: counted whole, three
#   digits outvote two letters; a one or a zero weighs half a digit among two letters or
#   more, in a run of two heights (the e stands lower than the l's).
# - "eggs" read as e 9 9 5: its g's hang under the e's line (context._descenders).
# - "Call", "call" and "wall" read as 2 1 1 after a letter: the a stands at 0.72 of the l's
#   height, x-height beside a pair of ones (X_HEIGHT_BESIDE_ONES).
# - "total", "AND", "wool" and "tool" read as a joined-up piece and a 1 or a 0: a one or a
#   zero beside a single letter, on a page of writing, is its l or o (TEXT_PAGE).
@pytest.mark.parametrize(
    "word, family, size",
    [
        ("Sugar", "yomogi", 40),
        ("Sugar", "yomogi", 60),
        ("lesson", "delius", 40),
        ("lesson", "annie-use-your-telescope", 60),
        ("lead", "the-girl-next-door", 40),
        ("lead", "the-girl-next-door", 60),
        ("bead", "the-girl-next-door", 60),
        ("lead", "swanky-and-moo-moo", 60),
        ("little", "delius", 40),
        ("little", "yomogi", 40),
        ("eggs", "delius", 40),
        ("eggs", "yomogi", 60),
        ("eggs", "zen-kurenaido", 60),
        ("Call", "yomogi", 60),
        ("call", "yomogi", 60),
        ("wall", "delicious-handrawn", 60),
        ("total", "whisper", 60),
        ("AND", "the-girl-next-door", 40),
        ("wool", "delicious-handrawn", 40),
        ("tool", "zen-kurenaido", 40),
    ],
)
def test_a_letter_the_word_context_takes_back_is_not_a_digit(recognizer, word, family, size):
    assert recognizer.recognize(_one_word(word, family, size)).digits == ()


# Words 60 px tall whose x-height letters stand at under half the height of the l or p beside
# them, where the word context linked them as a number's digits are (heights within half of
# each other): "apple" read 011 and "green" 9.
@pytest.mark.parametrize("word", ["apple", "green"])
def test_letters_far_shorter_than_their_neighbours_are_linked_into_their_word(recognizer, word):
    assert recognizer.recognize(_one_word(word, "sue-ellen-francisco", 60)).digits == ()


# Words whose capital, apart from the rest written joined-up, read as a digit (D 0, L 1, B 8)
# in the held-out fonts where it did, before a joined-up word counted as a run of writing.
@pytest.mark.parametrize(
    "word, family",
    [("Dinner", "the-girl-next-door"), ("Summer", "the-girl-next-door"), ("Lesson", "swanky-and-moo-moo")],
)
def test_a_capital_before_a_joined_up_word_is_not_a_digit(recognizer, word, family):
    assert recognizer.recognize(_one_word(word, family, 60)).digits == ()


# A number whose last digit stands on an underline: the digit and the line are one blob too
# wide for a digit, whose ink travels about 1.5 times its width, under the 2 widths that
# joined-up writing travels. Asked 1.5 of bold writing (tried, docs/accuracy.md "Joined-up
# words in a bold pen"), such a blob counted as a word three letters wide and took the digits
# before it: "207" read "2", "623" and "453" in a bold pen nothing.
@pytest.mark.parametrize(
    "labels, height, line, span, bold",
    [((2, 0, 7), 32, 3, 3.0, 0), ((8, 4, 7), 32, 3, 3.0, 0), ((6, 2, 3), 30, 5, 2.5, 2), ((4, 5, 3), 34, 5, 2.0, 2)],
    ids=["207", "847", "623-bold", "453-bold"],
)
def test_digits_before_one_on_an_underline_are_read(recognizer, labels, height, line, span, bold):
    page, truth = page_with_row([_first(label) for label in labels], height, gap=0.6, x=60, y=200)
    bx, by, bw, bh = truth[-1][1]
    cv2.line(page, (bx - 2, by + bh - 1), (int(bx - 2 + span * bh), by + bh - 1), (PEN,) * 3, line)
    if bold:  # dark ink on light paper: eroding the page widens the pen
        page = cv2.erode(page, np.ones((2 * bold + 1, 2 * bold + 1), np.uint8))
    read = "".join(str(d.label) for d in sorted(recognizer.recognize(page).digits, key=lambda d: d.box[0]))
    assert read.startswith("".join(map(str, labels[:2])))


# The pages of words in three held-out fonts whose lines' tops or feet the rule search took
# for rules (393, 1103 and 682 px of letters erased) before it looked at the ink beside them.
@pytest.mark.parametrize("seed", [1, 5, 7])
def test_the_lines_of_a_page_of_words_are_not_rules(seed):
    page = words_page(HELD_OUT_FAMILIES[seed], seed)
    mask = threshold_mask(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), Config())
    assert np.array_equal(erase_rules(mask), mask)


# Pages of words whose lines' feet pass the rule search's writing test, one or two lines a
# page (843, 1654 and 959 px of letters erased before RULING_MIN_LINES): no ruling has so
# few lines, none with ink along most of the page.
@pytest.mark.parametrize("family, seed", [(0, 0), (0, 22), (6, 28)])
def test_a_line_or_two_of_writing_is_no_ruling(family, seed):
    page = words_page(HELD_OUT_FAMILIES[family], seed)
    mask = threshold_mask(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), Config())
    assert np.array_equal(erase_rules(mask), mask)


def test_a_number_among_words_is_read(recognizer):
    page = words_page(HELD_OUT_FAMILIES[0], 1)
    page[300:400, :] = PAPER
    for i, label in enumerate((2, 0, 2, 6)):
        write_digit(page, _first(label), 200 + 45 * i, 310, 50)
    assert "2026" in [n.text for n in recognizer.recognize(page).numbers]


# Four frames each. Pure noise is cleared before the candidate search; blurred noise and wood
# break into blobs of pen size, which barely stand out from the grain around them and are
# dropped (measured: 0, 1 and 0 digits in the four frames; 0, 35 and 10 before that check).
@pytest.mark.parametrize("kind, most", [("noise", 1), ("blurred-noise", 2), ("wood", 1)])
def test_texture_frames_give_few_digits(recognizer, kind, most):
    rng = np.random.default_rng(7)
    found = 0
    for _ in range(4):
        if kind == "wood":
            noise = rng.normal(0, 1, (480, 24)).astype(np.float32)
            grain = cv2.resize(noise, (640, 480), interpolation=cv2.INTER_CUBIC)
            frame = np.clip(140 + 25 * np.sin(grain * 6) + rng.normal(0, 4, (480, 640)), 0, 255).astype(np.uint8)
        else:
            frame = rng.integers(0, 256, (480, 640), dtype=np.uint8)
            if kind == "blurred-noise":
                frame = cv2.GaussianBlur(frame, (0, 0), 2.0)
        found += len(recognizer.recognize(cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)).digits)
    assert found <= most, found


@pytest.mark.parametrize("seed", [9, 11])
def test_a_sheets_edge_on_a_desk_is_not_read_as_ones(recognizer, monkeypatch, seed):
    """Desk frames of the field set (1280x720) where one sheet lies over another: the shadow
    along the upper sheet's edge is thresholded into pieces of one diagonal line, each a
    slanted 1 (2 and 1 of them) where only upright strokes are checked for running on as a
    line; slanted ones are checked too. (Frame 11 is searched as a ruled page, and the ink
    its rule search erases across the edge is given back (crossings.strokes_on_rules), which
    rejoins the pieces; that is left out here, so the pieces are as they were measured.)"""
    frame = render("desks", seed, (1280, 720)).image
    assert not recognizer.recognize(frame).digits
    without_strokes_on_rules(monkeypatch)
    assert not recognizer.recognize(frame).digits
    monkeypatch.setattr(lines, "SLANTED_STROKE_ASPECT", 0.0)  # upright strokes only
    assert [d.label for d in recognizer.recognize(frame).digits].count(1) >= 1


def test_wood_grain_that_reads_as_ones_only_gives_no_digits(recognizer, monkeypatch):
    """A desk frame of the field set (640x480, seed 29000): a wood grain of long dark lines,
    whose pieces read as ones, 22 of them and no other digit."""
    frame = render("desks", 29000, (640, 480)).image
    assert not recognizer.recognize(frame).digits
    monkeypatch.setattr(context, "ONLY_ONES", math.inf)
    read = [d.label for d in recognizer.recognize(frame).digits]
    assert len(read) >= 10 and set(read) == {1}


def test_slanted_written_ones_are_kept(recognizer, monkeypatch):
    """The 20 most slanted of MNIST's first 400 test ones, in two rows, and a 2 and a 7
    below them (a frame of ones alone reads as lines, context.without_only_ones): a written
    1 ends on clean paper, however slanted (20 of 20 read either way)."""
    images, labels = mnist_test()
    ones = np.flatnonzero(labels == 1)[:400]
    slant = [abs(m["mu11"] / m["mu02"]) for m in (cv2.moments(images[i]) for i in ones)]
    page = blank_page()
    for k, i in enumerate(ones[np.argsort(slant)[::-1][:20]]):
        write_digit(page, int(i), 20 + 60 * (k % 10), 40 + 140 * (k // 10), 60)
    for k, label in enumerate((2, 7)):
        write_digit(page, _first(label), 260 + 80 * k, 360, 60)
    read = [d.label for d in recognizer.recognize(page).digits]
    monkeypatch.setattr(lines, "SLANTED_STROKE_ASPECT", 0.0)
    assert read == [d.label for d in recognizer.recognize(page).digits]
    assert read.count(1) >= 19 and {2, 7} <= set(read)


def _ruled(page: np.ndarray, degrees: float, spacing: int, colour: tuple[int, int, int] = (200, 170, 150)) -> list[int]:
    """Blue-grey rules across the page, tilted ``degrees`` (the page held at an angle);
    returns where each rule meets the left edge."""
    h, w = page.shape[:2]
    dy = math.tan(math.radians(degrees)) * w
    starts = list(range(-int(abs(dy)) - spacing, h + int(abs(dy)) + spacing, spacing))
    for y in starts:
        cv2.line(page, (0, y), (w, int(y + dy)), colour, 2, cv2.LINE_AA)
    return starts


@pytest.mark.parametrize("degrees", [0.0, 4.0, 8.0, -6.0])
def test_a_ruled_page_at_an_angle_keeps_its_digits(recognizer, degrees):
    """Digits written between the rules, along them."""
    page = blank_page()
    slope = math.tan(math.radians(degrees))
    rule = min(y for y in _ruled(page, degrees, spacing=52) if y >= 150)
    labels = (3, 1, 4, 1, 5, 9, 2, 6)
    for i, label in enumerate(labels):
        x = 40 + 70 * i
        write_digit(page, _first(label, 3), x, int(rule + slope * (x + 20)) + 2, 40)
    result = recognizer.recognize(page)
    assert sorted(d.label for d in result.digits) == sorted(labels)


def _pencil_page(degrees: float) -> tuple[np.ndarray, list[int]]:
    """Three rows of MNIST digits in light pencil (grey 200) between grey rules darker than
    it (175), under a camera's noise and blur; and the digits' labels."""
    page = blank_page()
    slope = math.tan(math.radians(degrees))
    _ruled(page, degrees, spacing=40, colour=(175, 175, 175))
    labels = []
    for row in range(3):
        for i in range(8):
            label = (i + 3 * row) % 10
            x = 40 + 70 * i
            write_digit(page, _first(label, row), x, int(82 + 120 * row + slope * (x + 20)), 30, ink=200)
            labels.append(label)
    noisy = page + np.random.default_rng(0).normal(0, 3, page.shape)
    return cv2.GaussianBlur(np.clip(noisy, 0, 255).astype(np.uint8), (3, 3), 0.8), labels


@pytest.mark.parametrize("degrees", [0.0, 3.0])
def test_light_pencil_between_darker_rules_is_read(recognizer, monkeypatch, degrees):
    """Rules darker than the pencil, counted as paper, spread the paper around each digit as
    grain does: then no digit of the page is read. Its two ones, bare strokes, stay grain
    (:func:`test_a_desks_grain_cut_by_its_lines_gives_no_digit`)."""
    page, labels = _pencil_page(degrees)

    def read_right() -> int:
        read = [d.label for d in recognizer.recognize(page).digits]
        return sum(min(read.count(label), labels.count(label)) for label in range(10))

    assert read_right() >= len(labels) - 4
    real = recognizer_module.find_candidates
    monkeypatch.setattr(recognizer_module, "find_candidates", lambda *args: real(*args[:6]))  # rules as paper
    assert read_right() <= 3


def test_a_field_page_in_faint_pencil_between_darker_rules_is_read(recognizer):
    """bench.field's tilted ruled page 72002 (640x480): faint digits between darker rules,
    of its 115, 31 are read right with the rules counted as paper."""
    scene = render("tilted_ruled", 72002, (640, 480))
    found = recognizer.recognize(scene.image).digits
    right = sum(any(d.label == label and iou(d.box, box) >= 0.5 for d in found) for label, box in scene.digits)
    assert right >= 60


def test_a_desks_grain_cut_by_its_lines_gives_no_digit(recognizer):
    """A desk's wavy grain erased as a page's rules: the bare strokes left between its lines
    stay grain, however smooth the paper between them (bench.field's desk 23, 640x480)."""
    assert recognizer.recognize(render("desks", 23, (640, 480)).image).digits == ()


# Digits of field tilted ruled pages (bench.field, 640x480; rules turned 3-8 degrees) that are
# read right only turned level by their rules' tilt (measured 2026-12-07).
LEVELLED_DIGITS = {
    68002: [(8, (289, 76, 14, 21)), (6, (312, 111, 23, 18)), (6, (180, 230, 17, 21)), (2, (352, 330, 25, 23))],
    68024: [(6, (542, 103, 20, 27)), (6, (524, 172, 20, 28)), (4, (35, 405, 18, 20))],
}
# How many of them read right at least, turned level, and at most as drawn: on 68002 their
# strokes given back where they cross its rules (crossings.strokes_on_rules) read 3 of 4 as
# drawn (1 without).
READ_LEVEL_AND_AS_DRAWN = {68002: (4, 3), 68024: (2, 1)}


@pytest.mark.parametrize("seed", sorted(LEVELLED_DIGITS))
def test_the_digits_of_a_tilted_page_are_read_level(recognizer, monkeypatch, seed):
    """A page held at an angle turns its digits as much as its rules: a 6 open at the top
    reads as a 5 or a 0, a 2 as a 0, until it is read turned level."""
    scene = render("tilted_ruled", seed, (640, 480))
    digits = LEVELLED_DIGITS[seed]

    def read() -> int:
        found = recognizer.recognize(scene.image).digits
        return sum(any(d.label == label and iou(d.box, box) >= 0.5 for d in found) for label, box in digits)

    level, as_drawn = READ_LEVEL_AND_AS_DRAWN[seed]
    assert read() >= level
    _read_as_drawn(monkeypatch)
    assert read() <= as_drawn


@pytest.mark.parametrize("degrees", [-7.0, -3.0, 2.0, 6.0])
def test_a_blob_is_turned_level_by_the_tilt_its_pages_rules_are_found_at(degrees):
    """rules.rule_tilt of a ruled mask and PageTilt.levelled agree on the direction: a
    rectangle of ink turned with the rules comes back square to the frame."""
    mask = np.zeros((480, 640), np.uint8)
    _ruled(mask, degrees, spacing=52)
    tilt = rules.rule_tilt(cv2.compare(mask, 0, cv2.CMP_GT))
    assert abs(tilt - degrees) <= 1.0
    ink = np.zeros((80, 80), np.uint8)
    ink[25:55, 20:60] = 255
    turn = cv2.getRotationMatrix2D((40, 40), -degrees, 1.0)  # as the page turns it, rows down
    on_page = cv2.warpAffine(ink, turn, (80, 80), flags=cv2.INTER_LINEAR)
    levelled = PageTilt(tilt).levelled(on_page, (0, 0, 50, 50))
    (_, _), (w, h), angle = cv2.minAreaRect(cv2.findNonZero(cv2.compare(levelled, 127, cv2.CMP_GE)))
    assert min(abs(angle) % 90, 90 - abs(angle) % 90) <= 1.0, angle
    assert sorted((w, h)) == pytest.approx([30, 40], abs=3)


@pytest.mark.parametrize("degrees", [0.0, 4.0, -6.0])
def test_the_tilt_of_a_pages_rules_is_given_with_its_mask(recognizer, degrees):
    """Recognizer.ink_mask_and_tilt gives the tilt of the rules it erased: about the page's
    on a ruled page turned 4 or 6 degrees; under RULE_TILT_MIN on a level one; 0 on a blank
    page and on a page of digits without rules."""
    page = blank_page()
    _ruled(page, degrees, spacing=52)
    tilt = recognizer.ink_mask_and_tilt(page)[2]
    assert tilt.degrees == pytest.approx(degrees, abs=1.0) and tilt.ruled
    assert recognizer.ink_mask_and_tilt(blank_page())[2] == PageTilt()
    digits, _ = page_with_row([3, 1, 4, 1, 5], height=40)
    assert recognizer.ink_mask_and_tilt(digits)[2] == PageTilt()


def test_short_lone_ones_on_a_squared_page_are_its_grid(recognizer, monkeypatch):
    """Field squared page 71029 (640x480): two of a faint grid's upright dashes, left by the
    rule erase, read as ones standing alone among digits written two cells tall. Dropped as
    shorter than half the page's median digit, they cost no digit read right. With the
    strokes given back where they cross the grid (crossings.strokes_on_rules) the page reads
    57 right and 2 wrong, with or without this rule; so they are left out for it, as when
    it was measured (48 right and 8 wrong, 10 without it). The fragments' line rule, which
    keeps two lines' digits apart, makes it 59 and 3; left out too."""
    with_two_lines_joined(monkeypatch)
    scene = render("squared", 71029, (640, 480))
    right, wrong = _right_and_wrong(recognizer, scene)
    assert right >= 57 and wrong <= 2, (right, wrong)  # with the strokes given back, the lines joined
    without_strokes_on_rules(monkeypatch)
    right, wrong = _right_and_wrong(recognizer, scene)
    monkeypatch.setattr(recognizer_module, "without_short_lone_ones", lambda numbers: list(numbers))
    right_kept, wrong_kept = _right_and_wrong(recognizer, scene)
    assert right == right_kept and wrong <= wrong_kept - 2, (right, wrong, right_kept, wrong_kept)


def test_a_page_tilt_past_the_folded_range_is_refused():
    """rules.rule_tilt folds a page's lines into [-45, 45] degrees; a tilt outside, or a frame
    scale under 1 (rules.frame_scale never gives one), is a caller's mistake."""
    for degrees, scale in ((50.0, 1.0), (float("nan"), 1.0), (3.0, 0.5)):
        with pytest.raises(ValueError):
            PageTilt(degrees, scale)


def test_small_blobs_and_bare_strokes_are_not_turned_level():
    """A grid's dash or corner, turned square, reads as a one or a six: blobs at most
    LEVEL_MIN_PX tall (grown with the frame) and bare strokes are read as they stand, as
    every blob is on a page turned less than RULE_TILT_MIN."""
    ink = np.full((30, 30), 255, np.uint8)
    assert PageTilt(6.0).levelled(ink, (0, 0, 20, LEVEL_MIN_PX)) is ink
    assert PageTilt(6.0).levelled(ink, (0, 0, 5, 40)) is ink  # a bare stroke
    assert PageTilt(6.0, scale=1.5).levelled(ink, (0, 0, 20, 20)) is ink
    assert PageTilt(RULE_TILT_MIN / 2).levelled(ink, (0, 0, 30, 30)) is ink
    assert PageTilt(6.0).levelled(ink, (0, 0, 20, 20)) is not ink
    assert PageTilt(6.0, scale=1.5).levelled(ink, (0, 0, 30, 30)) is not ink


def _curling_page(sag: float) -> tuple[np.ndarray, list]:
    """A ruled page whose rules sag ``sag`` px from the middle to the edges (a parabola), and
    the 56 digits standing on them, with their (label, box)."""
    page = blank_page()
    xs = np.arange(640)
    rows = range(60, 480, 52)
    for row in rows:
        curve = np.stack([xs, row + sag * ((xs - 320) / 320) ** 2], axis=1)
        cv2.polylines(page, [np.round(curve).astype(np.int32)], False, (185, 185, 185), 2, cv2.LINE_AA)
    truth = []
    for i, row in enumerate(list(rows)[1:-1]):
        for j in range(8):
            x, label = 30 + 75 * j + (i % 2) * 20, (8 * i + j) % 10
            foot = row + sag * ((x + 15 - 320) / 320) ** 2
            truth.append((label, write_digit(page, _first(label), x, int(foot) - 38, 36)))
    return page, truth


def _read_right(recognizer, page: np.ndarray, truth: list) -> int:
    """How many of the (label, box) ``truth`` digits the page is read right at, with no more
    digits read than written."""
    found = recognizer.recognize(page).digits
    assert len(found) <= len(truth)
    return sum(any(d.label == label and iou(d.box, box) >= 0.5 for d in found) for label, box in truth)


def test_the_rules_of_a_curling_page_are_erased_along_their_curve(recognizer, monkeypatch):
    """A ruled page that curls: each rule sags 10 px from the middle to the edges, and 56
    digits stand on them. Erased along straight lines only, the rules' ends stay and join
    the digits they touch; along the fitted parabolas, every digit is read."""
    page, truth = _curling_page(10)

    def read() -> int:
        return _read_right(recognizer, page, truth)

    monkeypatch.setattr(rules, "RULE_STRIPS", 0)  # the whole frame's search alone
    assert read() >= 54  # 56 measured
    monkeypatch.setattr(rules, "RULE_MIN_SAG", math.inf)
    assert read() <= 40  # 26 measured: straight lines only


def test_the_rules_of_a_bowed_page_are_found_strip_by_strip(recognizer, monkeypatch):
    """Rules that sag 30 px over half the width turn 10 degrees off level at the page's edges,
    beyond what the whole frame's search lets through: it finds their middles only. Searched
    in three strips, each turned level on its own, all 56 digits are read (55 measured for a
    sag of 25 px); without the strips, 35 (43)."""
    page, truth = _curling_page(30)

    def read() -> int:
        return _read_right(recognizer, page, truth)

    assert read() >= 54  # 56 measured
    monkeypatch.setattr(rules, "RULE_STRIPS", 0)
    assert read() <= 40  # 35 measured


def _fanned_page(top: float, bottom: float) -> tuple[np.ndarray, list]:
    """A ruled page seen in perspective: its rules tilt ``top`` degrees at the top of the
    frame, ``bottom`` at its bottom, and in between in even steps; the digits standing on
    them, with their (label, box)."""
    page = blank_page()
    rows = list(range(40, 520, 48))
    slopes = [math.tan(math.radians(top + (bottom - top) * k / (len(rows) - 1))) for k in range(len(rows))]
    for row, slope in zip(rows, slopes):
        cv2.line(page, (0, row), (640, round(row + slope * 640)), (185, 185, 185), 2, cv2.LINE_AA)
    truth = []
    for k in range(1, len(rows) - 1):
        for j in range(8):
            x, label = 20 + 78 * j, (8 * k + j) % 10
            foot = rows[k] + slopes[k] * (x + 15)
            if foot <= 478:
                truth.append((label, write_digit(page, _first(label), x, int(foot) - 36, 34)))
    return page, truth


def test_the_rules_of_a_page_in_perspective_are_found_at_each_of_a_strips_tilts(recognizer, monkeypatch):
    """Rules level at the top of the frame and 15 degrees off at its bottom: each strip holds
    rules of several tilts. Searched at the two its ink lines up along most sharply, 56 of
    the 57 digits are read; at one tilt a strip, and not searched again at the tilt of the
    ink left (which finds them), the rules it misses join digits: 53. (The effect is narrow
    on drawn pages: fanned out to 13 or 16 degrees, both read alike.)"""
    page, truth = _fanned_page(0.0, 15.0)
    assert len(truth) == 57
    _read_as_drawn(monkeypatch)
    assert _read_right(recognizer, page, truth) >= 55  # 56 measured
    monkeypatch.setattr(tilts, "RULE_TILTS", 1)
    _search_strips_once(monkeypatch)
    assert _read_right(recognizer, page, truth) <= 54  # 53 measured


@pytest.mark.parametrize(("top", "bottom", "least", "most_without"), [(-3.0, 15.0, 56, 54), (0.0, 20.0, 54, 51)])
def test_a_strip_is_searched_again_at_the_tilt_of_the_rules_it_has_left(
    recognizer, monkeypatch, top, bottom, least, most_without
):
    """Rules fanned out over 18 or 20 degrees: a strip's two sharpest tilts find most of
    them, and the few at the far side of the fan make no peak of their own until the others
    are erased. Searched once more at the tilt of the ink left, 57 of 58 and 55 of 55 digits
    are read; without that search, 53 and 49."""
    page, truth = _fanned_page(top, bottom)
    _read_as_drawn(monkeypatch)
    assert _read_right(recognizer, page, truth) >= least  # 57, 55 measured
    _search_strips_once(monkeypatch)
    assert _read_right(recognizer, page, truth) <= most_without  # 53, 49 measured


def _read_as_drawn(monkeypatch) -> None:
    """Blobs read as they stand, not turned level by the rules' tilt (PageTilt.levelled): a
    drawn page in perspective has upright digits among fanned rules, where a page seen so
    turns its digits with its rules (fanned over 20 degrees, turned by their median, 3 of 55
    digits more are misread)."""
    monkeypatch.setattr(PageTilt, "levelled", lambda self, ink, box: ink)


def _search_strips_once(monkeypatch) -> None:
    """Strips searched at their first tilts only, not again at the tilt of the ink left."""
    search = rules.strip_tilts

    def first_search_only(mask, around, most=None, apart_from=()):
        return [] if apart_from else search(mask, around, most, apart_from)

    monkeypatch.setattr(rules, "strip_tilts", first_search_only)


@pytest.mark.parametrize("length", [60, 80])
def test_a_straight_pen_stroke_on_a_ruled_page_is_not_a_rule(length):
    """A level ruled page with a thin dark pen stroke between two rules (an underline, a
    fraction bar): the page's strips are searched for rules too, but only for rules that
    span most of a strip, and the stroke is kept (searched for rules spanning 30 % of a
    strip, it was erased whole at 60 px and more; a stroke of 120 px still goes)."""
    page = blank_page()
    _ruled(page, 0.0, spacing=52)
    y = 52 * 4 + 26
    cv2.line(page, (100, y), (100 + length, y), (PEN, PEN, PEN), 2)
    config = Config()
    mask, depth = threshold_with_depth(to_dark_ink(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), config), config)
    stroke = np.count_nonzero(mask[y - 3 : y + 4, 90 : 110 + length])
    assert stroke > 2 * length
    assert np.count_nonzero(erase_rules(mask, depth)[y - 3 : y + 4, 90 : 110 + length]) >= 0.9 * stroke


def test_squared_paper_gives_its_digits_and_no_grid_ones(recognizer):
    """A level page of 5 mm squares whose grid runs on under the digits."""
    page = blank_page()
    grid = np.full((480, 640), 255, np.uint8)
    for at in range(18, 640, 22):  # no digit has a bar lying along a rule: that ink goes with it
        cv2.line(grid, (at, 0), (at, 479), 200, 1, cv2.LINE_AA)
        cv2.line(grid, (0, at), (639, at), 200, 1, cv2.LINE_AA)
    labels = (2, 0, 1, 7, 4, 9, 3, 8)
    for i, label in enumerate(labels):
        write_digit(page, _first(label, 2), 60 + 66 * i, 200 + (i % 2) * 90, 44)
    page = np.minimum(page, grid[:, :, None])
    result = recognizer.recognize(page)
    assert sorted(d.label for d in result.digits) == sorted(labels)


def test_a_thin_grid_one_degree_off_level_at_720p_is_erased(recognizer):
    """A 720p page of 5 mm squares in a fine pen, turned 1 degree: each of its rules inks a
    row for about a tenth of the frame's width, too little for the level search, so the page
    is searched turned level (RULE_TILT_RETRY). Without that search, 13 % of the mask stays
    inked."""
    grid = np.full((720, 1280), 255, np.uint8)
    slope = math.tan(math.radians(1.0))
    for at in range(-300, 1600, 22):
        cv2.line(grid, (at, 0), (int(at - slope * 719), 719), 200, 1, cv2.LINE_AA)
        cv2.line(grid, (0, at), (1279, int(at + slope * 1279)), 200, 1, cv2.LINE_AA)
    page = blank_page(1280, 720)
    labels = (2, 0, 1, 7, 4, 9, 3, 8, 5, 6)
    for i, label in enumerate(labels):
        write_digit(page, _first(label, 2), 120 + 100 * i, 250 + (i % 2) * 150, 60)
    page = np.minimum(page, grid[:, :, None])
    _, mask = recognizer.ink_mask(page)
    assert np.count_nonzero(mask) <= 0.03 * mask.size
    assert sorted(d.label for d in recognizer.recognize(page).digits) == sorted(labels)


def test_a_field_squared_page_one_degree_off_level_keeps_its_digits(recognizer):
    """The field's squared page 44000 at 720p, its grid 1 degree off level: with the grid left
    whole, 40 of its 119 digits are read right and 19 digits read are wrong or grid marks."""
    right, wrong = _right_and_wrong(recognizer, render("squared", 44000, (1280, 720)))
    assert right >= 100 and wrong <= 6, (right, wrong)


def test_a_faint_level_grid_is_found_without_an_inked_row(recognizer, monkeypatch):
    """The field's squared page 84024 at 640x480: a faint grid held level, thresholded into
    dashes, inks no row or column enough (30 %) to start the level search, and its dashes
    read as 20 false digits, ones and sevens. Its lines are found as long lines
    (rules.line_angles), and it is searched as a turned page is: 119 of its 121 digits read
    right either way, and no false digit."""
    scene = render("squared", 84024, (640, 480))
    tilt = recognizer.ink_mask_and_tilt(scene.image)[2]
    assert tilt.ruled and abs(tilt.degrees) < RULE_TILT_RETRY, tilt
    right, wrong = _right_and_wrong(recognizer, scene)
    assert right >= 115 and wrong <= 2, (right, wrong)
    # No lines found: the tilt stays 0 and no rule is found, as without the second search.
    monkeypatch.setattr(rules, "line_angles", lambda mask: np.zeros(0))
    assert not recognizer.ink_mask_and_tilt(scene.image)[2].ruled
    right, wrong = _right_and_wrong(recognizer, scene)
    assert right >= 115 and wrong >= 15, (right, wrong)


def test_the_upright_rules_of_a_squared_page_in_perspective_are_erased(recognizer, monkeypatch):
    """The field's squared page 62001 at 720p (bench.field), in perspective: its upright
    rules lean a few degrees one way at the left edge and the other way at the right.
    Searched for only in upright strips turned by the tilts of their level rules, they stay
    in the mask, join digits and read as tall ones: 105 of its 156 digits read right and 18
    wrong or not digits (96 and 28 without the strokes given back where they cross rules).
    Searched a second time in each strip turned on its side: 138 and 5."""
    scene = render("squared", 62001, (1280, 720))
    right, wrong = _right_and_wrong(recognizer, scene)
    assert right >= 133 and wrong <= 6, (right, wrong)
    monkeypatch.setattr(rules, "_has_upright_rules", lambda found, sizes: False)
    right, wrong = _right_and_wrong(recognizer, scene)
    assert right <= 110 and wrong >= 14, (right, wrong)


@pytest.mark.parametrize(
    "seed, size, read, misread, unread, more_misread",
    [(86012, (640, 480), 72, 5, 55, 12), (86007, (1280, 720), 75, 18, 62, 25)],
)
def test_strokes_crossing_a_grid_aslant_are_given_back(
    recognizer, monkeypatch, seed, size, read, misread, unread, more_misread
):
    """The field's squared pages 86012 at 640x480, in a pen as faint as its grid, and 86007
    at 720p, in perspective: their rules are erased with the strokes that cross them aslant
    or lie against them, which neither the bridging (ink straight across the erased strip)
    nor the depth (a pen far darker than the rule) gives back. The digits fall apart and
    the grid's pieces read as digits: 48 of 103 read right and 18 wrong, 56 of 150 and 32.
    Given back where the ink runs across a rule further than the rule does
    (crossings.strokes_on_rules): 75 and 4, 85 and 10. (The fragments' line rule, which
    keeps two lines' digits apart, makes them 73 and 6, 86 and 9: left out, as when
    measured.)"""
    with_two_lines_joined(monkeypatch)
    scene = render("squared", seed, size)
    right, wrong = _right_and_wrong(recognizer, scene)
    assert right >= read and wrong <= misread, (right, wrong)
    without_strokes_on_rules(monkeypatch)
    right, wrong = _right_and_wrong(recognizer, scene)
    assert right <= unread and wrong >= more_misread, (right, wrong)


def test_a_page_in_a_dense_grid_is_searched_for_its_rules(recognizer, monkeypatch):
    """The field's squared page 65034 at 720p: a fine grid turned about 5 degrees inks 21 %
    of the mask, as much as noise does. Searched for level rules only, as texture, its grid
    joins every digit, and 2 of its 150 digits are read. Its ink repeats both ways like a
    printed grid's (grid.is_printed_grid), and searched as a ruled page it reads 88 (15 wrong)."""
    scene = render("squared", 65034, (1280, 720))
    right, wrong = _right_and_wrong(recognizer, scene)
    assert right >= 80 and wrong <= 18, (right, wrong)
    monkeypatch.setattr(rules, "is_printed_grid", lambda mask: False)
    right, _ = _right_and_wrong(recognizer, scene)
    assert right <= 5, right


def test_dashes_of_a_faint_grid_are_not_ones_but_a_fine_pen_one_is(recognizer):
    """Dashes a faint printed grid leaves where the rule search cannot find its lines (a grid
    in perspective) read as ones; they are finer and paler than the page's digits. A one
    written with a fine pen, as dark as the others, stays."""
    page = blank_page()
    labels = (2, 0, 7, 4, 9, 3)
    for i, label in enumerate(labels):
        write_digit(page, _first(label, 2), 60 + 90 * i, 200, 44)
    for x, y in [(70, 60), (250, 80), (430, 50), (120, 380), (330, 400), (520, 370)]:
        cv2.line(page, (x, y), (x + 1, y + 26), (195, 195, 195), 1, cv2.LINE_AA)  # 1 px, pale
    cv2.line(page, (600, 190), (598, 236), (PEN, PEN, PEN), 2, cv2.LINE_AA)  # the fine pen's one
    result = recognizer.recognize(page)
    assert sorted(d.label for d in result.digits) == sorted((*labels, 1))
    assert [d.box[0] for d in result.digits if d.label == 1] == [597]


def test_only_a_page_in_faint_ink_is_faint(monkeypatch):
    """Field pages nine in ten of whose marked pixels lie under 20-24 grey levels deep are
    faint; a clean page, a ruled page in a dark pen and a page of MNIST digits in the tests'
    pen are not. The depth that counts follows the offset: against one of 11 (33 deep), the
    dark ruled page (nine in ten under 31) is faint too."""
    config = Config()
    faint = [render("tilted_ruled", seed, (640, 480)).image for seed in (24, 31)]
    dark = [render("clean", 0, (640, 480)).image, render("tilted_ruled", 0, (640, 480)).image]
    dark.append(page_with_row(list(range(10)), height=40)[0])
    monkeypatch.setattr(threshold, "FAINT_DEPTH_RATIO", 0.0)  # each mask at the threshold's own offset
    thresholded = [threshold_with_depth(to_dark_ink(to_gray(frame), config), config) for frame in faint + dark]
    monkeypatch.undo()
    offset = config.threshold_offset
    assert [is_faint(depth, mask, offset) for mask, depth in thresholded] == [True, True, False, False, False]
    dark_ruled_mask, dark_ruled_depth = thresholded[3]
    assert is_faint(dark_ruled_depth, dark_ruled_mask, 11.0)
    assert not is_faint(np.zeros((48, 64), np.uint8), np.zeros((48, 64), np.uint8), offset)


def _right_and_wrong(recognizer, scene) -> tuple[int, int]:
    """How many of a field scene's digits are read right, and how many digits read are not."""
    found = recognizer.recognize(scene.image).digits
    right = sum(any(d.label == label and iou(d.box, box) >= 0.5 for d in found) for label, box in scene.digits)
    return right, len(found) - right


@pytest.mark.parametrize("seed, read, unread, gain", [(31, 89, 71, 7), (24, 89, 84, 5)])
def test_a_page_in_faint_ink_keeps_its_strokes_whole(recognizer, monkeypatch, seed, read, unread, gain):
    """Field tilted ruled pages (bench.field, 640x480) in a pencil-faint pen: 134 and 102
    digits, whose strokes lie 10-25 grey levels deep. At the threshold's offset (10) their
    thinner stretches break off, and where a rule crosses them too; thresholded again at 8,
    22 and 5 more digits are read, and at most two more false ones (page 31: 11 against 9;
    page 24: 3 against 7). Without the strokes given back where they cross the rules
    (crossings.strokes_on_rules) page 31 reads 9 false digits, and page 24 reads 92 digits
    where it reads 89. Without it neither page's rules are found, and page 31's small unsure
    digits are read at the lower bar of an unruled page (CONTEXT_SMALL_MIN_CONFIDENCE: 71
    digits; 68 at CONTEXT_MIN_CONFIDENCE)."""
    scene = render("tilted_ruled", seed, (640, 480))
    right, wrong = _right_and_wrong(recognizer, scene)
    assert right >= read - 2
    monkeypatch.setattr(threshold, "FAINT_DEPTH_RATIO", 0.0)
    right_before, wrong_before = _right_and_wrong(recognizer, scene)
    assert right_before <= unread + 2 and right - right_before >= gain and wrong <= wrong_before + 2


def test_a_faint_grid_is_not_thresholded_into_texture(recognizer, monkeypatch):
    """Field squared page 22028 (640x480): a faint pencil on a faint grid turned 5 degrees.
    At 0.8 of the offset its grid's lines thicken past the 20 % of the frame the rule search
    takes for texture; unless its ink is taken for a printed grid's (grid.is_printed_grid),
    they are never erased and join every digit: 7 of its 92 digits are read (49 with the
    grid test). At the threshold's own offset, kept for such a frame, 54 are."""
    scene = render("squared", 22028, (640, 480))
    assert _right_and_wrong(recognizer, scene)[0] >= 50
    monkeypatch.setattr(threshold, "RULE_TILT_MAX_INK", 1.0)
    assert _right_and_wrong(recognizer, scene)[0] >= 45
    monkeypatch.setattr(rules, "is_printed_grid", lambda mask: False)
    assert _right_and_wrong(recognizer, scene)[0] <= 15


def test_digits_of_very_different_sizes_are_all_read(recognizer):
    """A big heading digit among small ones, and a small one among big ones."""
    page = blank_page()
    write_digit(page, _first(7, 1), 30, 20, 200)  # a heading digit 200 px tall
    small = (3, 0, 1, 8, 4, 2)
    for i, label in enumerate(small):
        write_digit(page, _first(label, 1), 300 + 50 * i, 60, 28)
    write_digit(page, _first(9, 1), 300, 300, 120)
    write_digit(page, _first(6, 1), 430, 380, 16)  # a small digit beside a big one
    result = recognizer.recognize(page)
    assert sorted(d.label for d in result.digits) == sorted((7, 9, 6) + small)


def test_digits_written_large_in_a_marker_are_read(recognizer):
    """Their ink covers a fifth of the frame, as texture's does, and their strokes are as
    dense. Cleared with texture's ink, none of the page's digits is read, and 11 of the 23
    of field page 90010 (mixed sizes, 640x480). Kept as solid blobs on paper: 6 of the page's
    8 (its small 8 and 2 touch, and the 8 has the 1's and the 2's ink around it), and 20 of
    page 90010's (one of slack)."""
    page, large = marker_page()
    _, _, erased, _ = thresholded(page)
    assert cv2.countNonZero(erased) >= TEXTURE_FRAME_INK * erased.size
    digits = recognizer.recognize(page).digits
    for label, box in large:
        assert [d.label for d in digits if iou(d.box, box) >= 0.5] == [label], box
    top = sorted((d for d in digits if d.box[1] < 100), key=lambda d: d.box[0])
    assert [d.label for d in top][:3] == [9, 6, 1]
    scene = render("mixed_sizes", 90010, (640, 480))
    found = recognizer.recognize(scene.image).digits
    read = sum(any(d.label == label and iou(d.box, box) >= 0.5 for d in found) for label, box in scene.digits)
    assert read >= 19, read


def _small_blurred_digits_read(recognizer: Recognizer, height: int) -> int:
    """Of 100 MNIST test digits ``height`` px tall on two pages, blurred as a camera blurs
    them, how many ``recognizer`` reads (and no more digits than were written)."""
    _, labels = mnist_test()
    read = 0
    for first in (0, 50):
        page, truth = blank_page(), []
        for k in range(50):
            x, y = 40 + (k % 10) * 56, 60 + (k // 10) * 80
            truth.append((int(labels[first + k]), write_digit(page, first + k, x, y, height)))
        found = recognizer.recognize(cv2.GaussianBlur(page, (0, 0), 0.8)).digits
        read += sum(any(d.label == label and iou(d.box, box) >= 0.5 for d in found) for label, box in truth)
        assert len(found) <= len(truth)
    return read


@pytest.mark.parametrize("height, least", [(12, SMALL_12_PX_READ), (14, SMALL_14_PX_READ)])
def test_small_blurred_digits_are_read(recognizer, height, least):
    """100 test digits 12 or 14 px tall, blurred as a camera blurs them. Their masks, scaled up
    to the patch, have blocky edges; a blob read unsure from its mask is read again at its
    grey levels, as MNIST's digits are drawn (docs/accuracy.md)."""
    assert _small_blurred_digits_read(recognizer, height) >= least


def test_digits_10_px_tall_are_read_by_the_small_digit_network(recognizer):
    """100 test digits 10 px tall, blurred: the full network, which learnt digits 20-80 px
    tall, reads few of them surely; the small-digit network's second opinion on them (and on
    the halves of cuts as small) reads SMALL_10_PX_GAIN more."""
    alone = Recognizer(config=replace(Config(), small_network=False))
    assert recognizer.small_network is not None and alone.small_network is None
    with_second_opinion, without = _small_blurred_digits_read(recognizer, 10), _small_blurred_digits_read(alone, 10)
    assert with_second_opinion >= SMALL_10_PX_READ
    assert with_second_opinion - without >= SMALL_10_PX_GAIN


def test_a_grid_dash_the_small_digit_network_reads_as_a_one_stays_no_digit(monkeypatch):
    """A squared field page at 640x480 (bench.field, seed 7): a piece of a faint grid line,
    4 x 13 px, that the full network reads unsurely, is a one (0.84) to the small-digit
    network, which learnt small ones from MNIST's strokes. Its ones are not taken: with them
    the page reads that one false digit."""
    from bench.field.run import score_scene
    from camdigits.recognition import reading as module

    scene = render("squared", 7, (640, 480))
    recognizer = Recognizer()

    def false_digits() -> int:
        counts = score_scene(recognizer.recognize(scene.image), scene)
        return counts.predicted - counts.hits

    assert false_digits() == 0
    monkeypatch.setattr(module, "_not_ones", lambda probabilities: np.ones(len(probabilities), bool))
    assert false_digits() == 1


@pytest.mark.parametrize("seed, size, left", [(36002, (1280, 720), 1), (36023, (640, 480), 1)])
def test_the_small_digit_network_reads_only_frames_with_writing(recognizer, monkeypatch, seed, size, left):
    """Noise frames of the field set (bench.field): in each, two specks 11-15 px tall that the
    full network reads unsurely are digits to the small-digit network (0.74-0.84 surely). A
    frame with fewer than SMALL_FRAME_DIGITS blobs read surely as digits holds no writing,
    and the small network does not read it a second time (the one digit left in each frame is the
    full network's reading; in the first, a speck cut by the rules that frame is searched
    for and rejoined where its ink runs across them, crossings.strokes_on_rules)."""
    from camdigits.recognition import reading as module

    frame = render("noise", seed, size).image
    assert len(recognizer.recognize(frame).digits) == left
    monkeypatch.setattr(module, "SMALL_FRAME_DIGITS", 0)
    assert len(recognizer.recognize(frame).digits) == left + 2


def test_european_ones_and_crossed_sevens(recognizer):
    """Ones with a long flag and sevens with a cross bar, as written in much of Europe."""
    page = blank_page()
    for i in range(4):
        x = 40 + 150 * i
        pen_stroke(page, (x + 40, 100), (x + 40, 180))  # the one's stem
        pen_stroke(page, (x + 40, 100), (x + 15 + 3 * i, 122 + 2 * i))  # its flag
        pen_stroke(page, (x + 15, 300), (x + 65, 300))  # the seven's top bar
        pen_stroke(page, (x + 65, 300), (x + 38 - 2 * i, 385))  # its stem
        pen_stroke(page, (x + 35, 343), (x + 68, 343))  # the cross bar
    result = recognizer.recognize(page)
    assert sorted(d.label for d in result.digits) == [1] * 4 + [7] * 4


def test_numbers_in_spaced_groups_are_two_numbers(recognizer):
    page = blank_page()
    x = 40
    for i, label in enumerate((5, 5, 5, None, 0, 1, 9, 9)):
        if label is not None:
            box = write_digit(page, _first(label, i), x, 200, 40)
            x = box[0] + box[2] + 6 - 11  # a sixth of a height between the inks
        else:
            x += 44  # a space: about a digit's height
    assert [n.text for n in recognizer.recognize(page).numbers] == ["555", "0199"]


def _right_digits(recognizer, scene) -> set[tuple[int, tuple[int, int, int, int]]]:
    """The field scene's digits (label, truth box) read right."""
    found = recognizer.recognize(scene.image).digits
    return {
        (label, box) for label, box in scene.digits if any(d.label == label and iou(d.box, box) >= 0.5 for d in found)
    }


@pytest.mark.parametrize(
    "seed, apart",
    [
        (87011, [(3, (51, 39, 11, 19)), (5, (50, 64, 19, 24)), (5, (31, 93, 19, 24)), (3, (56, 96, 15, 19))]),
        (87015, [(6, (316, 66, 17, 29)), (7, (369, 33, 33, 35)), (3, (491, 131, 19, 27)), (2, (513, 132, 35, 28))]),
    ],
)
def test_two_lines_digits_a_pens_gap_apart_are_read_apart(recognizer, monkeypatch, seed, apart):
    """Field tilted ruled pages 87011 and 87015 at 640x480: lines of digits 23 px tall come
    within a pen's gap of the next (a 3 4 px over a 5, a 2 over the touching 4 2 below it),
    and the candidate search joined them as the pieces of one digit; the stack stage did not
    take those blobs apart. Grouped knowing the page's line height (fragments._two_lines)
    these digits are read; joined, none of them. Page 87011 reads 110 right and 8 wrong
    (106 and 8 joined), page 87015 77 and 3 (73 and 4)."""
    scene = render("tilted_ruled", seed, (640, 480))
    assert set(apart) <= set(scene.digits)
    assert set(apart) <= _right_digits(recognizer, scene)
    with_two_lines_joined(monkeypatch)
    assert not set(apart) & _right_digits(recognizer, scene)
