"""End-to-end accuracy on rendered scenes, per condition.

    python -m bench.accuracy [--scenes 40] [--conditions clean,photo,distractors,empty]
                             [--size 640x480] [--model PATH] [--dump DIR]

Renders a fixed, seeded set of scenes per condition (MNIST TEST digits only), runs the
Recognizer on each and prints detection precision/recall, label accuracy, end-to-end
digit F1, false digits per image and the number exact-match rate.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import cv2
import numpy as np

from bench.metrics import Counts, score
from bench.scenes import CONDITIONS, Scene, render_scene
from camdigits.recognizer import Recognizer
from camdigits.types import FrameResult

DEFAULT_CONDITIONS = ("clean", "photo", "distractors", "empty")
DUMP_LIMIT = 12  # failure images written per condition with --dump: enough to see patterns


def score_result(result: FrameResult, scene: Scene) -> Counts:
    return score(
        [(d.label, d.box) for d in result.digits],
        list(scene.digits),
        [(n.text, n.box) for n in result.numbers],
        list(scene.numbers),
    )


def evaluate(recognizer: Recognizer, condition: str, scenes: int, size: tuple[int, int],
             dump: Path | None = None) -> tuple[Counts, float]:
    """Counts over ``scenes`` seeded scenes and the median recognize() time in ms."""
    total, times, dumped = Counts(), [], 0
    for seed in range(scenes):
        scene = render_scene(condition, seed, size)
        start = time.perf_counter()
        result = recognizer.recognize(scene.image)
        times.append(time.perf_counter() - start)
        counts = score_result(result, scene)
        total += counts
        failed = counts.hits < counts.truth or counts.predicted > counts.hits
        if dump is not None and failed and dumped < DUMP_LIMIT:
            _dump(dump / f"{condition}-{seed}.png", scene, result)
            dumped += 1
    return total, 1000 * float(np.median(times))


def _dump(path: Path, scene: Scene, result: FrameResult) -> None:
    """Ground truth in green, predictions in red, for looking at failures."""
    image = scene.image.copy()
    for label, (x, y, w, h) in scene.digits:
        cv2.rectangle(image, (x, y), (x + w, y + h), (0, 170, 0), 1)
        cv2.putText(image, str(label), (x, y + h + 12), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 170, 0), 1)
    for digit in result.digits:
        x, y, w, h = digit.box
        cv2.rectangle(image, (x, y), (x + w, y + h), (0, 0, 230), 1)
        cv2.putText(image, f"{digit.label} {digit.confidence:.2f}", (x, y - 3), cv2.FONT_HERSHEY_SIMPLEX, 0.45,
                    (0, 0, 230), 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), image)


def format_row(name: str, counts: Counts, ms: float) -> str:
    return (f"| {name} | {counts.images} | {counts.truth} | {counts.precision:.3f} | {counts.recall:.3f} | "
            f"{counts.label_accuracy:.3f} | **{counts.f1:.3f}** | {counts.false_digits_per_image:.2f} | "
            f"{counts.number_rate:.2f} ({counts.numbers}) | {ms:.1f} |")


HEADER = ("| condition | scenes | digits | precision | recall | label acc. | F1 | false digits / image "
          "| numbers exact (n) | ms / frame |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=40, help="scenes per condition")
    parser.add_argument("--conditions", default=",".join(DEFAULT_CONDITIONS),
                        help=f"comma-separated, from: {', '.join(CONDITIONS)}")
    parser.add_argument("--size", default="640x480", help="frame size WxH")
    parser.add_argument("--model", type=Path, default=None, help="a .tflite model instead of the shipped one")
    parser.add_argument("--dump", type=Path, default=None,
                        help=f"write up to {DUMP_LIMIT} annotated failures per condition here")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    recognizer = Recognizer(args.model)
    print(f"{args.scenes} scenes per condition at {width}x{height}, model {recognizer.classifier.path.name}\n")
    print(HEADER)
    for condition in args.conditions.split(","):
        counts, ms = evaluate(recognizer, condition, args.scenes, (width, height), args.dump)
        print(format_row(condition, counts, ms), flush=True)


if __name__ == "__main__":
    main()
