"""What is written on: paper sheets (plain, ruled, squared), and school boards.

Surfaces are float32 BGR images in linear light (0-1), because the camera model in
:mod:`bench.field.camera` lights and exposes in linear light before it encodes to sRGB.
Every function is pure in (size, rng); the page is drawn larger than the frame so that a
tilted or turned camera still sees page everywhere.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

# Paper albedo in linear light: printer paper to recycled and notebook paper.
PAPER_ALBEDO = (0.62, 0.85)
# Colour casts of paper (B, G, R multipliers): white, cream, greyish, faintly blue.
PAPER_TINTS = ((1.0, 1.0, 1.0), (0.86, 0.95, 1.0), (0.95, 0.95, 0.93), (1.0, 0.97, 0.92))
FIBRE_COUNT = 600  # short fibres per megapixel of paper
FIBRE_DEPTH = (0.02, 0.06)  # albedo lost along a fibre
# Printed rules in linear BGR: cyan-blue, grey, pale violet; at these strengths a rule absorbs
# far less light than ink, as on real notebook paper.
RULE_COLOURS = ((0.85, 0.55, 0.30), (0.55, 0.55, 0.55), (0.80, 0.55, 0.62))
RULE_STRENGTH = (0.4, 0.75)
RULE_WIDTH = (1.0, 2.2)  # px at 480p
MARGIN_RULE = (0.25, 0.45, 0.95)  # linear BGR of the red margin line of some notebooks
# School boards in linear BGR: green, slate, black.
BOARD_COLOURS = ((0.035, 0.075, 0.025), (0.045, 0.045, 0.05), (0.015, 0.015, 0.018))


def smooth_noise(shape: tuple[int, int], cells: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Zero-mean noise of about unit spread that varies over ``cells`` (rows, cols) across ``shape``."""
    coarse = rng.normal(0, 1, cells).astype(np.float32)
    return cv2.resize(coarse, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC)


def plain_paper(shape: tuple[int, int], scale: float, rng: np.random.Generator) -> np.ndarray:
    """An off-white sheet (h, w, 3) with a colour cast, mottling, fibres and maybe a fold."""
    h, w = shape
    albedo = rng.uniform(*PAPER_ALBEDO)
    tint = np.array(PAPER_TINTS[int(rng.integers(len(PAPER_TINTS)))], np.float32)
    mottle = 1 + 0.025 * smooth_noise(shape, (int(rng.integers(3, 9)), int(rng.integers(3, 9))), rng)
    tooth = 1 + rng.uniform(0.006, 0.02) * rng.normal(0, 1, shape).astype(np.float32)
    sheet = albedo * mottle * tooth
    fibres = np.zeros(shape, np.float32)
    for _ in range(int(FIBRE_COUNT * h * w / 1e6)):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        angle, length = rng.uniform(0, math.pi), rng.uniform(3, 14) * scale
        end = (int(x + length * math.cos(angle)), int(y + length * math.sin(angle)))
        cv2.line(fibres, (int(x), int(y)), end, float(rng.uniform(*FIBRE_DEPTH)), 1, cv2.LINE_AA)
    sheet = sheet * (1 - fibres)
    if rng.random() < 0.4:
        sheet = sheet * _fold(shape, rng)
    return sheet[..., None] * tint


def _fold(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Light change across a crease: one side a little darker, a bright ridge along it."""
    h, w = shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, math.pi)
    across = (xs - rng.uniform(0.2, 0.8) * w) * math.cos(angle) + (ys - rng.uniform(0.2, 0.8) * h) * math.sin(angle)
    side = np.where(across > 0, 1.0, 1 - rng.uniform(0.03, 0.1)).astype(np.float32)
    ridge = 1 + rng.uniform(0.02, 0.06) * np.exp(-((across / (2.5 + 0.004 * min(h, w))) ** 2))
    return (side * ridge).astype(np.float32)


def rule_lines(
    sheet: np.ndarray,
    spacing: float,
    scale: float,
    rng: np.random.Generator,
    squared: bool = False,
    first: float | None = None,
) -> np.ndarray:
    """``sheet`` with printed level rules ``spacing`` px apart (and columns too when
    ``squared``), starting at ``first`` px from the top; maybe a red margin line."""
    h, w = sheet.shape[:2]
    colour = np.array(RULE_COLOURS[int(rng.integers(len(RULE_COLOURS)))], np.float32)
    strength = rng.uniform(*RULE_STRENGTH)
    width = rng.uniform(*RULE_WIDTH) * scale
    ink = np.zeros((h, w), np.float32)
    start = rng.uniform(0, spacing) if first is None else first
    ys = np.arange(h, dtype=np.float32)[:, None]
    offset = np.mod(ys - start, spacing)
    ink = np.maximum(ink, np.clip(width / 2 + 0.5 - np.minimum(offset, spacing - offset), 0, 1) * np.ones((1, w)))
    if squared:
        xs = np.arange(w, dtype=np.float32)[None, :]
        across = np.mod(xs - rng.uniform(0, spacing), spacing)
        ink = np.maximum(ink, np.clip(width / 2 + 0.5 - np.minimum(across, spacing - across), 0, 1) * np.ones((h, 1)))
    elif rng.random() < 0.4:
        x = int(rng.uniform(0.06, 0.14) * w)
        red = np.zeros((h, w), np.float32)
        red[:, x : x + max(1, round(width))] = 1.0
        sheet = sheet * (1 - red[..., None] * strength * (1 - np.array(MARGIN_RULE, np.float32)))
    return sheet * (1 - (ink * strength)[..., None] * (1 - colour))


def board(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A school board: dark, unevenly wiped, with chalk dust clouds."""
    colour = np.array(BOARD_COLOURS[int(rng.integers(len(BOARD_COLOURS)))], np.float32)
    dust = np.clip(smooth_noise(shape, (int(rng.integers(4, 10)), int(rng.integers(4, 10))), rng), 0, None)
    grain = 1 + 0.08 * rng.normal(0, 1, shape).astype(np.float32)
    return colour * grain[..., None] + (rng.uniform(0.01, 0.04) * dust)[..., None]
