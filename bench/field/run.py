"""Field benchmark: end-to-end figures per condition on scenes independent of bench.scenes.

    python -m bench.field [--scenes 40] [--size 640x480|1280x720] [--conditions a,b]
                          [--model PATH] [--workers N] [--dump DIR] [--first-seed N]

Prints one table: condition, scenes, digits, F1, recall, precision, false digits per image,
exact-number rate, the condition's target and whether it is met; then the digit conditions
together against the overall target.

The figures in docs and tables are of seeds 0 on. A value chosen by looking at those pages
is checked on seeds nobody looked at (``--first-seed N``; docs/accuracy.md says which seeds
such checks have used) before it is kept.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import cv2

from bench.field.conditions import CONDITIONS, OVERALL_F1, Condition
from bench.field.scene import FieldScene, render
from bench.metrics import Counts, score
from bench.workers import map_jobs
from camdigits.parallel import worker_count
from camdigits.recognition.recognizer import Recognizer
from camdigits.types import FrameResult

SCENES = 40  # per condition: a false-digit rate of 0.1 is then about 4 marks
DUMP_LIMIT = 8  # failure images written per condition with --dump


@dataclass(frozen=True)
class Job:
    condition: str
    scenes: int
    size: tuple[int, int]
    dump: Path | None = None
    first_seed: int = 0


def score_scene(result: FrameResult, scene: FieldScene) -> Counts:
    return score(
        [(d.label, d.box) for d in result.digits],
        list(scene.digits),
        [(n.text, n.box) for n in result.numbers],
        list(scene.numbers),
    )


def evaluate(recognizer: Recognizer, job: Job) -> Counts:
    """Counts over the job's seeded scenes."""
    total, dumped = Counts(), 0
    for seed in range(job.first_seed, job.first_seed + job.scenes):
        scene = render(job.condition, seed, job.size)
        result = recognizer.recognize(scene.image)
        counts = score_scene(result, scene)
        total += counts
        failed = counts.hits < counts.truth or counts.predicted > counts.hits
        if job.dump is not None and dumped < DUMP_LIMIT and failed:
            dump(job.dump / f"{job.condition}-{job.size[0]}-{seed}.png", scene, result)
            dumped += 1
    return total


def dump(path: Path, scene: FieldScene, result: FrameResult) -> None:
    """The frame with truth boxes in green and predictions in red (boxes only: no text, whose
    drawing depends on the OpenCV version)."""
    image = scene.image.copy()
    for _, (x, y, w, h) in scene.digits:
        cv2.rectangle(image, (x, y), (x + w, y + h), (0, 170, 0), 1)
    for digit in result.digits:
        x, y, w, h = digit.box
        cv2.rectangle(image, (x - 1, y - 1), (x + w + 1, y + h + 1), (0, 0, 230), 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), image)


def target(condition: Condition) -> str:
    parts = []
    if condition.min_f1 is not None:
        parts.append(f"F1 >= {condition.min_f1:.2f}")
    if condition.max_false_digits is not None:
        parts.append(f"false <= {condition.max_false_digits:.1f}")
    return ", ".join(parts)


def met(condition: Condition, counts: Counts) -> bool:
    return (condition.min_f1 is None or counts.f1 >= condition.min_f1) and (
        condition.max_false_digits is None or counts.false_digits_per_image <= condition.max_false_digits
    )


HEADER = (
    "| condition | scenes | digits | F1 | recall | precision | false digits / image | numbers exact (n) "
    "| target | met |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
)


def format_row(name: str, counts: Counts, goal: str, ok: bool) -> str:
    numbers = f"{counts.number_rate:.2f} ({counts.numbers})" if counts.numbers else "-"
    rates = (
        f"**{counts.f1:.3f}** | {counts.recall:.3f} | {counts.precision:.3f}" if counts.truth else "- | - | -"
    )  # no digits to find: only the false digits count
    return (
        f"| {name} | {counts.images} | {counts.truth} | {rates} | {counts.false_digits_per_image:.2f} | "
        f"{numbers} | {goal} | "
        f"{'yes' if ok else '**no**'} |"
    )


def table(results: dict[str, Counts]) -> list[str]:
    """The rows of one table, with the digit conditions together last."""
    rows = [HEADER]
    for name, counts in results.items():
        rows.append(format_row(name, counts, target(CONDITIONS[name]), met(CONDITIONS[name], counts)))
    digit_conditions = [name for name in results if CONDITIONS[name].min_f1 is not None]
    if digit_conditions:
        together = sum((results[name] for name in digit_conditions), Counts())
        rows.append(format_row("all digit conditions", together, f"F1 >= {OVERALL_F1:.2f}", together.f1 >= OVERALL_F1))
    return rows


def run(jobs: list[Job], model: Path | None, workers: int):
    """evaluate() of each job, in order: in ``workers`` processes, or here if 1."""
    return map_jobs(evaluate, jobs, model, workers)


def parse_size(text: str) -> tuple[int, int]:
    width, height = (int(v) for v in text.lower().split("x"))
    return width, height


def measure(
    conditions: list[str],
    scenes: int,
    size: tuple[int, int],
    model: Path | None = None,
    workers: int = 1,
    dump_dir: Path | None = None,
    first_seed: int = 0,
) -> dict[str, Counts]:
    """Counts per condition, in the order given, over seeds ``first_seed`` on."""
    jobs = [Job(name, scenes, size, dump_dir, first_seed) for name in conditions]
    return dict(zip(conditions, run(jobs, model, workers)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=SCENES, help="scenes per condition")
    parser.add_argument("--size", default="640x480", help="frame size WxH (640x480 or 1280x720 as drawn)")
    parser.add_argument(
        "--conditions", default=",".join(CONDITIONS), help=f"comma-separated, from: {', '.join(CONDITIONS)}"
    )
    parser.add_argument("--model", type=Path, default=None, help="a .tflite model instead of the shipped one")
    parser.add_argument("--workers", type=int, default=worker_count(), help="processes (default: one per core)")
    parser.add_argument("--dump", type=Path, default=None, help=f"write up to {DUMP_LIMIT} failures per condition here")
    parser.add_argument(
        "--first-seed",
        type=int,
        default=0,
        help="seed of the first scene (the figures are of seeds 0 on; see docs/accuracy.md)",
    )
    args = parser.parse_args(argv)
    conditions = args.conditions.split(",")
    unknown = [c for c in conditions if c not in CONDITIONS]
    if unknown:
        parser.error(f"unknown condition(s) {', '.join(unknown)}; known: {', '.join(CONDITIONS)}")
    if args.first_seed < 0:
        parser.error("--first-seed must be 0 or more")
    size = parse_size(args.size)
    model_name = Recognizer(args.model).classifier.path.name
    results = measure(conditions, args.scenes, size, args.model, args.workers, args.dump, args.first_seed)
    seeds = f", seeds {args.first_seed} on" if args.first_seed else ""
    print(f"field benchmark: {args.scenes} scenes per condition at {size[0]}x{size[1]}{seeds}, model {model_name}\n")
    print("\n".join(table(results)))


if __name__ == "__main__":
    main()
