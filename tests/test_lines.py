"""A bare stroke that runs on as a fainter line is a dash of that line; a written 1 is not."""

import math

import cv2
import numpy as np
import pytest

import camdigits.recognition.lines as lines
import camdigits.recognition.recognizer as recognizer_module
from camdigits.recognition.lines import continues_a_line, crosses_lines, is_bare_stroke
from camdigits.recognition.marks import without_printed_marks
from camdigits.recognition.recognizer import Recognizer
from camdigits.types import Digit
from tests.pages import PAPER, blank_page, mnist_test, write_digit

INK = 60  # grey of a pen's stroke
DASH, LINE = 120, 180  # greys of a faint grid line and of the darker dash of it the threshold finds


def _stroke(paper, top, bottom, grey=INK, width=2):
    cv2.line(paper, top, bottom, grey, width, cv2.LINE_AA)


def _check(paper, ink_level=INK, check=continues_a_line):
    """``check`` on the one blob darker than the middle grey of ``paper``."""
    ink = cv2.compare(paper, (PAPER + ink_level) // 2, cv2.CMP_LT)
    x, y, w, h = cv2.boundingRect(ink)
    return check(paper, ink[y : y + h, x : x + w], (x, y, w, h), PAPER, ink_level)


def _page():
    return np.full((240, 320), PAPER, np.uint8)


def test_a_stroke_on_clean_paper_ends_where_it_ends():
    paper = _page()
    _stroke(paper, (160, 80), (160, 140))
    assert not _check(paper)


@pytest.mark.parametrize("degrees", [0, 8, -20, 90])
def test_a_dash_of_a_fainter_line_continues_it(degrees):
    paper = _page()
    dx, dy = math.sin(math.radians(degrees)), math.cos(math.radians(degrees))
    _stroke(paper, (int(160 - 110 * dx), int(120 - 110 * dy)), (int(160 + 110 * dx), int(120 + 110 * dy)), LINE)
    _stroke(paper, (int(160 - 25 * dx), int(120 - 25 * dy)), (int(160 + 25 * dx), int(120 + 25 * dy)), DASH)
    assert _check(paper, DASH)


@pytest.mark.parametrize(
    "strokes, bare",
    [
        ([((40, 10), (10, 90))], True),  # a slanted stroke, as a sheet's edge's piece
        ([((10, 50), (90, 20))], True),  # lying nearly flat
        ([((30, 10), (30, 90))], True),  # upright
        ([((10, 10), (40, 10)), ((40, 10), (30, 90))], False),  # a 7
        ([((10, 10), (40, 10)), ((40, 10), (40, 90))], False),  # a 7 whose bar is 3/8 of its height
        ([((10, 10), (40, 10)), ((40, 10), (40, 40)), ((40, 40), (10, 40))], False),  # a square's three sides
    ],
)
def test_a_bare_stroke_is_one_straight_stroke_at_any_slant(strokes, bare):
    ink = np.zeros((100, 100), np.uint8)
    for start, end in strokes:
        cv2.line(ink, start, end, 255, 5)
    x, y, w, h = cv2.boundingRect(ink)
    assert is_bare_stroke(ink[y : y + h, x : x + w]) == bare


def test_a_stroke_with_clean_paper_past_one_end_is_kept():
    """A 1 written above a rule or another digit: one end runs into ink, the other is free."""
    paper = _page()
    _stroke(paper, (160, 60), (160, 120), DASH)
    _stroke(paper, (160, 125), (160, 235), LINE)  # a faint line on from its foot only
    assert not _check(paper, DASH)


@pytest.mark.parametrize("top, told", [(2, False), (30, True), (60, True), (171, True), (199, False)], ids=str)
def test_a_dash_near_the_frame_edge_is_told_by_the_samples_inside_it(top, told):
    """A dash 38 px long on a line the height of the frame (240 px). 2 px from the top, all
    the samples past its top end would leave the frame: it cannot be told. 30 px from the
    top or the bottom (top 171), most of them fall inside, and they show the line; so they
    do lower down. 2 px from the bottom (top 199), the samples past its foot leave the frame.
    (Until all samples had to fall inside, the dashes of a grid at the top and bottom of a
    1280x720 frame read as ones: docs/accuracy.md.)"""
    paper = _page()
    _stroke(paper, (160, 0), (160, 239), LINE)
    _stroke(paper, (160, top), (160, top + 38), DASH)
    assert _check(paper, DASH) == told


@pytest.mark.parametrize("top", [30, 171])
def test_a_stroke_near_the_frame_edge_on_clean_paper_is_kept(top):
    paper = _page()
    _stroke(paper, (160, top), (160, top + 38), DASH)
    assert not _check(paper, DASH)


def test_a_squared_page_bending_away_loses_its_grid_ones(monkeypatch):
    """A faint 5 mm grid on a page that bends, which the rule search cannot level: its dashes
    read as ones. With the check, far fewer do, and the written digits stay; so with the
    recognizer's check for fine, pale ones alone (the grid's dashes are both)."""
    page = blank_page()
    grid = np.full((480, 640), 255, np.uint8)
    for at in range(-40, 700, 22):
        cv2.line(grid, (at, -40), (at, 520), 205, 1, cv2.LINE_AA)
        cv2.line(grid, (-40, at), (680, at), 205, 1, cv2.LINE_AA)
    ys, xs = np.mgrid[0:480, 0:640].astype(np.float32)
    grid = cv2.remap(grid, xs + 3 * np.sin(ys / 90), ys + 3 * np.sin(xs / 110), cv2.INTER_LINEAR)
    _, labels = mnist_test()
    written = (2, 0, 7, 4, 9, 3, 8)
    for i, label in enumerate(written):
        write_digit(page, int(np.flatnonzero(labels == label)[2]), 60 + 76 * i, 200 + (i % 2) * 90, 44)
    noise = np.random.default_rng(0).normal(0, 3, (480, 640, 1))
    page = np.clip(np.minimum(page, grid[:, :, None]) + noise, 0, 255).astype(np.uint8)
    recognizer = Recognizer()
    ones = sum(d.label == 1 for d in recognizer.recognize(page).digits)
    monkeypatch.setattr(lines, "LINE_CONTINUES", math.inf)
    printed_only = sum(d.label == 1 for d in recognizer.recognize(page).digits)
    monkeypatch.setattr(recognizer_module, "without_printed_marks", lambda digits, paper, mask: digits)
    read_without = [d.label for d in recognizer.recognize(page).digits]
    assert read_without.count(1) >= 20  # the grid reads as ones
    assert ones <= read_without.count(1) // 3
    assert printed_only <= read_without.count(1) // 3
    monkeypatch.undo()
    read = sorted(d.label for d in recognizer.recognize(page).digits if d.label != 1)
    assert set(written) <= set(read)


def _crossing(paper, centre, arm, grey, width=1):
    x, y = centre
    cv2.line(paper, (x - arm, y), (x + arm, y), grey, width)
    cv2.line(paper, (x, y - arm), (x, y + arm), grey, width)


@pytest.mark.parametrize("centre, told", [((160, 120), True), ((12, 120), False)])
def test_where_two_grid_lines_cross_is_not_a_digit(centre, told):
    """A grid's crossing, darker where its lines meet (as the threshold keeps of a faint
    grid), reads as a 4 or a 7; its four arms run on. Too near the frame's edge the paper
    past one arm cannot be seen."""
    paper = _page()
    _crossing(paper, centre, 200, LINE)
    _crossing(paper, centre, 10, DASH, 2)
    assert _check(paper, DASH, crosses_lines) == told


def test_a_written_four_ends_on_clean_paper():
    paper = _page()
    _stroke(paper, (170, 80), (170, 160), DASH)  # the stem
    _stroke(paper, (140, 130), (185, 130), DASH)  # the bar, through the stem
    _stroke(paper, (140, 130), (165, 80), DASH)  # the slanted side
    assert not _check(paper, DASH, crosses_lines)


def _marked_page():
    """A page of four digits in pen (7 px, grey INK), and the digits they are read as."""
    paper = _page()
    digits = []
    for i, (label, strokes) in enumerate(
        [
            (2, [((0, 0), (20, 0)), ((20, 0), (20, 15)), ((20, 15), (0, 30)), ((0, 30), (20, 30))]),
            (5, [((20, 0), (0, 0)), ((0, 0), (0, 15)), ((0, 15), (20, 20)), ((20, 20), (0, 30))]),
            (3, [((0, 0), (20, 0)), ((20, 0), (5, 15)), ((5, 15), (20, 22)), ((20, 22), (0, 30))]),
            (8, [((0, 0), (20, 0)), ((0, 0), (20, 30)), ((20, 0), (0, 30)), ((0, 30), (20, 30))]),
        ]
    ):
        x, y = 20 + 40 * i, 40
        for (x0, y0), (x1, y1) in strokes:
            _stroke(paper, (x + x0, y + y0), (x + x1, y + y1), INK, 7)
        digits.append(Digit(label, 0.99, (x - 1, y - 1, 23, 33)))
    return paper, digits


@pytest.mark.parametrize(
    "label, arms, grey, width, kept",
    [
        (7, [((0, 0), (20, 0)), ((20, 0), (20, 30))], LINE, 1, False),  # a grid's corner
        (4, [((0, 15), (20, 15)), ((12, 0), (12, 30))], LINE, 1, False),  # a grid's crossing
        (1, [((10, 0), (10, 30))], LINE, 1, False),  # a grid's dash
        (7, [((0, 0), (20, 0)), ((20, 0), (6, 30))], INK, 1, True),  # a 7 in a fine pen, as dark
        (7, [((0, 0), (20, 0)), ((20, 0), (20, 30))], LINE, 7, True),  # as wide as the pen's
    ],
)
def test_a_printed_grids_faint_fine_marks_are_not_digits(label, arms, grey, width, kept):
    """A corner of a faint grid reads as a 7, a crossing as a 4, a dash as a 1 (as on squared
    pages held at an angle, where the rule search left them); finer and fainter than the
    page's written digits, they are dropped. A mark only finer or only fainter is kept."""
    paper, digits = _marked_page()
    x, y = 200, 40
    for (x0, y0), (x1, y1) in arms:
        _stroke(paper, (x + x0, y + y0), (x + x1, y + y1), grey, width)
    mark = Digit(label, 0.99, (x - 1, y - 1, 23, 33))
    mask = cv2.compare(paper, PAPER - 10, cv2.CMP_LT)
    read = without_printed_marks([*digits, mark], paper, mask)
    assert read[:4] == digits and (mark in read) == kept
