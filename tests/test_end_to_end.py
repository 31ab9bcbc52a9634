"""The shipped model and the whole pipeline on rendered photos of handwriting.

A reduced, fast version of ``python -m bench.accuracy`` (16 scenes per condition instead of
40), with thresholds a little below what it measures, so that a regression fails CI.

The issue's targets are F1 >= 0.97 on clean pages and >= 0.90 on photo-like ones (met: the
40-scene benchmark gives 0.988 and 0.980) and at most 0.1 false digits per image among
distractors, which is NOT met yet: 0.35 on the benchmark, 0.375 on these 16 scenes, from
long straight lines read as 1 and long wavy scribbles. The false-digit thresholds below lock
in today's figures, not the target.
"""

import pytest

from bench.accuracy import evaluate
from camdigits.recognizer import Recognizer

SCENES = 16  # per condition; the benchmark uses 40
SIZE = (640, 480)


@pytest.fixture(scope="module")
def recognizer():
    return Recognizer()


@pytest.mark.parametrize(
    "condition, min_f1, max_false_digits_per_image",
    [
        ("empty", None, 0.4),  # no digits: F1 is meaningless, only false digits count
        ("clean", 0.96, 0.05),
        ("photo", 0.93, 0.1),
        ("distractors", 0.92, 0.45),
    ],
)
def test_condition(recognizer, condition, min_f1, max_false_digits_per_image):
    counts, _ = evaluate(recognizer, condition, SCENES, SIZE)
    if min_f1 is not None:
        assert counts.f1 >= min_f1, counts
    assert counts.false_digits_per_image <= max_false_digits_per_image, counts


def test_numbers_are_read(recognizer):
    counts, _ = evaluate(recognizer, "clean", SCENES, SIZE)
    assert counts.numbers >= 5
    assert counts.number_rate >= 0.8, counts


def test_larger_frames(recognizer):
    counts, _ = evaluate(recognizer, "clean", 4, (1280, 720))
    assert counts.f1 >= 0.93, counts
