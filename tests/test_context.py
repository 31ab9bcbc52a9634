"""Word context: digits in a run of writing made mostly of letters are dropped."""

import pytest

from camdigits.config import Config
from camdigits.recognition.context import drop_text
from camdigits.types import Digit

CONFIG = Config()
H, W, GAP = 40, 24, 8  # px: one glyph's height and width, and the gap inside a word


def boxes(count, x=10, y=100):
    return [(x + i * (W + GAP), y, W, H) for i in range(count)]


def digits_at(box_list, label=8):
    return [Digit(label=label, confidence=0.95, box=box) for box in box_list]


@pytest.mark.parametrize(
    "digit_boxes, letter_boxes, kept",
    [
        ([], [], 0),
        ([], boxes(5), 0),
        (boxes(3), [], 3),  # a number alone
        # "every" read as e(8) v e(8) r y(4): three digits, two letters -> digits win
        (boxes(5)[::2], boxes(5)[1::2], 3),
        # "Harvey" with e and y read as digits: four letters, two digits -> text
        (boxes(6)[4:], boxes(6)[:4], 0),
        # a lone O next to digits ("2O26" read with the O unsure) stays a number
        (boxes(4)[:1] + boxes(4)[2:], boxes(4)[1:2], 3),
        # two blobs are too few to call a word: a digit beside one unsure blob stays
        (boxes(2)[:1], boxes(2)[1:], 1),
        # a word far to the left (a space of 2 heights) does not take the number with it
        (boxes(3, x=10 + 6 * (W + GAP) + 2 * H), boxes(6), 3),
        # a word on another line does not either
        (boxes(3), boxes(6, y=300), 3),
        # "Room" with both o read as 0: as many letters as digits -> text
        (boxes(4)[1:3], boxes(4)[::3], 0),
        # "call": a joined-up "ca" two heights wide counts as two letters beside l l (1 1)
        ([(10 + 2 * H + GAP, 100, 8, H), (10 + 2 * H + 2 * GAP + 8, 100, 8, H)], [(10, 100, 2 * H, H)], 0),
    ],
    ids=[
        "empty",
        "only-letters",
        "number",
        "every",
        "harvey",
        "lone-O",
        "two-blobs",
        "word-then-space",
        "other-line",
        "room",
        "joined-up",
    ],
)
def test_drop_text(digit_boxes, letter_boxes, kept):
    digits = digits_at(digit_boxes)
    result = drop_text(digits, letter_boxes, CONFIG)
    assert len(result) == kept
    assert all(d in digits for d in result)


def test_needs_word_min_blobs():
    from dataclasses import replace

    digit_boxes, letter_boxes = boxes(3)[:1], boxes(3)[1:]  # one digit, two letters
    assert drop_text(digits_at(digit_boxes), letter_boxes, CONFIG) == []
    assert len(drop_text(digits_at(digit_boxes), letter_boxes, replace(CONFIG, word_min_blobs=4))) == 1
