"""The shipped model and the whole pipeline on rendered photos of handwriting, per condition.

A reduced version of ``python -m bench.accuracy``: the first 40 of its 200 seeded scenes per
condition, with thresholds a little below what these 40 give today, so that a regression
fails CI. (12 scenes were too few: thresholds set just under their figures failed for a
retrained network whose figures on 200 scenes equal this one's.) They lock in today's
level, not the issue's targets (the benchmark's 200 scenes judge those: empty gives 0.075
false digits per image on these 40 and 0.04 on all 200, against a target of 0.05).
"""

import pytest

from bench.accuracy import evaluate
from camdigits.recognition.recognizer import Recognizer

SCENES = 40  # per condition; the benchmark uses 200
SIZE = (640, 480)


@pytest.fixture(scope="module")
def recognizer():
    return Recognizer()


# condition, least F1 (None: no digits to find), most false digits per image, least number
# exact-match rate. Measured on these 40 scenes in comments.
CASES = [
    ("clean", 0.97, 0.05, 0.90),  # F1 0.986, 0.00, numbers 0.93
    ("photo", 0.96, 0.05, 0.85),  # 0.980, 0.00, 0.88
    ("small", 0.96, 0.05, 0.86),  # 0.975, 0.00, 0.89
    ("board", 0.95, 0.05, 0.86),  # 0.971, 0.00, 0.88
    ("slanted", 0.96, 0.05, 0.92),  # 0.982, 0.00, 0.96
    ("thin", 0.94, 0.05, 0.78),  # 0.957, 0.00, 0.80
    ("thick", 0.95, 0.05, 0.83),  # 0.965, 0.00, 0.86
    ("ruled", 0.91, 0.10, 0.74),  # 0.934, 0.075, 0.77
    # Letters drawn from Hershey stroke data (train.glyphs): script E and m still read as
    # 8 and 92 now and then.
    ("distractors", 0.94, 0.30, 0.94),  # 0.959, 0.25, 0.97
    ("touching", 0.76, 0.05, 0.50),  # 0.783, 0.00, 0.53
    ("broken", 0.94, 0.10, 0.79),  # 0.960, 0.075, 0.82
    ("numbers", 0.97, 0.05, 0.90),  # 0.987, 0.00, 0.93
    ("empty", None, 0.10, None),  # no digits: only false digits count (0.05)
]


@pytest.mark.parametrize("condition, min_f1, max_false_digits_per_image, min_number_rate", CASES)
def test_condition(recognizer, condition, min_f1, max_false_digits_per_image, min_number_rate):
    counts, _ = evaluate(recognizer, condition, SCENES, SIZE)
    if min_f1 is not None:
        assert counts.f1 >= min_f1, counts
        assert counts.numbers >= 10 and counts.number_rate >= min_number_rate, counts
    assert counts.false_digits_per_image <= max_false_digits_per_image, counts


def test_every_benchmark_condition_is_tested():
    from bench.scenes import CONDITIONS

    assert [case[0] for case in CASES] == list(CONDITIONS)


# touching: 0.78 on 20 scenes with the shipped network, 0.857 with the one before it (see
# models/MODEL_CARD.md); these 6 scenes give 0.74.
@pytest.mark.parametrize("condition, min_f1", [("clean", 0.95), ("ruled", 0.90), ("touching", 0.70)])
def test_larger_frames(recognizer, condition, min_f1):
    """1280x720: the window and size limits scale with the frame (6 scenes each)."""
    counts, _ = evaluate(recognizer, condition, 6, (1280, 720))
    assert counts.f1 >= min_f1, counts


def test_ruled_paper_at_720p(recognizer):
    """The rule search's px sizes grow with the frame (rules.RuleSizes): with the sizes
    fixed at their 480p values these 40 scenes gave F1 0.898 with the previous model;
    scaled, 0.924 (0.927 with the shipped one)."""
    counts, _ = evaluate(recognizer, "ruled", 40, (1280, 720))
    assert counts.f1 >= 0.91, counts


def test_fine_pen_at_720p(recognizer):
    """The least ink density grows more lenient with the frame (candidates.min_ink_density):
    the benchmark's fine pen stays 1-2 px wide at 720p while the digits are 1.5x as tall.
    Fixed at its 480p value, these 40 scenes gave F1 0.929 (large fine-pen digits dropped
    as sparse ink); divided by the square root of the frame's scale, 0.960."""
    counts, _ = evaluate(recognizer, "thin", 40, (1280, 720))
    assert counts.f1 >= 0.95, counts
