"""A writer's style read from the page (camdigits.recognition.styles): where the sevens are
crossed, a seven's shape without the bar is a flagged one. The digits are MNIST test ones and
sevens with a flag or a bar drawn on in the same pen."""

from __future__ import annotations

import numpy as np
import pytest

import camdigits.recognition.reading as reading_module
from bench.metrics import iou
from camdigits.config import CROSSED_SEVEN_BAR, NOT_A_DIGIT
from camdigits.recognition.recognizer import Recognizer
from camdigits.recognition.styles import bar_reach, with_flagged_ones
from tests.pages import EUROPEAN_COUNT as COUNT
from tests.pages import european_page


@pytest.fixture(scope="module")
def recognizer():
    return Recognizer()


def _read(recognizer: Recognizer, page: np.ndarray, truth) -> list[int | None]:
    digits = recognizer.recognize(page).digits
    return [next((d.label for d in digits if iou(d.box, box) >= 0.5), None) for _, box in truth]


def test_flagged_ones_beside_crossed_sevens_are_ones(recognizer, monkeypatch):
    page, truth = european_page(crossed=True)
    assert _read(recognizer, page, truth) == [label for label, _ in truth]
    # The page's style decides: the network alone reads several of those ones as sevens.
    monkeypatch.setattr(reading_module, "with_flagged_ones", lambda blobs, probabilities, least: probabilities)
    alone = _read(recognizer, page, truth)
    assert sum(read != 1 for read, (label, _) in zip(alone, truth) if label == 1) >= 3


def test_a_page_of_plain_sevens_is_read_as_the_network_reads_it(recognizer, monkeypatch):
    """Where the writer does not cross sevens, a seven's shape is a seven, flag or not."""
    page, truth = european_page(crossed=False)
    with_style = _read(recognizer, page, truth)
    monkeypatch.setattr(reading_module, "with_flagged_ones", lambda blobs, probabilities, least: probabilities)
    assert with_style == _read(recognizer, page, truth)
    assert [read for read, (label, _) in zip(with_style, truth) if label == 7] == [7] * COUNT
    assert 7 in [read for read, (label, _) in zip(with_style, truth) if label == 1]  # the rule would have a one to take


def _drawn_seven(height: int, stroke: int, bar: bool = False, bow: float = 0.0) -> np.ndarray:
    """A seven's mask: a top arm ``stroke`` px thick, a stem from its right end down to the
    middle (bowed sideways by ``bow`` of the width at mid-height) and, if ``bar``, a bar a
    stroke thick across the stem at 0.55 of the height, reaching 0.3 of the height and a
    stroke each way."""
    width = int(0.6 * height)
    ink = np.zeros((height, width), np.uint8)
    ink[:stroke] = 255
    for row in range(height):
        t = row / (height - 1)
        right = width - 1 - int(width // 2 * t) - round(bow * width * 4 * t * (1 - t))
        ink[row, max(0, right - stroke + 1) : right + 1] = 255
    if bar:
        row = int(0.55 * height)
        stem = width - 1 - int(width // 2 * row / (height - 1))
        reach = int(0.3 * height) + stroke
        ink[row : row + stroke, max(0, stem - reach) : stem + reach] = 255
    return ink


@pytest.mark.parametrize(
    "ink",
    [np.zeros((0, 0), np.uint8), np.zeros((20, 12), np.uint8), np.full((12, 2), 255, np.uint8)],
    ids=["empty", "no ink", "a bare stroke"],
)
def test_a_blob_without_a_sevens_shape_has_no_bar(ink):
    assert bar_reach(ink) == 0.0


@pytest.mark.parametrize("height, stroke", [(10, 2), (12, 3), (14, 4), (16, 4), (20, 5), (60, 6)])
def test_a_bar_is_told_on_small_and_bold_sevens(height, stroke):
    assert bar_reach(_drawn_seven(height, stroke, bar=True)) >= CROSSED_SEVEN_BAR
    assert bar_reach(_drawn_seven(height, stroke)) < CROSSED_SEVEN_BAR


@pytest.mark.parametrize("height, stroke, bow", [(16, 4, 0.2), (20, 4, 0.25), (30, 5, 0.2), (60, 4, 0.2)])
def test_a_bowed_stem_is_no_bar(height, stroke, bow):
    assert bar_reach(_drawn_seven(height, stroke, bow=bow)) < CROSSED_SEVEN_BAR


def test_a_bar_reaches_past_both_sides_of_a_sevens_stem(recognizer):
    """Of MNIST's sevens 15-19, the second and the fifth are crossed by their writers; a one's
    flag and the other sevens' sloping top arms meet the stem from one side only."""
    crossed_page, _ = european_page(crossed=True)
    plain_page, _ = european_page(crossed=False)
    for page, crossed in ((crossed_page, [True] * COUNT), (plain_page, [False, True, False, False, True])):
        found = sorted(recognizer.find(*recognizer.ink_mask(page)), key=lambda c: (c.box[1] > 200, c.box[0]))
        assert len(found) == 2 * COUNT
        ones, sevens = found[:COUNT], found[COUNT:]
        assert [bar_reach(c.ink) >= CROSSED_SEVEN_BAR for c in sevens] == crossed
        assert not any(bar_reach(c.ink) >= CROSSED_SEVEN_BAR for c in ones)


def _readings(ones: float, sevens: float) -> np.ndarray:
    row = np.zeros(NOT_A_DIGIT + 1, np.float32)
    row[1], row[7] = ones, sevens
    row[NOT_A_DIGIT] = 1.0 - ones - sevens
    return row


def test_only_blobs_without_a_bar_are_read_as_flagged_ones(recognizer):
    """The crossed page's blobs, read as given: four sure crossed sevens open the gate; a
    crossed seven that reads a little as a one stays a seven, the flagged ones become ones."""
    page, _ = european_page(crossed=True)
    found = sorted(recognizer.find(*recognizer.ink_mask(page)), key=lambda c: (c.box[1] > 200, c.box[0]))
    ones, sevens = found[:COUNT], found[COUNT:]
    read = np.array(
        [_readings(0.15, 0.8)] * COUNT + [_readings(0.001, 0.99)] * 3 + [_readings(0.05, 0.9), _readings(0.0, 0.99)]
    )
    styled = with_flagged_ones(ones + sevens, read, 0.7)
    assert styled[:, :NOT_A_DIGIT].argmax(axis=1).tolist() == [1] * COUNT + [7] * COUNT
    np.testing.assert_allclose(styled[:COUNT, 1], 0.95, rtol=1e-6)
    np.testing.assert_array_equal(styled[COUNT:], read[COUNT:])
    assert read[0, 7] == np.float32(0.8)  # the caller's readings are left as they were
    # Sure sevens without a bar (a flagged one's blob read surely as a seven has none) count
    # against the gate: three crossed of five (CROSSED_SEVENS_SHARE) open it, two of five do not.
    sure = np.array([_readings(0.15, 0.8)] + [_readings(0.001, 0.99)] * 5)
    for crossed, opens in ((3, True), (2, False)):
        blobs = [ones[0]] + sevens[:crossed] + ones[1 : 1 + 5 - crossed]
        assert (with_flagged_ones(blobs, sure, 0.7) is not sure) == opens
    assert with_flagged_ones([], np.zeros((0, NOT_A_DIGIT + 1), np.float32), 0.7).shape == (0, NOT_A_DIGIT + 1)
