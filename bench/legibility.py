"""What a person reads of the digits the recognizer misses: reading sheets and their score.

    python -m bench.legibility sheets OUT [--condition mixed_sizes] [--size 640x480]
                              [--first-seed 0] [--scenes 40] [--misses 80] [--hits 40]
                              [--heights 0,20]
    python -m bench.legibility score OUT ANSWERS [OUT ANSWERS ...]

``sheets`` reads the field set's scenes of one condition with the recognizer, takes the true
digits of the given heights (px, from and below) that it misses (no box on them, or a wrong
label) and, as a control, some that it reads right, shuffles them and draws each as an
enlarged crop with its neighbours and a green box round it, numbered and unlabelled, 24 to a
sheet (OUT/sheet-N.png). The truth goes to OUT/key.json, which the reader does not open.

The reader writes what each boxed digit is, ``index:digit``, or ``index:digit?`` where it is
a guess, into a text file (``#`` starts a comment). ``score`` prints how many of the missed
and of the read digits the reader read right, and the F1 the condition would have if the
recognizer read every missed digit the reader read: a figure no reading of those pixels is
likely to pass, beside the condition's target. Sets of one condition drawn for disjoint
heights are scored together too (docs/accuracy.md, "What a person reads of
the missed digits").
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np

from bench.field.conditions import CONDITIONS
from bench.field.run import parse_size
from bench.field.scene import render
from bench.metrics import match_boxes
from camdigits.recognition.recognizer import Recognizer
from camdigits.types import Box

TILE = 150  # px: a tile's side on the sheet
CONTEXT = 3  # a crop is this many times the digit's larger side, so its neighbours show
LEAST_CROP = 36  # px of the frame: a crop round a speck shows its neighbours too
COLUMNS, ROWS = 6, 4  # tiles on a sheet
GAP = 5  # px between tiles
SHUFFLE_SEED = 7
ANSWER = re.compile(r"^(\d+):(\d)(\?)?$")


@dataclass(frozen=True)
class Tile:
    """One true digit on a sheet: its scene's seed, label and box, and what the recognizer
    put out on it (None: no box)."""

    seed: int
    label: int
    box: Box
    missed: bool
    read: int | None


@dataclass(frozen=True)
class Totals:
    """The condition's counts over its scenes (for the F1 a reader's reading implies)."""

    truth: int
    hits: int
    predicted: int
    missed_in_heights: int  # missed digits of the sheets' heights, of which the sheets hold some or all


def scene_tiles(condition: str, seed: int, size: tuple[int, int], recognizer: Recognizer) -> tuple[list[Tile], int]:
    """Every true digit of one scene as a tile, and how many digits the recognizer put out."""
    scene = render(condition, seed, size)
    result = recognizer.recognize(scene.image)
    predicted = [(d.label, d.box) for d in result.digits]
    on_truth = {j: i for i, j in match_boxes([box for _, box in predicted], [box for _, box in scene.digits])}
    tiles = []
    for j, (label, box) in enumerate(scene.digits):
        read = predicted[on_truth[j]][0] if j in on_truth else None
        tiles.append(Tile(seed, int(label), tuple(int(v) for v in box), read != label, read))
    return tiles, len(predicted)


def choose(tiles: list[Tile], misses: int, hits: int, shuffle_seed: int = SHUFFLE_SEED) -> list[Tile]:
    """Up to ``misses`` missed tiles (all of them where there are no more) and ``hits`` read
    ones, drawn and shuffled by a fixed seed, so that the sheets neither group the misses nor
    change from run to run."""
    rng = random.Random(shuffle_seed)
    missed = [tile for tile in tiles if tile.missed]
    read = [tile for tile in tiles if not tile.missed]
    if len(missed) > misses:
        missed = rng.sample(missed, misses)
    chosen = missed + rng.sample(read, min(hits, len(read)))
    rng.shuffle(chosen)
    return chosen


def crop(image: np.ndarray, box: Box) -> np.ndarray:
    """A TILE-px square crop of ``image`` centred on ``box``, CONTEXT times its larger side,
    with a green box drawn round the digit (a frame's edge is repeated outwards)."""
    x, y, w, h = box
    side = max(CONTEXT * max(w, h), LEAST_CROP)
    padded = cv2.copyMakeBorder(image, side, side, side, side, cv2.BORDER_REPLICATE)
    left, top = x + w // 2 - side // 2, y + h // 2 - side // 2
    window = padded[top + side : top + 2 * side, left + side : left + 2 * side]
    tile = cv2.resize(window, (TILE, TILE), interpolation=cv2.INTER_CUBIC)
    scale = TILE / side
    corner = (round((x - left) * scale) - 4, round((y - top) * scale) - 4)
    far = (round((x - left + w) * scale) + 4, round((y - top + h) * scale) + 4)
    cv2.rectangle(tile, corner, far, (0, 200, 0), 1)
    return tile


def draw_sheets(tiles: list[Tile], condition: str, size: tuple[int, int]) -> list[np.ndarray]:
    """The tiles' crops, COLUMNS x ROWS to a white sheet (BGR), each numbered in red at its
    top left with Pillow (cv2.putText's letters change with the OpenCV version)."""
    from PIL import Image, ImageDraw

    frames = {seed: render(condition, seed, size).image for seed in sorted({tile.seed for tile in tiles})}
    per_sheet = COLUMNS * ROWS
    sheets = []
    for first in range(0, len(tiles), per_sheet):
        sheet = np.full((ROWS * (TILE + GAP), COLUMNS * (TILE + GAP), 3), 255, np.uint8)
        corners = [(row * (TILE + GAP), column * (TILE + GAP)) for row in range(ROWS) for column in range(COLUMNS)]
        on_sheet = list(zip(tiles[first : first + per_sheet], corners))
        for tile, (top, left) in on_sheet:
            sheet[top : top + TILE, left : left + TILE] = crop(frames[tile.seed], tile.box)
        picture = Image.fromarray(sheet[:, :, ::-1].copy())
        pen = ImageDraw.Draw(picture)
        for k, (_, (top, left)) in enumerate(on_sheet):
            pen.text((left + 3, top + 3), str(first + k), fill=(255, 0, 0))
        sheets.append(np.asarray(picture)[:, :, ::-1])
    return sheets


def parse_answers(text: str) -> dict[int, tuple[int, bool]]:
    """A reader's answers, ``index:digit`` or ``index:digit?`` (a guess), separated by white
    space; ``#`` starts a comment. Returns index -> (digit, guessed)."""
    answers: dict[int, tuple[int, bool]] = {}
    for token in re.sub(r"#[^\n]*", "", text).split():
        match = ANSWER.match(token)
        if not match:
            raise ValueError(f"answer {token!r} is not index:digit or index:digit? (for example 12:4 or 12:4?)")
        index = int(match.group(1))
        if index in answers:
            raise ValueError(f"tile {index} is answered twice")
        answers[index] = (int(match.group(2)), match.group(3) is not None)
    return answers


@dataclass(frozen=True)
class Score:
    """How a reader read the tiles: the missed and the read digits read right (guesses
    included; ``_sure``: without them), and what the recognizer would gain if it read every
    missed digit the reader read right: hits, and boxes where it put none (scaled from the
    tiles to all missed digits of their heights)."""

    missed: int
    missed_right: int
    missed_right_sure: int
    read: int
    read_right: int
    gained: tuple[float, float]
    gained_sure: tuple[float, float]


def score_answers(tiles: list[Tile], totals: Totals, answers: dict[int, tuple[int, bool]]) -> Score:
    """The reader's ``answers`` against the ``tiles`` (every tile must be answered)."""
    unanswered = [k for k in range(len(tiles)) if k not in answers]
    if unanswered:
        raise ValueError(
            f"{len(unanswered)} tiles have no answer (the first: {unanswered[0]}); "
            "answer each ('index:digit?' for a guess)"
        )
    missed = [(tile, answers[k]) for k, tile in enumerate(tiles) if tile.missed]
    read = [(tile, answers[k]) for k, tile in enumerate(tiles) if not tile.missed]
    scale = totals.missed_in_heights / len(missed) if missed else 0.0

    def gain(right: list[Tile]) -> tuple[float, float]:
        return scale * len(right), scale * sum(tile.read is None for tile in right)

    right = [tile for tile, (digit, _) in missed if digit == tile.label]
    right_sure = [tile for tile, (digit, guessed) in missed if digit == tile.label and not guessed]
    return Score(
        missed=len(missed),
        missed_right=len(right),
        missed_right_sure=len(right_sure),
        read=len(read),
        read_right=sum(digit == tile.label for tile, (digit, _) in read),
        gained=gain(right),
        gained_sure=gain(right_sure),
    )


def f1_if_read(totals: Totals, gains: list[tuple[float, float]]) -> float:
    """The condition's F1 with the ``gains`` of one or more :class:`Score` (of disjoint
    heights) added to its counts; no gains: the F1 as measured."""
    hits = totals.hits + sum(hit for hit, _ in gains)
    predicted = totals.predicted + sum(box for _, box in gains)
    return 2 * hits / (totals.truth + predicted)


def make_sheets(args: argparse.Namespace) -> None:
    size = parse_size(args.size)
    low, high = (int(v) for v in args.heights.split(","))
    recognizer = Recognizer()
    tiles, predicted = [], 0
    for seed in range(args.first_seed, args.first_seed + args.scenes):
        scene, count = scene_tiles(args.condition, seed, size, recognizer)
        tiles += scene
        predicted += count
    totals = Totals(
        truth=len(tiles),
        hits=sum(not tile.missed for tile in tiles),
        predicted=predicted,
        missed_in_heights=sum(tile.missed and low <= tile.box[3] < high for tile in tiles),
    )
    chosen = choose([tile for tile in tiles if low <= tile.box[3] < high], args.misses, args.hits)
    args.out.mkdir(parents=True, exist_ok=True)
    for k, sheet in enumerate(draw_sheets(chosen, args.condition, size)):
        cv2.imwrite(str(args.out / f"sheet-{k}.png"), sheet)
    key = {"condition": args.condition, "size": list(size), "first_seed": args.first_seed, "scenes": args.scenes}
    key |= {"heights": [low, high], "totals": asdict(totals), "tiles": [asdict(tile) for tile in chosen]}
    (args.out / "key.json").write_text(json.dumps(key))
    sheets = math.ceil(len(chosen) / (COLUMNS * ROWS))
    print(f"{len(chosen)} tiles ({sum(t.missed for t in chosen)} missed) on {sheets} sheets in {args.out}")


def load_key(folder: Path) -> tuple[dict, list[Tile], Totals]:
    key = json.loads((folder / "key.json").read_text())
    tiles = [Tile(t["seed"], t["label"], tuple(t["box"]), t["missed"], t["read"]) for t in key["tiles"]]
    return key, tiles, Totals(**key["totals"])


def describe(key: dict) -> str:
    width, height = key["size"]
    low, high = key["heights"]
    heights = f"{low}-{high - 1} px tall" if high <= height else f"{low} px tall or more"
    return (
        f"{key['condition']} {width}x{height}, seeds {key['first_seed']} on, {key['scenes']} scenes, digits {heights}"
    )


def print_score(pairs: list[Path]) -> None:
    """Each set's score (folder of sheets, answers), and with several sets of one condition
    and disjoint heights, the F1 with all of them read."""
    if len(pairs) % 2:
        raise ValueError("give the sheets' folder and the answers file in pairs: OUT ANSWERS [OUT ANSWERS ...]")
    sets = [(load_key(out), answers) for out, answers in zip(pairs[::2], pairs[1::2])]
    scores = []
    for (key, tiles, totals), answers in sets:
        result = score_answers(tiles, totals, parse_answers(answers.read_text()))
        scores.append(result)
        print(
            f"{describe(key)}\n"
            f"missed digits read right by the reader: {result.missed_right} of {result.missed} "
            f"({result.missed_right_sure} not marked as guesses)\n"
            f"digits the recognizer read, read right by the reader: {result.read_right} of {result.read}\n"
            f"F1 {f1_if_read(totals, []):.3f}; with every missed digit the reader read: "
            f"{f1_if_read(totals, [result.gained]):.3f} ({f1_if_read(totals, [result.gained_sure]):.3f} "
            f"without guesses); target {CONDITIONS[key['condition']].min_f1}"
        )
    if len(sets) > 1:
        keys = [key for (key, _, _), _ in sets]
        same = ("condition", "size", "first_seed", "scenes")
        if any(key[field] != keys[0][field] for key in keys for field in same):
            raise ValueError("sets scored together must be of one condition, size and seeds")
        spans = sorted(key["heights"] for key in keys)
        if any(high > low for (_, high), (low, _) in zip(spans, spans[1:])):
            raise ValueError("sets scored together must be of disjoint heights")
        totals = sets[0][0][2]
        print(
            f"all {len(sets)} sets: F1 with every missed digit the reader read "
            f"{f1_if_read(totals, [r.gained for r in scores]):.3f} "
            f"({f1_if_read(totals, [r.gained_sure for r in scores]):.3f} without guesses)"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    sheets = commands.add_parser("sheets", help="draw reading sheets and their key")
    sheets.add_argument("out", type=Path, help="folder for sheet-N.png and key.json")
    sheets.add_argument("--condition", default="mixed_sizes", choices=sorted(CONDITIONS))
    sheets.add_argument("--size", default="640x480")
    sheets.add_argument("--first-seed", type=int, default=0)
    sheets.add_argument("--scenes", type=int, default=40)
    sheets.add_argument("--misses", type=int, default=80, help="missed digits on the sheets, at most")
    sheets.add_argument("--hits", type=int, default=40, help="digits read right, as a control")
    sheets.add_argument("--heights", default="0,20", help="px: the digits' heights, from and below")
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
        make_sheets(args) if args.command == "sheets" else print_score(args.pairs)
    except (OSError, ValueError) as error:
        parser.exit(1, f"bench.legibility: {error}\n")


if __name__ == "__main__":
    main()
