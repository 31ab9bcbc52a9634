"""Page context: size outliers among a frame's digits are dropped, the rest kept."""

from dataclasses import replace

import cv2
import pytest

from camdigits.config import Config
from camdigits.page import drop_size_outliers
from camdigits.recognizer import Recognizer
from camdigits.types import Digit
from tests.pages import first_of_each_label, page_with_row


def digit(height: int, x: int = 0, label: int = 1) -> Digit:
    return Digit(label=label, confidence=0.99, box=(x, 100, max(1, height // 2), height))


def test_a_line_far_taller_than_the_writing_is_dropped():
    page = [digit(h, 60 * i) for i, h in enumerate([40, 44, 38, 46])]
    line = digit(200, 400)
    assert drop_size_outliers(page + [line], Config()) == page


def test_a_speck_far_smaller_than_the_writing_is_dropped():
    page = [digit(h, 60 * i) for i, h in enumerate([40, 44, 38, 46])]
    speck = digit(10, 400)
    assert drop_size_outliers(page + [speck], Config()) == page


def test_ordinary_variation_in_size_is_kept():
    page = [digit(h, 60 * i) for i, h in enumerate([30, 36, 40, 44, 50])]
    assert drop_size_outliers(page, Config()) == page


@pytest.mark.parametrize("count", [1, 2, 3])
def test_with_too_few_digits_there_is_no_page_to_compare_with(count):
    lone = [digit(40 if i else 300, 60 * i) for i in range(count)]
    assert drop_size_outliers(lone, Config()) == lone


def test_the_bounds_come_from_the_config():
    page = [digit(h, 60 * i) for i, h in enumerate([40, 40, 40, 40])] + [digit(70, 400)]
    assert len(drop_size_outliers(page, Config())) == 5  # 1.75x the median: kept
    assert len(drop_size_outliers(page, replace(Config(), max_relative_height=1.5))) == 4


def test_recognizer_drops_a_long_line_drawn_beside_digits():
    """On a rendered page, a long vertical pen line (which alone reads as a "1") is not
    reported while the digits beside it are."""
    indices = first_of_each_label()
    page, _ = page_with_row([indices[d] for d in (3, 1, 4, 1, 5)], height=40, gap=1.0, x=30, y=200)
    plain = Recognizer().recognize(page)
    assert [d.label for d in plain.digits] == [3, 1, 4, 1, 5]
    x = page.shape[1] - 100
    lined = page.copy()
    # A slightly slanted straight pen stroke, 6 px wide, 4x as tall as the digits: under the
    # 40 % of the frame height from which segmentation drops such a stroke as a pen line
    # (Config.line_min_height), so only the page can tell.
    cv2.line(lined, (x + 16, 130), (x, 290), (30, 30, 30), 6, cv2.LINE_AA)
    alone = lined.copy()
    alone[:, : x - 10] = lined[0, 0]  # the same stroke with no digits beside it
    assert [d.label for d in Recognizer().recognize(alone).digits] == [1]  # alone it is a plausible 1
    result = Recognizer().recognize(lined)
    assert [d.label for d in result.digits] == [3, 1, 4, 1, 5]
