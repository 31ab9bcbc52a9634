"""Rendered photos of handwritten digits on paper, with exact ground truth.

Rendering instead of collecting photos gives exact boxes and labels, scenes reproducible
from a seed, and a place to add each new hard condition as it turns up. The digits are
MNIST *test* images, which the model never saw in training. Each digit's grey level is
the alpha of pen ink blended over textured paper; ground-truth boxes are measured on that
alpha (ink = alpha >= 0.5) after every geometric change, so they stay tight through the
perspective warp of a "photo".

Conditions are named :class:`SceneStyle` entries in :data:`CONDITIONS`; adding one means
adding an entry, and a drawing step if it needs one (how pens, chalk, rulings and other marks
are drawn lives in :mod:`bench.marks`). Every new step draws its random numbers
only on its own code path, so the scenes of older conditions stay byte-identical per seed
(their figures and tests keep meaning the same thing).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from bench.marks import (
    INK_ALPHA,
    chalk_on_board,
    distractor_alpha,
    ink_box,
    rotated,
    ruled_paper,
    stroke_with,
    touching_x,
)
from camdigits.types import Box, union_box
from train.data import load_mnist_test

REFERENCE_HEIGHT = 480  # px: frame height the style sizes are given for; other sizes scale them
ISOLATION = 1.5  # digit heights: least gap between a lone digit or number and any other
DISTRACTOR_GAP = 1.0  # digit heights: least gap between a non-digit mark and any digit
MARK_GAP = 4  # px: least gap between two non-digit marks, so their boxes stay separate
EDGE_MARGIN = 10  # px: least gap between any mark and the frame edge
PLACEMENT_TRIES = 300  # random positions tried per item before the layout is shrunk
SHRINK = 0.85  # factor on every digit height when a layout does not fit
# Frame area a lone digit of height h needs, with its isolation gap: (0.7 h + 1.5 h) x
# (h + 1.5 h) is about 5.5 h^2; random placement fills about half the frame.
DIGIT_CELL = 5.5
PACKING = 0.5
MAX_SHRINKS = 12  # layouts tried before giving up on a forced digit count
STROKE_RAMP = 0.25  # width of the alpha ramp at stroke edges, in MNIST grey (0-1): crisp pen
# Scaled-up MNIST strokes are 0.11 of the digit height: a marker at 100 px. Pens draw thinner,
# so each side of a stroke loses up to this fraction of the height (MNIST's thinnest strokes,
# 0.075, keep at least 0.03), and never below MIN_STROKE, which blur and JPEG would erase.
MAX_THINNING = 0.022
MIN_STROKE = 3.0  # px: thinnest stroke left by thinning
THINNEST_MNIST_STROKE = 0.075  # of the digit height (5th percentile, see camdigits.recognition.normalise)
FOCAL_LENGTH = 1.0  # frame widths: a webcam's ~53 degree horizontal field of view
TOUCH_OVERLAP = (0.0, 0.1)  # of the right digit's width: how far its ink runs into its neighbour's
RULE_SPACING = (0.6, 1.2)  # digit heights between lines: writing is as tall as the ruling

# BGR pen colours: black ballpoint, blue ballpoint, dark blue, graphite pencil, blue-black gel.
INK_COLOURS = ((35, 30, 30), (140, 60, 30), (110, 45, 35), (95, 95, 100), (80, 45, 40))


@dataclass(frozen=True)
class SceneStyle:
    """How one condition looks. Pairs are (low, high) ranges drawn uniformly per scene."""

    digit_count: tuple[int, int] = (4, 12)
    digit_height: tuple[float, float] = (30.0, 120.0)  # px in a 480 px tall frame
    number_chance: float = 0.7  # probability that some digits are written as numbers
    distractor_count: tuple[int, int] = (0, 0)
    noise: tuple[float, float] = (1.0, 3.0)  # sensor noise sigma, grey levels
    gradient: tuple[float, float] = (0.0, 0.12)  # light lost from one side to the other
    vignette: tuple[float, float] = (0.04, 0.12)  # light lost in the corners
    shadow: tuple[float, float] = (0.0, 0.0)  # light lost under a soft shadow band
    contrast: tuple[float, float] = (1.0, 1.0)  # fraction of contrast kept through haze
    blur: tuple[float, float] = (0.0, 0.0)  # gaussian sigma, px (motion blur: 4x the length)
    tilt: float = 0.0  # largest camera tilt away from facing the page, degrees
    roll: float = 0.0  # largest camera rotation about its axis, degrees
    jpeg_quality: tuple[int, int] | None = None
    # How digits are written; defaults are a ballpoint on plain paper.
    stroke_level: tuple[float, float] = (0.3, 0.5)  # MNIST grey at the stroke edge: higher is thinner
    pen: tuple[float, float] = (0.0, 1.0)  # thinning of large digits, 0-1 of MAX_THINNING
    stroke: str = "pen"  # "pen"; "fine" (1-2 px line), "marker" (fat), "broken" (pen with gaps)
    slant: float = 0.0  # degrees: largest rotation of each digit about its centre
    number_count: tuple[int, int] = (1, 3)  # numbers per scene, when it has any
    number_length: tuple[int, int] = (2, 4)  # digits per number
    lone_digits: bool = True  # False: every digit belongs to a number (if there are 2 or more)
    number_slope: float = 0.06  # largest slope of a number's baseline (tan of its angle)
    turn_with_baseline: bool = False  # rotate digits with their number's sloped baseline
    touching: bool = False  # digits of a number are pushed together until their inks touch
    surface: str = "paper"  # "paper" or "board" (light chalk on a dark board)
    ruled: bool = False  # printed lines on the paper, half the pages squared

    def __post_init__(self) -> None:
        if self.stroke not in ("pen", "fine", "marker", "broken"):
            raise ValueError(f"stroke must be pen, fine, marker or broken, not {self.stroke!r}")
        if self.surface not in ("paper", "board"):
            raise ValueError(f"surface must be paper or board, not {self.surface!r}")


CONDITIONS: dict[str, SceneStyle] = {
    "clean": SceneStyle(),
    "photo": SceneStyle(
        noise=(3.0, 7.0),
        gradient=(0.2, 0.4),
        vignette=(0.1, 0.25),
        shadow=(0.2, 0.4),
        contrast=(0.6, 0.85),
        blur=(0.5, 1.2),
        tilt=18.0,
        roll=5.0,
        jpeg_quality=(50, 80),
    ),
    # Ink 12-24 px tall: the scene height times the item (0.85-1.15) and digit (0.9-1.1) jitter.
    "small": SceneStyle(digit_height=(15.5, 19.0)),
    # Chalk is thicker than a pen; boards are lit unevenly and never wiped quite clean.
    "board": SceneStyle(
        surface="board",
        stroke_level=(0.15, 0.35),
        pen=(0.0, 0.4),
        noise=(2.0, 5.0),
        gradient=(0.1, 0.35),
        vignette=(0.08, 0.2),
    ),
    "slanted": SceneStyle(slant=30.0),
    "thin": SceneStyle(stroke="fine"),
    "thick": SceneStyle(stroke="marker"),
    "ruled": SceneStyle(ruled=True),
    "distractors": SceneStyle(digit_count=(3, 8), distractor_count=(5, 12), noise=(1.0, 4.0), gradient=(0.0, 0.2)),
    # Pairs whose inks touch; each pair is also a 2-digit number in the truth, as a reader
    # would take it. Odd digits out stay alone.
    "touching": SceneStyle(number_chance=1.0, number_count=(2, 6), number_length=(2, 2), touching=True),
    "broken": SceneStyle(stroke="broken"),
    # 1-4 numbers of 2-6 digits on baselines sloped up to 8 degrees, no lone digits.
    "numbers": SceneStyle(
        digit_count=(3, 18),
        digit_height=(25.0, 70.0),
        number_count=(1, 4),
        number_length=(2, 6),
        lone_digits=False,
        number_slope=math.tan(math.radians(8)),
        turn_with_baseline=True,
    ),
    "empty": SceneStyle(
        digit_count=(0, 0),
        distractor_count=(0, 4),
        noise=(2.0, 6.0),
        gradient=(0.0, 0.35),
        shadow=(0.0, 0.35),
        jpeg_quality=(60, 90),
    ),
}


@dataclass(frozen=True, eq=False)
class Scene:
    """A rendered frame and what is written on it.

    ``digits`` are (label, tight ink box) in the final image; ``numbers`` are (text, box)
    of multi-digit numbers, whose digits are also in ``digits``; ``distractors`` are the
    boxes of non-digit marks; ``mnist_indices[i]`` is the MNIST test image of ``digits[i]``.
    """

    image: np.ndarray
    digits: tuple[tuple[int, Box], ...]
    numbers: tuple[tuple[str, Box], ...]
    distractors: tuple[Box, ...]
    condition: str
    seed: int
    mnist_indices: tuple[int, ...]


@functools.lru_cache(maxsize=1)
def mnist_test() -> tuple[np.ndarray, np.ndarray]:
    """The official 10k MNIST test split: uint8 (10000, 28, 28) images and their labels."""
    return load_mnist_test()


@dataclass
class _Item:
    """Marks placed together: a lone digit, a number, or one non-digit mark."""

    layers: list[tuple[np.ndarray, int, int]]  # (alpha, x, y) relative to the item
    width: int
    height: int
    spacing: float  # digit height the gaps to other items are measured in; 0: not digits
    labels: tuple[int, ...] = ()
    indices: tuple[int, ...] = ()


def _uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    return float(rng.uniform(bounds[0], bounds[1])) if bounds[1] > bounds[0] else float(bounds[0])


def digit_alpha(
    image: np.ndarray, height: float, stroke_level: float, pen: float, max_thinning: float = MAX_THINNING
) -> np.ndarray:
    """An MNIST digit scaled so its ink is about ``height`` px tall, as crisp pen alpha.

    Raising ``stroke_level`` (0-1, MNIST grey) thins the stroke a little, ``pen`` (0-1,
    up to ``max_thinning`` of the height per side) a lot on large digits. A 2 px border keeps the interpolation
    fading to zero at the crop edge.
    """
    x, y, w, h = cv2.boundingRect(image)
    crop = cv2.copyMakeBorder(image[y : y + h, x : x + w], 2, 2, 2, 2, cv2.BORDER_CONSTANT, value=0)
    scale = height / h
    size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
    grey = cv2.resize(crop, size, interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255.0
    alpha = np.clip((grey - stroke_level) / STROKE_RAMP + 0.5, 0.0, 1.0)
    room = (THINNEST_MNIST_STROKE * height - MIN_STROKE) / 2
    thinning = round(min(pen * max_thinning * height, room))
    if thinning > 0:
        alpha = cv2.erode(alpha, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * thinning + 1,) * 2))
    return alpha


def _written_digit(image, height, stroke, pen, turn, style: SceneStyle, scale: float, rng) -> np.ndarray:
    """One digit's alpha, written with the style's pen and turned by ``turn`` degrees plus the
    style's slant. The plain pen draws no random numbers, which keeps older scenes as they were."""
    alpha = stroke_with(digit_alpha(image, height, stroke, pen), style.stroke, height, scale, rng)
    if style.slant:
        turn += rng.uniform(-style.slant, style.slant)
    return rotated(alpha, turn) if turn else alpha


def _number_item(images, labels, indices, height, stroke, pen, style: SceneStyle, scale: float, rng) -> _Item:
    """Digits in a row with handwriting gaps (0.1-0.5 heights between the inks), their
    bottoms on a sloped, jittered baseline; with ``style.touching``, each digit is pushed
    left until its ink runs into its neighbour's instead."""
    slope = rng.uniform(-style.number_slope, style.number_slope)
    turn = -math.degrees(math.atan(slope)) if style.turn_with_baseline else 0.0
    layers, cursor = [], 0.0
    for image in images:
        alpha = _written_digit(
            image, height * rng.uniform(0.9, 1.1), stroke + rng.uniform(-0.05, 0.05), pen, turn, style, scale, rng
        )
        ink_x, ink_y, ink_w, ink_h = ink_box(alpha)
        baseline = slope * cursor + rng.uniform(-0.05, 0.05) * height
        x, y = round(cursor) - ink_x, round(baseline) - ink_y - ink_h
        if style.touching and layers:
            touching = touching_x(layers[-1], alpha, y, round(rng.uniform(*TOUCH_OVERLAP) * ink_w))
            if touching is not None:
                x, cursor = touching, touching + ink_x
        layers.append((alpha, x, y))
        cursor += ink_w + rng.uniform(0.1, 0.5) * height
    left, top = min(x for _, x, _ in layers), min(y for _, _, y in layers)
    layers = [(a, x - left, y - top) for a, x, y in layers]
    width = max(x + a.shape[1] for a, x, _ in layers)
    bottom = max(y + a.shape[0] for a, _, y in layers)
    return _Item(layers, width, bottom, height, tuple(labels), tuple(indices))


def _box_gap(a: Box, b: Box) -> float:
    """How far apart two boxes are along the axis that separates them most (< 0: overlap)."""
    dx = max(b[0] - (a[0] + a[2]), a[0] - (b[0] + b[2]))
    dy = max(b[1] - (a[1] + a[3]), a[1] - (b[1] + b[3]))
    return max(dx, dy)


def _required_gap(a: _Item, b: _Item) -> float:
    if a.spacing and b.spacing:
        return ISOLATION * max(a.spacing, b.spacing)
    if a.spacing or b.spacing:
        return DISTRACTOR_GAP * max(a.spacing, b.spacing)
    return MARK_GAP


def _place(item: _Item, placed: list[tuple[_Item, Box]], region: np.ndarray, rng) -> Box | None:
    """A random free spot for ``item`` inside the convex ``region`` polygon, or None."""
    x0, y0 = region.min(axis=0)
    x1, y1 = region.max(axis=0) - (item.width, item.height)
    if x1 <= x0 or y1 <= y0:
        return None
    for _ in range(PLACEMENT_TRIES):
        box = (int(rng.uniform(x0, x1)), int(rng.uniform(y0, y1)), item.width, item.height)
        corners = [
            (box[0], box[1]),
            (box[0] + box[2], box[1]),
            (box[0], box[1] + box[3]),
            (box[0] + box[2], box[1] + box[3]),
        ]
        if any(cv2.pointPolygonTest(region, (float(cx), float(cy)), True) < EDGE_MARGIN for cx, cy in corners):
            continue
        if all(_box_gap(box, other) >= _required_gap(item, done) for done, other in placed):
            return box
    return None


def _camera(size: tuple[int, int], style: SceneStyle, rng) -> tuple[np.ndarray, np.ndarray]:
    """Page-to-frame homography of a tilted camera, and the page region the frame sees.

    The page is the frame-sized flat sheet; the camera looks at its centre from one focal
    length away, tilted by up to ``style.tilt`` degrees, then zooms in just enough that
    the frame shows only page.
    """
    w, h = size
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    if style.tilt <= 0 and style.roll <= 0:
        return np.eye(3), corners
    tilt, direction = math.radians(rng.uniform(0, style.tilt)), rng.uniform(0, 2 * math.pi)
    rotation, _ = cv2.Rodrigues(
        np.array(
            [tilt * math.cos(direction), tilt * math.sin(direction), math.radians(rng.uniform(-style.roll, style.roll))]
        )
    )
    f = FOCAL_LENGTH * w
    camera = np.array([[f, 0, w / 2], [0, f, h / 2], [0, 0, 1]])
    centre = np.array([[1, 0, -w / 2], [0, 1, -h / 2], [0, 0, 1]])
    homography = camera @ np.column_stack([rotation[:, 0], rotation[:, 1], [0, 0, f]]) @ centre
    seen = cv2.perspectiveTransform(corners[None], np.linalg.inv(homography))[0]
    reach = max(np.abs(seen[:, 0] - w / 2).max() / (w / 2), np.abs(seen[:, 1] - h / 2).max() / (h / 2))
    zoom = np.array([[1 / reach, 0, w / 2 * (1 - 1 / reach)], [0, 1 / reach, h / 2 * (1 - 1 / reach)], [0, 0, 1]])
    seen = cv2.perspectiveTransform(seen[None], zoom)[0]
    return homography @ np.linalg.inv(zoom), seen.astype(np.float32)


def _frame_box(alpha: np.ndarray, x: int, y: int, homography: np.ndarray, size) -> Box | None:
    """Tight ink box in the frame of a layer at (x, y) on the page, warped like the page."""
    if np.allclose(homography, np.eye(3)):
        box = ink_box(alpha)
        return None if box is None else (box[0] + x, box[1] + y, box[2], box[3])
    h, w = alpha.shape
    corners = np.array([[[x, y], [x + w, y], [x + w, y + h], [x, y + h]]], np.float32)
    warped = cv2.perspectiveTransform(corners, homography)[0]
    bx, by = np.floor(warped.min(axis=0)).astype(int) - 2
    bx, by = max(bx, 0), max(by, 0)
    ex, ey = np.ceil(warped.max(axis=0)).astype(int) + 2
    ex, ey = min(ex, size[0]), min(ey, size[1])
    local = np.array([[1, 0, -bx], [0, 1, -by], [0, 0, 1]]) @ homography @ np.array([[1, 0, x], [0, 1, y], [0, 0, 1]])
    box = ink_box(cv2.warpPerspective(alpha, local, (int(ex - bx), int(ey - by)), flags=cv2.INTER_LINEAR))
    return None if box is None else (box[0] + int(bx), box[1] + int(by), box[2], box[3])


def paper_background(size: tuple[int, int], rng, blotch_grid: tuple[int, int] = (6, 8)) -> np.ndarray:
    """Off-white paper, slightly warm, with blotchy low-frequency shading and fibre grain.

    ``blotch_grid`` (rows, columns) sets how many shading blotches span the page.
    """
    w, h = size
    level, warmth = rng.uniform(222, 245), rng.uniform(0, 12)
    page = np.empty((h, w, 3), np.float32)
    page[:] = (level - warmth, level - warmth / 3, level)
    blotches = cv2.resize(rng.normal(0, 1, blotch_grid).astype(np.float32), size, interpolation=cv2.INTER_CUBIC)
    grain = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 0.8)
    page += (blotches * rng.uniform(1.5, 4.0) + grain * rng.uniform(1.5, 3.5))[..., None]
    return page


def _written_page(
    ink_alpha: np.ndarray, size: tuple[int, int], style: SceneStyle, height: float, scale: float, rng
) -> np.ndarray:
    """The page before the camera sees it: pen ink over paper (ruled, if the style says), or
    chalk on a board; ``height`` is the scene's digit height in px, for sizes that follow it."""
    if style.surface == "board":
        return chalk_on_board(ink_alpha, size, height, rng)
    ink = (np.array(INK_COLOURS[int(rng.integers(len(INK_COLOURS)))]) + rng.normal(0, 8, 3)).astype(np.float32)
    texture = 1.0 - 0.08 * np.abs(cv2.GaussianBlur(rng.normal(0, 1, ink_alpha.shape).astype(np.float32), (0, 0), 1.5))
    coverage = (np.minimum(ink_alpha, 1.0) * rng.uniform(0.82, 0.97) * texture)[..., None]
    paper = paper_background(size, rng)
    if style.ruled:
        paper = ruled_paper(paper, height * rng.uniform(*RULE_SPACING), scale, rng)
    return paper * (1 - coverage) + ink * coverage


def _lighting(size: tuple[int, int], style: SceneStyle, rng) -> np.ndarray:
    """Light falling on the frame: a gradient, vignetting and maybe a soft shadow band."""
    w, h = size
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    along = (xs - w / 2) * math.cos(angle) + (ys - h / 2) * math.sin(angle)
    along = (along - along.min()) / max(float(np.ptp(along)), 1.0)
    light = 1.0 - _uniform(rng, style.gradient) * along
    light *= 1.0 - _uniform(rng, style.vignette) * (((xs - w / 2) / (w / 2)) ** 2 + ((ys - h / 2) / (h / 2)) ** 2) / 2
    depth = _uniform(rng, style.shadow)
    if depth > 0:
        angle = rng.uniform(0, 2 * math.pi)
        across = (xs - rng.uniform(0, w)) * math.cos(angle) + (ys - rng.uniform(0, h)) * math.sin(angle)
        width, softness = rng.uniform(0.15, 0.5) * min(w, h), rng.uniform(0.03, 0.12) * min(w, h)
        band = 1 / (1 + np.exp(-across / softness)) * (1 / (1 + np.exp((across - width) / softness)))
        light *= 1.0 - depth * band
    return light


def _camera_effects(image: np.ndarray, style: SceneStyle, rng) -> np.ndarray:
    """Haze, blur (gaussian or motion), sensor noise and JPEG, in the order a camera adds them."""
    contrast = _uniform(rng, style.contrast)
    image = image * contrast + (1 - contrast) * rng.uniform(150, 200)
    sigma = _uniform(rng, style.blur)
    if sigma > 0 and rng.random() < 0.5:
        image = cv2.GaussianBlur(image, (0, 0), sigma)
    elif sigma > 0:
        length = max(2, round(4 * sigma))
        kernel = np.zeros((length, length), np.float32)
        kernel[length // 2, :] = 1.0 / length
        turn = cv2.getRotationMatrix2D(((length - 1) / 2, (length - 1) / 2), rng.uniform(0, 180), 1.0)
        kernel = cv2.warpAffine(kernel, turn, (length, length))
        image = cv2.filter2D(image, -1, kernel / kernel.sum())
    noise = _uniform(rng, style.noise)
    shared = rng.normal(0, noise * 0.7, image.shape[:2]).astype(np.float32)[..., None]
    image = image + shared + rng.normal(0, noise * 0.7, image.shape).astype(np.float32)
    image = np.clip(np.rint(image), 0, 255).astype(np.uint8)
    if style.jpeg_quality is not None:
        quality = int(rng.integers(style.jpeg_quality[0], style.jpeg_quality[1] + 1))
        ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:
            raise RuntimeError("cv2.imencode failed to write JPEG")
        image = cv2.imdecode(encoded, cv2.IMREAD_COLOR)
    return image


def _number_lengths(count: int, style: SceneStyle, rng) -> list[int]:
    """How many digits each item of the scene gets: numbers first, then lone digits.

    With ``style.lone_digits``, some scenes get ``number_count`` numbers that fit in
    ``count`` and the rest stay alone; without, ``count`` is split into numbers of
    ``number_length`` digits (as few extra numbers beyond ``number_count`` as a large
    forced count needs), and only a single digit stays alone.
    """
    low, high = style.number_length
    if not style.lone_digits:
        if count < max(low, 2):
            return [1] * count
        fewest = math.ceil(count / high)
        lengths = [low] * int(rng.integers(fewest, max(fewest, min(style.number_count[1], count // low)) + 1))
        for _ in range(count - sum(lengths)):
            growable = [i for i, length in enumerate(lengths) if length < high]
            lengths[int(rng.choice(growable))] += 1
        return lengths
    lengths = []
    if count >= 2 and rng.random() < style.number_chance:
        for _ in range(int(rng.integers(style.number_count[0], style.number_count[1] + 1))):
            length = int(rng.integers(low, high + 1))
            if sum(lengths) + length <= count:
                lengths.append(length)
    return lengths + [1] * (count - sum(lengths))


def _digit_items(count: int, height: float, style: SceneStyle, scale: float, rng) -> list[_Item]:
    """The scene's digits as items: numbers (by default 2-4 digits) and lone digits."""
    images, labels = mnist_test()
    indices = [int(i) for i in rng.choice(len(labels), size=count, replace=False)]
    lengths = _number_lengths(count, style, rng)
    stroke, pen = rng.uniform(*style.stroke_level), rng.uniform(*style.pen)
    items, start = [], 0
    for length in lengths:
        chosen = indices[start : start + length]
        start += length
        item_height = height * rng.uniform(0.85, 1.15)
        items.append(
            _number_item(
                [images[i] for i in chosen],
                [int(labels[i]) for i in chosen],
                chosen,
                item_height,
                stroke,
                pen,
                style,
                scale,
                rng,
            )
        )
    return items


def render_scene(
    condition: str, seed: int, size: tuple[int, int] = (640, 480), digit_count: int | None = None
) -> Scene:
    """Render a photo of handwriting on paper for ``condition``, deterministic from ``seed``.

    Args:
        condition: a key of :data:`CONDITIONS`.
        seed: everything (digits, layout, paper, lighting, camera) follows from it.
        size: (width, height) of the frame in px.
        digit_count: exactly this many digits instead of the condition's random count;
            digits are shrunk until they fit, and a count that cannot fit raises ValueError.
    """
    if condition not in CONDITIONS:
        raise ValueError(f"unknown condition {condition!r}; known: {', '.join(CONDITIONS)}")
    style = CONDITIONS[condition]
    rng = np.random.default_rng(seed)
    scale = size[1] / REFERENCE_HEIGHT
    homography, region = _camera(size, style, rng)
    height = scale * math.exp(rng.uniform(*np.log(style.digit_height)))
    count = digit_count
    if count is None:
        # Big writing leaves room for few digits: cap the count by what fits at this height.
        fits = int(PACKING * size[0] * size[1] / (DIGIT_CELL * height**2))
        count = min(int(rng.integers(style.digit_count[0], style.digit_count[1] + 1)), max(fits, style.digit_count[0]))
    for _ in range(MAX_SHRINKS):
        placed: list[tuple[_Item, Box]] = []
        for item in _digit_items(count, height, style, scale, rng):
            box = _place(item, placed, region, rng)
            if box is None:
                break
            placed.append((item, box))
        else:
            break
        height *= SHRINK
    else:
        raise ValueError(f"cannot fit {count} digits into a {size[0]}x{size[1]} {condition} scene")

    mark_height = height if count else scale * rng.uniform(*style.digit_height)
    for _ in range(int(rng.integers(style.distractor_count[0], style.distractor_count[1] + 1))):
        alpha = distractor_alpha(mark_height * rng.uniform(0.7, 1.3), min(size), rng)
        item = _Item([(alpha, 0, 0)], alpha.shape[1], alpha.shape[0], 0.0)
        box = _place(item, placed, region, rng)
        if box is not None:
            placed.append((item, box))

    ink_alpha = np.zeros((size[1], size[0]), np.float32)
    digits, numbers, distractors, indices = [], [], [], []
    for item, (x, y, _, _) in placed:
        boxes = []
        for alpha, lx, ly in item.layers:
            ink_alpha[y + ly : y + ly + alpha.shape[0], x + lx : x + lx + alpha.shape[1]] += alpha
            boxes.append(_frame_box(alpha, x + lx, y + ly, homography, size))
        if not item.labels:
            distractors.extend(b for b in boxes if b is not None)
            continue
        if None in boxes:
            raise RuntimeError(f"a digit of seed {seed} lost all its ink (alpha < {INK_ALPHA}) in rendering")
        digits.extend(zip(item.labels, boxes))
        indices.extend(item.indices)
        if len(item.labels) > 1:
            numbers.append(("".join(map(str, item.labels)), union_box(boxes)))

    image = _written_page(ink_alpha, size, style, height, scale, rng)
    if not np.allclose(homography, np.eye(3)):
        image = cv2.warpPerspective(image, homography, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    image = image * _lighting(size, style, rng)[..., None] * rng.uniform(0.98, 1.02, 3).astype(np.float32)
    return Scene(
        image=_camera_effects(image, style, rng),
        digits=tuple(digits),
        numbers=tuple(numbers),
        distractors=tuple(distractors),
        condition=condition,
        seed=seed,
        mnist_indices=tuple(indices),
    )


if __name__ == "__main__":
    import sys

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/out/scenes")
    out.mkdir(parents=True, exist_ok=True)
    for name in CONDITIONS:
        for seed in range(3):
            cv2.imwrite(str(out / f"{name}-{seed}.png"), render_scene(name, seed).image)
    print(f"wrote {3 * len(CONDITIONS)} scenes to {out}")
