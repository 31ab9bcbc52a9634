"""Sample videos: a handheld camera filming a page of handwritten digits, with exact ground truth.

    python -m bench.make_videos [--out sample_videos] [--clips pan_zoom,shaky_numbers,chalkboard]

Each clip is a large page of MNIST *test* digits and multi-digit numbers (pen on paper, or
chalk on a dark board) seen through a moving virtual camera: a slow pan and zoom between
keyframes, hand shake, a slight keystone tilt, motion blur when the camera moves fast, focus
hunting, light flicker and sensor noise. The page is drawn once; each frame is a
perspective crop of it, so every digit's box in every frame is measured exactly, by warping
its ink alpha through that frame's camera transform (ink = alpha >= 0.5, as in
bench/scenes.py). Digits enter and leave the frame as the camera moves; only digits fully
inside the frame (2 px margin) are in the ground truth, because the recognizer drops blobs
cut by the frame edge.

The page is drawn here, not with bench/scenes.py's private helpers, so that tuning the scene
benchmark never silently changes the committed clips (tests/test_sample_videos.py re-renders
the first frames of each clip and compares).

Writes ``NAME.mp4`` (mp4v, 640x480, 30 fps) and ``NAME.jsonl``, one object per frame:
``{"frame": i, "time": s, "digits": [{"label": l, "box": [x, y, w, h]}, ...],
"numbers": [{"text": "407", "box": [x, y, w, h]}, ...]}``. ``numbers`` lists multi-digit
numbers whose digits are all in the frame. Everything follows from each clip's seed.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from bench.scenes import INK_ALPHA, INK_COLOURS, ISOLATION, digit_alpha, mnist_test, paper_background
from camdigits.types import Box, union_box

PAGE_BLOTCH_GRID = (8, 11)  # shading blotches (rows, columns) across a clip's large page

FPS = 30  # frames per second of every clip, a webcam's usual rate
FRAME_SIZE = (640, 480)  # px (width, height): VGA, the size the issue asks for
FOURCC = "mp4v"  # MPEG-4 part 2: written and read by every opencv-python build without extras
FRAME_MARGIN = 2  # px: a digit is in the ground truth only if its ink box is this far inside the frame
PAGE_MARGIN = 60  # px: blank paper between the writing and the page edge
VIEW_MARGIN = 20  # px of page: least gap between what the camera sees and the page edge
KEYFRAME_SECONDS = 2.5  # s between camera keyframes: slow, deliberate pans
SHUTTER = 0.5  # fraction of a frame interval the shutter is open; sets motion-blur length
MIN_BLUR_MOTION = 1.5  # px per frame of image motion below which motion blur is invisible
NUMBER_LENGTHS = (2, 3, 4)  # digits per multi-digit number
MAX_THINNING = 0.02  # of the digit height: most a pen thins each side of a scaled MNIST stroke


@dataclass(frozen=True)
class ClipSpec:
    """How one clip looks and moves. Pairs are (low, high) ranges drawn per clip or per event."""

    seed: int
    seconds: float
    board: bool = False  # light chalk on a dark board instead of pen on paper
    page_size: tuple[int, int] = (2000, 1400)  # px (width, height) of the whole page
    digit_height: tuple[float, float] = (50.0, 72.0)  # px on the page, per item
    number_chance: float = 0.45  # probability that an item is a multi-digit number
    number_gap: tuple[float, float] = (0.1, 0.5)  # digit heights between the inks of digits in a number
    # MNIST grey level (0-1) the stroke edge is put at: higher is a thinner line. Pens are
    # 0.3-0.5 (bench/scenes.py); chalk is thicker.
    stroke: tuple[float, float] = (0.3, 0.5)
    pen: tuple[float, float] = (0.0, 0.5)  # stroke thinning of large digits, 0-1 of MAX_THINNING
    ink_strength: tuple[float, float] = (0.82, 0.97)  # share of the paper covered where the ink is solid
    zoom: tuple[float, float] = (0.8, 1.25)  # frame px per page px at the keyframes
    pan: float = 320.0  # page px: largest camera move between two keyframes, per axis
    roll: float = 4.0  # degrees: largest camera rotation at a keyframe
    keystone: float = 0.08  # largest fractional size difference between opposite frame edges
    shake: float = 1.5  # px in the frame: RMS hand shake
    shake_roll: float = 0.3  # degrees: RMS shake about the camera axis
    focus_episodes: int = 1  # times the camera loses focus and finds it again
    focus_sigma: tuple[float, float] = (1.5, 3.0)  # px: gaussian sigma at the blurriest
    flicker_dips: float = 0.02  # chance per frame of a 1-2 frame dip in the light
    flicker_depth: tuple[float, float] = (0.06, 0.14)  # fraction of light lost in a dip
    drift: float = 0.05  # amplitude of a slow light / exposure drift
    exposure: float = 1.0  # overall light: below 1 a dim room, where the same noise weighs more
    noise: float = 2.5  # sensor noise sigma, grey levels


CLIPS: dict[str, ClipSpec] = {
    # A calm survey of a page in fading pen: long pans, zooming out until digits are small,
    # then in, with the autofocus hunting at each change of distance.
    "pan_zoom": ClipSpec(
        seed=11,
        seconds=10.0,
        digit_height=(40.0, 60.0),
        ink_strength=(0.5, 0.7),
        zoom=(0.45, 1.1),
        focus_episodes=4,
        focus_sigma=(2.5, 4.5),
        noise=3.0,
    ),
    # A dim room and a hand that does not hold still: focus hunting, flickering light,
    # small writing in thin, light ballpoint, mostly numbers.
    "shaky_numbers": ClipSpec(
        seed=12,
        seconds=8.0,
        page_size=(1800, 1300),
        digit_height=(35.0, 55.0),
        number_chance=0.7,
        stroke=(0.4, 0.55),
        pen=(0.5, 1.0),
        ink_strength=(0.6, 0.8),
        zoom=(0.8, 1.3),
        pan=260.0,
        roll=6.0,
        keystone=0.12,
        shake=4.0,
        shake_roll=0.8,
        focus_episodes=3,
        focus_sigma=(2.5, 4.5),
        flicker_dips=0.05,
        exposure=0.6,
        noise=3.5,
    ),
    # Faint chalk on a dark board, numbers spaced a little wider, filmed from further back.
    "chalkboard": ClipSpec(
        seed=13,
        seconds=8.0,
        board=True,
        digit_height=(60.0, 85.0),
        number_gap=(0.25, 0.6),
        stroke=(0.2, 0.35),
        pen=(0.0, 0.0),
        ink_strength=(0.55, 0.75),
        zoom=(0.65, 1.1),
        shake=2.0,
        flicker_dips=0.03,
        noise=3.0,
    ),
}


@dataclass(frozen=True)
class PageDigit:
    """One digit's ink on the page: its alpha and where its top-left corner lies."""

    label: int
    alpha: np.ndarray  # float32 (h, w), 0-1
    x: int
    y: int
    number: int  # index of the item (lone digit or number) it belongs to


@dataclass(frozen=True, eq=False)
class Page:
    """The whole written page as the camera will see it, and what is on it."""

    image: np.ndarray  # float32 (H, W, 3) BGR, 0-255
    digits: tuple[PageDigit, ...]


Layer = tuple[np.ndarray, int, int]  # ink alpha and the (x, y) of its top-left corner


def _written_number(
    images: list[np.ndarray],
    height: float,
    stroke: float,
    pen: float,
    gaps: tuple[float, float],
    rng: np.random.Generator,
) -> tuple[list[Layer], int, int]:
    """Digits written in a row: handwriting gaps, bottoms on a slightly sloped, jittered
    baseline. Returns (alpha, x, y) per digit relative to the row's top-left, and its size."""
    slope = rng.uniform(-0.06, 0.06)
    layers, cursor = [], 0.0
    for image in images:
        alpha = digit_alpha(image, height * rng.uniform(0.9, 1.1), stroke + rng.uniform(-0.05, 0.05), pen, MAX_THINNING)
        ink_x, ink_y, ink_w, ink_h = cv2.boundingRect((alpha >= INK_ALPHA).astype(np.uint8))
        baseline = slope * cursor + rng.uniform(-0.05, 0.05) * height
        layers.append((alpha, int(round(cursor)) - ink_x, int(round(baseline)) - ink_y - ink_h))
        cursor += ink_w + rng.uniform(*gaps) * height
    left, top = min(x for _, x, _ in layers), min(y for _, _, y in layers)
    layers = [(a, x - left, y - top) for a, x, y in layers]
    return layers, max(x + a.shape[1] for a, x, _ in layers), max(y + a.shape[0] for a, _, y in layers)


def _box_gap(a: Box, b: Box) -> float:
    """How far apart two boxes are along the axis that separates them most (< 0: overlap)."""
    return max(b[0] - (a[0] + a[2]), a[0] - (b[0] + b[2]), b[1] - (a[1] + a[3]), a[1] - (b[1] + b[3]))


def write_page(spec: ClipSpec, rng: np.random.Generator) -> Page:
    """Rows of lone digits and numbers across the page, each item isolated from the next by
    at least :data:`bench.scenes.ISOLATION` digit heights so numbers never run together."""
    images, labels = mnist_test()
    width, height = spec.page_size
    tallest = spec.digit_height[1] * 1.1 * 1.2  # digit scale x slope and baseline jitter
    order = iter(rng.permutation(len(labels)))
    stroke, pen = rng.uniform(*spec.stroke), rng.uniform(*spec.pen)
    placed: list[tuple[Box, float]] = []
    digits: list[PageDigit] = []
    y = PAGE_MARGIN
    while y + tallest < height - PAGE_MARGIN:
        x = PAGE_MARGIN + rng.uniform(0.0, 2.0) * spec.digit_height[0]
        row_bottom = y
        while True:
            length = int(rng.choice(NUMBER_LENGTHS)) if rng.random() < spec.number_chance else 1
            chosen = [int(next(order)) for _ in range(length)]
            size = rng.uniform(*spec.digit_height)
            layers, item_w, item_h = _written_number(
                [images[i] for i in chosen], size, stroke, pen, spec.number_gap, rng
            )
            box = (int(x), int(y + rng.uniform(0.0, 0.3) * spec.digit_height[0]), item_w, item_h)
            if box[0] + box[2] > width - PAGE_MARGIN:
                break
            if all(_box_gap(box, other) >= ISOLATION * max(size, other_size) for other, other_size in placed):
                placed.append((box, size))
                for (alpha, lx, ly), index in zip(layers, chosen):
                    digits.append(PageDigit(int(labels[index]), alpha, box[0] + lx, box[1] + ly, len(placed) - 1))
                row_bottom = max(row_bottom, box[1] + box[3])
            x += item_w + rng.uniform(ISOLATION + 0.2, 3.0) * size
        y = row_bottom + rng.uniform(ISOLATION + 0.2, 2.0) * spec.digit_height[1]
    return Page(_compose(spec, digits, rng), tuple(digits))


def _compose(spec: ClipSpec, digits: list[PageDigit], rng: np.random.Generator) -> np.ndarray:
    """Ink blended over paper (as in bench/scenes.py), or chalk over a dusty board."""
    width, height = spec.page_size
    ink_alpha = np.zeros((height, width), np.float32)
    for digit in digits:
        h, w = digit.alpha.shape
        ink_alpha[digit.y : digit.y + h, digit.x : digit.x + w] += digit.alpha
    grain = cv2.GaussianBlur(rng.normal(0, 1, ink_alpha.shape).astype(np.float32), (0, 0), 1.5)
    if spec.board:
        # Chalk: light, grainy strokes on a dark green-grey board with wiped-off dust clouds.
        texture = np.clip(0.8 + 0.25 * grain, 0.45, 1.0)
        coverage = (np.minimum(ink_alpha, 1.0) * rng.uniform(*spec.ink_strength) * texture)[..., None]
        board = np.empty((height, width, 3), np.float32)
        board[:] = (52, 62, 48) + rng.normal(0, 4, 3)
        dust = cv2.resize(rng.normal(0, 1, (7, 10)).astype(np.float32), (width, height), interpolation=cv2.INTER_CUBIC)
        board += (np.abs(dust) * 9 + grain * 2)[..., None]
        chalk = np.array((222, 228, 226), np.float32) + rng.normal(0, 5, 3).astype(np.float32)
        return board * (1 - coverage) + chalk * coverage
    ink = (np.array(INK_COLOURS[int(rng.integers(len(INK_COLOURS)))]) + rng.normal(0, 8, 3)).astype(np.float32)
    texture = 1.0 - 0.08 * np.abs(grain)
    coverage = (np.minimum(ink_alpha, 1.0) * rng.uniform(*spec.ink_strength) * texture)[..., None]
    return paper_background(spec.page_size, rng, PAGE_BLOTCH_GRID) * (1 - coverage) + ink * coverage


def _eased(times: np.ndarray, key_times: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Values at ``times``, moving between keyframes with ease-in/ease-out (a hand that
    starts and stops smoothly), holding still exactly at each keyframe."""
    segment = np.clip(np.searchsorted(key_times, times, side="right") - 1, 0, len(key_times) - 2)
    u = (times - key_times[segment]) / (key_times[segment + 1] - key_times[segment])
    u = (1 - np.cos(np.pi * np.clip(u, 0.0, 1.0))) / 2
    return values[segment] + u * (values[segment + 1] - values[segment])


def _shake(times: np.ndarray, rms: float, rng: np.random.Generator) -> np.ndarray:
    """A hand's tremor: three sinusoids of 1-6 Hz with random phases, scaled to ``rms``."""
    frequencies = rng.uniform(1.0, 6.0, 3)
    amplitudes = rng.uniform(0.5, 1.0, 3)
    phases = rng.uniform(0, 2 * math.pi, 3)
    wave = sum(a * np.sin(2 * math.pi * f * times + p) for a, f, p in zip(amplitudes, frequencies, phases))
    return wave * rms / math.sqrt(float((amplitudes**2).sum()) / 2)


def _half_view(zoom: float, roll: float) -> tuple[float, float]:
    """Half the width and height of the page region the frame covers, in page px."""
    w, h = FRAME_SIZE[0] / 2, FRAME_SIZE[1] / 2
    c, s = abs(math.cos(roll)), abs(math.sin(roll))
    return (w * c + h * s) / zoom, (w * s + h * c) / zoom


def camera_path(spec: ClipSpec, page: Page, rng: np.random.Generator) -> np.ndarray:
    """Page-to-frame homographies, shape (frames, 3, 3), that keep the view on the page.

    Each keyframe looks at some writing within ``spec.pan`` of the last one, as a person
    filming a page would, rather than at a random patch of blank paper.
    """
    frames = int(round(spec.seconds * FPS))
    times = np.arange(frames) / FPS
    keys = int(math.ceil(spec.seconds / KEYFRAME_SECONDS)) + 1
    key_times = np.linspace(0.0, spec.seconds, keys)
    page_w, page_h = spec.page_size
    # Keyframe zooms drawn first, so each keyframe centre can be placed where that zoom fits.
    zooms = np.exp(rng.uniform(math.log(spec.zoom[0]), math.log(spec.zoom[1]), keys))
    rolls = np.radians(rng.uniform(-spec.roll, spec.roll, keys))
    writing = np.array([(d.x + d.alpha.shape[1] / 2, d.y + d.alpha.shape[0] / 2) for d in page.digits])
    centres = np.empty((keys, 2))
    for k in range(keys):
        slack = 1.0 + spec.keystone  # the keystone widens one edge of the view
        hx, hy = (v * slack + VIEW_MARGIN for v in _half_view(zooms[k], rolls[k]))
        lo, hi = np.array([hx, hy]), np.array([page_w - hx, page_h - hy])
        near = writing if k == 0 else writing[(np.abs(writing - centres[k - 1]) <= spec.pan).all(axis=1)]
        if len(near):
            target = near[int(rng.integers(len(near)))] + rng.normal(0.0, 0.1 * spec.pan, 2)
        else:
            target = centres[k - 1] + rng.uniform(-spec.pan, spec.pan, 2)
        centres[k] = np.clip(target, lo, hi)
    zoom = np.exp(_eased(times, key_times, np.log(zooms)))
    roll = _eased(times, key_times, rolls) + np.radians(_shake(times, spec.shake_roll, rng))
    centre = np.stack([_eased(times, key_times, centres[:, i]) for i in range(2)], axis=1)
    centre += np.stack([_shake(times, spec.shake, rng), _shake(times, spec.shake, rng)], axis=1) / zoom[:, None]
    tilt = np.stack([_eased(times, key_times, rng.uniform(-1, 1, keys)) for _ in range(2)], axis=1)
    tilt *= spec.keystone / np.array(FRAME_SIZE)  # projective terms: edge sizes differ by <= keystone

    half = np.array(FRAME_SIZE) / 2
    to_centre = np.array([[1, 0, -half[0]], [0, 1, -half[1]], [0, 0, 1]])
    matrices = np.empty((frames, 3, 3))
    for i in range(frames):
        c, s = math.cos(roll[i]), math.sin(roll[i])
        similar = np.array([[zoom[i] * c, -zoom[i] * s, 0.0], [zoom[i] * s, zoom[i] * c, 0.0], [0, 0, 1]])
        similar[:2, 2] = half - similar[:2, :2] @ centre[i]
        keystone = np.array([[1, 0, 0], [0, 1, 0], [tilt[i, 0], tilt[i, 1], 1]])
        matrices[i] = np.linalg.inv(to_centre) @ keystone @ to_centre @ similar
        corners = np.array(
            [[[0, 0], [FRAME_SIZE[0], 0], [FRAME_SIZE[0], FRAME_SIZE[1]], [0, FRAME_SIZE[1]]]], np.float64
        )
        seen = cv2.perspectiveTransform(corners, np.linalg.inv(matrices[i]))[0]
        if seen.min() < 0 or (seen >= spec.page_size).any():
            raise RuntimeError(f"frame {i} sees past the page edge; widen the page or narrow the moves")
    return matrices


def frame_truth(page: Page, matrix: np.ndarray) -> tuple[list[tuple[int, Box]], list[tuple[str, Box]]]:
    """Digits wholly inside the frame (reading order) and multi-digit numbers whose digits all are.

    Each digit's ink alpha is warped through ``matrix`` on its own small canvas, so the box
    is the tight box of the ink exactly as the frame shows it.
    """
    width, height = FRAME_SIZE
    found: dict[int, tuple[int, Box]] = {}
    for index, digit in enumerate(page.digits):
        h, w = digit.alpha.shape
        corners = np.array(
            [[[digit.x, digit.y], [digit.x + w, digit.y], [digit.x + w, digit.y + h], [digit.x, digit.y + h]]],
            np.float64,
        )
        warped = cv2.perspectiveTransform(corners, matrix)[0]
        (x0, y0), (x1, y1) = np.floor(warped.min(axis=0)) - 2, np.ceil(warped.max(axis=0)) + 2
        if x1 < 0 or y1 < 0 or x0 >= width or y0 >= height:
            continue
        local = (
            np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]])
            @ matrix
            @ np.array([[1, 0, digit.x], [0, 1, digit.y], [0, 0, 1]])
        )
        ink = cv2.warpPerspective(digit.alpha, local, (int(x1 - x0), int(y1 - y0)), flags=cv2.INTER_LINEAR)
        bx, by, bw, bh = cv2.boundingRect((ink >= INK_ALPHA).astype(np.uint8))
        box = (bx + int(x0), by + int(y0), bw, bh)
        if (
            bw
            and bh
            and box[0] >= FRAME_MARGIN
            and box[1] >= FRAME_MARGIN
            and box[0] + bw <= width - FRAME_MARGIN
            and box[1] + bh <= height - FRAME_MARGIN
        ):
            found[index] = (digit.label, box)
    numbers: list[tuple[str, Box]] = []
    members: dict[int, list[int]] = {}
    for index, digit in enumerate(page.digits):
        members.setdefault(digit.number, []).append(index)
    for indices in members.values():
        if len(indices) > 1 and all(i in found for i in indices):
            numbers.append(("".join(str(found[i][0]) for i in indices), union_box([found[i][1] for i in indices])))
    return [found[i] for i in sorted(found)], numbers


def _focus_sigmas(spec: ClipSpec, frames: int, rng: np.random.Generator) -> np.ndarray:
    """Gaussian blur sigma per frame: 0, except while the autofocus hunts (a sine bump)."""
    sigma = np.zeros(frames)
    for start in np.sort(rng.choice(np.arange(FPS, frames - 2 * FPS), spec.focus_episodes, replace=False)):
        length = int(rng.integers(12, 30))
        peak = rng.uniform(*spec.focus_sigma)
        bump = peak * np.sin(np.pi * np.arange(1, length + 1) / (length + 1))
        sigma[start : start + length] = np.maximum(sigma[start : start + length], bump)
    return sigma


def _light(spec: ClipSpec, frames: int, rng: np.random.Generator) -> np.ndarray:
    """Overall light per frame: slow exposure drift and short dips of a flickering lamp."""
    times = np.arange(frames) / FPS
    gain = 1.0 + spec.drift * np.sin(2 * math.pi * rng.uniform(0.05, 0.2) * times + rng.uniform(0, 2 * math.pi))
    for i in np.flatnonzero(rng.random(frames) < spec.flicker_dips):
        gain[i : i + int(rng.integers(1, 3))] *= 1.0 - rng.uniform(*spec.flicker_depth)
    return gain


def _vignette() -> np.ndarray:
    """Light lost towards the frame corners, fixed to the lens."""
    w, h = FRAME_SIZE
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    return 1.0 - 0.12 * (((xs - w / 2) / (w / 2)) ** 2 + ((ys - h / 2) / (h / 2)) ** 2) / 2


def _motion_blur(image: np.ndarray, dx: float, dy: float) -> np.ndarray:
    """Smear along the image motion of the last frame interval, while the shutter was open."""
    length = SHUTTER * math.hypot(dx, dy)
    if length < MIN_BLUR_MOTION:
        return image
    size = int(math.ceil(length)) | 1
    kernel = np.zeros((size, size), np.float32)
    mid = size // 2
    ux, uy = dx / math.hypot(dx, dy), dy / math.hypot(dx, dy)
    for t in np.linspace(-length / 2, length / 2, 2 * size):
        kernel[int(round(mid + t * uy)), int(round(mid + t * ux))] += 1.0
    return cv2.filter2D(image, -1, kernel / kernel.sum())


def render_clip(spec: ClipSpec) -> Iterator[tuple[np.ndarray, list[tuple[int, Box]], list[tuple[str, Box]]]]:
    """Frames of one clip (BGR uint8) with each frame's ground-truth digits and numbers."""
    rng = np.random.default_rng(spec.seed)
    page = write_page(spec, rng)
    matrices = camera_path(spec, page, rng)
    frames = len(matrices)
    sigmas, gains, vignette = _focus_sigmas(spec, frames, rng), _light(spec, frames, rng), _vignette()
    centre = np.array([[FRAME_SIZE[0] / 2, FRAME_SIZE[1] / 2]], np.float64)
    for i, matrix in enumerate(matrices):
        image = cv2.warpPerspective(page.image, matrix, FRAME_SIZE, flags=cv2.INTER_LINEAR)
        if i > 0:  # where the previous frame's centre lands in this frame
            dx, dy = cv2.perspectiveTransform(centre[None], matrix @ np.linalg.inv(matrices[i - 1]))[0, 0] - centre[0]
            image = _motion_blur(image, float(dx), float(dy))
        if sigmas[i] > 0.3:
            image = cv2.GaussianBlur(image, (0, 0), float(sigmas[i]))
        image *= (vignette * (gains[i] * spec.exposure))[..., None]
        image += rng.standard_normal(image.shape[:2], np.float32)[..., None] * (spec.noise * 0.7)
        image += rng.standard_normal(image.shape, np.float32) * (spec.noise * 0.7)
        digits, numbers = frame_truth(page, matrix)
        yield np.clip(np.rint(image), 0, 255).astype(np.uint8), digits, numbers


def write_clip(name: str, out_dir: Path) -> tuple[Path, Path, int]:
    """Render clip ``name`` of :data:`CLIPS` to ``out_dir``; returns the paths and frame count."""
    out_dir.mkdir(parents=True, exist_ok=True)
    video, sidecar = out_dir / f"{name}.mp4", out_dir / f"{name}.jsonl"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*FOURCC), FPS, FRAME_SIZE)
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write {FOURCC} video to {video}")
    count = 0
    try:
        with sidecar.open("w", encoding="utf-8") as lines:
            for count, (image, digits, numbers) in enumerate(render_clip(CLIPS[name]), start=1):
                writer.write(image)
                record = {
                    "frame": count - 1,
                    "time": round((count - 1) / FPS, 4),
                    "digits": [{"label": label, "box": list(box)} for label, box in digits],
                    "numbers": [{"text": text, "box": list(box)} for text, box in numbers],
                }
                lines.write(json.dumps(record, separators=(",", ":")) + "\n")
    finally:
        writer.release()
    return video, sidecar, count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("sample_videos"), help="folder for the clips")
    parser.add_argument("--clips", default=",".join(CLIPS), help=f"comma-separated, from: {', '.join(CLIPS)}")
    args = parser.parse_args(argv)
    for name in args.clips.split(","):
        start = time.perf_counter()
        video, _, frames = write_clip(name, args.out)
        print(
            f"{video}: {frames} frames ({frames / FPS:.1f} s), {video.stat().st_size / 1e6:.2f} MB, "
            f"made in {time.perf_counter() - start:.1f} s",
            flush=True,
        )


if __name__ == "__main__":
    main()
