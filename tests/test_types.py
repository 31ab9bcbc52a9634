"""Result types validate where they are made and serialise to the JSON Lines shape."""

import json

import pytest

from camdigits.types import Digit, FrameResult, Number, union_box


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(label=10, confidence=0.5, box=(0, 0, 1, 1)), "label"),
        (dict(label=-1, confidence=0.5, box=(0, 0, 1, 1)), "label"),
        (dict(label=3, confidence=1.5, box=(0, 0, 1, 1)), "confidence"),
        (dict(label=3, confidence=0.5, box=(0, 0, 0, 4)), "positive"),
        (dict(label=3, confidence=0.5, box=(0, 0, 4)), "4 ints"),
        (dict(label=3, confidence=0.5, box=(0.5, 0, 4, 4)), "4 ints"),
    ],
    ids=["label-10", "label-negative", "confidence", "zero-width", "short-box", "float-box"],
)
def test_digit_rejects_bad_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Digit(**kwargs)


def test_number_text_must_spell_its_digits():
    digits = (Digit(4, 0.9, (0, 0, 5, 9)), Digit(2, 0.8, (6, 0, 5, 9)))
    with pytest.raises(ValueError, match="expected '42'"):
        Number(text="24", confidence=0.72, box=(0, 0, 11, 9), digits=digits)
    with pytest.raises(ValueError, match="at least one digit"):
        Number(text="", confidence=0.5, box=(0, 0, 1, 1), digits=())


@pytest.mark.parametrize(
    "boxes, expected",
    [([(5, 5, 1, 1)], (5, 5, 1, 1)), ([(0, 0, 10, 10), (20, 5, 5, 20)], (0, 0, 25, 25))],
    ids=["one", "two"],
)
def test_union_box(boxes, expected):
    assert union_box(boxes) == expected


def test_frame_result_json_shape():
    digits = (Digit(4, 0.99349, (10, 20, 30, 40)), Digit(7, 0.5, (45, 20, 30, 40), track=3))
    number = Number("47", 0.4967, (10, 20, 65, 40), digits)
    result = FrameResult(640, 480, digits, (number,), source="img.png", frame=2, time=0.0667)
    line = json.dumps(result.to_dict())
    assert json.loads(line) == {
        "source": "img.png",
        "frame": 2,
        "time": 0.067,
        "width": 640,
        "height": 480,
        "digits": [
            {"label": 4, "confidence": 0.993, "box": [10, 20, 30, 40]},
            {"label": 7, "confidence": 0.5, "box": [45, 20, 30, 40], "track": 3},
        ],
        "numbers": [{"text": "47", "confidence": 0.497, "box": [10, 20, 65, 40]}],
    }


def test_frame_result_rejects_empty_size():
    with pytest.raises(ValueError, match="positive size"):
        FrameResult(0, 480)
