"""Draw a FrameResult on its image: digit boxes with a "label confidence" tag, number boxes
with a tag of their text.

Line widths and text sizes grow with the image, so tags read the same on a 640x480 webcam
frame and on a 4000x3000 photo viewed fit-to-screen. Tags never overlap each other and
never cover another digit's box: each is placed around its own box (above, below, beside,
inside its top as a last resort), whichever fits first, inside the image (`place_tags`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from camdigits.config import REFERENCE_SIDE
from camdigits.types import Box, FrameResult

Colour = tuple[int, int, int]  # BGR

DIGIT_COLOUR: Colour = (0, 160, 0)  # green boxes for single digits
NUMBER_COLOUR: Colour = (200, 80, 0)  # blue boxes for numbers, so the two never blend
LABEL_TEXT_COLOUR: Colour = (255, 255, 255)  # white text on a filled tag in the box colour
FONT = cv2.FONT_HERSHEY_SIMPLEX

# At config.REFERENCE_SIDE the default sizes below apply; other image sizes scale with it.
BOX_THICKNESS = 2  # px at REFERENCE_SIDE: visible without hiding thin strokes
FONT_SCALE = 0.5  # OpenCV font scale at REFERENCE_SIDE: about 11 px high capitals
NUMBER_PADDING = 3  # number boxes sit this many box thicknesses outside their digits

# Where a tag may sit around its box, in order of preference; place_tags takes the first
# that fits. Each row gives the tag's top-left as box x + a * box w + b * tag w and
# box y + c * box h + d * tag h, for (a, b, c, d).
TAG_PLACES = np.array(
    [
        (0, 0, 0, -1),  # above, left edges aligned
        (0, 0, 1, 0),  # below, left edges aligned
        (1, -1, 0, -1),  # above, right edges aligned
        (1, -1, 1, 0),  # below, right edges aligned
        (1, 0, 0, 0),  # right, top edges aligned
        (0, -1, 0, 0),  # left, top edges aligned
        (1, 0, 1, -1),  # right, bottom edges aligned
        (0, -1, 1, -1),  # left, bottom edges aligned
        (0, 0, 0, -2),  # above, one tag height further out
        (0, 0, 1, 1),  # below, one tag height further out
        (0, 0, 0, 0),  # inside the box's top: hides part of the digit, so last
    ]
)


@dataclass(frozen=True)
class Style:
    """Pixel sizes for one image size."""

    thickness: int
    font_scale: float
    text_thickness: int
    padding: int  # px between tag text and the edge of its filled background

    @property
    def outline(self) -> int:
        """How far a box's drawn line reaches outside the box, in px."""
        return (self.thickness + 1) // 2


@dataclass(frozen=True)
class Tag:
    """One label to draw: ``text`` on a filled ``rect`` (x, y, w, h) of ``colour``."""

    text: str
    rect: Box
    colour: Colour


class Annotator:
    """Draws results on copies of images; configured once, used for every frame.

    Args:
        digit_colour, number_colour: BGR colours of digit and number boxes and tags.
        thickness: box line width in px; None scales it with the image size.
        font_scale: OpenCV font scale for tags; None scales it with the image size.
    """

    def __init__(
        self,
        digit_colour: Colour = DIGIT_COLOUR,
        number_colour: Colour = NUMBER_COLOUR,
        thickness: int | None = None,
        font_scale: float | None = None,
    ) -> None:
        if thickness is not None and thickness < 1:
            raise ValueError(f"thickness must be at least 1 px, got {thickness}")
        if font_scale is not None and font_scale <= 0:
            raise ValueError(f"font_scale must be positive, got {font_scale}")
        self.digit_colour = digit_colour
        self.number_colour = number_colour
        self.thickness = thickness
        self.font_scale = font_scale

    def style_for(self, height: int, width: int) -> Style:
        """Line and text sizes for an image of this size."""
        scale = min(height, width) / REFERENCE_SIDE
        font_scale = self.font_scale if self.font_scale is not None else FONT_SCALE * scale
        thickness = self.thickness if self.thickness is not None else max(1, round(BOX_THICKNESS * scale))
        text_thickness = max(1, round(font_scale / FONT_SCALE))
        return Style(thickness, font_scale, text_thickness, padding=max(1, thickness))

    def annotate(self, image: np.ndarray, result: FrameResult) -> np.ndarray:
        """A copy of the BGR ``image`` with ``result`` drawn on it; ``image`` is unchanged."""
        if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
            raise ValueError(f"annotate needs a BGR uint8 (H, W, 3) image, got {image.dtype} {image.shape}")
        canvas = image.copy()
        style = self.style_for(*canvas.shape[:2])
        for number in result.numbers:
            _draw_box(canvas, number_box(number.box, style, canvas.shape), self.number_colour, style)
        for digit in result.digits:
            _draw_box(canvas, digit.box, self.digit_colour, style)
        # Tags last, so that no box line crosses one.
        for tag in self.tags(result, style, canvas.shape):
            draw_tag(canvas, tag, style)
        return canvas

    def tags(self, result: FrameResult, style: Style, shape: tuple[int, ...]) -> list[Tag]:
        """The tags ``annotate`` draws for ``result`` on an image of ``shape`` (H, W, ...):
        digits' first, in reading order, then numbers'.

        Tags are placed against the outside of the drawn box lines. Digit boxes keep every
        other tag off; a number's box does not, as it is drawn around its digits' tags.
        """
        texts = [f"{digit.label} {digit.confidence:.2f}" for digit in result.digits]
        texts += [number.text for number in result.numbers]
        colours = [self.digit_colour] * len(result.digits) + [self.number_colour] * len(result.numbers)
        boxes = [digit.box for digit in result.digits]
        boxes += [number_box(number.box, style, shape) for number in result.numbers]
        drawn = [_grow(box, style.outline) for box in boxes]
        sizes = [tag_size(text, style) for text in texts]
        blocking = [True] * len(result.digits) + [False] * len(result.numbers)
        rects = place_tags(drawn, sizes, (shape[1], shape[0]), blocking)
        return [Tag(text, rect, colour) for text, rect, colour in zip(texts, rects, colours)]


def place_tags(
    boxes: Sequence[Box],
    tag_sizes: Sequence[tuple[int, int]],
    frame_size: tuple[int, int],
    blocking: Sequence[bool] | None = None,
) -> list[Box]:
    """Where to put one tag of ``tag_sizes[i]`` (w, h) for each of ``boxes`` (x, y, w, h) in
    a frame of ``frame_size`` (w, h): a rect (x, y, w, h) per box, in the same order.

    Greedy, in the order given: each tag takes the first of TAG_PLACES around its box that
    lies inside the frame and overlaps neither a tag placed before it nor any other box
    (only those whose ``blocking`` is true; all by default). Where none does, it takes the
    place, pushed inside the frame, that overlaps the fewest pixels of those; a tag larger
    than the frame starts at its top-left corner.

    Only pairs within reach of each other are compared in detail, so a frame of n tags
    costs O(n * places * neighbours) plus one vectorised n x n test of which pairs are near.
    """
    count = len(boxes)
    if len(tag_sizes) != count or (blocking is not None and len(blocking) != count):
        raise ValueError(f"need one tag size and blocking flag per box, got {count} boxes, "
                         f"{len(tag_sizes)} sizes and {count if blocking is None else len(blocking)} flags")
    if count == 0:
        return []
    box = np.asarray(boxes, np.int64).reshape(count, 4)
    size = np.asarray(tag_sizes, np.int64).reshape(count, 2)
    blocks = np.ones(count, bool) if blocking is None else np.asarray(blocking, bool)
    frame_w, frame_h = frame_size
    tag_w, tag_h = size[:, :1], size[:, 1:]
    a, b, c, d = TAG_PLACES.T
    x0 = box[:, :1] + a * box[:, 2:3] + b * tag_w  # (count, places)
    y0 = box[:, 1:2] + c * box[:, 3:4] + d * tag_h
    inside = (x0 >= 0) & (y0 >= 0) & (x0 + tag_w <= frame_w) & (y0 + tag_h <= frame_h)
    x0 = np.clip(x0, 0, np.maximum(frame_w - tag_w, 0))
    y0 = np.clip(y0, 0, np.maximum(frame_h - tag_h, 0))
    x1, y1 = x0 + tag_w, y0 + tag_h

    # Pixels of other blocking boxes under each place, summed over the boxes near the tag.
    reach = np.stack([x0.min(1), y0.min(1), x1.max(1), y1.max(1)], axis=1)
    box_edges = np.concatenate([box[:, :2], box[:, :2] + box[:, 2:]], axis=1)
    near_box = _overlapping(reach, box_edges) & blocks[None, :]
    np.fill_diagonal(near_box, False)
    tag_index, box_index = np.nonzero(near_box)
    covered = np.zeros(x0.shape, np.int64)
    if len(tag_index):
        bx0, by0, bx1, by1 = (box_edges[box_index, i, None] for i in range(4))
        over_x = np.minimum(x1[tag_index], bx1) - np.maximum(x0[tag_index], bx0)
        over_y = np.minimum(y1[tag_index], by1) - np.maximum(y0[tag_index], by0)
        np.add.at(covered, tag_index, np.clip(over_x, 0, None) * np.clip(over_y, 0, None))

    # Tags whose reaches meet can collide; each is checked against those placed before it.
    near_tag = np.tril(_overlapping(reach, reach), -1)
    free = (inside & (covered == 0)).tolist()
    places = [list(zip(*rect)) for rect in zip(x0.tolist(), y0.tolist(), x1.tolist(), y1.tolist())]
    covered_px = covered.tolist()
    placed: list[tuple[int, int, int, int]] = []
    for tag, neighbours in enumerate(near_tag.tolist()):
        others = [placed[other] for other, near in enumerate(neighbours[:tag]) if near]
        choice = next((place for place, ok in zip(places[tag], free[tag]) if ok and not _hits_any(place, others)),
                      None)
        if choice is None:
            costs = [px + sum(_overlap_area(place, other) for other in others)
                     for place, px in zip(places[tag], covered_px[tag])]
            choice = places[tag][costs.index(min(costs))]
        placed.append(choice)
    return [(x, y, x1 - x, y1 - y) for x, y, x1, y1 in placed]


def _overlapping(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """(len(first), len(second)) booleans: which (x0, y0, x1, y1) rects share pixels."""
    return ((first[:, None, 0] < second[None, :, 2]) & (second[None, :, 0] < first[:, None, 2])
            & (first[:, None, 1] < second[None, :, 3]) & (second[None, :, 1] < first[:, None, 3]))


def _hits_any(rect: tuple[int, int, int, int], others: list[tuple[int, int, int, int]]) -> bool:
    x0, y0, x1, y1 = rect
    return any(x0 < ox1 and ox0 < x1 and y0 < oy1 and oy0 < y1 for ox0, oy0, ox1, oy1 in others)


def _overlap_area(rect: tuple[int, int, int, int], other: tuple[int, int, int, int]) -> int:
    width = min(rect[2], other[2]) - max(rect[0], other[0])
    height = min(rect[3], other[3]) - max(rect[1], other[1])
    return max(0, width) * max(0, height)


def number_box(box: Box, style: Style, shape: tuple[int, ...]) -> Box:
    """Where a number's box is drawn: NUMBER_PADDING line widths outside its digits,
    cut to the image of ``shape`` (H, W, ...)."""
    x0, y0, x1, y1 = _edges(_grow(box, NUMBER_PADDING * style.thickness))
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, shape[1]), min(y1, shape[0])
    return (x0, y0, x1 - x0, y1 - y0)


def _grow(box: Box, margin: int) -> Box:
    return (box[0] - margin, box[1] - margin, box[2] + 2 * margin, box[3] + 2 * margin)


def _edges(box: Box) -> tuple[int, int, int, int]:
    return (box[0], box[1], box[0] + box[2], box[1] + box[3])


@functools.lru_cache(maxsize=4096)
def text_size(text: str, font_scale: float, thickness: int) -> tuple[tuple[int, int], int]:
    """cv2.getTextSize in FONT, remembered: labels repeat from frame to frame ("7 0.99"),
    and measuring one costs a few us, 0.1 ms per frame of a page of digits."""
    return cv2.getTextSize(text, FONT, font_scale, thickness)


def tag_size(text: str, style: Style) -> tuple[int, int]:
    """(w, h) in px of the filled tag that holds ``text``."""
    (text_w, text_h), baseline = text_size(text, style.font_scale, style.text_thickness)
    return text_w + 2 * style.padding, text_h + baseline + 2 * style.padding


def _draw_box(canvas: np.ndarray, box: Box, colour: Colour, style: Style) -> None:
    x, y, w, h = box
    # LINE_8: a rectangle is axis-aligned, so smoothing its edges changes little and cost
    # nearly four times as much (15 against 4 us; a frame of 30 digits draws 40 boxes).
    cv2.rectangle(canvas, (x, y), (x + w - 1, y + h - 1), colour, style.thickness, cv2.LINE_8)


def draw_tag(canvas: np.ndarray, tag: Tag, style: Style) -> None:
    """Draw ``tag`` on ``canvas`` in place: its text in LABEL_TEXT_COLOUR on its filled rect."""
    x, y, w, h = tag.rect
    cv2.rectangle(canvas, (x, y), (x + w - 1, y + h - 1), tag.colour, cv2.FILLED)
    (_, text_h), _ = text_size(tag.text, style.font_scale, style.text_thickness)
    origin = (x + style.padding, y + style.padding + text_h)
    cv2.putText(canvas, tag.text, origin, FONT, style.font_scale, LABEL_TEXT_COLOUR, style.text_thickness,
                cv2.LINE_AA)


STATUS_BACKGROUND: Colour = (40, 40, 40)  # dark grey bars behind status text, readable on any scene
STATUS_TEXT_COLOUR: Colour = (255, 255, 255)


def draw_status_bar(canvas: np.ndarray, text: str, top: bool) -> None:
    """Write one line of ``text`` on a dark bar across the top or bottom of ``canvas``, in
    place: the FPS line and the key legend of the webcam window."""
    style = Annotator().style_for(*canvas.shape[:2])
    (_, text_h), baseline = text_size(text, style.font_scale, style.text_thickness)
    bar_h = text_h + baseline + 2 * style.padding
    y0 = 0 if top else canvas.shape[0] - bar_h
    cv2.rectangle(canvas, (0, y0), (canvas.shape[1] - 1, y0 + bar_h - 1), STATUS_BACKGROUND, cv2.FILLED)
    origin = (style.padding, y0 + style.padding + text_h)
    cv2.putText(canvas, text, origin, FONT, style.font_scale, STATUS_TEXT_COLOUR, style.text_thickness, cv2.LINE_AA)
