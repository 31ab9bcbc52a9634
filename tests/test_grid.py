"""A printed grid told from texture: a fine squared page inks as much of the mask as noise or a
desk does, and only its ink repeats at one spacing both down and across the frame."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from bench.field.scene import render
from camdigits.config import GRID_BANDS, GRID_PEAK, RULE_HOUGH_SHRINK, RULE_TILT_MAX_INK, Config
from camdigits.recognition.grid import _repeat, is_printed_grid, shrunk
from camdigits.recognition.mask import to_gray
from camdigits.recognition.threshold import threshold_mask, to_dark_ink
from tests.pages import noise

CONFIG = Config()


def _mask(condition: str, seed: int, size: tuple[int, int]) -> np.ndarray:
    mask = threshold_mask(to_dark_ink(to_gray(render(condition, seed, size).image), CONFIG), CONFIG)
    assert cv2.countNonZero(mask) > RULE_TILT_MAX_INK * mask.size  # taken for texture by its ink alone
    return mask


def _grid(tilt: float, spacing: int = 14, size: tuple[int, int] = (480, 640)) -> np.ndarray:
    """A mask of a grid of 2 px lines ``spacing`` apart, turned ``tilt`` degrees."""
    h, w = size
    side = 2 * max(h, w)
    canvas = np.zeros((side, side), np.uint8)
    for at in range(0, side, spacing):
        canvas[at : at + 2, :] = 255
        canvas[:, at : at + 2] = 255
    turn = cv2.getRotationMatrix2D((side / 2, side / 2), tilt, 1.0)
    turn[:, 2] -= ((side - w) / 2, (side - h) / 2)
    return cv2.warpAffine(canvas, turn, (w, h), flags=cv2.INTER_NEAREST)


def _rises(mask: np.ndarray) -> tuple[float, float]:
    """The rises of grid._repeat down the mask and across it, on the mask shrunk as is_printed_grid shrinks it."""
    small = shrunk(mask).astype(np.float32)
    return _repeat(small), _repeat(small.T)


@pytest.mark.parametrize("tilt", [0.0, 3.0, 6.0, -8.0])
def test_a_drawn_grid_turned_a_few_degrees_is_a_grid(tilt):
    assert is_printed_grid(_grid(tilt))


def test_lines_one_way_only_are_no_grid():
    """Level lines alone (a desk's grain, a ruled page, here in dashes broken at random) repeat
    down the frame, not across it."""
    rng = np.random.default_rng(0)
    mask = np.zeros((480, 640), np.uint8)
    for y in range(0, 480, 14):
        x = int(rng.integers(0, 20))
        while x < 640:
            length = int(rng.integers(5, 40))
            mask[y : y + 2, x : x + length] = 255
            x += length + int(rng.integers(3, 25))
    down, across = _rises(mask)
    assert down >= GRID_PEAK > across
    assert not is_printed_grid(mask)


def test_a_dense_field_grid_is_a_grid():
    """The field's squared page 65034 at 720p: a fine grid turned about 5 degrees, 21 % inked."""
    assert is_printed_grid(_mask("squared", 65034, (1280, 720)))


@pytest.mark.parametrize(
    "condition, seed",
    [("noise", 0), ("noise", 3), ("noise", 8), ("noise", 9), ("desks", 2), ("desks", 5), ("desks", 6)],
)
def test_field_noise_and_desks_are_no_grid(condition, seed):
    """Field noise frames and wood desks that ink past RULE_TILT_MAX_INK (640x480); desks 2
    and 5 repeat strongly one way (their grain lines)."""
    assert not is_printed_grid(_mask(condition, seed, (640, 480)))


@pytest.mark.parametrize("sigma", [0, 0.5, 1.0])
def test_thresholded_noise_is_no_grid(sigma):
    """Noise inked past RULE_TILT_MAX_INK (blurred more, it inks less and is never tested)."""
    mask = threshold_mask(to_dark_ink(to_gray(noise(sigma)), CONFIG), CONFIG)
    assert cv2.countNonZero(mask) > RULE_TILT_MAX_INK * mask.size
    assert not is_printed_grid(mask)


def test_a_mask_too_small_for_its_bands_is_no_grid():
    """Under RULE_HOUGH_SHRINK * GRID_BANDS px a side the bands would be empty."""
    assert is_printed_grid(_grid(5.0, size=(64, 640)))
    assert not is_printed_grid(_grid(5.0, size=(RULE_HOUGH_SHRINK * GRID_BANDS - 1, 640)))
