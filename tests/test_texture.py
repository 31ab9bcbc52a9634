"""Texture cleared from the ink mask: noise and grain go, the digits of a page stay whole."""

import cv2
import numpy as np
import pytest

from camdigits.config import GRAIN_FRAME_INK, Config
from camdigits.recognition.recognizer import Recognizer
from camdigits.recognition.texture import clear_texture
from tests.pages import PAPER, digit_rows, first_of_each_label, noise, thresholded, write_digit

CONFIG = Config()


@pytest.fixture(scope="module")
def recognizer():
    return Recognizer()


def cleared(frame):
    paper, mask, erased, window = thresholded(frame)
    return erased, clear_texture(paper, mask, erased, window, CONFIG.threshold_offset)


def test_an_empty_frame_stays_empty():
    empty = np.zeros((0, 0), np.uint8)
    assert clear_texture(empty, empty, empty, 3, CONFIG.threshold_offset).size == 0


@pytest.mark.parametrize(
    "frame, checked",
    [(np.full((480, 640, 3), PAPER, np.uint8), False), (digit_rows(), True)],
    ids=["blank-paper", "large-digits"],
)
def test_frames_without_texture_keep_their_mask(frame, checked):
    """Blank paper has less ink than the grain check looks for; a page of digits up to 90 px
    tall has more, and the check keeps all of it."""
    mask, kept = cleared(frame)
    assert (cv2.countNonZero(mask) >= GRAIN_FRAME_INK * mask.size) == checked
    assert np.array_equal(mask, kept)


@pytest.mark.parametrize("sigma", [0, 1.0, 1.5, 2.0])
def test_noise_is_cleared(sigma):
    mask, kept = cleared(noise(sigma))
    assert cv2.countNonZero(mask) >= GRAIN_FRAME_INK * mask.size
    assert cv2.countNonZero(kept) <= 0.01 * cv2.countNonZero(mask)


def test_a_page_held_up_in_front_of_noise_keeps_its_digits(recognizer):
    """The noise around the page goes; every digit on the page is read, with its ink whole."""
    frame = noise(1.0)
    frame[150:330, 170:470] = PAPER  # a page at arm's length: noise all round, 4 blocks deep
    labels = [1, 4, 7, 0]
    truth = [write_digit(frame, first_of_each_label()[label], 195 + i * 65, 210, 40) for i, label in enumerate(labels)]
    mask, kept = cleared(frame)
    # Gone, except in the blocks next to the page's (a block: about 40 px).
    near = np.zeros_like(kept)
    near[150 - 80 : 330 + 80, 170 - 80 : 470 + 80] = 255
    assert cv2.countNonZero(cv2.bitwise_and(kept, cv2.bitwise_not(near))) == 0
    page = (slice(150, 330), slice(170, 470))
    assert np.array_equal(mask[page], kept[page])
    digits = sorted(recognizer.recognize(frame).digits, key=lambda d: d.box[0])
    assert [d.label for d in digits] == labels
    assert all(abs(d.box[0] - box[0]) <= 3 for d, box in zip(digits, truth))
