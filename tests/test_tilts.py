"""The tilts a ruled strip is searched at: those its ink lines up along most sharply."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from camdigits.config import RULE_TILT_APART, RULE_TILT_RANGE
from camdigits.recognition.tilts import strip_tilts


def _strip_with_rules(tilts: list[float], rows_each: int = 5, spacing: int = 40, first: int = 20) -> np.ndarray:
    """A 480 x 213 strip of a mask (ink 255): ``rows_each`` rules at each of ``tilts``
    (degrees, as rule_tilt gives them: y grows to the right for a positive tilt), one group
    below the other from ``first`` px down, as a page in perspective fans its rules out."""
    strip = np.zeros((480, 213), np.uint8)
    y = first
    for tilt in tilts:
        slope = math.tan(math.radians(tilt))
        for _ in range(rows_each):
            cv2.line(strip, (0, y), (212, round(y + slope * 212)), 255, 2)
            y += spacing
    return strip


@pytest.mark.parametrize("tilts", [[1.0], [-4.0], [1.0, 9.0], [2.0, -6.0]])
def test_each_family_of_rules_gives_its_tilt(tilts):
    found = strip_tilts(_strip_with_rules(tilts, rows_each=10 // len(tilts)), around=0.0)
    assert len(found) >= len(tilts)
    for tilt in tilts:
        assert min(abs(tilt - f) for f in found) <= 0.5, found


def test_the_tilts_stay_near_the_frames_and_apart():
    """A page turned 20 degrees whose strip holds rules at 20 and at 22: searched within
    RULE_TILT_RANGE of the frame's tilt (19), one tilt stands for both, the level search
    taking up the 2 degrees between them. Rules 15 degrees off a level frame's tilt are
    found at the end of the range, not beyond it."""
    found = strip_tilts(_strip_with_rules([20.0, 22.0]), around=19.0)
    assert abs(found[0] - 21.0) <= 1.5, found
    assert all(abs(a - b) >= RULE_TILT_APART for i, a in enumerate(found) for b in found[i + 1 :])
    assert all(abs(f - 19.0) <= RULE_TILT_RANGE for f in found)
    assert max(strip_tilts(_strip_with_rules([15.0]), around=0.0)) == RULE_TILT_RANGE


def test_a_strip_without_ink_keeps_the_frames_tilt():
    assert strip_tilts(np.zeros((480, 213), np.uint8), around=3.5) == [3.5]


def test_the_family_with_more_rules_comes_first():
    """Seven rules at 1 degree over three at 8 (a page in perspective, the near rules
    steeper): both tilts, the seven's first."""
    strip = _strip_with_rules([1.0], rows_each=7) | _strip_with_rules([8.0], rows_each=3, first=320)
    found = strip_tilts(strip, around=0.0)
    assert len(found) == 2, found
    assert abs(found[0] - 1.0) <= 0.5 and abs(found[1] - 8.0) <= 0.5, found


def test_a_second_search_skips_the_tilts_searched_already():
    """Searched again with 1 degree tried already, the seven rules at 1 degree give no tilt
    near it, and the three at 8 come first; a strip with no ink gives no tilt near one
    tried."""
    strip = _strip_with_rules([1.0], rows_each=7) | _strip_with_rules([8.0], rows_each=3, first=320)
    found = strip_tilts(strip, around=0.0, most=1, apart_from=[1.0])
    assert len(found) == 1 and abs(found[0] - 8.0) <= 0.5, found
    assert strip_tilts(np.zeros((480, 213), np.uint8), around=3.5, apart_from=[3.0]) == []
