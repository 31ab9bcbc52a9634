"""Grain by blocks: every block of a frame of noise is grain, no block of a page of digits is."""

import cv2
import numpy as np
import pytest

from camdigits.config import GRAIN_BLOCK, Config
from camdigits.recognition.grain import grain_blocks
from camdigits.recognition.rules import erase_rules
from camdigits.recognition.threshold import threshold_mask, threshold_window, to_dark_ink
from tests.pages import PAPER, first_of_each_label, page_with_row, write_digit

CONFIG = Config()


def threshold(frame):
    """The frame's dark-ink paper, its thresholded and its ink mask (rules erased) and the
    threshold window, as the recognizer makes them."""
    paper = to_dark_ink(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), CONFIG)
    thresholded = threshold_mask(paper, CONFIG)
    return paper, thresholded, erase_rules(thresholded), threshold_window(paper.shape, CONFIG)


def blocks_of(frame):
    paper, thresholded, mask, window = threshold(frame)
    return grain_blocks(paper, thresholded, mask, round(GRAIN_BLOCK * window), CONFIG.threshold_offset)


def noise(sigma, seed=0, size=(480, 640)):
    """Colour noise, every channel its own, blurred by ``sigma`` px as a camera's optics would."""
    frame = np.random.default_rng(seed).integers(0, 256, (*size, 3), dtype=np.uint8)
    return cv2.GaussianBlur(frame, (0, 0), sigma) if sigma else frame


def digit_rows():
    """A page of three rows of MNIST test digits, 20, 40 and 90 px tall."""
    page, _ = page_with_row(first_of_each_label(), height=40)
    for i, index in enumerate(first_of_each_label()[:5]):
        write_digit(page, index, 40 + i * 60, 60, 20)
        write_digit(page, index, 40 + i * 120, 330, 90)
    return page


@pytest.mark.parametrize(
    "frame",
    [np.full((480, 640, 3), PAPER, np.uint8), np.zeros((480, 640, 3), np.uint8), np.full((7, 5, 3), PAPER, np.uint8)],
    ids=["blank-paper", "black", "tiny"],
)
def test_frames_without_texture_have_no_grain(frame):
    grain = blocks_of(frame)
    assert grain.size >= 1 and not grain.any()


def test_blocks_are_about_the_size_asked():
    paper, thresholded, mask, _ = threshold(noise(1.0))
    assert grain_blocks(paper, thresholded, mask, 40, CONFIG.threshold_offset).shape == (12, 16)
    assert grain_blocks(paper, thresholded, mask, 1000, CONFIG.threshold_offset).shape == (1, 1)


@pytest.mark.parametrize("sigma", [0, 1.0, 1.5, 2.0])
def test_noise_is_grain_in_every_block(sigma):
    assert blocks_of(noise(sigma)).all()


def test_no_block_of_a_page_of_digits_is_grain():
    assert not blocks_of(digit_rows()).any()


def test_a_ruled_page_is_not_grain():
    """Rules are neither ink nor paper: erased from the one, thresholded out of the other."""
    page = digit_rows()
    for y in range(20, 480, 24):
        cv2.line(page, (0, y), (639, y + 6), (150, 150, 150), 2, cv2.LINE_AA)
    assert not blocks_of(page).any()
