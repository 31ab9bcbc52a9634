"""Annotation: boxes and labels land where the results say, scale with the image, and stay
inside it."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from camdigits.io.annotate import DIGIT_COLOUR, NUMBER_COLOUR, Annotator, label_origin
from camdigits.types import Digit, FrameResult, Number, union_box


def result_for(width: int, height: int, boxes: list[tuple[int, int, int, int]]) -> FrameResult:
    """One number made of one digit per box, labels 1, 2, 3, ..."""
    digits = tuple(Digit(label=(i + 1) % 10, confidence=0.99, box=box) for i, box in enumerate(boxes))
    numbers = (Number("".join(str(d.label) for d in digits), 0.99, union_box(boxes), digits),) if digits else ()
    return FrameResult(width, height, digits, numbers)


def pixels_of(image: np.ndarray, colour: tuple[int, int, int]) -> int:
    return int(np.all(image == colour, axis=2).sum())


def test_empty_result_gives_an_unchanged_copy():
    image = np.full((480, 640, 3), 235, np.uint8)
    annotated = Annotator().annotate(image, result_for(640, 480, []))
    assert annotated is not image and np.array_equal(annotated, image)


def test_boxes_and_labels_are_drawn_on_a_copy(scene):
    boxes = [box for _, box in scene.digits[:3]]
    before = scene.image.copy()
    annotated = Annotator().annotate(scene.image, result_for(640, 480, boxes))
    assert np.array_equal(scene.image, before)
    x, y, w, h = boxes[0]
    assert np.all(annotated[y + h // 2, x] == DIGIT_COLOUR)  # left edge of the first digit box
    assert pixels_of(annotated[:y], DIGIT_COLOUR) > 100  # its filled label, above the box
    number_box = union_box(boxes)
    below_number = annotated[number_box[1] + number_box[3] :]
    assert pixels_of(below_number, NUMBER_COLOUR) > 100  # the number's label, below it


@pytest.mark.parametrize(
    "label, box, above, expected",
    [
        ((30, 10), (0, 0, 5, 5), True, (0, 5)),  # no room above the top edge: below the box
        ((30, 10), (50, 40, 20, 20), True, (50, 30)),  # room: on top of the box
        ((30, 10), (50, 40, 20, 20), False, (50, 60)),  # under the box
        ((30, 10), (50, 85, 20, 15), False, (50, 75)),  # no room below the bottom edge: above
        ((30, 10), (90, 40, 10, 10), True, (70, 30)),  # past the right edge: slid left
        ((300, 10), (90, 40, 10, 10), True, (0, 30)),  # wider than the image: from its left edge
    ],
)
def test_label_origin_keeps_labels_inside_a_100x100_image(label, box, above, expected):
    assert label_origin(label, box, (100, 100), above) == expected


@pytest.mark.parametrize("width, height", [(640, 480), (4000, 3000)])
def test_labels_at_the_corners_stay_whole(width, height):
    annotator = Annotator()
    style = annotator.style_for(height, width)
    font = cv2.FONT_HERSHEY_SIMPLEX
    (text_w, text_h), baseline = cv2.getTextSize("1 0.99", font, style.font_scale, style.text_thickness)
    label_area = (text_w + 2 * style.padding) * (text_h + baseline + 2 * style.padding)
    side = height // 20
    for box in [(0, 0, side, side), (width - side, height - side, side, side)]:
        image = np.full((height, width, 3), 255, np.uint8)
        annotated = annotator.annotate(image, FrameResult(width, height, (Digit(1, 0.99, box),)))
        # The filled label is all in the image: at least its area minus the white text.
        assert pixels_of(annotated, DIGIT_COLOUR) >= 0.6 * label_area


def test_sizes_scale_with_the_image():
    small, large = Annotator().style_for(480, 640), Annotator().style_for(3000, 4000)
    assert small.thickness >= 1 and small.font_scale >= 0.4  # legible on a VGA frame
    assert large.thickness / small.thickness == pytest.approx(3000 / 480, rel=0.25)
    assert large.font_scale / small.font_scale == pytest.approx(3000 / 480)


def test_fixed_sizes_override_scaling():
    style = Annotator(thickness=1, font_scale=2.0).style_for(3000, 4000)
    assert (style.thickness, style.font_scale) == (1, 2.0)


@pytest.mark.parametrize("image", [np.zeros((4, 4), np.uint8), np.zeros((4, 4, 3), np.float32)])
def test_annotate_needs_bgr_uint8(image):
    with pytest.raises(ValueError, match="BGR uint8"):
        Annotator().annotate(image, FrameResult(4, 4))
