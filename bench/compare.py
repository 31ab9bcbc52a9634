"""The tuned benchmark (bench.scenes) and the independent one (bench.field) side by side.

    python -m bench.compare [--scenes 40] [--size 640x480] [--model PATH] [--workers N]

Both score with bench.metrics on the same recognizer; the gap between their overall F1 and
between their false digits per frame with no digits is the figure that says whether a change
generalises or only fits the generator it was tuned on.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench import accuracy
from bench.field import run as field
from bench.field.conditions import CONDITIONS as FIELD_CONDITIONS
from bench.metrics import Counts
from bench.scenes import CONDITIONS as OLD_CONDITIONS
from bench.workers import map_jobs
from camdigits.parallel import worker_count
from camdigits.recognition.recognizer import Recognizer

SCENES = 40  # per condition, in each benchmark
OLD_EMPTY = ("empty",)  # bench.scenes' conditions without digits

OLD_HEADER = (
    "| condition | scenes | digits | precision | recall | label acc. | F1 | false digits / image "
    "| numbers exact (n) |\n" + "| --- " * 9 + "|"
)


def _job(recognizer: Recognizer, job: tuple[str, str, int, tuple[int, int]]) -> Counts:
    bench, condition, scenes, size = job
    if bench == "old":
        return accuracy.evaluate(recognizer, condition, scenes, size)[0]
    return field.evaluate(recognizer, field.Job(condition, scenes, size))


def measure(scenes: int, size: tuple[int, int], model: Path | None, workers: int) -> tuple[dict, dict]:
    """Counts per condition of the old benchmark and of the field one."""
    jobs = [("old", c, scenes, size) for c in OLD_CONDITIONS] + [("field", c, scenes, size) for c in FIELD_CONDITIONS]
    results = list(map_jobs(_job, jobs, model, workers))
    old = dict(zip(OLD_CONDITIONS, results[: len(OLD_CONDITIONS)]))
    new = dict(zip(FIELD_CONDITIONS, results[len(OLD_CONDITIONS) :]))
    return old, new


def _row(figure: str, old: float, new: float, digits: int) -> str:
    return f"| {figure} | {old:.{digits}f} | {new:.{digits}f} | {new - old:+.{digits}f} |"


def summary(old: dict[str, Counts], new: dict[str, Counts]) -> list[str]:
    """Overall F1 of the digit conditions and false digits per frame without digits, both
    benchmarks; the gap is field minus tuned."""

    def together(results, names):
        return sum((results[n] for n in names), Counts())

    old_names = [c for c in old if c not in OLD_EMPTY]
    new_names = [c for c in new if FIELD_CONDITIONS[c].min_f1 is not None]
    old_digits, new_digits = together(old, old_names), together(new, new_names)
    old_empty = together(old, [c for c in old if c in OLD_EMPTY])
    new_empty = together(new, [c for c in new if c not in new_names])
    return [
        "| figure | bench.scenes (tuned) | bench.field (independent) | gap |",
        "| --- | --- | --- | --- |",
        _row("F1, digit conditions together", old_digits.f1, new_digits.f1, 3),
        _row("recall", old_digits.recall, new_digits.recall, 3),
        _row("worst digit condition's F1", min(old[c].f1 for c in old_names), min(new[c].f1 for c in new_names), 3),
        _row("numbers read exactly", old_digits.number_rate, new_digits.number_rate, 2),
        _row(
            "false digits / frame without digits", old_empty.false_digits_per_image, new_empty.false_digits_per_image, 2
        ),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=SCENES, help="scenes per condition, in each benchmark")
    parser.add_argument("--size", default="640x480", help="frame size WxH")
    parser.add_argument("--model", type=Path, default=None, help="a .tflite model instead of the shipped one")
    parser.add_argument("--workers", type=int, default=worker_count(), help="processes (default: one per core)")
    args = parser.parse_args(argv)
    size = field.parse_size(args.size)
    model_name = Recognizer(args.model).classifier.path.name
    old, new = measure(args.scenes, size, args.model, args.workers)
    print(f"{args.scenes} scenes per condition at {size[0]}x{size[1]}, model {model_name}\n")
    print("bench.scenes (python -m bench.accuracy), tuned on:\n")
    print(OLD_HEADER)
    for name, counts in old.items():
        print(accuracy.format_row(name, counts, 0.0).rsplit(" | ", 1)[0] + " |")  # without its timing
    print("\nbench.field (python -m bench.field), independent:\n")
    print("\n".join(field.table(new)))
    print("\nthe gap:\n")
    print("\n".join(summary(old, new)))


if __name__ == "__main__":
    main()
