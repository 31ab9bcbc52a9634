"""The command line of :mod:`bench.legibility`: ``sheets`` and ``score``."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.field.conditions import CONDITIONS
from bench.field.run import parse_size
from bench.legibility.score import check_together, f1_if_read, parse_answers, score_answers
from bench.legibility.sheets import Key, load_key, make_key, write_sheets
from camdigits.recognition.recognizer import Recognizer

DIGIT_CONDITIONS = sorted(name for name, condition in CONDITIONS.items() if condition.min_f1 is not None)


def frame_size(text: str) -> tuple[int, int]:
    try:
        return parse_size(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WxH, for example 640x480") from None


def height_span(text: str) -> tuple[int, int]:
    try:
        low, high = (int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not LOW,HIGH in px, for example 0,20") from None
    if not 0 <= low < high:
        raise argparse.ArgumentTypeError(f"{text!r}: the heights must satisfy 0 <= LOW < HIGH")
    return low, high


def count(text: str, least: int = 0) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"{text!r}: give {least} or more")
    return value


def scene_count(text: str) -> int:
    return count(text, least=1)


def describe(key: Key) -> str:
    width, height = key.size
    low, high = key.heights
    heights = (
        f"{low}-{high - 1} px tall" if high <= height else "of every height" if low == 0 else f"{low} px or taller"
    )
    seeds = f"seeds {key.first_seed}-{key.first_seed + key.scenes - 1}"
    return f"{key.condition} {width}x{height}, {seeds}, digits {heights}"


def print_score(pairs: list[Path]) -> None:
    """Each set's score (folder of sheets, answers file), and with several sets of one
    condition and disjoint heights, the F1 with all of them read."""
    if len(pairs) % 2:
        raise ValueError("give the sheets' folder and the answers file in pairs: OUT ANSWERS [OUT ANSWERS ...]")
    keys = [load_key(out) for out in pairs[::2]]
    if len(keys) > 1:
        check_together(keys)
    scores = [score_answers(key, parse_answers(answers.read_text())) for key, answers in zip(keys, pairs[1::2])]
    for key, result in zip(keys, scores):
        sure = f" ({result.missed_right_sure} not marked as guesses)" if result.guesses else ""
        without = f" ({f1_if_read(key.totals, [result.gained_sure]):.3f} without guesses)" if result.guesses else ""
        print(
            f"{describe(key)}\n"
            f"missed digits read right by the reader: {result.missed_right} of {result.missed}{sure}\n"
            f"digits the recognizer read, read right by the reader: {result.read_right} of {result.read}\n"
            f"F1 {f1_if_read(key.totals, []):.3f}; with every missed digit the reader read: "
            f"{f1_if_read(key.totals, [result.gained]):.3f}{without}; target {CONDITIONS[key.condition].min_f1}"
        )
    if len(keys) > 1:
        together = f1_if_read(keys[0].totals, [result.gained for result in scores])
        sure = f1_if_read(keys[0].totals, [result.gained_sure for result in scores])
        print(f"all {len(keys)} sets: F1 with every missed digit the reader read {together:.3f}", end="")
        print(f" ({sure:.3f} without guesses)" if any(result.guesses for result in scores) else "")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.legibility", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    sheets = commands.add_parser("sheets", help="draw reading sheets and their key")
    sheets.add_argument("out", type=Path, help="folder for sheet-N.png and key.json")
    sheets.add_argument("--condition", default="mixed_sizes", choices=DIGIT_CONDITIONS)
    sheets.add_argument("--size", type=frame_size, default=(640, 480), help="WxH (default 640x480)")
    sheets.add_argument("--first-seed", type=count, default=0)
    sheets.add_argument("--scenes", type=scene_count, default=40)
    sheets.add_argument("--misses", type=count, default=80, help="missed digits on the sheets, at most")
    sheets.add_argument("--hits", type=count, default=40, help="digits read right, as a control")
    sheets.add_argument("--heights", type=height_span, default=(0, 20), help="px: the digits' heights, from and below")
    score = commands.add_parser("score", help="score a reader's answers")
    score.add_argument(
        "pairs",
        type=Path,
        nargs="+",
        metavar="OUT ANSWERS",
        help="the folder of the sheets and key.json, and the text file of index:digit (index:digit? for a guess)",
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "sheets":
            key = make_key(
                args.condition,
                args.size,
                args.first_seed,
                args.scenes,
                args.heights,
                args.misses,
                args.hits,
                Recognizer(),
            )
            pages = write_sheets(args.out, key)
            print(
                f"{len(key.tiles)} tiles ({sum(t.missed for t in key.tiles)} missed) on {pages} sheets in {args.out}; "
                f"answers for them start with the line '# tiles: {key.digest}'"
            )
        else:
            print_score(args.pairs)
    except (OSError, ValueError) as error:
        parser.exit(1, f"bench.legibility: {error}\n")
