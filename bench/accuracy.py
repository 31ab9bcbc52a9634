"""End-to-end accuracy on rendered scenes, per condition.

    python -m bench.accuracy [--scenes 200] [--hd-scenes 200] [--conditions clean,photo,...]
                             [--size 640x480] [--model PATH] [--dump DIR] [--workers N]

Renders a fixed, seeded set of scenes per condition (MNIST TEST digits only), runs the
Recognizer on each and prints detection precision/recall, label accuracy, end-to-end
digit F1, false digits per image and the number exact-match rate: one table at --size,
and a second at 1280x720, where the same writing covers more pixels and the segmenter's
pixel-sized settings are tested at another scale.

200 scenes per condition at both sizes, not the 40 the issue asks for at least: on 40, a
false-digit rate rests on a handful of marks and moves by several hundredths between runs
of equal models (distractors: 0.03 on the first 40 scenes, 0.11 on 200, same model and
code; empty at 1280x720: 0.10 on the first 40, 0.04 on 200). The conditions are shared out
among one worker process per core, each recognizer on one thread, and the rows printed in
order: about 7 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import cv2
import numpy as np

from bench.metrics import Counts, score
from bench.scenes import CONDITIONS, Scene, render_scene
from bench.workers import map_jobs
from camdigits.parallel import worker_count
from camdigits.recognition.recognizer import Recognizer
from camdigits.types import FrameResult

DEFAULT_CONDITIONS = tuple(CONDITIONS)  # all of them, in bench.scenes' order: plain paper first
HD_SIZE = (1280, 720)  # px: a 720p webcam, the other common frame size
DUMP_LIMIT = 12  # failure images written per condition with --dump: enough to see patterns
SCENES = 200  # per condition at --size (see the module docstring)
HD_SCENES = 200  # per condition at HD_SIZE


def score_result(result: FrameResult, scene: Scene) -> Counts:
    return score(
        [(d.label, d.box) for d in result.digits],
        list(scene.digits),
        [(n.text, n.box) for n in result.numbers],
        list(scene.numbers),
    )


def evaluate(
    recognizer: Recognizer, condition: str, scenes: int, size: tuple[int, int], dump: Path | None = None
) -> tuple[Counts, float]:
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
        cv2.putText(
            image, f"{digit.label} {digit.confidence:.2f}", (x, y - 3), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 230), 1
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), image)


def format_row(name: str, counts: Counts, ms: float) -> str:
    return (
        f"| {name} | {counts.images} | {counts.truth} | {counts.precision:.3f} | {counts.recall:.3f} | "
        f"{counts.label_accuracy:.3f} | **{counts.f1:.3f}** | {counts.false_digits_per_image:.2f} | "
        f"{counts.number_rate:.2f} ({counts.numbers}) | {ms:.1f} |"
    )


HEADER = (
    "| condition | scenes | digits | precision | recall | label acc. | F1 | false digits / image "
    "| numbers exact (n) | ms / frame |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=SCENES, help="scenes per condition")
    parser.add_argument(
        "--hd-scenes",
        type=int,
        default=HD_SCENES,
        help=f"scenes per condition at {HD_SIZE[0]}x{HD_SIZE[1]}, in a second table (0: none)",
    )
    parser.add_argument(
        "--conditions", default=",".join(DEFAULT_CONDITIONS), help=f"comma-separated, from: {', '.join(CONDITIONS)}"
    )
    parser.add_argument("--size", default="640x480", help="frame size WxH")
    parser.add_argument("--model", type=Path, default=None, help="a .tflite model instead of the shipped one")
    parser.add_argument(
        "--workers",
        type=int,
        default=worker_count(),
        help="processes sharing the conditions out (default: one per core; 1: none)",
    )
    parser.add_argument(
        "--dump",
        type=Path,
        default=None,
        help=f"write up to {DUMP_LIMIT} annotated failures per condition here (1280x720 ones in hd/)",
    )
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    conditions = args.conditions.split(",")
    unknown = [c for c in conditions if c not in CONDITIONS]
    if unknown:
        parser.error(f"unknown condition(s) {', '.join(unknown)}; known: {', '.join(CONDITIONS)}")
    hd_dump = None if args.dump is None else args.dump / "hd"  # apart: the file names repeat per table
    tables = [(args.scenes, (width, height), args.dump), (args.hd_scenes, HD_SIZE, hd_dump)]
    jobs = [(condition, scenes, size, dump) for scenes, size, dump in tables if scenes > 0 for condition in conditions]
    model_name = Recognizer(args.model).classifier.path.name  # also fails early on a bad --model
    for job, (counts, ms) in zip(jobs, map_jobs(_evaluate_job, jobs, args.model, args.workers)):
        condition, scenes, size, _ = job
        if condition == conditions[0]:
            print(f"{scenes} scenes per condition at {size[0]}x{size[1]}, model {model_name}\n")
            print(HEADER)
        print(format_row(condition, counts, ms), flush=True)
        if condition == conditions[-1]:
            print()


def _evaluate_job(recognizer: Recognizer, job: tuple[str, int, tuple[int, int], Path | None]) -> tuple[Counts, float]:
    return evaluate(recognizer, *job)


if __name__ == "__main__":
    main()
