"""Memory and time of ``camdigits snapshot`` on hostile content, against the bound the
README states: peak RSS <= 150 MB + 60 bytes per pixel, and time that grows with the pixels.

    python -m bench.bounds [--sizes 1 12 48] [--kinds noise texture page]

For each kind of image (uniform random noise, fine texture, a printed page) and each size
in megapixels, writes a grey PNG, runs the command on it in a fresh process and prints a
Markdown row: peak RSS (getrusage of the child), the bound, wall time, seconds per MP, and
the note the result carries when the frame hit the candidate cap.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from bench.cli_runs import LAUNCHER

BASE_MB = 150.0  # the bound's fixed part: interpreter, OpenCV, LiteRT and the model
BYTES_PER_PIXEL = 60.0  # the bound's part that grows with the image
KINDS = ("noise", "texture", "page")


def rss_bound_mb(pixels: int) -> float:
    """The peak RSS the README promises for an image of ``pixels`` pixels, in MB."""
    return BASE_MB + BYTES_PER_PIXEL * pixels / 2**20


def image_size(megapixels: float) -> tuple[int, int]:
    """(width, height) of a 4:3 image of about ``megapixels`` MP."""
    height = int(round(math.sqrt(megapixels * 1e6 * 3 / 4)))
    return height * 4 // 3, height


def hostile_image(kind: str, size: tuple[int, int], seed: int = 0) -> np.ndarray:
    """A grey uint8 image of ``size`` (w, h): "noise" (uniform random pixels), "texture"
    (noise blurred to specks a few px wide, like gravel or fabric) or "page" (lines of
    printed text and numbers filling a page, the same layout at every size)."""
    width, height = size
    rng = np.random.default_rng(seed)
    if kind == "noise":
        return rng.integers(0, 256, (height, width), dtype=np.uint8)
    if kind == "texture":
        blurred = cv2.GaussianBlur(rng.integers(0, 256, (height, width), dtype=np.uint8), (0, 0), 2)
        return cv2.normalize(blurred, None, 0, 255, cv2.NORM_MINMAX)
    if kind == "page":
        page = np.full((height, width), 235, np.uint8)
        line_height = height / 60
        scale = line_height / 40  # putText's font is about 30 px tall at scale 1
        words = ["Invoice", "2026", "total", "407.50", "Nr.", "31", "paid", "on", "12/11", "ref", "88213"]
        for row in range(56):
            text = " ".join(words[(row + i) % len(words)] for i in range(12))
            y = int((row + 2.5) * line_height)
            cv2.putText(
                page,
                text,
                (int(width * 0.05), y),
                cv2.FONT_HERSHEY_SIMPLEX,
                scale,
                30,
                max(1, round(2 * scale)),
                cv2.LINE_AA,
            )
        return page
    raise ValueError(f"unknown kind {kind!r}, expected one of {KINDS}")


def measure(path: Path, json_path: Path) -> tuple[float, float, int]:
    """(peak RSS in MB, wall seconds, exit code) of ``camdigits snapshot path --json``."""
    command = [sys.executable, "-m", "camdigits", "snapshot", str(path), "--json", str(json_path)]
    start = time.perf_counter()
    launcher = subprocess.run([sys.executable, "-c", LAUNCHER, *command], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    _, report = launcher.stdout.splitlines()
    max_rss_kib, code = (int(word) for word in report.split())
    return max_rss_kib / 1024, wall, code


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 12, 48], help="megapixels")
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    args = parser.parse_args(argv)
    print("| image | MP | peak RSS MB | bound MB | wall s | s per MP | exit | digits | note |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as folder:
        for megapixels in args.sizes:
            for kind in args.kinds:
                size = image_size(megapixels)
                path, json_path = Path(folder) / f"{kind}.png", Path(folder) / f"{kind}.jsonl"
                cv2.imwrite(str(path), hostile_image(kind, size), [cv2.IMWRITE_PNG_COMPRESSION, 1])
                rss, wall, code = measure(path, json_path)
                record = json.loads(json_path.read_text())
                pixels = size[0] * size[1]
                print(
                    f"| {kind} {size[0]}x{size[1]} | {pixels / 1e6:.1f} | {rss:.0f} | {rss_bound_mb(pixels):.0f} "
                    f"| {wall:.1f} | {wall / (pixels / 1e6):.2f} | {code} | {len(record['digits'])} "
                    f"| {'cap hit' if record.get('note') else ''} |",
                    flush=True,
                )
                path.unlink()


if __name__ == "__main__":
    main()
