"""Frames with no page: desks, fabric, paper clutter, printed pictures, and pure noise.

Nothing here is writing, so every digit read on these frames is a false one. Desks and
pictures are linear BGR surfaces for the camera model; noise frames are the camera's output
itself (uint8 BGR), since they stand for a sensor with nothing in front of it.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from bench.field.paper import plain_paper, rule_lines, smooth_noise

# Linear BGR wood tones: pale birch, oak, walnut.
WOOD_TONES = ((0.20, 0.38, 0.62), (0.08, 0.20, 0.42), (0.025, 0.06, 0.12))
TEXTURES = ("wood", "fabric", "clutter", "picture")


def wood(shape: tuple[int, int], scale: float, rng: np.random.Generator) -> np.ndarray:
    """A wooden desk: growth rings cut lengthwise, warped, with darker late wood and pores."""
    h, w = shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    period = rng.uniform(8, 30) * scale
    warp = rng.uniform(10, 40) * scale * smooth_noise(shape, (3, 6), rng)
    angle = rng.uniform(-0.3, 0.3) + (math.pi / 2 if rng.random() < 0.3 else 0)
    across = -xs * math.sin(angle) + ys * math.cos(angle) + warp
    rings = np.power(0.5 + 0.5 * np.sin(2 * math.pi * across / period), rng.uniform(2, 6))
    pores = cv2.GaussianBlur(rng.normal(0, 1, shape).astype(np.float32), (0, 0), 0.7 * scale)
    tone = np.array(WOOD_TONES[int(rng.integers(len(WOOD_TONES)))], np.float32)
    shade = 1 - rng.uniform(0.2, 0.5) * rings + 0.05 * pores
    return tone * shade[..., None]


def fabric(shape: tuple[int, int], scale: float, rng: np.random.Generator) -> np.ndarray:
    """Woven cloth: a weave of threads, slubs, and maybe stripes or a check of a second colour."""
    h, w = shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    pitch = rng.uniform(2.5, 7) * scale
    weave = 0.5 + 0.25 * (np.sin(2 * math.pi * xs / pitch) + np.sin(2 * math.pi * ys / pitch))
    slubs = smooth_noise(shape, (int(h / (6 * pitch)) + 2, 3), rng)
    base = rng.uniform(0.02, 0.6, 3).astype(np.float32)
    second = rng.uniform(0.02, 0.6, 3).astype(np.float32)
    cloth = base * (0.8 + 0.3 * weave + 0.05 * slubs)[..., None]
    pattern = rng.integers(3)
    if pattern:
        band = rng.uniform(10, 60) * scale
        stripes = (np.mod(xs, band) < band / 3).astype(np.float32)
        if pattern == 2:
            stripes = np.maximum(stripes, (np.mod(ys, band) < band / 3).astype(np.float32))
        cloth = cloth * (1 - stripes[..., None]) + second * (0.8 + 0.3 * weave)[..., None] * stripes[..., None]
    return cloth


def clutter(shape: tuple[int, int], scale: float, rng: np.random.Generator) -> np.ndarray:
    """Blank sheets, sticky notes and ruled scraps lying across each other on a desk."""
    h, w = shape
    desk = wood(shape, scale, rng) if rng.random() < 0.5 else fabric(shape, scale, rng)
    for _ in range(int(rng.integers(2, 6))):
        sheet = plain_paper(shape, scale, rng)
        if rng.random() < 0.3:
            sheet = sheet * rng.uniform(0.4, 1.0, 3).astype(np.float32)  # a coloured note
        if rng.random() < 0.4:
            sheet = rule_lines(sheet, rng.uniform(18, 35) * scale, scale, rng, squared=rng.random() < 0.5)
        centre = (rng.uniform(0, w), rng.uniform(0, h))
        side = (rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h)
        corners = cv2.boxPoints((centre, side, rng.uniform(0, 180))).astype(np.int32)
        shadow = np.zeros(shape, np.float32)
        cv2.fillPoly(shadow, [corners + np.int32(round(4 * scale))], 1.0)
        desk = desk * (1 - 0.35 * cv2.GaussianBlur(shadow, (0, 0), 3 * scale))[..., None]
        mask = np.zeros(shape, np.float32)
        cv2.fillPoly(mask, [corners], 1.0, cv2.LINE_AA)
        desk = desk * (1 - mask[..., None]) + sheet * mask[..., None]
    return desk


def picture(shape: tuple[int, int], scale: float, rng: np.random.Generator) -> np.ndarray:
    """A printed photo-like picture: soft colour regions with dark silhouettes of things
    (blobs and polygons the size of clothes or shoes in a catalogue)."""
    h, w = shape
    colours = rng.uniform(0.05, 0.8, (3, 3, 3)).astype(np.float32)
    image = cv2.resize(colours, (w, h), interpolation=cv2.INTER_CUBIC)
    image = np.clip(image + 0.08 * smooth_noise(shape, (12, 16), rng)[..., None], 0.01, 1)
    for _ in range(int(rng.integers(1, 5))):
        mask = np.zeros(shape, np.float32)
        cx, cy, size = rng.uniform(0.15, 0.85) * w, rng.uniform(0.15, 0.85) * h, rng.uniform(0.12, 0.35) * h
        for _ in range(int(rng.integers(2, 5))):
            centre = (int(cx + rng.uniform(-0.6, 0.6) * size), int(cy + rng.uniform(-0.6, 0.6) * size))
            axes = (int(rng.uniform(0.2, 0.8) * size), int(rng.uniform(0.1, 0.5) * size))
            cv2.ellipse(mask, centre, axes, rng.uniform(0, 180), 0, 360, 1.0, -1, cv2.LINE_AA)
        points = (np.array([cx, cy]) + rng.uniform(-size, size, (int(rng.integers(3, 7)), 2))).astype(np.int32)
        cv2.fillPoly(mask, [points], 1.0, cv2.LINE_AA)
        tone = rng.uniform(0.005, 0.15, 3).astype(np.float32)
        mask = cv2.GaussianBlur(mask, (0, 0), rng.uniform(0.5, 2.0) * scale)[..., None]
        image = image * (1 - mask) + tone * (0.8 + 0.4 * image) * mask
    return image


def texture(kind: str, shape: tuple[int, int], scale: float, rng: np.random.Generator) -> np.ndarray:
    """One of :data:`TEXTURES` as a linear BGR surface."""
    return {"wood": wood, "fabric": fabric, "clutter": clutter, "picture": picture}[kind](shape, scale, rng)


def noise_frame(size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A uint8 BGR frame of pure noise: grey or colour, white, blurred, pink, or salt and pepper."""
    w, h = size
    kind = int(rng.integers(5))
    if kind == 0:  # white grey noise of any spread
        grey = rng.normal(rng.uniform(60, 200), rng.uniform(10, 80), (h, w))
    elif kind == 1:  # blurred: blobs a few px across
        grey = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), rng.uniform(1, 4))
        grey = rng.uniform(80, 180) + grey / grey.std() * rng.uniform(15, 60)
    elif kind == 2:  # pink (1/f) noise: structure at every scale
        spectrum = np.fft.rfft2(rng.normal(0, 1, (h, w)))
        fy, fx = np.fft.fftfreq(h)[:, None], np.fft.rfftfreq(w)[None, :]
        grey = np.fft.irfft2(spectrum / np.maximum(np.hypot(fx, fy), 1 / max(w, h)), s=(h, w))
        grey = 128 + (grey - grey.mean()) / grey.std() * rng.uniform(20, 50)
    elif kind == 3:  # salt and pepper on grey
        grey = np.full((h, w), rng.uniform(90, 170))
        speckle = rng.random((h, w))
        share = rng.uniform(0.02, 0.2)
        grey[speckle < share / 2] = 0
        grey[speckle > 1 - share / 2] = 255
    else:  # colour noise
        image = rng.normal(rng.uniform(60, 200, 3), rng.uniform(10, 70), (h, w, 3))
        return np.clip(np.rint(image), 0, 255).astype(np.uint8)
    grey = np.clip(np.rint(grey), 0, 255).astype(np.uint8)
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
