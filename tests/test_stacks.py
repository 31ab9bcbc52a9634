"""Stacked digits: a blob the candidate search joined from pieces one above the other (the
digits of two lines of a ruled page) is read as the digits it holds."""

import cv2
import numpy as np
import pytest

from bench.field.scene import render
from camdigits.recognition import split, stacks
from camdigits.recognition.candidates import Candidate
from camdigits.recognition.recognizer import Recognizer
from camdigits.recognition.split import split_touching
from camdigits.recognition.stacks import (
    choose_stack,
    median_digit_height,
    stacked_parts,
    stacked_pieces,
    sure_parts,
    sure_stack,
)
from tests.pages import PAPER, blank_page, mnist_test, with_two_lines_joined, without_strokes_on_rules, write_digit


def stacked_pair(top_index: int, bottom_index: int, height: int = 24, gap: int = 3) -> np.ndarray:
    """A page with two MNIST test digits, the second centred ``gap`` px below the first:
    closer than the pen's gap across which the candidate search joins pieces of one digit."""
    page = blank_page()
    x, y, w, h = write_digit(page, top_index, 300, 150, height)
    px, py, pw, _ = write_digit(blank_page(), bottom_index, 0, 0, height)  # the ink's place in its field
    write_digit(page, bottom_index, x + w // 2 - px - pw // 2, y + h + gap - py, height)
    return page


def read_stacked_pairs(count: int, peers: bool) -> tuple[int, int]:
    """Of ``count`` random pairs written as :func:`stacked_pair` does (below a row of five
    other test digits of their height if ``peers``), how many are read as both digits, top
    first, and how many give a digit the pair does not hold. Without peers, each pair must
    be joined into one blob."""
    _, labels = mnist_test()
    rng = np.random.default_rng(7)
    recognizer = Recognizer()
    read = wrong = 0
    for _ in range(count):
        top, bottom = (int(i) for i in rng.choice(len(labels), 2, replace=False))
        page = stacked_pair(top, bottom)
        if peers:
            for k, peer in enumerate(rng.choice(len(labels), 5, replace=False).tolist()):
                write_digit(page, peer, 60 + 50 * k, 60, 24)
        else:
            assert len(recognizer.candidates(page)[1]) == 1, "the pair should be joined into one blob"
        got = labels_top_first(page, below=120, recognizer=recognizer)
        read += got == [labels[top], labels[bottom]]
        wrong += any(label not in (labels[top], labels[bottom]) for label in got)
    return read, wrong


def test_digits_stacked_a_pens_gap_apart_are_read_as_both():
    """30 random pairs: the candidate search joins every pair into one blob, which read whole
    gives one digit at most (none in 30 before this stage); at least 21 pairs are read as
    both digits, top first (23 measured; 20 when each part had to read 0.99 sure). Four
    pairs give a wrong digit, as they did before this stage: the network reads them whole,
    0.99 sure or more (a 5 over a 0 as an 8), and with no other digits to measure it by, a
    blob read that surely is never taken apart."""
    read, wrong = read_stacked_pairs(30, peers=False)
    assert read >= 21
    assert wrong <= 4


def test_digits_stacked_below_a_row_of_digits_are_read_as_both_even_when_read_surely_as_one():
    """60 random pairs below a row of five other test digits of their height: the pair's
    blob is twice their height. At least 57 pairs are read as both digits, top first, and
    none gives a digit it does not hold (58 and none measured; 53 and 4 without
    :func:`sure_stack`: the network read those pairs whole, surely, as one digit, a 0 over
    a 0 as an 8)."""
    read, wrong = read_stacked_pairs(60, peers=True)
    assert read >= 57
    assert wrong == 0


def reaching_pair(top_index: int, bottom_index: int, peers: list[int], height: int = 28) -> np.ndarray:
    """A page with a row of ``peers`` (MNIST test digits) and, below it, two test digits of two
    lines: the second's ink starts a fifth of a height above the first's bottom, half a width
    to the right, so the two share rows and columns (a ruled page's dense writing)."""
    page = blank_page()
    for k, index in enumerate(peers):
        write_digit(page, index, 60 + 50 * k, 60, height)
    x, y, w, h = write_digit(page, top_index, 300, 200, height)
    px, py, _, _ = write_digit(blank_page(), bottom_index, 0, 0, height)  # the ink's place in its field
    write_digit(page, bottom_index, x + w // 2 - px, y + h - h // 5 - py, height)
    return page


def reaching_pairs() -> list[tuple[int, int, list[int]]]:
    """40 random (top, bottom, peers) index triples of MNIST test digits for :func:`reaching_pair`."""
    count = len(mnist_test()[1])
    rng = np.random.default_rng(5)
    return [
        (*(int(i) for i in rng.choice(count, 2, replace=False)), [int(i) for i in rng.choice(count, 5, replace=False)])
        for _ in range(40)
    ]


def labels_top_first(page: np.ndarray, below: int = 0, recognizer: Recognizer | None = None) -> list[int]:
    """The digits read on ``page`` under row ``below``, top first."""
    digits = (recognizer or Recognizer()).recognize(page).digits
    return [d.label for d in sorted(digits, key=lambda d: d.box[1]) if d.box[1] > below]


def test_digits_of_two_lines_that_share_rows_are_read_as_both():
    """40 random pairs written as :func:`reaching_pair` does, below a row of five other digits:
    the candidate search joins each pair into one blob. Of the pairs whose inks do not touch
    (20), at least 11 are read as both digits, top first (13 measured; 2 before the blob was
    tried in its pieces of ink, none having an empty row between them)."""
    _, labels = mnist_test()
    apart = read = 0
    for top, bottom, peers in reaching_pairs():
        page = reaching_pair(top, bottom, peers)
        joined = [c for c in Recognizer().candidates(page)[1] if c.box[1] > 150]
        assert len(joined) == 1, "the pair should be joined into one blob"
        if cv2.connectedComponents(joined[0].ink, connectivity=8)[0] < 3:  # the inks touch
            continue
        assert stacked_parts(joined[0], 10) == [], "no empty row between the two"
        apart += 1
        read += labels_top_first(page, below=150) == [labels[top], labels[bottom]]
    assert apart == 20
    assert read >= 11


def test_a_tall_blob_is_not_taken_apart_without_digits_to_measure_it_by(monkeypatch):
    """The same 40 pairs, touching or not, with no other digits on the page: there is no
    height of the frame's digits to call the blob tall by, and at most 2 are read as both
    by the stack rules (2 measured, with or without the tall-blob rule). Their dark parts
    (:func:`camdigits.recognition.split.dark_parts`), which need no height to measure by,
    read 3 more: where the two digits join only in their lighter edges, their cores stand
    apart and each reads 0.97 surely."""
    _, labels = mnist_test()

    def read() -> int:
        return sum(
            labels_top_first(reaching_pair(top, bottom, [])) == [labels[top], labels[bottom]]
            for top, bottom, _ in reaching_pairs()
        )

    with_dark_parts = read()
    monkeypatch.setattr(split, "dark_parts", lambda candidate, min_height: [])
    by_stacks = read()
    assert by_stacks <= 2
    assert with_dark_parts >= by_stacks + 2


def test_a_large_digit_cut_by_an_erased_rule_among_smaller_ones_is_rarely_taken_apart(monkeypatch):
    """60 random test digits 60 px tall, each cut across by a 6 px band of paper, below four
    digits half as tall: the cut digit is twice the frame's digits' height and its pieces
    are as tall as they are, which is what the tall-blob rules look for. Every page reads
    exactly as it does without :func:`sure_parts` (7 taken apart either way, by the stack
    rule, whose parts each read 0.9 surely), and all but 2 as they do without
    :func:`sure_stack` too: two 7s cut across their stem read as a 7 over a 1."""
    _, labels = mnist_test()
    rng = np.random.default_rng(11)
    recognizer = Recognizer()
    pages = []
    for _ in range(60):
        page = blank_page()
        for k, peer in enumerate(rng.choice(len(labels), 4, replace=False)):
            write_digit(page, int(peer), 40 + 60 * k, 60, 30)
        x, y, w, h = write_digit(page, int(rng.choice(len(labels))), 300, 200, 60)
        cut = y + int(h * rng.uniform(0.3, 0.7))
        page[cut : cut + 6, x - 2 : x + w + 2] = PAPER
        pages.append(page)
    with_rules = [recognizer.recognize(page).digits for page in pages]
    monkeypatch.setattr(stacks, "sure_parts", lambda *args: [])
    assert [recognizer.recognize(page).digits for page in pages] == with_rules
    monkeypatch.setattr(stacks, "sure_stack", lambda *args: False)
    without = [recognizer.recognize(page).digits for page in pages]
    assert sum(a != b for a, b in zip(with_rules, without)) <= 2


def _reading(box: tuple[int, int, int, int]) -> Candidate:
    return Candidate(box=box, ink=np.full((box[3], box[2]), 255, np.uint8))


def test_a_refused_stack_of_a_tall_blob_keeps_its_sure_part_and_drops_the_rest():
    """Three digits 30 px tall read surely, and a blob 70 px tall read as no digit whose two
    bands read as a 4 (0.95) and a 7 (0.3): the stack is refused (a part under 0.9), the 4
    is kept on its own, and neither the blob nor the 7 is left to the word context."""
    blob_ink = np.zeros((70, 20), np.uint8)
    blob_ink[:30] = 255
    blob_ink[40:] = 255
    blob = Candidate(box=(300, 100, 20, 70), ink=blob_ink)
    peers = [_reading((40 + 40 * k, 20, 16, 30)) for k in range(3)]
    readings = {(300, 100, 20, 30): (4, 0.95), (300, 140, 20, 30): (7, 0.3)}

    def classify(parts):
        read = [readings[p.box] for p in parts]
        return np.array([label for label, _ in read]), np.array([confidence for _, confidence in read])

    digits, unsure = split_touching(
        [*peers, blob], np.array([3, 5, 8, 0]), np.array([0.99, 0.99, 0.99, 0.2]), classify, 0.7, 10
    )
    assert [(d.label, d.box) for d in digits][-1] == (4, (300, 100, 20, 30))
    assert len(digits) == 4
    assert unsure == []


def test_a_digit_cut_by_an_erased_rule_stays_one_digit():
    """60 random test digits, each cut across by a 3 px band of paper (a rule erased through
    it) at 30-70 % of its height: its two pieces lie apart as a stack's do, and none is taken
    apart into two digits, though its parts need only read 0.9 sure; at least 52 read as the
    digit (55 measured, as when they had to read 0.99 sure)."""
    _, labels = mnist_test()
    rng = np.random.default_rng(11)
    recognizer = Recognizer()
    one = apart = 0
    for _ in range(60):
        index = int(rng.choice(len(labels)))
        page = blank_page()
        x, y, w, h = write_digit(page, index, 300, 150, 30)
        cut = y + int(h * rng.uniform(0.3, 0.7))
        page[cut : cut + 3, x - 2 : x + w + 2] = PAPER
        got = [d.label for d in recognizer.recognize(page).digits]
        one += got == [labels[index]]
        apart += len(got) > 1
    assert apart == 0
    assert one >= 52


def _blob(*rects: tuple[int, int, int, int], shape: tuple[int, int] = (60, 60)) -> Candidate:
    ink = np.zeros(shape, np.uint8)
    for x, y, w, h in rects:
        ink[y : y + h, x : x + w] = 255
    return Candidate(box=(100, 200, shape[1], shape[0]), ink=ink)


def test_parts_are_cut_along_empty_rows_then_empty_columns():
    """A 2 over the 22 below it: three parts, tight boxes in frame coordinates."""
    parts = stacked_parts(_blob((20, 0, 12, 25), (0, 30, 12, 25), (40, 30, 12, 28)), min_height=10)
    assert [p.box for p in parts] == [(120, 200, 12, 25), (100, 230, 12, 25), (140, 230, 12, 28)]
    assert all(p.ink.shape == (p.box[3], p.box[2]) and p.ink.all() for p in parts)


@pytest.mark.parametrize(
    "rects",
    [
        [(10, 5, 30, 50)],  # one piece
        [(0, 5, 20, 50), (30, 5, 20, 50)],  # side by side only: the horizontal split's case
        [(10, 0, 30, 4), (10, 10, 30, 45)],  # a rule's dash above a digit: one part worth reading
        [(10, 0, 8, 8), (10, 12, 8, 8)],  # pieces under the least digit height
    ],
)
def test_a_blob_that_is_not_stacked_digits_has_no_parts(rects):
    assert stacked_parts(_blob(*rects), min_height=10) == []


@pytest.mark.parametrize(
    ("whole", "parts", "expected"),
    [
        (0.3, [0.995, 0.999], True),  # an unsure blob, two sure parts
        (0.3, [0.995, 0.92], True),  # parts that lie apart need less than a cut's halves
        (0.3, [0.995, 0.85], False),  # one part not sure enough
        (0.95, [0.999, 0.999], False),  # the blob is read surely as one digit: never taken apart
        (0.85, [0.999, 0.999, 0.999], True),  # beats the whole
        (0.85, [0.99] * 20, False),  # twenty parts each sure, together (0.82) not surer than the whole
    ],
)
def test_choose_stack(whole, parts, expected):
    assert choose_stack(whole, parts, min_confidence=0.7) == expected


def test_pieces_one_above_another_come_apart():
    """A 7 whose foot reaches into the rows of the 3 below it, beside it: two pieces, top first."""
    pieces = stacked_pieces(_blob((0, 0, 25, 30), (30, 25, 25, 30)), min_height=10)
    assert [p.box for p in pieces] == [(100, 200, 25, 30), (130, 225, 25, 30)]


def test_three_pieces_come_apart_only_if_each_pair_is_one_above_the_other():
    ladder = [(0, 0, 15, 18), (20, 17, 15, 18), (40, 34, 15, 18)]
    assert len(stacked_pieces(_blob(*ladder), min_height=10)) == 3
    ladder[2] = (40, 25, 15, 18)  # the lowest shares half its rows with the middle one
    assert stacked_pieces(_blob(*ladder), min_height=10) == []


@pytest.mark.parametrize(
    "rects",
    [
        [(10, 5, 30, 50)],  # one piece
        [(0, 10, 20, 40), (25, 5, 20, 40)],  # side by side on one line: a word's letters
        [(0, 0, 20, 40), (25, 45, 20, 6)],  # a dash under it: one piece worth reading
        [(0, 0, 50, 4), (0, 46, 50, 4), (0, 0, 4, 50), (46, 0, 4, 50), (15, 8, 20, 34)],  # a piece inside a loop
        [(20, 0, 12, 25), (0, 24, 12, 25), (40, 24, 12, 28)],  # a 2 over the 22 below it, which share rows
    ],
)
def test_pieces_side_by_side_or_alone_do_not_come_apart(rects):
    assert stacked_pieces(_blob(*rects), min_height=10) == []


def test_pieces_that_share_rows_come_apart_on_a_page_of_digits():
    """A 2 over the 22 below it, whose digits share rows: no pieces on a page of words (a
    word's letters stand so), its three pieces on a page of digits, top first."""
    rects = [(20, 0, 12, 25), (0, 24, 12, 25), (40, 24, 12, 28)]
    pieces = stacked_pieces(_blob(*rects), min_height=10, side_by_side=True)
    assert [p.box for p in pieces] == [(120, 200, 12, 25), (100, 224, 12, 25), (140, 224, 12, 28)]


def _field_digits(seed: int, region: tuple[int, int, int, int]) -> list[tuple[int, tuple[int, int]]]:
    """The digits (label, top left corner), left to right, that a fresh recognizer reads
    with boxes whose corner lies in ``region`` (x, y, w, h) of field tilted ruled page
    ``seed`` at 640x480."""
    x, y, w, h = region
    digits = Recognizer().recognize(render("tilted_ruled", seed, (640, 480)).image).digits
    inside = [d for d in digits if x <= d.box[0] < x + w and y <= d.box[1] < y + h]
    return [(d.label, d.box[:2]) for d in sorted(inside, key=lambda d: d.box[0])]


def test_two_lines_digits_that_share_rows_are_read_in_their_pieces_on_a_page_of_digits(monkeypatch):
    """Field tilted ruled page 1 at 640x480 (bench.field): a 0 above the 1 0 of the next
    line, joined into one blob 61 px tall among digits of 25. Its empty rows part the 0
    from the 1 0, which read as no digit together; its pieces of ink, of which the 1 and
    the 0 share rows, read 0, 1 and 0 at 0.98 or more. Without the pieces of a blob whose
    pieces share rows, only the upper 0 is read. (The fragments' line rule keeps the 0 apart
    from the 1 0, which touch, and read as no digit there, its 1 0.98 surely in its dark
    core: left out here, as when measured.)"""
    with_two_lines_joined(monkeypatch)
    region = (520, 270, 60, 50)
    assert [label for label, _ in _field_digits(1, region)] == [1, 0, 0]
    pieces = stacks.stacked_pieces

    def only_one_above_another(candidate, min_height, side_by_side=False):
        return pieces(candidate, min_height)

    monkeypatch.setattr(stacks, "stacked_pieces", only_one_above_another)
    assert [label for label, _ in _field_digits(1, region)] == [0]


def test_a_tall_blob_is_read_in_its_parts_or_its_pieces_whichever_reads_more_digits(monkeypatch):
    """Field tilted ruled page 14 at 640x480 (bench.field): a 2 over a 4 over a 1 joined into
    one blob 61 px tall. Cut along its empty rows, the 4's part keeps a sliver of the 1 and
    reads 0.47 surely; as a piece of ink of its own it reads 1.00. Read in its parts only,
    the blob gives no 4. (With the strokes given back where they cross the page's rules,
    crossings.strokes_on_rules, the region reads an 8 and a 3 and no 4; with the fragments'
    line rule, the 4 is a blob of its own and reads as a 9: both left out here, as when
    measured.)"""
    without_strokes_on_rules(monkeypatch)
    with_two_lines_joined(monkeypatch)
    region = (150, 40, 30, 40)
    assert (4, (159, 64)) in _field_digits(14, region)
    monkeypatch.setattr(stacks, "stacked_pieces", lambda candidate, min_height, side_by_side=False: [])
    assert 4 not in [label for label, _ in _field_digits(14, region)]


def _part(height: int) -> Candidate:
    return Candidate(box=(0, 0, 10, height), ink=np.full((height, 10), 255, np.uint8))


@pytest.mark.parametrize(
    ("whole", "blob_height", "parts", "kept"),
    [
        (0.2, 64, [], []),  # nothing to keep
        (0.2, 64, [(30, 0.99), (32, 0.5)], [0]),  # the part read surely and of the digits' height
        (0.2, 64, [(30, 0.99), (12, 0.99)], [0]),  # a part far shorter than the frame's digits
        (0.2, 64, [(30, 0.99), (40, 0.99)], [0]),  # ... or taller (1.33 of their height)
        (0.2, 45, [(30, 0.99), (30, 0.99)], [0, 1]),  # a blob just STACK_TALL times as tall
        (0.2, 40, [(30, 0.99), (30, 0.99)], []),  # a blob not tall enough to hold two lines
        (0.8, 64, [(30, 0.99), (30, 0.99)], []),  # a blob read as a digit keeps its reading
    ],
)
def test_sure_parts(whole, blob_height, parts, kept):
    read = [(_part(height), 4, confidence) for height, confidence in parts]
    got = sure_parts(whole, blob_height, read, digits_height=30.0, min_confidence=0.7)
    assert got == [read[k] for k in kept]
    assert sure_parts(whole, blob_height, read, digits_height=None, min_confidence=0.7) == []


@pytest.mark.parametrize(
    ("whole", "blob_height", "parts", "taken"),
    [
        (0.99, 64, [], False),  # nothing to take apart
        (0.99, 64, [(30, 0.99), (32, 0.8)], True),  # every part a digit of the frame's height
        (0.99, 45, [(30, 0.99), (30, 0.99)], True),  # a blob just STACK_TALL times as tall
        (0.99, 40, [(30, 0.99), (30, 0.99)], False),  # a blob not tall enough to hold two lines
        (0.99, 64, [(30, 0.99), (32, 0.5)], False),  # a part not read as a digit
        (0.99, 64, [(30, 0.99), (12, 0.99)], False),  # a part far shorter than the frame's digits
        (0.99, 64, [(30, 0.99)], False),  # one part is no stack
        (0.8, 64, [(30, 0.99), (30, 0.8)], True),  # read as a digit, under 0.9: choose_stack refused it
        (0.7, 64, [(30, 0.99), (30, 0.99)], True),  # read just min_confidence surely
        (0.69, 64, [(30, 0.99), (30, 0.99)], False),  # not read as a digit: sure_parts decides
    ],
)
def test_sure_stack(whole, blob_height, parts, taken):
    read = [(_part(height), 4, confidence) for height, confidence in parts]
    assert sure_stack(whole, blob_height, read, digits_height=30.0, min_confidence=0.7) is taken
    assert sure_stack(whole, blob_height, read, digits_height=None, min_confidence=0.7) is False


def test_median_digit_height_needs_a_few_digits():
    blobs = [_part(h) for h in (20, 30, 40, 50)]
    assert median_digit_height(blobs, np.array([0.9, 0.9, 0.7, 0.1]), 0.7) == 30.0  # 0.7 is sure enough
    assert median_digit_height(blobs, np.array([0.9, 0.9, 0.1, 0.1]), 0.7) is None
