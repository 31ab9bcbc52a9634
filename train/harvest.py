"""Negatives cut from whole frames by the runtime's own segmenter: pages of handwritten words
and frames of texture.

A letter drawn alone on a canvas is not what the model meets: on a page, handwriting breaks
into single letters, joined letter runs and fragments, and texture into specks and strands,
as the threshold and the candidate filters cut them. Drawing the frame and letting
:func:`camdigits.recognition.candidates.find_candidates` cut it gives the model exactly those blobs
(not the grainy ones it sets aside, which the runtime reads only in lines of digits).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from camdigits.config import Config
from camdigits.recognition.candidates import find_candidates
from camdigits.recognition.threshold import binarize, to_dark_ink
from train.fonts import draw_glyphs
from train.textures import texture

# Letters a careful reader would not take for a digit. Left out, for the word context to
# decide: O o D Q (0), l I i j J T t (1, 7), Z z (2), S s (5), B (8), b G (6), g q (9).
SAFE_LETTERS = "acdefhkmnpruvwxyACEFHKLMNPRUVWXY"
FRAME_SHAPE = (360, 480)  # px: a VGA-like frame, the size the segmenter is tuned at
WORD_CAP_PX = (18, 70)  # font em size range: small notes to a big heading
PER_FRAME = 24  # at most this many blobs from one frame, so many frames are seen
# Blobs narrower than this (width / height) are bare strokes: the stem of an h or a k cut
# off by the threshold is a one to any reader, and labelled "not a digit" it taught the
# model to reject ones.
MIN_ASPECT = 0.35
CONFIG = Config()


def cut_blobs(grey: np.ndarray, rng: np.random.Generator, limit: int = PER_FRAME) -> list[np.ndarray]:
    """Up to ``limit`` candidate ink masks (uint8, ink 255) of a grey frame, chosen at random."""
    paper = to_dark_ink(grey, CONFIG)
    found = find_candidates(paper, binarize(paper, CONFIG), CONFIG)
    candidates = [c for c in found if c.box[2] >= MIN_ASPECT * c.box[3]]
    order = rng.permutation(len(candidates))[:limit]
    return [candidates[i].ink for i in order]


def word_page(fonts: list[Path], rng: np.random.Generator, shape: tuple[int, int] = FRAME_SHAPE) -> np.ndarray:
    """A grey page of handwritten words in one font, dark ink on light paper, slightly turned."""
    h, w = shape
    paper = float(rng.uniform(170, 250))
    ink = float(rng.uniform(10, paper - 80))
    page = np.full(shape, paper, np.float32)
    font = fonts[int(rng.integers(len(fonts)))]
    size = int(np.exp(rng.uniform(*np.log(WORD_CAP_PX))))
    stroke = int(rng.integers(0, 2 + size // 30))
    y = int(rng.integers(0, size))
    while y < h:
        x = int(rng.integers(0, size))
        while x < w:
            word = "".join(rng.choice(list(SAFE_LETTERS), size=int(rng.integers(1, 8))))
            glyphs = draw_glyphs(word, font, size, stroke)
            if glyphs.size:
                gh, gw = min(glyphs.shape[0], h - y), min(glyphs.shape[1], w - x)
                alpha = glyphs[:gh, :gw].astype(np.float32) / 255.0
                region = page[y : y + gh, x : x + gw]
                region[:] = region * (1 - alpha) + ink * alpha
                x += glyphs.shape[1]
            x += int(size * rng.uniform(0.4, 1.2))
        y += int(size * rng.uniform(1.1, 2.0))
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-8, 8), 1.0)
    page = cv2.warpAffine(page, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE)
    page += rng.normal(0, rng.uniform(0, 6), shape)
    return np.clip(page, 0, 255).astype(np.uint8)


def _harvest(count: int, draw_frame, rng: np.random.Generator) -> list[np.ndarray]:
    blobs: list[np.ndarray] = []
    while len(blobs) < count:
        blobs.extend(cut_blobs(draw_frame(), rng, min(PER_FRAME, count - len(blobs))))
    return blobs


def word_blobs(count: int, fonts: list[Path], rng: np.random.Generator) -> list[np.ndarray]:
    """``count`` blobs of handwritten words (single letters, joined runs, fragments)."""
    return _harvest(count, lambda: word_page(fonts, rng), rng)


def texture_blobs(count: int, rng: np.random.Generator) -> list[np.ndarray]:
    """``count`` blobs of noise, wood, fabric, smudges and printed pictures."""
    return _harvest(count, lambda: texture(FRAME_SHAPE, rng), rng)
