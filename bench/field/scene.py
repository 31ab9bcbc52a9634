"""One field scene: a camera frame and the truth of what is written in it.

:func:`render` composes the parts: the camera's view of the page is chosen first (so the
writing goes where the frame sees it), then the surface, the writing, the ink, and the
camera's light, optics and sensor. The truth boxes are measured in the final frame on the
warped coverage of each glyph (ink = at least half covered).
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import cv2
import numpy as np

from bench.field.camera import frame_to_page, light, optics, page_maps, sensor, visible_polygon
from bench.field.conditions import (
    CONDITIONS,
    RULE_SPACING,
    SQUARE_SIDE,
    Page,
    choose_medium,
    write,
    writer_for,
)
from bench.field.ink import apply_ink
from bench.field.layout import Mark
from bench.field.paper import board, plain_paper, rule_lines
from bench.field.surfaces import TEXTURES, noise_frame, texture
from camdigits.types import Box, union_box

REFERENCE_HEIGHT = 480  # px: frame height that sizes in bench.field are given for
PAGE_OVERSIZE = 1.35  # page side per frame side: room for the camera to turn and tilt
EDGE = 8  # px at 480p: writing keeps this far inside the frame's edges
FIELD_SALT = 14  # mixed into every seed, so field scenes never repeat another generator's draws
INK_ID_ALPHA = 0.25  # glyph pixels at least this covered carry the glyph's id through the warp
TRUTH_ALPHA = 0.5  # a frame pixel at least this covered is ink, for truth boxes


@dataclass(frozen=True, eq=False)
class FieldScene:
    """A frame (BGR uint8) with its digits (label, ink box) and numbers (text, box): every
    group of two or more digits written together is a number."""

    image: np.ndarray
    digits: tuple[tuple[int, Box], ...]
    numbers: tuple[tuple[str, Box], ...]
    condition: str
    seed: int


def scene_rng(condition: str, seed: int, size: tuple[int, int]) -> np.random.Generator:
    """The one generator a scene draws everything from."""
    return np.random.default_rng([FIELD_SALT, zlib.crc32(condition.encode()), seed, size[0], size[1]])


def _surface(
    kind: str, shape: tuple[int, int], scale: float, medium_name: str, rng
) -> tuple[np.ndarray, float | None, float | None]:
    """The page surface and, for ruled kinds, the spacing of the lines written on and the
    page y of the first rule (None, None on plain paper and boards)."""
    if medium_name == "chalk":
        return board(shape, rng), None, None
    sheet = plain_paper(shape, scale, rng)
    if kind == "ruled":
        spacing = rng.uniform(*RULE_SPACING) * scale
        first = rng.uniform(0, spacing)
        return rule_lines(sheet, spacing, scale, rng, first=first), spacing, first
    if kind == "squared":
        side = rng.uniform(*SQUARE_SIDE) * scale
        first = rng.uniform(0, side)
        return rule_lines(sheet, side, scale, rng, squared=True, first=first), 2 * side, first
    return sheet, None, None


def _truth(marks: list[Mark], shape: tuple[int, int], map_x, map_y) -> tuple[tuple, tuple]:
    """Digit and number truth in the frame, from the glyphs' coverage and ids warped like the page."""
    coverage = np.zeros(shape, np.float32)
    ids = np.zeros(shape, np.float32)  # float: cv2.remap moves float maps; ids stay exact below 2**24
    digit_marks = [m for m in marks if m.label is not None]
    for number, mark in enumerate(digit_marks, start=1):
        h, w = mark.alpha.shape
        window = (slice(mark.y, mark.y + h), slice(mark.x, mark.x + w))
        coverage[window] = np.maximum(coverage[window], mark.alpha)
        ids[window][mark.alpha >= INK_ID_ALPHA] = number
    seen = cv2.remap(coverage, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    which = cv2.remap(ids, map_x, map_y, cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT)
    ys, xs = np.nonzero((seen >= TRUTH_ALPHA) & (which > 0))
    owners = which[ys, xs].astype(np.int64) - 1
    digits, groups = [], {}
    for index, mark in enumerate(digit_marks):
        mine = owners == index
        if not mine.any():
            continue  # lost under the warp: a glyph the frame does not show is no truth
        x0, y0, x1, y1 = xs[mine].min(), ys[mine].min(), xs[mine].max(), ys[mine].max()
        box = (int(x0), int(y0), int(x1 - x0 + 1), int(y1 - y0 + 1))
        digits.append((mark.label, box))
        groups.setdefault(mark.group, []).append((mark.label, box))
    numbers = tuple(
        ("".join(str(label) for label, _ in members), union_box([b for _, b in members]))
        for members in groups.values()
        if len(members) > 1
    )
    return tuple(digits), numbers


def render(condition: str, seed: int, size: tuple[int, int] = (640, 480)) -> FieldScene:
    """The scene ``seed`` of ``condition`` at ``size`` (width, height): a pure function of the three."""
    if condition not in CONDITIONS:
        raise ValueError(f"unknown condition {condition!r}; known: {', '.join(CONDITIONS)}")
    spec = CONDITIONS[condition]
    rng = scene_rng(condition, seed, size)
    w, h = size
    scale = h / REFERENCE_HEIGHT
    if spec.surface == "noise":
        frame = noise_frame(size, rng)
        ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(60, 95))])
        if not ok:
            raise RuntimeError("cv2.imencode could not write a JPEG")
        return FieldScene(cv2.imdecode(data, cv2.IMREAD_COLOR), (), (), condition, seed)
    page_shape = (math.ceil(h * PAGE_OVERSIZE), math.ceil(w * PAGE_OVERSIZE))
    homography = frame_to_page(size, page_shape, spec.shot, rng)
    bow = rng.uniform(*spec.shot.bow)
    map_x, map_y = page_maps(size, homography, page_shape, bow)
    marks: list[Mark] = []
    if spec.surface == "texture":
        surface = texture(TEXTURES[int(rng.integers(len(TEXTURES)))], page_shape, scale, rng)
        inked = surface
    else:
        medium = choose_medium(spec, rng)
        surface, spacing, first = _surface(spec.surface, page_shape, scale, medium.name, rng)
        polygon = visible_polygon(size, map_x, map_y, round(EDGE * scale))
        page = Page(polygon, scale, h, spacing, first)
        marks = write(spec.writing, writer_for(spec, medium, scale, rng), page, rng)
        coverage = np.zeros(page_shape, np.float32)
        for mark in marks:
            mh, mw = mark.alpha.shape
            window = coverage[mark.y : mark.y + mh, mark.x : mark.x + mw]
            np.maximum(window, mark.alpha, out=window)
        inked = apply_ink(surface, coverage, medium, scale, rng)
    frame = cv2.remap(inked, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    frame = optics(frame * light(size, spec.shot, rng)[..., None], spec.shot, scale, rng)
    digits, numbers = _truth(marks, page_shape, map_x, map_y)
    return FieldScene(sensor(frame, spec.shot, rng), digits, numbers, condition, seed)
