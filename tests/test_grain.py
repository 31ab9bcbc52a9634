"""Grain by blocks: every block of a frame of noise is grain, no block of a page of digits is."""

import cv2
import numpy as np
import pytest

from camdigits.config import GRAIN_BLOCK, Config
from camdigits.recognition.grain import grain_blocks
from tests.pages import PAPER, digit_rows, noise, thresholded

CONFIG = Config()


def blocks_of(frame):
    paper, mask, erased, window = thresholded(frame)
    return grain_blocks(paper, mask, erased, round(GRAIN_BLOCK * window), CONFIG.threshold_offset)


@pytest.mark.parametrize(
    "frame",
    [np.full((480, 640, 3), PAPER, np.uint8), np.zeros((480, 640, 3), np.uint8), np.full((7, 5, 3), PAPER, np.uint8)],
    ids=["blank-paper", "black", "tiny"],
)
def test_frames_without_texture_have_no_grain(frame):
    grain = blocks_of(frame)
    assert grain.size >= 1 and not grain.any()


def test_blocks_are_about_the_size_asked():
    paper, mask, erased, _ = thresholded(noise(1.0))
    assert grain_blocks(paper, mask, erased, 40, CONFIG.threshold_offset).shape == (12, 16)
    assert grain_blocks(paper, mask, erased, 1000, CONFIG.threshold_offset).shape == (1, 1)


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
