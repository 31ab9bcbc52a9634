"""Pen strokes that redraw a real MNIST digit: its ink thinned to a one-pixel skeleton
(Zhang-Suen), the skeleton walked into polylines. The browser test replays them as
pointer moves on the Draw tab's canvas."""

from __future__ import annotations

import cv2
import numpy as np

UPSCALE = 4  # the 28-px digit is thinned at 112 px, where a skeleton follows the stroke's middle
INK_LEVEL = 100  # grey level (0-255) from which an MNIST pixel counts as ink

Stroke = list[tuple[float, float]]
_NEIGHBOURS = [(-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1)]  # P2..P9, clockwise


def thin(mask: np.ndarray) -> np.ndarray:
    """Zhang-Suen thinning of a boolean mask, to a skeleton one pixel wide."""
    image = np.pad(mask.astype(np.uint8), 1)
    while True:
        changed = False
        for step in (0, 1):
            p = [np.roll(image, (-dy, -dx), axis=(0, 1)) for dy, dx in _NEIGHBOURS]
            count = sum(p)
            transitions = sum(((p[i] == 0) & (p[(i + 1) % 8] == 1)).astype(np.uint8) for i in range(8))
            if step == 0:
                gone = (p[0] * p[2] * p[4] == 0) & (p[2] * p[4] * p[6] == 0)
            else:
                gone = (p[0] * p[2] * p[6] == 0) & (p[0] * p[4] * p[6] == 0)
            remove = (image == 1) & (count >= 2) & (count <= 6) & (transitions == 1) & gone
            if remove.any():
                image[remove] = 0
                changed = True
        if not changed:
            return image[1:-1, 1:-1].astype(bool)


def skeleton_strokes(digit: np.ndarray) -> list[Stroke]:
    """Polylines, in the 28x28 digit's pixel coordinates, that trace its skeleton.

    Walks the skeleton's pixel graph: each walk starts at an end (one neighbour) where
    there is one, else anywhere, and follows unvisited edges until none is left.
    """
    big = cv2.resize(digit, (28 * UPSCALE, 28 * UPSCALE), interpolation=cv2.INTER_LINEAR)
    skeleton = thin(big >= INK_LEVEL)
    pixels = set(zip(*np.nonzero(skeleton)))
    edges = {p: {(p[0] + dy, p[1] + dx) for dy, dx in _NEIGHBOURS if (p[0] + dy, p[1] + dx) in pixels} for p in pixels}
    strokes: list[Stroke] = []
    while any(edges.values()):
        starts = [p for p, n in edges.items() if len(n) == 1] or [p for p, n in edges.items() if n]
        point = min(starts)
        path = [point]
        while edges[point]:
            following = min(edges[point])
            edges[point].discard(following)
            edges[following].discard(point)
            path.append(following)
            point = following
        strokes.append([((x + 0.5) / UPSCALE, (y + 0.5) / UPSCALE) for y, x in path])
    return strokes
