"""Small test pages: real MNIST TEST digits written as pen ink on paper, with exact boxes.

The full scene generator with lighting, perspective and distractors is bench/scenes.py;
these helpers are for unit tests that need one controlled page.
"""

from __future__ import annotations

import functools

import cv2
import numpy as np

from bench import mnist_grids as grids
from camdigits.config import Config
from camdigits.recognition import fragments, rules
from camdigits.recognition.rules import erase_rules
from camdigits.recognition.threshold import threshold_window, threshold_with_depth, to_dark_ink
from train.data import load_mnist_test

PAPER = grids.PAPER  # grey level of clean paper under good light
PEN = grids.PEN  # grey level of dark pen ink


@functools.lru_cache(maxsize=1)
def mnist_test() -> tuple[np.ndarray, np.ndarray]:
    """The official 10k MNIST test split, uint8 (10000, 28, 28) and labels."""
    return load_mnist_test()


def first_of_each_label() -> list[int]:
    """Indices of the first test image of each label 0-9."""
    _, y = mnist_test()
    return [int(np.flatnonzero(y == label)[0]) for label in range(10)]


def blank_page(width: int = 640, height: int = 480, level: int = PAPER) -> np.ndarray:
    return np.full((height, width, 3), level, np.uint8)


def write_digit(page: np.ndarray, index: int, x: int, y: int, height: int, ink: int = PEN) -> tuple[int, int, int, int]:
    """Write MNIST test digit ``index`` onto ``page`` with its 28x28 field's top-left at (x, y)
    (:func:`bench.mnist_grids.write_digit`).

    The field is scaled to ``height * 28 / 20`` px so the digit itself is about ``height``
    px tall. Returns the tight box of the ink (alpha >= 0.5) in page pixels.
    """
    digits, _ = mnist_test()
    return grids.write_digit(page, digits[index], x, y, height, ink)


def page_with_row(
    indices: list[int], height: int = 60, gap: float = 1.5, x: int = 40, y: int = 150
) -> tuple[np.ndarray, list]:
    """A page with the given test digits in a row, ``gap`` digit heights apart.

    Returns the page and a list of (label, box) for the digits written.
    """
    _, labels = mnist_test()
    page = blank_page()
    truth = []
    for index in indices:
        box = write_digit(page, index, x, y, height)
        truth.append((int(labels[index]), box))
        x = box[0] + box[2] + int(gap * height) - int(round(height * 4 / 20))
    return page, truth


def digit_rows() -> np.ndarray:
    """A page of three rows of MNIST test digits, 20, 40 and 90 px tall."""
    page, _ = page_with_row(first_of_each_label(), height=40)
    for i, index in enumerate(first_of_each_label()[:5]):
        write_digit(page, index, 40 + i * 60, 60, 20)
        write_digit(page, index, 40 + i * 120, 330, 90)
    return page


def marker_page() -> tuple[np.ndarray, list[tuple[int, tuple[int, int, int, int]]]]:
    """MNIST test digits in a wide marker, 640x480: 9 6 1 8 2 80 px tall over 0 4 8 190 px
    tall, their strokes 20 px wider than the pen's. Returns the page and (label, box) of the
    large row."""
    firsts = first_of_each_label()
    page, large = blank_page(760, 520), []
    for i, label in enumerate((9, 6, 1, 8, 2)):
        write_digit(page, firsts[label], 80 + 80 * i, 30, 80)
    for i, label in enumerate((0, 4, 8)):
        x, y, w, h = write_digit(page, firsts[label], 20 + 215 * i, 200, 190)
        large.append((label, (x - 80, y - 40, w + 20, h + 20)))  # in the frame cut out below, grown by the marker
    marker = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (21, 21))
    return cv2.erode(page[30:510, 70:710], marker), large


def noise(sigma: float, seed: int = 0, size: tuple[int, int] = (480, 640)) -> np.ndarray:
    """Colour noise, every channel its own, blurred by ``sigma`` px as a camera's optics would."""
    frame = np.random.default_rng(seed).integers(0, 256, (*size, 3), dtype=np.uint8)
    return cv2.GaussianBlur(frame, (0, 0), sigma) if sigma else frame


def thresholded(frame: np.ndarray, config: Config | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """A BGR frame's dark-ink paper, its threshold mask, that mask with its rules erased, and
    the threshold window, as the recognizer makes them."""
    config = config or Config()
    paper = to_dark_ink(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), config)
    mask, depth = threshold_with_depth(paper, config)
    return paper, mask, erase_rules(mask, depth), threshold_window(paper.shape, config)


# MNIST test ones 15-19 and sevens 15-19 (by label): with a flag, the network alone reads
# most of these ones as sevens or as no digit.
EUROPEAN_FIRST, EUROPEAN_COUNT = 15, 5
EUROPEAN_HEIGHT = 60


def _european_indices(label: int) -> list[int]:
    _, labels = mnist_test()
    return np.flatnonzero(labels == label)[EUROPEAN_FIRST : EUROPEAN_FIRST + EUROPEAN_COUNT].tolist()


def pen_stroke(page: np.ndarray, start: tuple[float, float], end: tuple[float, float], width: int = 4) -> None:
    """A straight stroke of dark pen ink from ``start`` to ``end`` (x, y, rounded to pixels)."""
    points = (round(start[0]), round(start[1])), (round(end[0]), round(end[1]))
    cv2.line(page, *points, (PEN, PEN, PEN), width, cv2.LINE_AA)


def _flagged_one(page: np.ndarray, index: int, x: int, y: int) -> tuple[int, int, int, int]:
    """MNIST one ``index`` with a flag from its top down to the left; its box with the flag."""
    bx, by, bw, bh = write_digit(page, index, x, y, EUROPEAN_HEIGHT)
    top = bx + int(np.argmin(page[by : by + 3, bx : bx + bw, 0].min(axis=0)))  # the stem's top
    end = (top - 0.35 * bh, by + 0.3 * bh)
    pen_stroke(page, (top, by + 1), end)
    left = min(bx, int(end[0]) - 2)
    return left, by, bx + bw - left, bh


def _seven(page: np.ndarray, index: int, x: int, y: int, crossed: bool) -> tuple[int, int, int, int]:
    """MNIST seven ``index``, with a bar across its stem if ``crossed``; its box with the bar."""
    bx, by, bw, bh = write_digit(page, index, x, y, EUROPEAN_HEIGHT)
    if not crossed:
        return bx, by, bw, bh
    row = by + int(0.6 * bh)
    stem = bx + int(np.argmin(page[row, bx : bx + bw, 0]))
    left, right = int(stem - 0.3 * bh), int(stem + 0.3 * bh)
    pen_stroke(page, (left, row), (right, row))
    return min(bx, left - 2), by, max(bx + bw, right + 2) - min(bx, left - 2), bh


def european_page(crossed: bool) -> tuple[np.ndarray, list[tuple[int, tuple[int, int, int, int]]]]:
    """Flagged ones in one row and sevens, crossed or not, in the row below (the page of
    tests/test_styles.py); with each digit's (label, box)."""
    page, truth = blank_page(), []
    for k, (one, seven) in enumerate(zip(_european_indices(1), _european_indices(7))):
        truth.append((1, _flagged_one(page, one, 30 + 120 * k, 60)))
        truth.append((7, _seven(page, seven, 30 + 120 * k, 260, crossed)))
    return page, truth


def without_strokes_on_rules(monkeypatch) -> None:
    """The rule erase with no stroke given back where it crosses a rule aslant or lies
    against it (crossings.strokes_on_rules), as the field pages measured without it were."""
    monkeypatch.setattr(rules, "strokes_on_rules", lambda mask, bands, thickest: np.zeros_like(mask))


def with_two_lines_joined(monkeypatch) -> None:
    """The fragment grouping without its line rule (fragments._two_lines): on a ruled page,
    two lines' digits a pen's gap apart are joined, as the field pages measured without it were."""
    monkeypatch.setattr(fragments, "_two_lines", lambda span_a, span_b, joined, line_height: False)
