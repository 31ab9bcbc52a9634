"""Synthetic "not a digit" patches (class 10), drawn as the segmenter would cut them.

A camera frame holds letters, symbols, doodles, boxes and lines besides digits. A model that
must answer 0-9 calls them digits with high confidence; a model with an eleventh class
learns to say "none of these". Every kind below is drawn as ink on a canvas of camera size,
binarised, and passed through the same ``to_mnist_patch`` as the digits.

Letters come from Hershey stroke fonts (train.glyphs), from 28 handwriting font families
(train.fonts), and as the blobs the runtime's segmenter cuts from pages of handwritten words
and from frames of texture (train.harvest). Shapes a person could read as a digit are left
out, because teaching the model that they are not digits would hurt real digits: O o Q D
(zero), l I i j J T t (one, seven), Z z (two), S s (five), B b G g q (six, eight, nine); the
word context at run time decides those. Typeset and handwritten a, d, e, y and Y are in:
next to handwritten digits they were read as 2, 0, 8 and 4 with full confidence.
Fragments of digits are left out for the same reason (the top of an 8 is a 0).
"""

from __future__ import annotations

import cv2
import numpy as np

from camdigits.config import PATCH_SIZE
from camdigits.recognition.normalise import to_mnist_patch
from train.fonts import draw_glyphs
from train.glyphs import draw_text
from train.harvest import SAFE_LETTERS, ruled_word_blobs, texture_blobs, word_blobs

NEGATIVE_FRACTION = 0.3  # negatives per digit in a training epoch

LETTERS = "AEFHKMNPRWXYadehkmnrwxy"
SYMBOLS = "+=#?*%@x<>"  # no & (an 8 in handwriting)
# Hershey roman simplex, duplex, complex, triplex and script simplex (train.glyphs).
FONTS = ("rowmans", "rowmand", "timesr", "rowmant", "scripts")
CAP_PX = (35, 66)  # capital height range on the canvas
CANVAS = 128  # px: side of the drawing canvas, about a large digit in a 480p frame
PEN_PX = (2, 14)  # stroke thickness range on that canvas: fine pen to marker
DOODLE_MIN_TRAVEL = 3.5  # pen travel / extent of a doodle (an 8: about 3)
BINARISE_AT = 128  # grey level where drawn anti-aliased strokes become ink

HANDWRITING_EM_PX = (30, 110)  # em size of a handwriting-font letter on the canvas

# How often each kind is drawn (relative weights). "words", "ruled words" and "texture" are
# blobs cut from whole frames by the runtime's segmenter (train.harvest); "ruled words" only
# for the small-digit network (``ruled``), as the full network read no better with them.
KINDS = {
    "letter": 0.12,
    "handwriting": 0.2,
    "words": 0.16,
    "ruled words": 0.12,
    "texture": 0.14,
    "symbol": 0.08,
    "pair": 0.11,
    "scribble": 0.04,
    "doodle": 0.05,
    "line": 0.05,
    "frame": 0.03,
    "blob": 0.01,
    "specks": 0.01,
}
HARVESTED = ("words", "ruled words", "texture")


def slant(canvas: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Random rotation (+-15 deg) and shear (+-0.3) about the centre, like a hand would."""
    angle = np.radians(rng.uniform(-15, 15))
    shear = rng.uniform(-0.3, 0.3)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    linear = rotation @ np.array([[1, shear], [0, 1]])
    centre = np.array([CANVAS / 2, CANVAS / 2])
    matrix = np.hstack([linear, (centre - linear @ centre)[:, None]])
    return cv2.warpAffine(canvas, matrix, (CANVAS, CANVAS), flags=cv2.INTER_LINEAR)


def _pen(rng: np.random.Generator) -> int:
    return int(rng.integers(*PEN_PX))


def _text(chars: str, rng: np.random.Generator) -> np.ndarray:
    canvas = np.zeros((CANVAS, CANVAS), np.uint8)
    char = chars[int(rng.integers(len(chars)))]
    font = FONTS[int(rng.integers(len(FONTS)))]
    thickness = max(1, _pen(rng) // 2)
    glyph = draw_text(char, font, rng.uniform(*CAP_PX), thickness)[:CANVAS, :CANVAS]
    h, w = glyph.shape
    y, x = (CANVAS - h) // 2, (CANVAS - w) // 2
    canvas[y : y + h, x : x + w] = glyph
    return slant(canvas, rng)


def _handwriting(fonts: list, rng: np.random.Generator) -> np.ndarray:
    """One letter a careful reader would not take for a digit, from a handwriting font."""
    font = fonts[int(rng.integers(len(fonts)))]
    char = SAFE_LETTERS[int(rng.integers(len(SAFE_LETTERS)))]
    glyph = draw_glyphs(char, font, int(rng.integers(*HANDWRITING_EM_PX)), int(rng.integers(0, 4)))[:CANVAS, :CANVAS]
    canvas = np.zeros((CANVAS, CANVAS), np.uint8)
    h, w = glyph.shape
    y, x = (CANVAS - h) // 2, (CANVAS - w) // 2
    canvas[y : y + h, x : x + w] = glyph
    return slant(canvas, rng)


def _pair(digits: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Two digits side by side, touching or nearly: one blob that is not one digit."""
    a, b = digits[rng.integers(len(digits), size=2)]
    overlap = int(rng.integers(2, 9))  # px of the 28 px fields that overlap
    canvas = np.zeros((PATCH_SIZE, 2 * PATCH_SIZE - 8 - overlap), np.uint8)
    canvas[:, : PATCH_SIZE - 4] = a[:, 4:]
    right = canvas[:, PATCH_SIZE - 4 - overlap :]
    np.maximum(right, b[:, 4 : 4 + right.shape[1]], out=right)
    return cv2.resize(canvas, None, fx=4, fy=4, interpolation=cv2.INTER_LINEAR)


def _scribble(rng: np.random.Generator) -> np.ndarray:
    canvas = np.zeros((CANVAS, CANVAS), np.uint8)
    points = rng.integers(10, CANVAS - 10, size=(int(rng.integers(8, 16)), 2)).astype(np.int32)
    cv2.polylines(canvas, [points], False, 255, _pen(rng), cv2.LINE_AA)
    return canvas


def _doodle(rng: np.random.Generator) -> np.ndarray:
    """A long, turning pen path shrunk onto the canvas: curls and tangles, which the zig-zag
    scribble does not cover and which were read as 2, 3, 5, 7 and 9 with full confidence.
    Only paths whose travel is at least DOODLE_MIN_TRAVEL times their extent are kept:
    shorter ones look like 1, 2, 7 or S, and an 8 travels about 3 times its height."""
    while True:
        turns = np.cumsum(rng.normal(0.0, rng.uniform(0.4, 0.9), int(rng.integers(30, 60))))
        points = np.cumsum(np.stack([np.cos(turns), np.sin(turns)], axis=1), axis=0)
        span = np.ptp(points, axis=0).max()
        if len(points) >= DOODLE_MIN_TRAVEL * span:
            break
    points = (points - points.min(axis=0)) / max(span, 1e-6) * (CANVAS - 24) + 12
    canvas = np.zeros((CANVAS, CANVAS), np.uint8)
    cv2.polylines(canvas, [np.round(points).astype(np.int32)], False, 255, _pen(rng), cv2.LINE_AA)
    return canvas


def _line(rng: np.random.Generator) -> np.ndarray:
    """A dash, underline or stroke within 45 degrees of horizontal. Steeper strokes are ones:
    only the most slanted 1 % of MNIST's ones lean further than about 50 degrees."""
    canvas = np.zeros((CANVAS, CANVAS), np.uint8)
    angle = np.radians(rng.uniform(-45, 45))
    half = rng.uniform(30, 60)
    dx, dy = half * np.cos(angle), half * np.sin(angle)
    c = CANVAS / 2
    cv2.line(canvas, (int(c - dx), int(c - dy)), (int(c + dx), int(c + dy)), 255, _pen(rng), cv2.LINE_AA)
    return canvas


def _frame(rng: np.random.Generator) -> np.ndarray:
    """A drawn box, wider than tall: a tall narrow box is how some people write a zero."""
    canvas = np.zeros((CANVAS, CANVAS), np.uint8)
    w = int(rng.integers(60, 116))
    h = int(rng.integers(30, int(w / 1.1)))
    x, y = (CANVAS - w) // 2, (CANVAS - h) // 2
    cv2.rectangle(canvas, (int(x), int(y)), (int(x + w), int(y + h)), 255, _pen(rng))
    return slant(canvas, rng)


def _blob(rng: np.random.Generator) -> np.ndarray:
    canvas = np.zeros((CANVAS, CANVAS), np.uint8)
    points = rng.integers(20, CANVAS - 20, size=(int(rng.integers(5, 9)), 2)).astype(np.int32)
    cv2.fillPoly(canvas, [cv2.convexHull(points)], 255, cv2.LINE_AA)
    return canvas


def _specks(rng: np.random.Generator) -> np.ndarray:
    canvas = np.zeros((CANVAS, CANVAS), np.uint8)
    for x, y in rng.integers(10, CANVAS - 10, size=(int(rng.integers(3, 9)), 2)):
        cv2.circle(canvas, (int(x), int(y)), int(rng.integers(2, 7)), 255, -1, cv2.LINE_AA)
    return canvas


def draw_negative(kind: str, digits: np.ndarray, rng: np.random.Generator, fonts: list | None = None) -> np.ndarray:
    """One binary ink canvas (uint8, ink 255) of a drawn kind (not a harvested one)."""
    drawers = {
        "letter": lambda: _text(LETTERS, rng),
        "handwriting": lambda: _handwriting(fonts, rng),
        "symbol": lambda: _text(SYMBOLS, rng),
        "pair": lambda: _pair(digits, rng),
        "scribble": lambda: _scribble(rng),
        "doodle": lambda: _doodle(rng),
        "line": lambda: _line(rng),
        "frame": lambda: _frame(rng),
        "blob": lambda: _blob(rng),
        "specks": lambda: _specks(rng),
    }
    grey = drawers[kind]()
    return np.where(grey >= BINARISE_AT, np.uint8(255), np.uint8(0))


def make_negatives(
    count: int, digits: np.ndarray, rng: np.random.Generator, fonts: list | None = None, ruled: bool = False
) -> np.ndarray:
    """``count`` "not a digit" patches, float32 (count, 28, 28, 1), kinds drawn by weight.

    ``digits`` (uint8 MNIST training digits) feed the touching-pair kind; ``fonts``
    (handwriting font files, train.fonts) the handwriting and word kinds, which are left
    out without them; ``ruled`` adds the ruled words kind.
    """
    kinds = {
        k: w
        for k, w in KINDS.items()
        if (fonts or k not in ("handwriting", "words", "ruled words")) and (ruled or k != "ruled words")
    }
    names = list(kinds)
    weights = np.array([kinds[n] for n in names])
    picked = rng.choice(len(names), size=count, p=weights / weights.sum())
    harvested = {
        "words": lambda n: word_blobs(n, fonts, rng),
        "ruled words": lambda n: ruled_word_blobs(n, fonts, rng),
        "texture": lambda n: texture_blobs(n, rng),
    }
    blobs = {
        name: iter(harvested[name](int(np.sum(picked == names.index(name))))) for name in HARVESTED if name in names
    }
    out = np.zeros((count, PATCH_SIZE, PATCH_SIZE, 1), np.float32)
    for i, k in enumerate(picked):
        name = names[k]
        ink = next(blobs[name]) if name in blobs else draw_negative(name, digits, rng, fonts)
        to_mnist_patch(ink, out=out[i, :, :, 0])
    return out
