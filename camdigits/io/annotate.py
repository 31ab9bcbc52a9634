"""Draw a FrameResult on its image: digit boxes with a "label confidence" tag, number boxes
with a tag of their text.

Line widths and text sizes grow with the image, so tags read the same on a 640x480 webcam
frame and on a 4000x3000 photo viewed fit-to-screen. Tags never overlap each other and
never cover another digit's box: each is placed around its own box (above, below, beside,
inside its top as a last resort), whichever fits first, inside the image (`place_tags`).
"""

from __future__ import annotations

import functools
from collections import defaultdict
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
# box y + c * box h + d * tag h, for (a, b, c, d); a row whose slide is -1 (1) then moves
# the tag up (down) just clear of the boxes and tags it would cover, by at most half its
# height, so a tag can sit over a row of digits whose tops (bottoms) are not quite level.
TAG_PLACES = (  # a, b, c, d, slide
    (0, 0, 0, -1, 0),  # above, left edges aligned
    (0, 0, 1, 0, 0),  # below, left edges aligned
    (1, -1, 0, -1, 0),  # above, right edges aligned
    (1, -1, 1, 0, 0),  # below, right edges aligned
    (0, 0, 0, -1, -1),  # above, left edges aligned, raised clear of what is in the way
    (0, 0, 1, 0, 1),  # below, left edges aligned, lowered clear of what is in the way
    (1, 0, 0, 0, 0),  # right, top edges aligned
    (0, -1, 0, 0, 0),  # left, top edges aligned
    (1, 0, 1, -1, 0),  # right, bottom edges aligned
    (0, -1, 1, -1, 0),  # left, bottom edges aligned
    (0, 0, 0, -2, -1),  # above, one tag height further out, raised clear
    (0, 0, 1, 1, 1),  # below, one tag height further out, lowered clear
    (0, 0, 0, 0, 0),  # inside the box's top: hides part of the digit, so last
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

    Boxes and placed tags are kept in a grid of cells about a tag wide, and each place is
    checked only against what shares its cells: O(n * places * neighbours) for n tags.
    """
    count = len(boxes)
    if len(tag_sizes) != count or (blocking is not None and len(blocking) != count):
        raise ValueError(
            f"need one tag size and blocking flag per box, got {count} boxes, "
            f"{len(tag_sizes)} sizes and {count if blocking is None else len(blocking)} flags"
        )
    if count == 0:
        return []
    frame_w, frame_h = frame_size
    sides = sorted(max(box[2], box[3]) for box in boxes)
    grid = _Grid(max(1, sides[count // 2], *(max(size) for size in tag_sizes)))
    for index, (x, y, w, h) in enumerate(boxes):
        if blocking is None or blocking[index]:
            grid.add((x, y, x + w, y + h), index)
    rects = []
    for index, ((x, y, w, h), (tag_w, tag_h)) in enumerate(zip(boxes, tag_sizes)):
        tried = []
        for a, b, c, d, slide in TAG_PLACES:
            left, top = x + a * w + b * tag_w, y + c * h + d * tag_h
            place = (left, top, left + tag_w, top + tag_h)
            if slide:
                place = _slide_clear(place, grid.near(place, index), slide)
            inside = place[0] >= 0 and place[1] >= 0 and place[2] <= frame_w and place[3] <= frame_h
            if inside and not grid.hits(place, index):
                break
            tried.append(place)
        else:
            place = min(
                (_clamp(place, frame_size) for place in tried),
                key=lambda place: sum(_overlap(place, other) for other in grid.near(place, index)),
            )
        grid.add(place, -1)
        rects.append((place[0], place[1], tag_w, tag_h))
    return rects


Edges = tuple[int, int, int, int]  # x0, y0, x1, y1: a rect by its edges, x1 and y1 exclusive


class _Grid:
    """Rects bucketed by the square cells of side ``cell`` px that they touch, each with
    the index of its owner (the box's, or -1 for a tag)."""

    def __init__(self, cell: int) -> None:
        self.cell = cell
        self.cells: defaultdict[tuple[int, int], list[tuple[Edges, int]]] = defaultdict(list)

    def _keys(self, rect: Edges) -> list[tuple[int, int]]:
        cell = self.cell
        rows = range(rect[1] // cell, (rect[3] - 1) // cell + 1)
        return [(cx, cy) for cx in range(rect[0] // cell, (rect[2] - 1) // cell + 1) for cy in rows]

    def add(self, rect: Edges, owner: int) -> None:
        for key in self._keys(rect):
            self.cells[key].append((rect, owner))

    def near(self, rect: Edges, skip: int) -> dict[Edges, None]:
        """The rects in the cells that ``rect`` touches, once each, but those of ``skip``."""
        cells = self.cells
        return {other: None for key in self._keys(rect) if key in cells for other, owner in cells[key] if owner != skip}

    def hits(self, rect: Edges, skip: int) -> bool:
        """Whether ``rect`` overlaps a rect in the grid other than those of ``skip``."""
        x0, y0, x1, y1 = rect
        cells = self.cells
        for key in self._keys(rect):
            if key in cells:
                for (ox0, oy0, ox1, oy1), owner in cells[key]:
                    if x0 < ox1 and ox0 < x1 and y0 < oy1 and oy0 < y1 and owner != skip:
                        return True
        return False


def _overlap(rect: Edges, other: Edges) -> int:
    """Pixels that two rects share."""
    width = min(rect[2], other[2]) - max(rect[0], other[0])
    height = min(rect[3], other[3]) - max(rect[1], other[1])
    return width * height if width > 0 and height > 0 else 0


def _slide_clear(place: Edges, near: dict[Edges, None], slide: int) -> Edges:
    """``place`` moved up (``slide`` -1) or down (1) just clear of the rects of ``near`` that
    it overlaps; unmoved where that is further than half its height, as longer moves are
    what the places one row further out are for."""
    height = place[3] - place[1]
    hits = [other for other in near if _overlap(place, other)]
    if not hits:
        return place
    top = min(other[1] for other in hits) - height if slide < 0 else max(other[3] for other in hits)
    if 2 * abs(top - place[1]) > height:
        return place
    return (place[0], top, place[2], top + height)


def _clamp(place: Edges, frame_size: tuple[int, int]) -> Edges:
    """``place`` moved the least to lie inside the frame, or to its top-left corner where larger."""
    width, height = place[2] - place[0], place[3] - place[1]
    left = min(max(place[0], 0), max(frame_size[0] - width, 0))
    top = min(max(place[1], 0), max(frame_size[1] - height, 0))
    return (left, top, left + width, top + height)


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
    and measuring them anew is a visible share of drawing a page of digits."""
    return cv2.getTextSize(text, FONT, font_scale, thickness)


def tag_size(text: str, style: Style) -> tuple[int, int]:
    """(w, h) in px of the filled tag that holds ``text``."""
    (text_w, text_h), baseline = text_size(text, style.font_scale, style.text_thickness)
    return text_w + 2 * style.padding, text_h + baseline + 2 * style.padding


def _draw_box(canvas: np.ndarray, box: Box, colour: Colour, style: Style) -> None:
    x, y, w, h = box
    # LINE_8: a rectangle is axis-aligned, so smoothing its edges changes little and costs
    # several times as much (docs/performance.md).
    cv2.rectangle(canvas, (x, y), (x + w - 1, y + h - 1), colour, style.thickness, cv2.LINE_8)


def draw_tag(canvas: np.ndarray, tag: Tag, style: Style) -> None:
    """Draw ``tag`` on ``canvas`` in place: its text in LABEL_TEXT_COLOUR on its filled rect."""
    x, y, w, h = tag.rect
    cv2.rectangle(canvas, (x, y), (x + w - 1, y + h - 1), tag.colour, cv2.FILLED)
    (_, text_h), _ = text_size(tag.text, style.font_scale, style.text_thickness)
    origin = (x + style.padding, y + style.padding + text_h)
    cv2.putText(canvas, tag.text, origin, FONT, style.font_scale, LABEL_TEXT_COLOUR, style.text_thickness, cv2.LINE_AA)


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
