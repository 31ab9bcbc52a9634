"""Texture cleared from the ink mask: noise and grain go, the digits of a page stay whole."""

import cv2
import numpy as np
import pytest

from camdigits.config import GRAIN_FRAME_INK, TEXTURE_FRAME_INK, Config
from camdigits.recognition.recognizer import Recognizer
from camdigits.recognition.texture import clear_texture
from tests.pages import PAPER, PEN, digit_rows, first_of_each_label, marker_page, noise, thresholded, write_digit

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


def test_digits_written_large_in_a_marker_keep_their_ink():
    """As inky as texture, and their strokes as dense, but solid blobs on paper: the large
    row is kept whole, and the small one but its 8, which has the ink of the 1 and the 2
    within its margin (0.13 of it)."""
    mask, kept = cleared(marker_page()[0])
    assert cv2.countNonZero(mask) >= TEXTURE_FRAME_INK * mask.size
    assert np.array_equal(mask[150:], kept[150:])
    assert np.array_equal(mask[:150, :256], kept[:150, :256])  # the 9, 6 and 1
    assert np.array_equal(mask[:150, 354:], kept[:150, 354:])  # the 2


def _inky_frame(kind: str) -> np.ndarray:
    """A 640x480 frame a fifth inked or more, as texture is: dark stripes 14 px wide, 16 px
    apart ("stripes"), and bands 30 px wide, 90 px apart ("bands"), both running off the
    frame; blocks 40 px square, 10 px apart ("blocks"); or twelve patches
    110 px square 45 px apart, each crosshatched in lines 2 px wide, 8 px apart ("hatching")."""
    frame = np.full((480, 640, 3), PAPER, np.uint8)
    if kind in ("stripes", "bands"):
        width, step = (14, 30) if kind == "stripes" else (30, 120)
        for x in range(5, 640, step):
            frame[:, x : x + width] = PEN
    elif kind == "blocks":
        for y in range(20, 420, 50):
            for x in range(20, 580, 50):
                frame[y : y + 40, x : x + 40] = PEN
    else:
        yy, xx = np.mgrid[0:110, 0:110]
        hatched = ((xx + yy) % 8 < 2) | ((xx - yy) % 8 < 2)
        for y in (25, 180, 335):
            for x in (20, 175, 330, 485):
                frame[y : y + 110, x : x + 110][hatched] = PEN
    return frame


@pytest.mark.parametrize("kind", ["stripes", "bands", "blocks", "hatching"])
def test_inky_frames_of_no_writing_are_cleared(kind):
    """Stripes run off the frame and have more ink within their margin than paper holds
    (either test clears them); bands run off the frame, and no digit is cut by its edge;
    blocks lie too close together; hatching is threads no wider than a pen's, that an
    opening wider than a pen's clears."""
    mask, kept = cleared(_inky_frame(kind))
    assert cv2.countNonZero(mask) >= TEXTURE_FRAME_INK * mask.size
    # All of it goes but the hatching's corners, 0.06 of its ink, in a window less dense.
    assert cv2.countNonZero(kept) <= 0.1 * cv2.countNonZero(mask)


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
