"""Per-frame time of Recognizer.recognize() on rendered scenes.

    python -m bench.speed [--frames 200] [--model PATH]

For each case (frame size, digits per frame) it renders a pool of distinct seeded scenes,
warms up, then times ``--frames`` calls cycling through them and prints the median, p90
and p99 in milliseconds. Scenes are rendered before timing starts, so only recognition is
measured.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np

from bench.scenes import render_scene
from camdigits.recognizer import Recognizer

CASES = (((640, 480), 0), ((640, 480), 10), ((640, 480), 30), ((1280, 720), 10), ((1920, 1080), 10))
POOL = 20  # distinct scenes per case, cycled through
WARM_UP = 20  # calls before timing


def time_case(recognizer: Recognizer, size: tuple[int, int], digits: int, frames: int) -> np.ndarray:
    """recognize() times in ms for ``frames`` calls on clean scenes of exactly ``digits`` digits."""
    scenes = [render_scene("clean", seed, size, digit_count=digits).image for seed in range(POOL)]
    for i in range(WARM_UP):
        recognizer.recognize(scenes[i % POOL])
    times = np.empty(frames)
    for i in range(frames):
        start = time.perf_counter()
        recognizer.recognize(scenes[i % POOL])
        times[i] = time.perf_counter() - start
    return 1000 * times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=200, help="timed frames per case")
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args(argv)
    recognizer = Recognizer(args.model)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"{recognizer.config.num_threads} LiteRT threads; {args.frames} frames per case after {WARM_UP} warm-up\n")
    print("| frame | digits | median ms | p90 ms | p99 ms | fps (median) |\n| --- | --- | --- | --- | --- | --- |")
    for size, digits in CASES:
        ms = time_case(recognizer, size, digits, args.frames)
        median, p90, p99 = np.percentile(ms, [50, 90, 99])
        print(f"| {size[0]}x{size[1]} | {digits} | {median:.2f} | {p90:.2f} | {p99:.2f} | {1000 / median:.0f} |",
              flush=True)


if __name__ == "__main__":
    main()
