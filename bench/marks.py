"""How marks are drawn: pen strokes, chalk on boards, ruled paper and non-digit marks.

:mod:`bench.scenes` decides what goes where in a scene (which digits, their layout, the camera
and the light); this module holds the drawing it leans on, each piece a pure function of its
arrays and a random generator: redrawing a digit with another pen (a fine line, a fat marker, a
pen that skips), turning it, pushing a neighbour into it, the non-digit marks a page also holds,
and the surfaces under the ink (printed rulings, a chalk board with its dust and erased writing).
Keeping it apart lets either side be read, and tuned, without the other.

Every function draws its random numbers in a fixed order, and only on its own code path, so a
scene stays byte-identical per seed when other kinds of mark are added.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from camdigits.types import Box
from train.glyphs import draw_text

INK_ALPHA = 0.5  # alpha at or above which a pixel is ink, for every ground-truth box
# A fine pen's line: 1-1.8 px wide (alpha summed across it). Below 0.9 of a radius a centre-line
# pixel's neighbours stay under alpha 0.4, so ink >= INK_ALPHA is one pixel wide, with room
# for noise before a reader's half-contrast threshold takes them as ink.
FINE_RADIUS = (0.5, 0.9)  # px
MARKER_WIDTH = (0.18, 0.25)  # of the digit height: a fat felt marker (pens are ~0.05-0.11)
BROKEN_GAP = (1.0, 2.0)  # px at 480p: ink-free core of each gap a skipping pen leaves
BROKEN_BANDS = (1, 2)  # gaps cut across a digit: each splits it once more, 2-4 pieces in all
# BGR chalk: white and pale yellow, as on school boards.
CHALK_COLOURS = ((225, 230, 228), (150, 222, 235), (205, 225, 235))
# BGR boards: school green, slate grey, near-black.
BOARD_COLOURS = ((58, 78, 45), (60, 62, 60), (38, 38, 40))
# BGR printed rulings: light blue, grey-blue and grey; drawn at RULE_STRENGTH they stay far
# lighter than half the paper-to-ink contrast, so no reader (or test) takes them for ink.
RULE_COLOURS = ((215, 170, 120), (190, 160, 140), (160, 160, 160))
RULE_STRENGTH = (0.35, 0.6)

# Non-digit marks that no reader would take for a digit (no O, o, l, I, S, Z, B, g, q).
LETTERS = "AEFHKMNPRWXYaehkmnrwxy"
SYMBOLS = "+-=x#?*"
# Hershey roman simplex, duplex and complex, script simplex and complex (train.glyphs).
FONTS = ("rowmans", "rowmand", "timesr", "scripts", "scriptc")


def ink_box(alpha: np.ndarray) -> Box | None:
    """The tight box of the ink (alpha >= :data:`INK_ALPHA`) in ``alpha``; None if it has none."""
    x, y, w, h = cv2.boundingRect((alpha >= INK_ALPHA).astype(np.uint8))
    return (x, y, w, h) if w and h else None


def stroke_with(alpha: np.ndarray, stroke: str, height: float, scale: float, rng) -> np.ndarray:
    """A digit's ``alpha`` (``height`` px tall) as the ``stroke`` kind of pen writes it: "pen"
    leaves it as it is and draws no random numbers, which keeps older scenes as they were;
    "fine" redraws it as a 1-2 px line, "marker" with a fat felt tip, and "broken" cuts gaps
    ``scale`` times the 480p size into it."""
    if stroke == "fine":
        return _redrawn(alpha, rng.uniform(*FINE_RADIUS))
    if stroke == "marker":
        return _redrawn(alpha, rng.uniform(*MARKER_WIDTH) * height / 2)
    if stroke == "broken":
        return _with_gaps(alpha, scale, rng)
    return alpha


def _skeleton(mask: np.ndarray) -> np.ndarray:
    """The one-pixel centre lines of a binary mask (Zhang-Suen thinning, both sub-steps
    vectorised): a digit's path, free of the MNIST brush, to redraw with another pen."""
    image = np.pad(mask.astype(np.uint8), 1)
    changed = True
    while changed:
        changed = False
        for step in (0, 1):
            p = image
            # Neighbours clockwise from north: P2 N, P3 NE, P4 E, P5 SE, P6 S, P7 SW, P8 W, P9 NW.
            ring = [
                p[:-2, 1:-1],
                p[:-2, 2:],
                p[1:-1, 2:],
                p[2:, 2:],
                p[2:, 1:-1],
                p[2:, :-2],
                p[1:-1, :-2],
                p[:-2, :-2],
            ]
            count = sum(n.astype(np.int32) for n in ring)
            crossings = sum(((a == 0) & (b == 1)).astype(np.int32) for a, b in zip(ring, ring[1:] + ring[:1]))
            n, e, s, w = ring[0], ring[2], ring[4], ring[6]
            side = (n & e & s) == 0 if step == 0 else (n & e & w) == 0
            other = (e & s & w) == 0 if step == 0 else (n & s & w) == 0
            remove = (p[1:-1, 1:-1] == 1) & (count >= 2) & (count <= 6) & (crossings == 1) & side & other
            if remove.any():
                image[1:-1, 1:-1][remove] = 0
                changed = True
    return image[1:-1, 1:-1]


def _redrawn(alpha: np.ndarray, radius: float) -> np.ndarray:
    """The digit's centre lines drawn with a round pen of ``radius`` px, anti-aliased: alpha
    falls from 1 to 0 over the pixel at the pen's edge."""
    pad = math.ceil(radius) + 2
    mask = cv2.copyMakeBorder((alpha >= INK_ALPHA).astype(np.uint8), pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    distance = cv2.distanceTransform((_skeleton(mask) == 0).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    return np.clip(radius + 0.5 - distance, 0.0, 1.0).astype(np.float32)


def _with_gaps(alpha: np.ndarray, core: float, rng) -> np.ndarray:
    """A pen that skips: 1-2 near-horizontal bands of no ink cut across the whole digit.

    A band through the inside of the ink box cuts every path from the ink above it to the
    ink below, so each band splits the digit once more. Its ink-free core is at least
    |cos| + |sin| of its angle wide, the width of a digital line without diagonal leaks, so
    the pieces stay apart even for 8-connected ink.
    """
    x, y, w, h = ink_box(alpha)
    ys, xs = np.mgrid[0 : alpha.shape[0], 0 : alpha.shape[1]].astype(np.float32)
    for _ in range(int(rng.integers(BROKEN_BANDS[0], BROKEN_BANDS[1] + 1))):
        angle = math.radians(rng.uniform(-25, 25))
        width = max(core * rng.uniform(*BROKEN_GAP), abs(math.cos(angle)) + abs(math.sin(angle)) + 0.05)
        across = (ys - (y + h * rng.uniform(0.3, 0.7))) * math.cos(angle) - (xs - (x + w / 2)) * math.sin(angle)
        alpha = alpha * np.clip(np.abs(across) - width / 2, 0.0, 1.0)
    return alpha


def rotated(alpha: np.ndarray, degrees: float) -> np.ndarray:
    """``alpha`` turned ``degrees`` counter-clockwise about its centre, on a canvas grown to fit."""
    h, w = alpha.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    size = (math.ceil(w * cos + h * sin), math.ceil(w * sin + h * cos))
    matrix[:, 2] += ((size[0] - w) / 2, (size[1] - h) / 2)
    return cv2.warpAffine(alpha, matrix, size, flags=cv2.INTER_LINEAR)


def touching_x(left: tuple[np.ndarray, int, int], alpha: np.ndarray, y: int, overlap: int) -> int | None:
    """Where to put ``alpha`` (top at ``y``) so its ink runs ``overlap`` px into the ink of the
    ``left`` layer, in the row where they meet first; None if no row has ink in both."""
    left_alpha, left_x, left_y = left
    top, bottom = max(left_y, y), min(left_y + left_alpha.shape[0], y + alpha.shape[0])
    if bottom <= top:
        return None
    a = left_alpha[top - left_y : bottom - left_y] >= INK_ALPHA
    b = alpha[top - y : bottom - y] >= INK_ALPHA
    both = a.any(axis=1) & b.any(axis=1)
    if not both.any():
        return None
    rightmost = a.shape[1] - 1 - np.argmax(a[:, ::-1], axis=1)
    leftmost = np.argmax(b, axis=1)
    # Sliding in from the right, the first row to meet is the one needing the largest x.
    return int(left_x + (rightmost - leftmost)[both].max() + 1 - overlap)


def _text_alpha(text: str, height: float, rng: np.random.Generator) -> np.ndarray:
    font = str(rng.choice(FONTS))
    thickness = max(1, round(height / 24 * rng.uniform(0.7, 1.3)))
    return draw_text(text, font, height, thickness, pad=2 * thickness + 4)


def _stroke_alpha(points: np.ndarray, thickness: int, closed: bool = False, filled: bool = False) -> np.ndarray:
    pad = thickness + 2
    points = np.round(points - points.min(axis=0) + pad).astype(np.int32)
    canvas = np.zeros((points[:, 1].max() + pad + 1, points[:, 0].max() + pad + 1), np.uint8)
    if filled:
        cv2.fillPoly(canvas, [cv2.convexHull(points)], 255, cv2.LINE_AA)
    else:
        cv2.polylines(canvas, [points], closed, 255, thickness, cv2.LINE_AA)
    return canvas


def distractor_alpha(height: float, frame_side: int, rng: np.random.Generator) -> np.ndarray:
    """One non-digit pen mark about ``height`` px tall: a letter, a word, a symbol, a
    scribble, a drawn box, a long line or a small filled blob."""
    kind = rng.choice(
        ["letter", "word", "symbol", "scribble", "box", "line", "blob"], p=[0.28, 0.1, 0.2, 0.15, 0.1, 0.1, 0.07]
    )
    thickness = max(1, round(height / 20 * rng.uniform(0.6, 1.4)))
    if kind == "letter":
        canvas = _text_alpha(str(rng.choice(list(LETTERS))), height * rng.uniform(0.6, 1.1), rng)
    elif kind == "word":
        word = "".join(rng.choice(list(LETTERS), size=int(rng.integers(2, 6))))
        canvas = _text_alpha(word, height * rng.uniform(0.5, 0.9), rng)
    elif kind == "symbol":
        canvas = _text_alpha(str(rng.choice(list(SYMBOLS))), height * rng.uniform(0.4, 0.9), rng)
    elif kind == "scribble":
        # Long (5-9 heights of pen travel) and gently turning: wavy doodles, not S, 2 or 0 shapes.
        turns = np.cumsum(rng.normal(0.0, 0.6, int(rng.integers(25, 45))))
        steps = np.stack([np.cos(turns), np.sin(turns)], axis=1) * height / 5
        canvas = _stroke_alpha(np.cumsum(steps, axis=0), thickness)
    elif kind == "box":
        w, h = height * rng.uniform(1.2, 3.5), height * rng.uniform(0.7, 2.0)
        corners = np.array([[0, 0], [w, 0], [w, h], [0, h]]) + rng.normal(0, height * 0.04, (4, 2))
        canvas = _stroke_alpha(corners, thickness, closed=True)
    elif kind == "line":
        length = min(height * rng.uniform(3.0, 8.0), 0.8 * frame_side)
        angle = rng.uniform(0, math.pi)
        canvas = _stroke_alpha(np.array([[0, 0], [length * math.cos(angle), length * math.sin(angle)]]), thickness)
    else:
        radius = height * rng.uniform(0.1, 0.3)
        angles = np.sort(rng.uniform(0, 2 * math.pi, int(rng.integers(5, 9))))
        radii = radius * rng.uniform(0.6, 1.0, len(angles))
        canvas = _stroke_alpha(np.stack([radii * np.cos(angles), radii * np.sin(angles)], axis=1), 1, filled=True)
    return canvas.astype(np.float32) / 255.0


def ruled_paper(page: np.ndarray, spacing: float, scale: float, rng) -> np.ndarray:
    """``page`` with printed lines ``spacing`` px apart, and columns too on squared paper
    (half the pages). They are part of the paper, so they are in no ground truth."""
    h, w = page.shape[:2]
    lines = np.zeros((h, w), np.float32)
    thickness = max(1, round(scale * rng.uniform(1.0, 1.8)))
    sub = 16  # cv2 draws at 1/16 px (shift=4), so lines fall between pixels as printed ones do
    for y in np.arange(rng.uniform(0, spacing), h, spacing):
        cv2.line(lines, (0, round(y * sub)), ((w - 1) * sub, round(y * sub)), 1.0, thickness, cv2.LINE_AA, 4)
    if rng.random() < 0.5:
        for x in np.arange(rng.uniform(0, spacing), w, spacing):
            cv2.line(lines, (round(x * sub), 0), (round(x * sub), (h - 1) * sub), 1.0, thickness, cv2.LINE_AA, 4)
    colour = np.array(RULE_COLOURS[int(rng.integers(len(RULE_COLOURS)))], np.float32)
    cover = (np.minimum(lines, 1.0) * rng.uniform(*RULE_STRENGTH))[..., None]
    return page * (1 - cover) + colour * cover


def _erased_writing(size: tuple[int, int], height: float, rng) -> np.ndarray:
    """Chalk dust left on a wiped board, as a fraction of the chalk's contrast: ghosts of
    erased words and doodles smeared along the eraser's path, and the eraser's broad swaths.

    The ghosts stay under a sixth of the contrast: a reader sees that something was written,
    not what, so they are no digits in the truth.
    """
    w, h = size
    ghosts = np.zeros((h, w), np.float32)
    for _ in range(int(rng.integers(2, 7))):
        mark = distractor_alpha(height * rng.uniform(0.7, 1.3), min(size), rng)[:h, :w]
        x, y = int(rng.integers(0, w - mark.shape[1] + 1)), int(rng.integers(0, h - mark.shape[0] + 1))
        region = ghosts[y : y + mark.shape[0], x : x + mark.shape[1]]
        np.maximum(region, mark * rng.uniform(0.5, 1.0), out=region)
    length = max(3, round(height * rng.uniform(0.2, 0.5)))
    smear = np.zeros((length, length), np.float32)
    smear[length // 2, :] = 1.0
    turn = cv2.getRotationMatrix2D(((length - 1) / 2, (length - 1) / 2), rng.uniform(-30, 30), 1.0)
    smear = cv2.warpAffine(smear, turn, (length, length))
    ghosts = cv2.GaussianBlur(cv2.filter2D(ghosts, -1, smear / smear.sum()), (0, 0), 1.0 + 0.03 * height)
    swaths = np.zeros((h, w), np.float32)
    for _ in range(int(rng.integers(1, 4))):
        path = np.cumsum(rng.normal(0, 1, (8, 2)) * (w / 6, h / 10), axis=0) + (rng.uniform(0, w), rng.uniform(0, h))
        cv2.polylines(swaths, [np.round(path).astype(np.int32)], False, 1.0, max(3, round(height * 0.6)))
    swaths = cv2.GaussianBlur(swaths, (0, 0), 0.2 * height + 1)
    return ghosts * rng.uniform(0.06, 0.15) + swaths * rng.uniform(0.02, 0.06)


def chalk_on_board(ink_alpha: np.ndarray, size: tuple[int, int], height: float, rng) -> np.ndarray:
    """Light chalk on a dark board: dust clouds, erased writing, and strokes whose grain lets
    the board show through in specks (or, for a quarter of the boards, a solid chalk marker)."""
    w, h = size
    board = np.empty((h, w, 3), np.float32)
    board[:] = np.array(BOARD_COLOURS[int(rng.integers(len(BOARD_COLOURS)))]) + rng.normal(0, 4, 3)
    chalk = np.array(CHALK_COLOURS[int(rng.integers(len(CHALK_COLOURS)))], np.float32) + rng.normal(0, 5, 3)
    clouds = np.abs(cv2.resize(rng.normal(0, 1, (5, 7)).astype(np.float32), size, interpolation=cv2.INTER_CUBIC))
    dust = clouds * rng.uniform(0.02, 0.06) + _erased_writing(size, height, rng)
    grain = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 0.8)
    board = board + (chalk - board) * dust[..., None] + (grain * rng.uniform(1.5, 3.0))[..., None]
    speckle = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 0.7)
    speckle /= speckle.std()
    if rng.random() < 0.75:
        texture = np.clip(0.8 + 0.45 * speckle, 0.0, 1.0)  # about 4 % of a chalk stroke is bare board
    else:
        texture = 1.0 - 0.05 * np.abs(speckle)
    coverage = (np.minimum(ink_alpha, 1.0) * rng.uniform(0.8, 0.95) * texture)[..., None]
    return board * (1 - coverage) + chalk * coverage
