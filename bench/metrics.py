"""Scoring predictions against a scene's ground truth: pure functions, no rendering.

A predicted digit is a hit only if its box overlaps a ground-truth digit at IoU >= 0.5
(one-to-one, best overlaps first) AND its label is right; a wrong label counts both as a
false positive and a miss, as a user would count it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from camdigits.types import Box

MATCH_IOU = 0.5  # a predicted box and a true one are the same digit from this overlap on
# A prediction overlapping no true digit even this much was made on paper, a letter or a
# doodle: a "false digit". Between the two thresholds it is a poor box on a real digit.
FALSE_DIGIT_IOU = 0.3

Labelled = tuple[int, Box]  # (label, box); numbers use (text, box)


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def match_boxes(predicted: Sequence[Box], truth: Sequence[Box], min_iou: float = MATCH_IOU) -> list[tuple[int, int]]:
    """One-to-one (predicted index, truth index) pairs with IoU >= ``min_iou``, best first."""
    pairs = sorted(
        ((iou(p, t), i, j) for i, p in enumerate(predicted) for j, t in enumerate(truth)),
        reverse=True,
    )
    used_p, used_t, matches = set(), set(), []
    for overlap, i, j in pairs:
        if overlap < min_iou:
            break
        if i not in used_p and j not in used_t:
            used_p.add(i)
            used_t.add(j)
            matches.append((i, j))
    return matches


@dataclass(frozen=True)
class Counts:
    """Tallies over one or more scenes; the rates are properties so counts add up exactly."""

    images: int = 0
    truth: int = 0  # ground-truth digits
    predicted: int = 0  # predicted digits
    boxes_matched: int = 0  # predictions whose box matched a true digit
    hits: int = 0  # ... and whose label was right
    false_digits: int = 0  # predictions on no digit at all
    numbers: int = 0  # ground-truth multi-digit numbers
    numbers_read: int = 0  # ... read exactly (same text, box IoU >= 0.5)

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def precision(self) -> float:
        """Detection precision: share of predicted boxes that are on a true digit."""
        return self.boxes_matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """Detection recall: share of true digits that got a box."""
        return self.boxes_matched / self.truth if self.truth else 1.0

    @property
    def label_accuracy(self) -> float:
        """Share of found digits read with the right label."""
        return self.hits / self.boxes_matched if self.boxes_matched else 1.0

    @property
    def f1(self) -> float:
        """End-to-end digit F1: a hit needs the right box and the right label."""
        return 2 * self.hits / (self.truth + self.predicted) if self.truth + self.predicted else 1.0

    @property
    def false_digits_per_image(self) -> float:
        return self.false_digits / self.images if self.images else 0.0

    @property
    def number_rate(self) -> float:
        """Share of multi-digit numbers read exactly."""
        return self.numbers_read / self.numbers if self.numbers else 1.0


def score(
    predicted: Sequence[Labelled],
    truth: Sequence[Labelled],
    predicted_numbers: Sequence[tuple[str, Box]] = (),
    truth_numbers: Sequence[tuple[str, Box]] = (),
) -> Counts:
    """Counts for one image."""
    matches = match_boxes([b for _, b in predicted], [b for _, b in truth])
    hits = sum(predicted[i][0] == truth[j][0] for i, j in matches)
    false_digits = sum(all(iou(box, t) < FALSE_DIGIT_IOU for _, t in truth) for _, box in predicted)
    numbers_read = sum(
        any(text == p_text and iou(box, p_box) >= MATCH_IOU for p_text, p_box in predicted_numbers)
        for text, box in truth_numbers
    )
    return Counts(
        images=1,
        truth=len(truth),
        predicted=len(predicted),
        boxes_matched=len(matches),
        hits=hits,
        false_digits=false_digits,
        numbers=len(truth_numbers),
        numbers_read=numbers_read,
    )
