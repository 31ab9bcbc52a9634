"""Grey frames with no digit in them: sensor noise, wood, fabric, smudges and printed pictures.

A camera sees these around a page, or instead of one. Thresholded, they break into blobs
that pass every size and density check, and a model that never saw them reads them as 3, 5,
7 and 8. :mod:`train.harvest` cuts their blobs with the runtime's own segmenter.
Each function returns uint8 grey (h, w), a pure function of its random generator.
"""

from __future__ import annotations

import cv2
import numpy as np


def _smooth_noise(shape: tuple[int, int], sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Zero-mean noise blurred at ``sigma`` px, scaled to unit standard deviation."""
    noise = cv2.GaussianBlur(rng.standard_normal(shape).astype(np.float32), (0, 0), max(sigma, 0.3))
    return noise / max(float(noise.std()), 1e-6)


def _to_grey(values: np.ndarray, mean: float, spread: float) -> np.ndarray:
    return np.clip(mean + spread * values, 0, 255).astype(np.uint8)


def noise(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Sensor or print noise, plain or blurred at any grain size."""
    grain = rng.choice([0.0, rng.uniform(0.5, 1.5), rng.uniform(1.5, 6.0)])
    return _to_grey(_smooth_noise(shape, grain, rng), rng.uniform(60, 200), rng.uniform(10, 60))


def wood(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Desk wood: stretched noise turned to bands, with knots of darker grain."""
    h, w = shape
    stretch = rng.uniform(6, 30)
    base = _smooth_noise((h, max(8, int(w / stretch))), rng.uniform(1, 4), rng)
    base = cv2.resize(base, (w, h), interpolation=cv2.INTER_CUBIC)
    rings = np.sin(base * rng.uniform(3, 9)) + 0.4 * _smooth_noise(shape, rng.uniform(0.5, 2), rng)
    grey = _to_grey(rings, rng.uniform(90, 190), rng.uniform(12, 40))
    angle = rng.uniform(-90, 90)
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.5)
    return cv2.warpAffine(grey, matrix, (w, h), borderMode=cv2.BORDER_REFLECT)


def fabric(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A woven or knitted cloth: two crossing periodic threads with uneven yarn."""
    h, w = shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    period = rng.uniform(3, 14)
    angle = rng.uniform(0, np.pi)
    u = xs * np.cos(angle) + ys * np.sin(angle)
    v = -xs * np.sin(angle) + ys * np.cos(angle)
    weave = np.sin(2 * np.pi * u / period) * np.sin(2 * np.pi * v / (period * rng.uniform(0.7, 1.4)))
    weave += 0.5 * _smooth_noise(shape, rng.uniform(0.5, 3), rng)
    return _to_grey(weave, rng.uniform(60, 200), rng.uniform(15, 50))


def smudges(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Paper with erased pencil, coffee rings and finger smears: soft dark patches."""
    h, w = shape
    canvas = np.full(shape, rng.uniform(170, 240), np.float32)
    for _ in range(int(rng.integers(3, 12))):
        centre = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        axes = (int(rng.integers(4, w // 4)), int(rng.integers(4, h // 4)))
        cv2.ellipse(
            canvas,
            centre,
            axes,
            rng.uniform(0, 180),
            0,
            360,
            float(rng.uniform(40, 160)),
            int(rng.choice([-1, rng.integers(2, 10)])),
        )
    canvas = cv2.GaussianBlur(canvas, (0, 0), rng.uniform(1, 6))
    return _to_grey((canvas - 128) / 40 + 0.3 * _smooth_noise(shape, 1.0, rng), 128, 40)


def picture(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A printed photo or catalogue page: filled silhouettes (clothes, shoes, objects) with
    shading, on a plain or textured ground."""
    h, w = shape
    canvas = np.full(shape, rng.uniform(150, 250), np.float32)
    for _ in range(int(rng.integers(2, 9))):
        centre = np.array([rng.uniform(0, w), rng.uniform(0, h)])
        radius = rng.uniform(0.05, 0.3) * min(h, w)
        angles = np.sort(rng.uniform(0, 2 * np.pi, int(rng.integers(5, 14))))
        radii = radius * rng.uniform(0.4, 1.0, len(angles))
        points = centre + np.stack([radii * np.cos(angles), radii * np.sin(angles)], axis=1)
        cv2.fillPoly(canvas, [np.round(points).astype(np.int32)], float(rng.uniform(20, 200)), cv2.LINE_AA)
    shading = _smooth_noise(shape, rng.uniform(4, 20), rng) * rng.uniform(5, 30)
    return _to_grey((canvas + shading - 128) / 40, 128, 40)


TEXTURES = {"noise": noise, "wood": wood, "fabric": fabric, "smudges": smudges, "picture": picture}


def texture(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """One frame of a texture kind drawn at random."""
    names = list(TEXTURES)
    return TEXTURES[names[int(rng.integers(len(names)))]](shape, rng)
