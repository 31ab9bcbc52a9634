"""Draw a FrameResult on its image: digit boxes with "label confidence", number boxes with
their text.

Line widths and text sizes grow with the image, so labels read the same on a 640x480
webcam frame and on a 4000x3000 photo viewed fit-to-screen. Labels are kept inside the
image: a label that would stick out above a box goes below it, one that would pass the
right edge slides left.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import cv2
import numpy as np

from camdigits.config import REFERENCE_SIDE
from camdigits.types import Box, FrameResult

Colour = tuple[int, int, int]  # BGR

DIGIT_COLOUR: Colour = (0, 160, 0)  # green boxes for single digits
NUMBER_COLOUR: Colour = (200, 80, 0)  # blue boxes for numbers, so the two never blend
LABEL_TEXT_COLOUR: Colour = (255, 255, 255)  # white text on a filled label in the box colour
FONT = cv2.FONT_HERSHEY_SIMPLEX

# At config.REFERENCE_SIDE the default sizes below apply; other image sizes scale with it.
BOX_THICKNESS = 2  # px at REFERENCE_SIDE: visible without hiding thin strokes
FONT_SCALE = 0.5  # OpenCV font scale at REFERENCE_SIDE: about 11 px high capitals
NUMBER_PADDING = 3  # number boxes sit this many box thicknesses outside their digits


@dataclass(frozen=True)
class Style:
    """Pixel sizes for one image size."""

    thickness: int
    font_scale: float
    text_thickness: int
    padding: int  # px between label text and its filled background


class Annotator:
    """Draws results on copies of images; configured once, used for every frame.

    Args:
        digit_colour, number_colour: BGR colours of digit and number boxes and labels.
        thickness: box line width in px; None scales it with the image size.
        font_scale: OpenCV font scale for labels; None scales it with the image size.
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
            box = _pad(number.box, NUMBER_PADDING * style.thickness, canvas.shape)
            _draw_box(canvas, box, self.number_colour, style)
            _draw_label(canvas, number.text, box, self.number_colour, style, above=False)
        for digit in result.digits:
            _draw_box(canvas, digit.box, self.digit_colour, style)
            label = f"{digit.label} {digit.confidence:.2f}"
            _draw_label(canvas, label, digit.box, self.digit_colour, style, above=True)
        return canvas


def label_origin(label_size: tuple[int, int], box: Box, image_size: tuple[int, int], above: bool) -> tuple[int, int]:
    """Top-left corner for a label of ``label_size`` (w, h) attached to ``box``.

    The label sits on the box's top edge (``above``) or under its bottom edge, flips to
    the other side where there is no room, and is clamped so it stays inside an image of
    ``image_size`` (w, h) whenever it fits at all.
    """
    label_w, label_h = label_size
    image_w, image_h = image_size
    x, y, w, h = box
    top, bottom = y - label_h, y + h
    if above:
        label_y = top if top >= 0 else bottom
    else:
        label_y = bottom if bottom + label_h <= image_h else top
    label_x = min(max(x, 0), max(image_w - label_w, 0))
    label_y = min(max(label_y, 0), max(image_h - label_h, 0))
    return label_x, label_y


def _pad(box: Box, padding: int, shape: tuple[int, ...]) -> Box:
    x0, y0 = max(box[0] - padding, 0), max(box[1] - padding, 0)
    x1, y1 = min(box[0] + box[2] + padding, shape[1]), min(box[1] + box[3] + padding, shape[0])
    return (x0, y0, x1 - x0, y1 - y0)


@functools.lru_cache(maxsize=4096)
def text_size(text: str, font_scale: float, thickness: int) -> tuple[tuple[int, int], int]:
    """cv2.getTextSize in FONT, remembered: labels repeat from frame to frame ("7 0.99"),
    and measuring one costs a few us, 0.1 ms per frame of a page of digits."""
    return cv2.getTextSize(text, FONT, font_scale, thickness)


def _draw_box(canvas: np.ndarray, box: Box, colour: Colour, style: Style) -> None:
    x, y, w, h = box
    # LINE_8: a rectangle is axis-aligned, so smoothing its edges changes little and cost
    # nearly four times as much (15 against 4 us; a frame of 30 digits draws 40 boxes).
    cv2.rectangle(canvas, (x, y), (x + w - 1, y + h - 1), colour, style.thickness, cv2.LINE_8)


def _draw_label(canvas: np.ndarray, text: str, box: Box, colour: Colour, style: Style, above: bool) -> None:
    """Text in LABEL_TEXT_COLOUR on a filled rectangle of ``colour``, next to ``box``."""
    (text_w, text_h), baseline = text_size(text, style.font_scale, style.text_thickness)
    label_size = (text_w + 2 * style.padding, text_h + baseline + 2 * style.padding)
    x, y = label_origin(label_size, box, (canvas.shape[1], canvas.shape[0]), above)
    cv2.rectangle(canvas, (x, y), (x + label_size[0] - 1, y + label_size[1] - 1), colour, cv2.FILLED)
    origin = (x + style.padding, y + style.padding + text_h)
    cv2.putText(canvas, text, origin, FONT, style.font_scale, LABEL_TEXT_COLOUR, style.text_thickness, cv2.LINE_AA)


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
