"""The official MNIST test digits laid out in grids on clean paper, read end to end.

    python -m bench.mnist_grids [--digits 10000] [--heights 24,32,40] [--model PATH]

Each 640x480 page holds a grid of 10 x 7 test digits, in test-set order, each written as its
grey MNIST image scaled so its ink is about the given height, dark pen on light paper: no
camera, no rendering of our own. This is how the issue's independent check lays MNIST out
("the 10,000 MNIST test digits in grids of about 10x7 on clean paper", target F1 >= 0.99),
and the figure sits between the model's accuracy on MNIST itself (train.evaluate) and the
scene benchmarks: what segmentation, patches, the split stage and the word context take
away from digits the network reads well.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

from bench.metrics import Counts, score
from camdigits.recognition.recognizer import Recognizer
from camdigits.types import Box
from train.data import load_mnist_test

TARGET_F1 = 0.99
SIZE = (640, 480)  # page width, height
COLUMNS, ROWS = 10, 7
CELL = (60, 64)  # px between the grid's columns and rows: room for a MAX_HEIGHT digit's field
MARGIN = (20, 12)  # px from the page's left and top edges to the first cell
MIN_HEIGHT, MAX_HEIGHT = 10, 40  # px: Config.min_digit_height, and the most a cell holds
TEST_DIGITS = 10000
PAPER, PEN = 235, 40  # grey levels
FIELD = 28 / 20  # an MNIST image is 28 px for a digit about 20 px tall


def write_digit(page: np.ndarray, image: np.ndarray, x: int, y: int, height: int, ink: int = PEN) -> Box:
    """Blend one 28x28 MNIST image onto ``page`` (grey or BGR, uint8) as ``ink`` with its
    top-left at (x, y), scaled so its ink is about ``height`` px tall and clipped at the
    page's edges; the tight box of its ink (alpha >= 0.5) in page pixels."""
    side = round(height * FIELD)
    alpha = cv2.resize(image, (side, side), interpolation=cv2.INTER_LINEAR).astype(np.float32) / 255.0
    alpha = alpha[: max(page.shape[0] - y, 0), : max(page.shape[1] - x, 0)]
    region = page[y : y + side, x : x + side].astype(np.float32)
    cover = alpha if page.ndim == 2 else alpha[..., None]
    page[y : y + side, x : x + side] = np.clip(region * (1 - cover) + ink * cover, 0, 255).astype(np.uint8)
    bx, by, bw, bh = cv2.boundingRect((alpha >= 0.5).astype(np.uint8))
    return (x + bx, y + by, bw, bh)


def grid_page(images: np.ndarray, labels: np.ndarray, height: int) -> tuple[np.ndarray, list[tuple[int, Box]]]:
    """A grey page with up to COLUMNS x ROWS digits, row by row, and their (label, box)."""
    if len(images) > COLUMNS * ROWS or len(images) != len(labels) or not MIN_HEIGHT <= height <= MAX_HEIGHT:
        raise ValueError(
            f"a page holds up to {COLUMNS * ROWS} digits with one label each, {MIN_HEIGHT}-{MAX_HEIGHT} px tall; "
            f"got {len(images)} images, {len(labels)} labels, {height} px"
        )
    page = np.full((SIZE[1], SIZE[0]), PAPER, np.uint8)
    truth = []
    for k, (image, label) in enumerate(zip(images, labels)):
        row, column = divmod(k, COLUMNS)
        box = write_digit(page, image, MARGIN[0] + column * CELL[0], MARGIN[1] + row * CELL[1], height)
        truth.append((int(label), box))
    return page, truth


def measure(recognizer: Recognizer, images: np.ndarray, labels: np.ndarray, height: int) -> Counts:
    """Counts over every page of the digits at one height."""
    per_page = COLUMNS * ROWS
    total = Counts()
    for start in range(0, len(images), per_page):
        page, truth = grid_page(images[start : start + per_page], labels[start : start + per_page], height)
        result = recognizer.recognize(page)
        total += score([(d.label, d.box) for d in result.digits], truth)
    return total


def table(rows: list[tuple[str, Counts]]) -> str:
    lines = [
        "| digit height | pages | digits | precision | recall | label acc. | F1 | false digits / page | met |",
        "| --- " * 9 + "|",
    ]
    for name, c in rows:
        met = "yes" if c.f1 >= TARGET_F1 else "**no**"
        lines.append(
            f"| {name} | {c.images} | {c.truth} | {c.precision:.4f} | {c.recall:.4f} | {c.label_accuracy:.4f} "
            f"| **{c.f1:.4f}** | {c.false_digits_per_image:.2f} | {met} |"
        )
    return "\n".join(lines)


def _heights(text: str) -> list[int]:
    """``--heights``: comma-separated digit heights, each MIN_HEIGHT-MAX_HEIGHT px."""
    try:
        heights = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated whole numbers of px, got {text!r}") from None
    if not all(MIN_HEIGHT <= h <= MAX_HEIGHT for h in heights):
        raise argparse.ArgumentTypeError(f"every height must be {MIN_HEIGHT}-{MAX_HEIGHT} px, got {text}")
    return heights


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digits", type=int, default=TEST_DIGITS, help=f"the first N test digits (1-{TEST_DIGITS})")
    parser.add_argument("--heights", type=_heights, default=[24, 32, 40], help="digit heights in px, comma-separated")
    parser.add_argument("--model", type=Path, default=None, help="a .tflite model instead of the shipped one")
    args = parser.parse_args(argv)
    if not 0 < args.digits <= TEST_DIGITS:
        parser.error(f"--digits must be 1-{TEST_DIGITS}, got {args.digits}")
    heights = args.heights
    images, labels = load_mnist_test()
    images, labels = images[: args.digits], labels[: args.digits]
    recognizer = Recognizer(args.model)
    rows = [(f"{h} px", measure(recognizer, images, labels, h)) for h in heights]
    everything = Counts()
    for _, counts in rows:
        everything += counts
    print(
        f"MNIST test digits 0-{len(images) - 1} in {COLUMNS}x{ROWS} grids on clean {SIZE[0]}x{SIZE[1]} paper "
        f"(target F1 >= {TARGET_F1}):\n"
    )
    print(table([*rows, ("all", everything)]))


if __name__ == "__main__":
    main()
