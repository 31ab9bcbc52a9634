"""Turning an image onto a canvas that keeps it whole (recognition/geometry.py)."""

import cv2
import numpy as np
import pytest

from camdigits.recognition.geometry import square_turn, tight_turn


@pytest.mark.parametrize("degrees", [0.0, 0.3, -2.5, 7.0, -11.0, 30.0, 45.0, -45.0])
@pytest.mark.parametrize("shape", [(480, 213), (720, 426), (40, 13)])
def test_a_turned_strip_keeps_every_pixel_and_turns_back(degrees, shape):
    h, w = shape
    strip = np.full(shape, 255, np.uint8)
    turn, size = tight_turn(h, w, degrees)
    turned = cv2.warpAffine(strip, turn, size, flags=cv2.INTER_NEAREST)
    # None of the strip falls off the canvas: its area comes through, give or take its
    # nearest-neighbour edge, and the canvas is no larger than the turned strip's box.
    assert abs(cv2.countNonZero(turned) - h * w) <= 2 * (h + w)
    rad = np.radians(abs(degrees))
    assert size[0] <= w * np.cos(rad) + h * np.sin(rad) + 2 and size[1] <= h * np.cos(rad) + w * np.sin(rad) + 2
    back = cv2.warpAffine(turned, cv2.invertAffineTransform(turn), (w, h), flags=cv2.INTER_NEAREST)
    assert cv2.countNonZero(back) >= h * w - 2 * (h + w)


def test_a_tight_canvas_is_smaller_than_a_square_one_for_a_tall_strip():
    _, size = tight_turn(480, 213, 5.0)
    _, side = square_turn(480, 213, 5.0)
    assert size[0] * size[1] < 0.5 * side * side


def test_within_says_which_boxes_hold_each_box_edges_included():
    from camdigits.recognition.geometry import within

    halves = np.array([(10, 10, 8, 14), (18, 10, 3, 12), (30, 5, 5, 5)])
    wholes = np.array([(10, 10, 11, 14), (0, 0, 100, 100)])
    assert within(halves, wholes).tolist() == [[True, True], [True, True], [False, True]]
