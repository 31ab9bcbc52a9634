"""Where things are written on the page: lines of writing, worksheet grids, scattered
writing of mixed sizes; and what each piece of writing is (digits, numbers in spaced groups,
words).

A layout returns :class:`Mark` s in page coordinates. Writing flows along lines from a left
margin as people write, with word gaps between items, instead of being dropped at random
spots; only the mixed-sizes page scatters its writing.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from bench.field.glyphs import (
    PHRASE_WORDS,
    WORDS,
    european_strokes,
    font_alpha,
    mnist_centre_lines,
    mnist_test,
    pen_alpha,
)
from bench.field.ink import Medium, pen_width

DIGIT_GAP = (0.06, 0.3)  # digit heights between the inks of neighbouring digits of a number
GROUP_GAP = (0.8, 1.3)  # ... between the groups of a spaced number ("555 0199"): a reader sees two
ITEM_GAP = (1.6, 4.0)  # ... between separate items on a line: unmistakably apart
WORD_NUMBER_GAP = (0.9, 1.6)  # ... between a word and the number it labels ("room 42")
BLANK_LINE = 0.4  # chance that a line (or rule) is left empty: pages are not filled edge to edge
BASELINE_JITTER = 0.06  # digit heights each digit's bottom wanders off its baseline
SIZE_JITTER = (0.9, 1.1)  # each digit's height around its number's
RULE_LIFT = (-0.02, 0.12)  # digit heights between the rule and the ink's bottom: some touch it
LINE_TRIES = 12  # items made per line at most: a line holds few; the bound stops a runaway
PLACEMENT_TRIES = 200  # random spots tried per item on a scattered page
CELL_FILL = 0.75  # widest a worksheet digit may be, in cell widths: neighbours never touch
SCATTER_GAP = 1.0  # writing heights of the smaller of two scattered items kept free between them


@dataclass(frozen=True)
class Mark:
    """One glyph's alpha at (x, y) on the page; ``label`` is None for words, and digits that
    share a ``group`` form one number (groups of one digit are lone digits)."""

    alpha: np.ndarray
    x: int
    y: int
    label: int | None = None
    group: int | None = None


@dataclass(frozen=True)
class Writer:
    """How one page is written: the medium, and which digit sources it draws from."""

    medium: Medium
    scale: float  # frame height / 480
    font: str  # the held-out handwriting font of this page's font-drawn digits and words
    font_share: float = 0.25  # share of digits drawn from that font instead of MNIST
    european: bool = False  # flag every MNIST 1 and cross every MNIST 7
    prefer: tuple[int, ...] = ()  # labels drawn half the time (the European 1 and 7)


@dataclass(frozen=True)
class Item:
    """Marks written together, relative to the item's top-left corner."""

    marks: tuple[Mark, ...]
    width: int
    height: int
    size: float  # the writing's height, for gaps to other items


def _digit(writer: Writer, height: float, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """One digit about ``height`` px tall and its label: an MNIST test digit re-drawn with the
    writer's pen, or (``font_share`` of the time) the same label in the page's font."""
    images, labels = mnist_test()
    if writer.prefer and rng.random() < 0.5:
        wanted = int(rng.choice(writer.prefer))
        index = int(rng.choice(np.flatnonzero(labels == wanted)))
    else:
        index = int(rng.integers(len(labels)))
    label = int(labels[index])
    width = pen_width(writer.medium, height, writer.scale, rng)
    if not writer.european and rng.random() < writer.font_share:
        stroke = max(0, round((width - 2) / 2))
        return font_alpha(str(label), writer.font, height, stroke), label
    lines = mnist_centre_lines(index)
    if writer.european:
        lines = european_strokes(label, lines, rng)
    return pen_alpha(lines, height, width, writer.medium.pressure, rng), label


def _crop(alpha: np.ndarray) -> tuple[np.ndarray, int, int]:
    """``alpha`` cut to its ink (alpha > 0) and the offset of the cut."""
    x, y, w, h = cv2.boundingRect((alpha > 0).astype(np.uint8))
    return alpha[y : y + h, x : x + w], x, y


def number(writer: Writer, groups: tuple[int, ...], height: float, first_group: int, rng: np.random.Generator) -> Item:
    """Digits in a row, ``groups`` of them (e.g. (3, 4) for "555 0199") split by wider gaps;
    group ids count up from ``first_group``."""
    marks, cursor = [], 0.0
    for g, count in enumerate(groups):
        if g:
            cursor += rng.uniform(*GROUP_GAP) * height
        for _ in range(count):
            alpha, label = _digit(writer, height * rng.uniform(*SIZE_JITTER), rng)
            alpha, _, _ = _crop(alpha)
            bottom = height * (1 + rng.uniform(-BASELINE_JITTER, BASELINE_JITTER))
            marks.append(Mark(alpha, round(cursor), round(bottom - alpha.shape[0]), label, first_group + g))
            cursor += alpha.shape[1] + rng.uniform(*DIGIT_GAP) * height
    return _item(marks, height)


def words(writer: Writer, height: float, rng: np.random.Generator, most: int = PHRASE_WORDS[1]) -> Item:
    """A short phrase (1 to ``most`` common words) in the page's held-out font; ``height`` is its ink."""
    chosen = [str(rng.choice(WORDS)) for _ in range(int(rng.integers(PHRASE_WORDS[0], most + 1)))]
    case = rng.random()
    text = " ".join(chosen)
    text = text.upper() if case < 0.15 else text.capitalize() if case < 0.5 else text
    width = pen_width(writer.medium, height * 0.6, writer.scale, rng)  # pens are set by the letters' x-height
    alpha = font_alpha(text, writer.font, height, max(0, round((width - 2) / 2)))
    alpha, _, _ = _crop(alpha)
    return Item((Mark(alpha, 0, 0),), alpha.shape[1], alpha.shape[0], height)


def beside(first: Item, second: Item, gap: float) -> Item:
    """``second`` written ``gap`` px right of ``first``, bottoms aligned."""
    bottom = max(first.height, second.height)
    marks = [Mark(m.alpha, m.x, m.y + bottom - first.height, m.label, m.group) for m in first.marks]
    shift = first.width + round(gap)
    marks += [Mark(m.alpha, m.x + shift, m.y + bottom - second.height, m.label, m.group) for m in second.marks]
    return _item(marks, max(first.size, second.size))


def _item(marks: list[Mark], size: float) -> Item:
    left = min(m.x for m in marks)
    top = min(m.y for m in marks)
    moved = tuple(Mark(m.alpha, m.x - left, m.y - top, m.label, m.group) for m in marks)
    width = max(m.x + m.alpha.shape[1] for m in moved)
    height = max(m.y + m.alpha.shape[0] for m in moved)
    return Item(moved, width, height, size)


def _inside(polygon: np.ndarray, x: float, y: float, w: float, h: float) -> bool:
    corners = ((x, y), (x + w, y), (x, y + h), (x + w, y + h))
    return all(cv2.pointPolygonTest(polygon, (float(cx), float(cy)), False) > 0 for cx, cy in corners)


def placed(item: Item, x: int, y: int) -> list[Mark]:
    return [Mark(m.alpha, m.x + x, m.y + y, m.label, m.group) for m in item.marks]


def along_lines(
    items, baselines: list[float], polygon: np.ndarray, lift: float, rng: np.random.Generator
) -> list[Mark]:
    """Items written line after line, left to right, each item's bottom ``lift`` px above its
    line's baseline; an item that does not fit in what the frame sees starts the next line.

    ``items`` is a callable that returns the next Item (writing is made as it is needed).
    """
    left, right = polygon[:, 0].min(), polygon[:, 0].max()
    marks: list[Mark] = []
    for baseline in baselines:
        if rng.random() < BLANK_LINE:
            continue
        cursor = left + rng.uniform(0.0, 0.15) * (right - left)
        written = 0
        for _ in range(LINE_TRIES):
            item = items()
            y = round(baseline - lift * item.size - item.height)
            start = cursor
            while start < right and not _inside(polygon, start, y, item.width, item.height):
                start += item.size  # step in from the slanted edge of the view
            if start + item.width >= right or not _inside(polygon, start, y, item.width, item.height):
                if written:
                    break
                continue  # too long for an empty line: write something shorter
            marks += placed(item, round(start), y)
            written += 1
            cursor = start + item.width + rng.uniform(*ITEM_GAP) * item.size
    return marks


def scattered(items: list[Item], polygon: np.ndarray, rng: np.random.Generator) -> list[Mark]:
    """Items at random free spots in what the frame sees, largest first; those that find no
    spot are left out."""
    x0, y0 = polygon.min(axis=0)
    x1, y1 = polygon.max(axis=0)
    boxes: list[tuple[float, float, float, float, float]] = []
    marks: list[Mark] = []
    for item in sorted(items, key=lambda i: -i.height):
        if x1 - item.width <= x0 or y1 - item.height <= y0:
            continue  # wider or taller than the view: a heading number too long to be seen whole
        for _ in range(PLACEMENT_TRIES):
            x, y = rng.uniform(x0, x1 - item.width), rng.uniform(y0, y1 - item.height)
            if not _inside(polygon, x, y, item.width, item.height):
                continue
            if all(_apart((x, y, item.width, item.height, item.size), other) for other in boxes):
                boxes.append((x, y, item.width, item.height, item.size))
                marks += placed(item, round(x), round(y))
                break
    return marks


def _apart(a, b) -> bool:
    gap = SCATTER_GAP * max(min(a[4], b[4]), 1.0)
    return (
        a[0] + a[2] + gap <= b[0] or b[0] + b[2] + gap <= a[0] or a[1] + a[3] + gap <= b[1] or b[1] + b[3] + gap <= a[1]
    )


def worksheet(writer: Writer, polygon: np.ndarray, columns: int, rows: int, rng: np.random.Generator) -> list[Mark]:
    """A grid of ``columns`` x ``rows`` lone digits filling what the frame sees, one per cell."""
    x0, y0 = polygon.min(axis=0)
    x1, y1 = polygon.max(axis=0)
    cell_w, cell_h = (x1 - x0) / columns, (y1 - y0) / rows
    height = rng.uniform(0.5, 0.7) * min(cell_h, 1.4 * cell_w)
    marks: list[Mark] = []
    group = 0
    for r in range(rows):
        for c in range(columns):
            alpha, label = _digit(writer, height * rng.uniform(*SIZE_JITTER), rng)
            alpha, _, _ = _crop(alpha)
            if alpha.shape[1] > CELL_FILL * cell_w:  # a flat digit is written smaller, inside its cell
                fit = CELL_FILL * cell_w / alpha.shape[1]
                alpha = cv2.resize(
                    alpha,
                    (max(1, round(alpha.shape[1] * fit)), max(1, round(alpha.shape[0] * fit))),
                    interpolation=cv2.INTER_AREA,
                )
            x = x0 + (c + 0.5) * cell_w - alpha.shape[1] / 2 + rng.uniform(-0.1, 0.1) * cell_w
            y = y0 + (r + 0.5) * cell_h - alpha.shape[0] / 2 + rng.uniform(-0.1, 0.1) * cell_h
            if _inside(polygon, x, y, alpha.shape[1], alpha.shape[0]):
                marks.append(Mark(alpha, round(x), round(y), label, group))
                group += 1
    return marks
