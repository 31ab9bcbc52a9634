"""bench.cascade: the figures the cascade's thresholds were chosen by."""

import numpy as np

from bench import cascade
from camdigits.config import NOT_A_DIGIT


def probabilities(rows):
    out = np.zeros((len(rows), NOT_A_DIGIT + 1), np.float32)
    for i, (label, p) in enumerate(rows):
        out[i, label] = p
        out[i, NOT_A_DIGIT] += 1 - p
    return out


def test_a_decision_is_the_digit_and_the_limits_it_passes():
    rows = probabilities([(3, 0.8), (3, 0.95), (3, 0.95), (3, 0.5), (7, 0.5)])
    wide = np.array([False, False, True, False, False])
    got = cascade.decisions(rows, wide, min_confidence=0.7).tolist()
    # 0.8 and 0.95 are both reported; only a wide blob's 0.95 also escapes being cut in two;
    # below 0.7 the label no longer matters.
    assert got == [3 * 3 + 1, 3 * 3 + 1, 3 * 3 + 2, -1, -1]


def test_the_table_counts_settled_patches_and_their_changed_decisions():
    full = probabilities([(3, 0.99), (5, 0.6), (1, 0.1)])
    first = probabilities([(3, 0.9999), (5, 0.9999), (1, 0.0)])  # the second is settled wrongly
    wide = np.zeros(3, bool)
    header, _, row = cascade.table(full, first, wide, (0.999,), min_confidence=0.7)
    assert header.count("|") == row.count("|")
    assert row == "| 0.999 | 66.7% | 1 | 33.3% | 0 |"


def test_validation_patches_come_with_their_blobs_width():
    patches, wide = cascade.record_patches(2, ("clean", "touching"))
    assert patches.shape[1:] == (28, 28, 1) and len(patches) == len(wide) > 10
    assert wide.any() and not wide.all()  # touching pairs are wide, single digits are not
