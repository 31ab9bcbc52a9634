"""Scoring rules of the scene benchmark."""

import pytest

from bench.metrics import Counts, iou, match_boxes, score

A, B, C = (10, 10, 20, 30), (100, 10, 20, 30), (200, 10, 20, 30)


@pytest.mark.parametrize(
    "a, b, expected",
    [(A, A, 1.0), (A, B, 0.0), (A, (20, 10, 20, 30), 1 / 3), ((0, 0, 10, 10), (0, 0, 10, 5), 0.5)],
    ids=["same", "apart", "half-shifted", "contained"],
)
def test_iou(a, b, expected):
    assert iou(a, b) == pytest.approx(expected)


@pytest.mark.parametrize(
    "predicted, truth, expected",
    [
        ([], [], dict(truth=0, predicted=0, hits=0, f1=1.0, false_digits=0)),
        ([], [(1, A)], dict(hits=0, f1=0.0, recall=0.0)),
        ([(1, A)], [], dict(hits=0, f1=0.0, false_digits=1, precision=0.0)),
        ([(1, A), (2, B)], [(1, A), (2, B)], dict(hits=2, f1=1.0, precision=1.0, recall=1.0)),
        ([(7, A)], [(1, A)], dict(boxes_matched=1, hits=0, f1=0.0, label_accuracy=0.0, false_digits=0)),
        ([(1, (16, 10, 20, 30))], [(1, A)], dict(hits=1, f1=1.0)),  # IoU 0.54: same digit
        ([(1, (20, 10, 20, 30))], [(1, A)], dict(hits=0, f1=0.0, false_digits=0)),  # IoU 1/3: a poor box, not false
        ([(1, A), (1, A)], [(1, A)], dict(hits=1, boxes_matched=1, f1=pytest.approx(2 / 3))),  # duplicate
        ([(1, A), (5, C)], [(1, A)], dict(hits=1, false_digits=1, precision=0.5)),
    ],
    ids=["empty", "missed", "false", "perfect", "wrong-label", "shifted-ok", "shifted-bad", "duplicate", "on-paper"],
)
def test_score(predicted, truth, expected):
    counts = score(predicted, truth)
    for name, value in expected.items():
        assert getattr(counts, name) == value, name


@pytest.mark.parametrize(
    "predicted_numbers, read",
    [([], 0), ([("407", A)], 1), ([("401", A)], 0), ([("407", C)], 0)],
    ids=["none", "exact", "wrong-text", "wrong-place"],
)
def test_numbers_need_text_and_place(predicted_numbers, read):
    counts = score([], [], predicted_numbers, [("407", A)])
    assert (counts.numbers, counts.numbers_read) == (1, read)


def test_counts_add_up():
    total = score([(1, A)], [(1, A)]) + score([], [(2, B)]) + Counts()
    assert (total.images, total.truth, total.hits) == (2, 2, 1)
    assert total.f1 == pytest.approx(2 / 3)


def test_matching_is_one_to_one_best_first():
    assert match_boxes([A, (12, 10, 20, 30)], [(12, 10, 20, 30)]) == [(1, 0)]
