"""How a camera sees a page: geometry (tilt, turn, bent paper), optics (defocus, motion),
light (uneven light, a hand's shadow, vignetting, exposure, white balance) and the sensor
(shot and read noise, sRGB encoding, sharpening, JPEG).

The geometry is one map from frame pixels to page pixels (a homography, plus a bow for a
curved sheet), used alike for the page image (bilinear) and for the glyph ids that give the
truth boxes (nearest), so truth follows the ink exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

HALF_FIELD_OF_VIEW = math.radians(27)  # a webcam's ~54 degree horizontal view
SRGB_GAMMA = 2.2  # display encoding of the camera's output (close enough to the sRGB curve)
READ_NOISE = (0.002, 0.008)  # sensor noise floor, linear light
SHOT_NOISE = (0.0004, 0.003)  # variance per unit of linear signal: photon noise
WHITE_BALANCE = 0.12  # largest error of each channel's gain (warm or cool light)


@dataclass(frozen=True)
class Shot:
    """How one frame is taken; every range is drawn uniformly per scene."""

    tilt: tuple[float, float] = (0.0, 15.0)  # degrees between the camera axis and the page normal
    roll: tuple[float, float] = (0.0, 4.0)  # degrees the page is turned in the frame, either way
    zoom: tuple[float, float] = (1.0, 1.15)  # page px per frame px at the frame centre
    bow: tuple[float, float] = (0.0, 0.0)  # page bulge, fraction of the page height
    defocus: tuple[float, float] = (0.0, 1.0)  # px at 480p: radius of the blur disc
    motion_chance: float = 0.25
    motion: tuple[float, float] = (1.0, 3.5)  # px at 480p
    shadow_chance: float = 0.3
    light_falloff: tuple[float, float] = (0.0, 0.3)  # light lost across the frame
    exposure: tuple[float, float] = (0.85, 1.25)  # gain on linear light
    jpeg: tuple[int, int] = (55, 92)
    sharpen_chance: float = 0.4  # phones and many webcams sharpen before encoding


def frame_to_page(
    size: tuple[int, int], page_shape: tuple[int, int], shot: Shot, rng: np.random.Generator
) -> np.ndarray:
    """The 3x3 homography from frame to page coordinates of a tilted, turned camera whose view
    lies inside the page (zoomed in further where it would not)."""
    w, h = size
    ph, pw = page_shape
    roll = math.radians(rng.uniform(*shot.roll)) * (1 if rng.random() < 0.5 else -1)
    direction = rng.uniform(0, 2 * math.pi)
    keystone = math.tan(math.radians(rng.uniform(*shot.tilt))) * math.tan(HALF_FIELD_OF_VIEW)
    zoom = rng.uniform(*shot.zoom)
    corners = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]], np.float32)
    along = (corners @ np.array([math.cos(direction), math.sin(direction)], np.float32)) / (np.hypot(w, h) / 2)
    turn = np.array([[math.cos(roll), -math.sin(roll)], [math.sin(roll), math.cos(roll)]], np.float32)
    # The side of the page farther from the camera looks smaller: the frame covers more of it.
    quad = (corners * (1 + keystone * along)[:, None]) @ turn.T * zoom
    reach = max(np.abs(quad[:, 0]).max() / (pw / 2 - 2), np.abs(quad[:, 1]).max() / (ph / 2 - 2), 1.0)
    quad = quad / reach + (pw / 2, ph / 2)
    frame = corners + (w / 2, h / 2)
    return cv2.getPerspectiveTransform(frame.astype(np.float32), quad.astype(np.float32))


def page_maps(
    size: tuple[int, int], homography: np.ndarray, page_shape: tuple[int, int], bow: float
) -> tuple[np.ndarray, np.ndarray]:
    """Page x and y (float32 maps, frame-sized) of every frame pixel; ``bow`` bends the sheet so
    that level lines on it sag in the middle by that fraction of the page height."""
    w, h = size
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    points = np.stack([xs.ravel(), ys.ravel(), np.ones(w * h, np.float32)])
    page = homography.astype(np.float32) @ points
    map_x = (page[0] / page[2]).reshape(h, w)
    map_y = (page[1] / page[2]).reshape(h, w)
    if bow:
        ph, pw = page_shape
        across = (2 * map_x / pw - 1) ** 2
        map_y = map_y - bow * ph * (1 - across)
    return map_x, map_y


def visible_polygon(size: tuple[int, int], map_x: np.ndarray, map_y: np.ndarray, inset: int) -> np.ndarray:
    """Page-coordinate polygon of what the frame shows, ``inset`` px inside the frame's edges."""
    w, h = size
    xs = np.linspace(inset, w - 1 - inset, 9).astype(int)
    ys = np.linspace(inset, h - 1 - inset, 7).astype(int)
    border = (
        [(x, ys[0]) for x in xs]
        + [(xs[-1], y) for y in ys]
        + [(x, ys[-1]) for x in xs[::-1]]
        + [(xs[0], y) for y in ys[::-1]]
    )
    return np.array([[map_x[y, x], map_y[y, x]] for x, y in border], np.float32)


def _shadow(size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A hand's or phone's soft shadow reaching in from one edge: light left (0.5-0.85 in it)."""
    w, h = size
    mask = np.zeros((h, w), np.float32)
    edge = int(rng.integers(4))
    centre = rng.uniform(0.2, 0.8)
    reach = rng.uniform(0.15, 0.45)
    spread = rng.uniform(0.15, 0.35)
    if edge in (0, 1):  # top or bottom
        x0, x1 = (centre - spread) * w, (centre + spread) * w
        y = 0 if edge == 0 else h
        tip = reach * h if edge == 0 else h - reach * h
        points = [(x0, y), (x1, y), ((x0 + x1) / 2 + rng.uniform(-0.1, 0.1) * w, tip)]
    else:
        y0, y1 = (centre - spread) * h, (centre + spread) * h
        x = 0 if edge == 2 else w
        tip = reach * w if edge == 2 else w - reach * w
        points = [(x, y0), (x, y1), (tip, (y0 + y1) / 2 + rng.uniform(-0.1, 0.1) * h)]
    cv2.fillPoly(mask, [np.array(points, np.int32)], 1.0)
    mask = cv2.GaussianBlur(mask, (0, 0), rng.uniform(0.03, 0.08) * min(w, h))
    return 1 - rng.uniform(0.15, 0.5) * mask


def light(size: tuple[int, int], shot: Shot, rng: np.random.Generator) -> np.ndarray:
    """Light on each frame pixel (h, w): a falloff from a lamp to one side, cos^4 vignetting
    of the lens, and maybe a shadow; times the exposure."""
    w, h = size
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    lamp = rng.uniform(0, 2 * math.pi)
    across = ((xs / w - 0.5) * math.cos(lamp) + (ys / h - 0.5) * math.sin(lamp)) + 0.5
    field = 1 - rng.uniform(*shot.light_falloff) * np.clip(across, 0, 1)
    focal = (w / 2) / math.tan(HALF_FIELD_OF_VIEW)
    field *= (1 + ((xs - w / 2) ** 2 + (ys - h / 2) ** 2) / focal**2) ** -2
    if rng.random() < shot.shadow_chance:
        field *= _shadow(size, rng)
    return field * rng.uniform(*shot.exposure)


def _disc(radius: float) -> np.ndarray:
    side = 2 * math.ceil(radius) + 1
    kernel = np.zeros((side, side), np.float32)
    cv2.circle(kernel, (side // 2, side // 2), max(1, round(radius)), 1.0, -1, cv2.LINE_AA)
    return kernel / kernel.sum()


def optics(image: np.ndarray, shot: Shot, scale: float, rng: np.random.Generator) -> np.ndarray:
    """Defocus (a disc, not a gaussian) and, sometimes, a straight motion streak."""
    radius = rng.uniform(*shot.defocus) * scale
    if radius >= 0.5:
        image = cv2.filter2D(image, -1, _disc(radius))
    if rng.random() < shot.motion_chance:
        length = rng.uniform(*shot.motion) * scale
        side = 2 * math.ceil(length / 2) + 1
        kernel = np.zeros((side, side), np.float32)
        angle = rng.uniform(0, math.pi)
        dx, dy = length / 2 * math.cos(angle), length / 2 * math.sin(angle)
        c = side // 2
        cv2.line(kernel, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, 1, cv2.LINE_AA)
        image = cv2.filter2D(image, -1, kernel / kernel.sum())
    return image


def sensor(linear: np.ndarray, shot: Shot, rng: np.random.Generator) -> np.ndarray:
    """Linear BGR light -> the camera's uint8 BGR output: white balance, shot and read noise,
    sRGB-like encoding, maybe sharpening, then JPEG."""
    gains = 1 + rng.uniform(-WHITE_BALANCE, WHITE_BALANCE, 3).astype(np.float32)
    signal = np.clip(linear * gains, 0, None)
    variance = rng.uniform(*SHOT_NOISE) * signal + rng.uniform(*READ_NOISE) ** 2
    signal = signal + np.sqrt(variance) * rng.standard_normal(signal.shape, dtype=np.float32)
    encoded = 255 * np.power(np.clip(signal, 0, 1), 1 / SRGB_GAMMA)
    if rng.random() < shot.sharpen_chance:
        soft = cv2.GaussianBlur(encoded, (0, 0), 1.0)
        encoded = encoded + rng.uniform(0.3, 0.8) * (encoded - soft)
    image = np.clip(np.rint(encoded), 0, 255).astype(np.uint8)
    quality = int(rng.integers(shot.jpeg[0], shot.jpeg[1] + 1))
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("cv2.imencode could not write a JPEG")
    return cv2.imdecode(data, cv2.IMREAD_COLOR)
