"""How ink lies on a surface: ballpoint, pencil, felt marker and chalk.

Pens absorb light: a surface of linear reflectance r under coverage c of an ink whose layer
passes t of the light becomes r * t ** (c * density) (Beer-Lambert), so overlapping strokes
darken and coloured inks keep their hue. Chalk is a light layer on top of a dark board
instead, mixed in by coverage. Each medium also has its own stroke width (as a fraction of
the writing's height) and its own texture.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from bench.field.paper import smooth_noise


@dataclass(frozen=True)
class Medium:
    """One writing tool. Widths are of the writing's height, never below ``min_width`` px at 480p."""

    name: str
    width: tuple[float, float]
    min_width: float
    pressure: float  # how much the stroke width varies along the glyph (fraction)
    colours: tuple[tuple[float, float, float], ...]  # linear BGR transmittance (chalk: reflectance)
    density: tuple[float, float]  # ink layers at full coverage


MEDIA = {
    "ballpoint": Medium(
        "ballpoint", (0.05, 0.10), 1.6, 0.3, ((0.30, 0.06, 0.03), (0.05, 0.05, 0.06), (0.22, 0.08, 0.06)), (0.9, 1.4)
    ),
    "pencil": Medium("pencil", (0.05, 0.09), 1.5, 0.2, ((0.30, 0.30, 0.32),), (0.7, 1.1)),
    "marker": Medium(
        "marker",
        (0.12, 0.2),
        2.5,
        0.08,
        ((0.04, 0.04, 0.05), (0.35, 0.08, 0.02), (0.06, 0.25, 0.05), (0.05, 0.05, 0.45)),
        (1.2, 1.8),
    ),
    "chalk": Medium("chalk", (0.08, 0.14), 2.5, 0.15, ((0.80, 0.82, 0.80), (0.55, 0.80, 0.85)), (0.75, 0.95)),
}


def pen_width(medium: Medium, height: float, scale: float, rng: np.random.Generator) -> float:
    """Stroke width in px of ``medium`` writing ``height`` px tall."""
    return max(medium.min_width * scale, rng.uniform(*medium.width) * height)


def apply_ink(
    surface: np.ndarray, coverage: np.ndarray, medium: Medium, scale: float, rng: np.random.Generator
) -> np.ndarray:
    """``surface`` (linear BGR) written on with ``coverage`` (0-1 alpha) of ``medium``."""
    coverage = np.minimum(coverage, 1.0)
    colour = np.array(medium.colours[int(rng.integers(len(medium.colours)))], np.float32)
    density = rng.uniform(*medium.density)
    shape = coverage.shape
    if medium.name == "pencil":
        # Graphite catches only the tooth of the paper: fine holes, and an uneven hand.
        tooth = np.clip(1 - 0.35 * np.abs(rng.normal(0, 1, shape)).astype(np.float32), 0.4, 1)
        coverage = coverage * tooth * (1 + 0.15 * smooth_noise(shape, (5, 5), rng))
    elif medium.name == "marker":
        coverage = cv2.GaussianBlur(coverage, (0, 0), 0.6 * scale)  # felt tips bleed into paper
    elif medium.name == "ballpoint":
        # A ballpoint lays ink unevenly: faint skips along fast strokes.
        coverage = coverage * np.clip(1 - 0.25 * np.abs(smooth_noise(shape, (40, 40), rng)), 0.4, 1)
    if medium.name == "chalk":
        grain = np.clip(rng.normal(0.85, 0.25, shape).astype(np.float32), 0, 1)
        mix = np.clip(coverage * grain * density, 0, 1)[..., None]
        return surface * (1 - mix) + colour * mix
    return surface * np.power(colour, np.clip(coverage * density, 0, None)[..., None])
