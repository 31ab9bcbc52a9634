"""Annotation: boxes and tags land where the results say, scale with the image, stay inside
it, and no tag overlaps another tag or covers another digit's box."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from camdigits.io.annotate import DIGIT_COLOUR, NUMBER_COLOUR, Annotator, draw_tag, place_tags
from camdigits.types import Box, Digit, FrameResult, Number, union_box

PAGE = Path(__file__).resolve().parent.parent / "sample_images" / "page.jpg"


def result_for(width: int, height: int, boxes: list[Box]) -> FrameResult:
    """One number made of one digit per box, labels 1, 2, 3, ..."""
    digits = tuple(Digit(label=(i + 1) % 10, confidence=0.99, box=box) for i, box in enumerate(boxes))
    numbers = (Number("".join(str(d.label) for d in digits), 0.99, union_box(boxes), digits),) if digits else ()
    return FrameResult(width, height, digits, numbers)


def row_of_touching_digits(count: int, width: int, height: int, top: int) -> list[Box]:
    """``count`` boxes of ``width`` x ``height`` side by side, no gap, centred across a row."""
    left = (640 - count * width) // 2
    return [(left + i * width, top, width, height) for i in range(count)]


def grid_of_digits(columns: int, rows: int, size: tuple[int, int]) -> list[Box]:
    """A page of ``columns`` x ``rows`` digit boxes evenly spread over a frame of ``size``."""
    frame_w, frame_h = size
    step_x, step_y = frame_w // columns, frame_h // rows
    return [
        (c * step_x + step_x // 4, r * step_y + step_y // 3, step_x // 2, step_y // 2)
        for r in range(rows)
        for c in range(columns)
    ]


def lone_digits(boxes: list[Box]) -> FrameResult:
    digits = tuple(Digit(label=i % 10, confidence=0.99, box=box) for i, box in enumerate(boxes))
    return FrameResult(640, 480, digits)


def pixels_of(image: np.ndarray, colour: tuple[int, int, int]) -> int:
    return int(np.all(image == colour, axis=2).sum())


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def assert_clear(rects: list[Box], boxes: list[Box], frame_size: tuple[int, int], blocking: list[bool]) -> None:
    """Every rect inside the frame, no two overlapping, none over another blocking box."""
    assert len(rects) == len(boxes)
    for i, (x, y, w, h) in enumerate(rects):
        assert 0 <= x and 0 <= y and x + w <= frame_size[0] and y + h <= frame_size[1], (i, rects[i])
        for j in range(i):
            assert not overlap(rects[i], rects[j]), (i, j, rects[i], rects[j])
        for j, box in enumerate(boxes):
            assert j == i or not blocking[j] or not overlap(rects[i], box), (i, j, rects[i], box)


@pytest.fixture(scope="module")
def page_result() -> tuple[np.ndarray, FrameResult]:
    from camdigits import Recognizer

    image = cv2.imread(str(PAGE))
    return image, Recognizer().recognize(image)


def test_empty_result_gives_an_unchanged_copy():
    image = np.full((480, 640, 3), 235, np.uint8)
    annotated = Annotator().annotate(image, result_for(640, 480, []))
    assert annotated is not image and np.array_equal(annotated, image)


def test_boxes_and_tags_are_drawn_on_a_copy(scene):
    boxes = [box for _, box in scene.digits[:3]]
    before = scene.image.copy()
    annotated = Annotator().annotate(scene.image, result_for(640, 480, boxes))
    assert np.array_equal(scene.image, before)
    x, y, w, h = boxes[0]
    assert np.all(annotated[y + h // 2, x] == DIGIT_COLOUR)  # left edge of the first digit box
    assert pixels_of(annotated[:y], DIGIT_COLOUR) > 100  # its filled tag, above the box
    number_box = union_box(boxes)
    below_number = annotated[number_box[1] + number_box[3] :]
    assert pixels_of(below_number, NUMBER_COLOUR) > 100  # the number's tag, below it


@pytest.mark.parametrize(
    "tag, box, expected",
    [
        ((30, 10), (50, 40, 20, 20), (50, 30)),  # room: on top of the box, left edges aligned
        ((30, 10), (0, 0, 5, 5), (0, 5)),  # no room above the top edge: below the box
        ((30, 10), (50, 85, 20, 15), (50, 75)),  # at the bottom edge: still above
        ((30, 10), (90, 40, 10, 10), (70, 30)),  # past the right edge: right edges aligned
        ((30, 10), (80, 0, 20, 100), (50, 0)),  # a box as tall as the image: to its left
        ((30, 10), (0, 0, 100, 100), (0, 0)),  # a box filling the image: inside its top
        ((300, 10), (90, 40, 10, 10), (0, 30)),  # wider than the image: from its left edge
    ],
)
def test_a_single_tag_goes_where_it_fits_in_a_100x100_image(tag, box, expected):
    assert place_tags([box], [tag], (100, 100)) == [(*expected, *tag)]


def test_place_tags_with_nothing_to_place():
    assert place_tags([], [], (640, 480)) == []


def test_place_tags_needs_one_size_per_box():
    with pytest.raises(ValueError, match="one tag size and blocking flag per box"):
        place_tags([(0, 0, 5, 5)], [], (100, 100))


def test_a_neighbouring_box_pushes_a_tag_below():
    boxes = [(10, 50, 20, 30), (25, 35, 20, 30)]  # the second box reaches over the first's top
    rects = place_tags(boxes, [(40, 12), (40, 12)], (200, 200))
    assert rects[0] == (10, 80, 40, 12)  # above would cover the second box: below instead
    assert rects[1] == (25, 23, 40, 12)
    assert_clear(rects, boxes, (200, 200), [True, True])


def test_a_tag_slides_just_clear_of_a_neighbour_that_reaches_lower():
    boxes = [(10, 50, 15, 30), (25, 50, 15, 28), (40, 50, 15, 31)]  # bottoms at 80, 78 and 81
    rects = place_tags(boxes, [(30, 10)] * 3, (200, 200))
    # The middle tag: above is taken by the first tag, right under its box by the third
    # box's bottom, so it goes 3 px lower, under the third box.
    assert rects == [(10, 40, 30, 10), (25, 81, 30, 10), (40, 40, 30, 10)]


def test_boxes_that_do_not_block_may_be_covered():
    digit, number = (20, 20, 10, 20), (10, 10, 40, 40)
    assert place_tags([digit, number], [(30, 10), (30, 10)], (200, 200), [True, False])[0] == (20, 10, 30, 10)


@pytest.mark.parametrize(
    "boxes",
    [
        row_of_touching_digits(30, 20, 30, 200),  # 30 digits, each much narrower than its tag
        row_of_touching_digits(12, 40, 60, 0),  # a row at the top edge of the frame
        grid_of_digits(10, 7, (640, 480)),  # 70 digits on a page
    ],
    ids=["row of 30", "row at the top", "grid 10x7"],
)
def test_dense_layouts_get_tags_that_overlap_nothing(boxes):
    annotator = Annotator()
    style = annotator.style_for(480, 640)
    result = lone_digits(boxes)
    tags = annotator.tags(result, style, (480, 640, 3))
    assert_clear([tag.rect for tag in tags], boxes, (640, 480), [True] * len(boxes))


def test_tags_of_the_sample_photo_overlap_nothing(page_result):
    image, result = page_result
    annotator = Annotator()
    style = annotator.style_for(*image.shape[:2])
    tags = annotator.tags(result, style, image.shape)
    assert len(tags) == len(result.digits) + len(result.numbers) == 8 + 3
    rects = [tag.rect for tag in tags]
    boxes = [digit.box for digit in result.digits] + [number.box for number in result.numbers]
    blocking = [True] * len(result.digits) + [False] * len(result.numbers)
    assert_clear(rects, boxes, (image.shape[1], image.shape[0]), blocking)
    # Against the digit boxes as drawn, lines included, not only the boxes themselves.
    drawn = [
        (x - style.outline, y - style.outline, w + 2 * style.outline, h + 2 * style.outline) for x, y, w, h in boxes
    ]
    assert_clear(rects, drawn, (image.shape[1], image.shape[0]), blocking)


@pytest.mark.parametrize("layout", ["grid 10x7", "row of 30", "sample photo"])
def test_drawn_tags_are_whole_and_leave_every_digit_visible(layout, page_result):
    if layout == "sample photo":
        image, result = page_result
    else:
        image = np.full((480, 640, 3), 128, np.uint8)
        boxes = grid_of_digits(10, 7, (640, 480)) if layout == "grid 10x7" else row_of_touching_digits(30, 20, 30, 200)
        result = lone_digits(boxes)
    annotator = Annotator()
    style = annotator.style_for(*image.shape[:2])
    annotated = annotator.annotate(image, result)
    for tag in annotator.tags(result, style, image.shape):
        alone = image.copy()
        draw_tag(alone, tag, style)
        x, y, w, h = tag.rect
        assert np.array_equal(annotated[y : y + h, x : x + w], alone[y : y + h, x : x + w]), tag
    inner = style.thickness  # the box line's inner edge is at most this far inside the box
    for digit in result.digits:
        x, y, w, h = digit.box
        window = (slice(y + inner, y + h - inner), slice(x + inner, x + w - inner))
        assert np.array_equal(annotated[window], image[window]), digit


@pytest.mark.parametrize("width, height", [(640, 480), (4000, 3000)])
def test_tags_at_the_corners_stay_whole(width, height):
    annotator = Annotator()
    style = annotator.style_for(height, width)
    font = cv2.FONT_HERSHEY_SIMPLEX
    (text_w, text_h), baseline = cv2.getTextSize("1 0.99", font, style.font_scale, style.text_thickness)
    tag_area = (text_w + 2 * style.padding) * (text_h + baseline + 2 * style.padding)
    side = height // 20
    for box in [(0, 0, side, side), (width - side, height - side, side, side)]:
        image = np.full((height, width, 3), 255, np.uint8)
        annotated = annotator.annotate(image, FrameResult(width, height, (Digit(1, 0.99, box),)))
        # The filled tag is all in the image: at least its area minus the white text.
        assert pixels_of(annotated, DIGIT_COLOUR) >= 0.6 * tag_area


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
