"""What is written: MNIST test digits re-drawn with a pen model of our own, digits and words
from handwriting fonts the model never trained on, and European 1s and crossed 7s.

Every glyph comes back as an alpha map (float32, 0 = paper, 1 = full ink), cropped to its ink
with a small margin. MNIST digits are not scaled as images: each is thinned to its centre
lines (hit-or-miss thinning), the centre lines are redrawn at the target size, and a pen whose
width changes smoothly along the stroke (a writer's pressure) is run along them. So the stroke
width, its variation and its edge are ours, not MNIST's, and not what bench.scenes does.
"""

from __future__ import annotations

import functools

import cv2
import numpy as np

from train.data import load_mnist_test
from train.fonts import HELD_OUT_FAMILIES, draw_glyphs, fetch_font

MARGIN = 3  # px of empty border around every glyph, so pen edges are never clipped
THIN_SCALE = 2  # MNIST images are thinned at this multiple of 28 px: finer centre lines
SMOOTHING = 1.2  # px at THIN_SCALE: blur before thresholding, so the centre lines grow fewer spurs
SPUR = 0.12  # of the ink height: end branches shorter than this are thinning artefacts, cut off
PRESSURE_CELLS = 3  # the pen's pressure varies over about this many cells across a glyph
# European digits: a 1's flag and a 7's bar, in digit heights; drawn with the digit's own pen.
FLAG_LENGTH = (0.28, 0.42)
FLAG_DROP = (0.15, 0.3)  # how far down the flag's free end sits below the 1's top
BAR_LENGTH = (0.35, 0.5)
BAR_HEIGHT = (0.45, 0.6)  # where the bar crosses the 7's stem, from the top

# Common English words with no letter a reader could take for a lone digit when written
# alone (o, l, s, z, b, g, q, i are allowed inside words: a word is judged as a word).
WORDS = (
    "the",
    "and",
    "every",
    "water",
    "house",
    "under",
    "paper",
    "market",
    "river",
    "garden",
    "window",
    "morning",
    "letter",
    "friday",
    "monday",
    "number",
    "street",
    "table",
    "dinner",
    "harvey",
    "damp",
    "kitchen",
    "yellow",
    "answer",
    "mother",
    "winter",
    "summer",
    "travel",
    "night",
    "bread",
    "apple",
    "chair",
    "pencil",
    "corner",
    "little",
    "remember",
    "happy",
    "orange",
    "purple",
    "forest",
    "mountain",
    "teacher",
    "student",
    "course",
    "lesson",
    "weekend",
    "coffee",
    "green",
    "black",
    "white",
    "money",
    "people",
    "thank",
    "please",
    "notes",
    "draft",
    "meeting",
    "call",
    "room",
    "phone",
    "total",
    "price",
    "date",
    "page",
    "name",
    "city",
    "week",
    "year",
    "cake",
    "milk",
    "eggs",
    "flour",
    "sugar",
    "butter",
)
PHRASE_WORDS = (1, 3)  # words per phrase written together


@functools.lru_cache(maxsize=1)
def mnist_test() -> tuple[np.ndarray, np.ndarray]:
    """The 10k MNIST test images (uint8, 28x28) and labels; training never sees them."""
    return load_mnist_test()


@functools.cache
def held_out_fonts() -> tuple[str, ...]:
    """Paths of the held-out handwriting fonts (fetched once with npm, then cached)."""
    return tuple(str(fetch_font(family)) for family in HELD_OUT_FAMILIES)


def _thinning_kernels() -> list[np.ndarray]:
    """The eight hit-or-miss kernels of the Golay L alphabet: 1 ink, -1 paper, 0 either."""
    edge = np.array([[-1, -1, -1], [0, 1, 0], [1, 1, 1]], np.int8)
    corner = np.array([[0, -1, -1], [1, 1, -1], [0, 1, 0]], np.int8)
    return [np.ascontiguousarray(np.rot90(k, r)) for r in range(4) for k in (edge, corner)]


_KERNELS = _thinning_kernels()


def thin(mask: np.ndarray) -> np.ndarray:
    """One-pixel, still connected centre lines of a 0/255 mask, by repeated hit-or-miss thinning."""
    skeleton = mask.copy()
    while True:
        before = skeleton.copy()
        for kernel in _KERNELS:
            skeleton = cv2.subtract(skeleton, cv2.morphologyEx(skeleton, cv2.MORPH_HITMISS, kernel))
        if np.array_equal(before, skeleton):
            return skeleton


@functools.lru_cache(maxsize=4096)
def mnist_centre_lines(index: int) -> np.ndarray:
    """Centre-line segments (N, 4: x0, y0, x1, y1) of MNIST test image ``index``, in units of
    its ink height, origin at the ink's top-left corner."""
    image = mnist_test()[0][index]
    big = cv2.resize(image, None, fx=THIN_SCALE, fy=THIN_SCALE, interpolation=cv2.INTER_CUBIC)
    big = cv2.GaussianBlur(big, (0, 0), SMOOTHING)
    mask = np.where(big >= 110, 255, 0).astype(np.uint8)
    ys, xs = np.nonzero(thin(mask))
    if not len(xs):
        raise ValueError(f"MNIST test image {index} has no ink")
    on = _pruned(set(zip(ys.tolist(), xs.tolist())), SPUR * (ys.max() - ys.min() + 1))
    ys, xs = np.array([p[0] for p in on]), np.array([p[1] for p in on])
    top, left, height = ys.min(), xs.min(), max(1, ys.max() - ys.min())
    # Each pair of 8-neighbouring centre-line pixels is one segment (each pair once).
    segments = [
        (x, y, x + dx, y + dy) for y, x in on for dy, dx in ((0, 1), (1, -1), (1, 0), (1, 1)) if (y + dy, x + dx) in on
    ]
    if not segments:  # a single dot
        segments = [(x, y, x, y) for y, x in on]
    lines = np.array(segments, np.float32)
    lines[:, [0, 2]] -= left
    lines[:, [1, 3]] -= top
    return lines / height


def _neighbours(pixel: tuple[int, int], on: set) -> list[tuple[int, int]]:
    y, x = pixel
    return [(y + dy, x + dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dy or dx) and (y + dy, x + dx) in on]


def _pruned(on: set, shortest: float) -> set:
    """Centre-line pixels without the end branches shorter than ``shortest`` px that run
    into a junction (a glyph's real ends, such as a 1's, run to no junction and stay)."""
    kept = set(on)
    for end in [p for p in on if len(_neighbours(p, on)) == 1]:
        branch, here, previous = [end], end, None
        while True:
            ahead = [n for n in _neighbours(here, on) if n != previous and n not in branch]
            if len(ahead) != 1 or len(_neighbours(ahead[0], on)) > 2:
                break
            previous, here = here, ahead[0]
            branch.append(here)
        reaches_junction = len(ahead) >= 1
        if reaches_junction and len(branch) < shortest:
            kept.difference_update(branch)
    return kept


def european_strokes(label: int, lines: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``lines`` (unit-height centre lines of a 1 or a 7) with a flag on the 1 or a bar across the
    7's stem, as a continental European writer adds them; other digits unchanged."""
    points = lines.reshape(-1, 2)
    if label == 1:
        top = points[points[:, 1].argmin()]
        end = top + (-rng.uniform(*FLAG_LENGTH), rng.uniform(*FLAG_DROP))
        return np.vstack([lines, np.concatenate([top, end])[None].astype(np.float32)])
    if label == 7:
        y = rng.uniform(*BAR_HEIGHT)
        near = points[np.abs(points[:, 1] - y) < 0.06]
        stem_x = float(near[:, 0].mean()) if len(near) else float(points[:, 0].mean())
        half = rng.uniform(*BAR_LENGTH) / 2
        bar = np.array([[stem_x - half, y + 0.02, stem_x + half, y - 0.02]], np.float32)
        return np.vstack([lines, bar])
    return lines


def pen_alpha(lines: np.ndarray, height: float, width: float, pressure: float, rng: np.random.Generator) -> np.ndarray:
    """Unit-height centre ``lines`` written ``height`` px tall by a round pen ``width`` px wide,
    whose width varies by up to ``pressure`` (a fraction) smoothly over the glyph."""
    radius = width / 2
    pad = MARGIN + int(np.ceil(radius * (1 + pressure)))
    scaled = lines * height + pad
    w = int(np.ceil(scaled[:, [0, 2]].max())) + pad + 1
    h = int(np.ceil(scaled[:, [1, 3]].max())) + pad + 1
    centre = np.full((h, w), 255, np.uint8)
    for x0, y0, x1, y1 in np.rint(scaled).astype(np.int32):
        cv2.line(centre, (int(x0), int(y0)), (int(x1), int(y1)), 0, 1, cv2.LINE_8)
    distance = cv2.distanceTransform(centre, cv2.DIST_L2, cv2.DIST_MASK_5)
    field = rng.uniform(1 - pressure, 1 + pressure, (PRESSURE_CELLS, PRESSURE_CELLS)).astype(np.float32)
    local = radius * cv2.resize(field, (w, h), interpolation=cv2.INTER_CUBIC)
    # Anti-aliased edge: full ink inside the pen's radius, fading over one pixel outside it.
    return np.clip(np.maximum(local, 0.5) - distance + 0.5, 0.0, 1.0).astype(np.float32)


def font_alpha(text: str, font: str, height: float, stroke_px: int) -> np.ndarray:
    """``text`` in a handwriting ``font`` with ink about ``height`` px tall (judged on a capital
    height for words), thickened by ``stroke_px`` a side, with a margin."""
    probe = draw_glyphs(text, font, 100, 0)
    size = max(6, round(100 * height / max(probe.shape[0], 1)))
    ink = draw_glyphs(text, font, size, stroke_px)
    if ink.size == 0:
        raise ValueError(f"font {font} draws no ink for {text!r}")
    framed = cv2.copyMakeBorder(ink, MARGIN, MARGIN, MARGIN, MARGIN, cv2.BORDER_CONSTANT, value=0)
    return framed.astype(np.float32) / 255
