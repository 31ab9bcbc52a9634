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
from camdigits.recognition.mask import ink_mask
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


RULE_SPACING_PX = (14.0, 36.0)  # px between a page's rules or grid lines: narrow ruled to wide, near and far
RULE_DEPTH = (25.0, 90.0)  # grey levels by which a printed rule is darker than its paper
WRITING_FILL = (0.5, 0.9)  # of the rule spacing: the em size of words written between the rules
PAGE_TILT_DEG = 20.0  # +- a ruled page held at an angle (a plain one: WORD_TILT_DEG)
WORD_TILT_DEG = 8.0
PERSPECTIVE = 0.1  # most a frame corner moves, as a share of the frame's side


def cut_blobs(
    grey: np.ndarray, rng: np.random.Generator, limit: int = PER_FRAME, runtime_mask: bool = False
) -> list[np.ndarray]:
    """Up to ``limit`` candidate ink masks (uint8, ink 255) of a grey frame, chosen at random;
    ``runtime_mask``: from the recognizer's own mask (rules erased, texture cleared), else
    from a plain threshold."""
    paper = to_dark_ink(grey, CONFIG)
    mask = ink_mask(paper, CONFIG) if runtime_mask else binarize(paper, CONFIG)
    found = find_candidates(paper, mask, CONFIG)
    candidates = [c for c in found if c.box[2] >= MIN_ASPECT * c.box[3] and not (runtime_mask and bare_stroke(c.ink))]
    order = rng.permutation(len(candidates))[:limit]
    return [candidates[i].ink for i in order]


def bare_stroke(ink: np.ndarray) -> bool:
    """Whether a blob is one stroke at any slant (its turned bounding box under MIN_ASPECT as
    wide as long): what is left of a letter cut by an erased rule is often a slanted stem."""
    (_, _), (a, b), _ = cv2.minAreaRect(cv2.findNonZero(ink))
    return min(a, b) < MIN_ASPECT * max(a, b)


def _rules(page: np.ndarray, spacing: float, squared: bool, level: float, rng: np.random.Generator) -> float:
    """Draws a page's rules (and, ``squared``, its columns) ``spacing`` px apart at grey
    ``level``; returns the first rule's row."""
    h, w = page.shape
    first = float(rng.uniform(0, spacing))
    thickness = int(rng.choice([1, 1, 2]))
    for y in np.arange(first, h, spacing):
        cv2.line(page, (0, round(y)), (w - 1, round(y)), level, thickness, cv2.LINE_AA)
    if squared:
        for x in np.arange(rng.uniform(0, spacing), w, spacing):
            cv2.line(page, (round(x), 0), (round(x), h - 1), level, thickness, cv2.LINE_AA)
    return first


def _turned_in_perspective(page: np.ndarray, degrees: float, rng: np.random.Generator) -> np.ndarray:
    h, w = page.shape
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    moved = corners + rng.uniform(-PERSPECTIVE, PERSPECTIVE, (4, 2)).astype(np.float32) * np.float32([w, h])
    warp = cv2.getPerspectiveTransform(corners, moved)
    turn = np.vstack([cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0), [0, 0, 1]])
    return cv2.warpPerspective(page, warp @ turn, (w, h), borderMode=cv2.BORDER_REPLICATE)


def word_page(
    fonts: list[Path],
    rng: np.random.Generator,
    shape: tuple[int, int] = FRAME_SHAPE,
    ruled: bool = False,
    letters: str = SAFE_LETTERS,
) -> np.ndarray:
    """A grey page of handwritten words of ``letters`` in one font, dark ink on light paper,
    slightly turned; ``ruled``: written between the rules of ruled or squared paper, turned
    further and seen in perspective."""
    h, w = shape
    paper = float(rng.uniform(170, 250))
    ink = float(rng.uniform(10, paper - 80))
    page = np.full(shape, paper, np.float32)
    font = fonts[int(rng.integers(len(fonts)))]
    if ruled:
        spacing = float(rng.uniform(*RULE_SPACING_PX))
        first = _rules(page, spacing, bool(rng.random() < 0.5), paper - float(rng.uniform(*RULE_DEPTH)), rng)
        size = max(6, int(spacing * rng.uniform(*WRITING_FILL)))
    else:
        size = int(np.exp(rng.uniform(*np.log(WORD_CAP_PX))))
    stroke = int(rng.integers(0, 2 + size // 30))
    y = int(rng.integers(0, size))
    while y < h:
        x = int(rng.integers(0, size))
        while x < w:
            word = "".join(rng.choice(list(letters), size=int(rng.integers(1, 8))))
            glyphs = draw_glyphs(word, font, size, stroke)
            if glyphs.size:
                top = y
                if ruled:  # standing on the next rule below y, as written on the line
                    rule = first + spacing * np.ceil((y + 0.8 * size - first) / spacing)
                    top = max(0, int(rule - glyphs.shape[0] + rng.uniform(-2, 2)))
                gh, gw = min(glyphs.shape[0], h - top), min(glyphs.shape[1], w - x)
                if gh <= 0:  # the rule it stands on is below the frame
                    break
                alpha = glyphs[:gh, :gw].astype(np.float32) / 255.0
                region = page[top : top + gh, x : x + gw]
                region[:] = region * (1 - alpha) + ink * alpha
                x += glyphs.shape[1]
            x += int(size * rng.uniform(0.4, 1.2))
        y += int(spacing * rng.integers(1, 3)) if ruled else int(size * rng.uniform(1.1, 2.0))
    if ruled:
        page = _turned_in_perspective(page, float(rng.uniform(-PAGE_TILT_DEG, PAGE_TILT_DEG)), rng)
    else:
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-WORD_TILT_DEG, WORD_TILT_DEG), 1.0)
        page = cv2.warpAffine(page, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE)
    page += rng.normal(0, rng.uniform(0, 6), shape)
    return np.clip(page, 0, 255).astype(np.uint8)


def _harvest(count: int, draw_frame, rng: np.random.Generator, runtime_mask: bool = False) -> list[np.ndarray]:
    blobs: list[np.ndarray] = []
    while len(blobs) < count:
        blobs.extend(cut_blobs(draw_frame(), rng, min(PER_FRAME, count - len(blobs)), runtime_mask))
    return blobs


def word_blobs(count: int, fonts: list[Path], rng: np.random.Generator) -> list[np.ndarray]:
    """``count`` blobs of handwritten words (single letters, joined runs, fragments)."""
    return _harvest(count, lambda: word_page(fonts, rng), rng)


def ruled_word_blobs(count: int, fonts: list[Path], rng: np.random.Generator) -> list[np.ndarray]:
    """``count`` blobs of handwritten words on ruled and squared pages, as the recognizer's
    own mask leaves them (letters cut by an erased rule, what is left of the rules)."""
    return _harvest(count, lambda: word_page(fonts, rng, ruled=True), rng, runtime_mask=True)


def texture_blobs(count: int, rng: np.random.Generator) -> list[np.ndarray]:
    """``count`` blobs of noise, wood, fabric, smudges and printed pictures."""
    return _harvest(count, lambda: texture(FRAME_SHAPE, rng), rng)
