"""Letters and symbols drawn from Hershey stroke data, not from a library's text renderer.

Training negatives and benchmark distractors need printed and script letters. OpenCV's
``putText`` draws them differently by version (5.1 draws every Hershey constant with one sans
font), so the data would change with the installed OpenCV. The ``Hershey-Fonts`` package ships
the original stroke tables; the strokes are scaled here and drawn as anti-aliased polylines,
which come out the same under any OpenCV that draws lines.
"""

from __future__ import annotations

import functools

import cv2
import numpy as np

# The families putText once drew: roman simplex, duplex, complex, triplex, script simplex and
# complex, plus a cursive hand.
FONTS = ("futural", "futuram", "rowmans", "rowmand", "rowmant", "scripts", "scriptc", "cursive")


@functools.cache
def _font(name: str):
    from HersheyFonts import HersheyFonts

    font = HersheyFonts()
    font.load_default_font(name)
    return font


def text_strokes(text: str, font: str, cap_height: float) -> list[np.ndarray]:
    """The pen strokes of ``text`` in ``font`` as float (n, 2) x, y arrays (y down), scaled so
    that a capital is ``cap_height`` px tall; the top-left of the ink is at the origin."""
    glyphs = _font(font)
    options = glyphs.render_options
    scale = cap_height / (options["base_line"] - options["cap_line"])
    options.scalex, options.scaley, options.xofs, options.yofs = scale, scale, 0.0, 0.0
    strokes = [np.asarray(s, np.float64) for s in glyphs.strokes_for_text(text) if len(s) >= 2]
    if not strokes:
        return []
    origin = np.min([s.min(axis=0) for s in strokes], axis=0)
    return [s - origin for s in strokes]


def draw_text(text: str, font: str, cap_height: float, thickness: int, pad: int = 0) -> np.ndarray:
    """``text`` drawn as white anti-aliased ink (uint8, ink 255) on a black canvas that fits its
    ink plus ``pad`` px each side (and the pen's half width)."""
    strokes = text_strokes(text, font, cap_height)
    margin = pad + thickness // 2 + 2
    if not strokes:
        return np.zeros((2 * margin + 1, 2 * margin + 1), np.uint8)
    extent = np.max([s.max(axis=0) for s in strokes], axis=0)
    canvas = np.zeros((int(np.ceil(extent[1])) + 2 * margin + 1, int(np.ceil(extent[0])) + 2 * margin + 1), np.uint8)
    shift = 4  # sub-pixel bits: strokes land where the stroke data puts them, not on whole px
    lines = [np.round((s + margin) * (1 << shift)).astype(np.int32) for s in strokes]
    cv2.polylines(canvas, lines, False, 255, max(1, int(thickness)), cv2.LINE_AA, shift)
    return canvas
