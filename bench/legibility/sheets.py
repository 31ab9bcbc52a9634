"""Reading sheets: the digits the recognizer misses on a field condition, as unlabelled crops."""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np

from bench.field.scene import render
from bench.metrics import match_boxes
from camdigits.recognition.recognizer import Recognizer
from camdigits.types import Box

TILE = 150  # px: a tile's side on the sheet
CONTEXT = 3  # a crop is this many times the digit's larger side, so its neighbours show
LEAST_CROP = 36  # px of the frame: a crop round a speck shows its neighbours too
BOX_MARGIN = 4  # px of the tile between the digit's ink and its green box, so the box hides no stroke
GREEN = (0, 200, 0)  # BGR
PAPER = 255  # beyond the frame's edge the tile is white, so the reader sees where the frame ends
COLUMNS, ROWS = 6, 4  # tiles on a sheet
GAP = 5  # px between tiles
SHUFFLE_SEED = 7  # any fixed seed: the same sheets for the same tiles, so answers stay tied to them


@dataclass(frozen=True)
class Tile:
    """One true digit on a sheet: its scene's seed, label and box, whether the recognizer
    missed it, and what it put out on it (None: no box)."""

    seed: int
    label: int
    box: Box
    missed: bool
    read: int | None


@dataclass(frozen=True)
class Totals:
    """The condition's counts over its scenes, for the F1 a reader's reading implies."""

    truth: int
    hits: int
    predicted: int
    missed_in_heights: int  # missed digits of the sheets' heights; the sheets hold some or all


@dataclass(frozen=True)
class Key:
    """What a set of sheets was drawn from, and its tiles in sheet order."""

    condition: str
    size: tuple[int, int]
    first_seed: int
    scenes: int
    heights: tuple[int, int]  # px, from and below
    totals: Totals
    tiles: tuple[Tile, ...]

    @property
    def digest(self) -> str:
        """12 hex digits of the tiles' sha256: answers carry it, so that they are not scored
        against sheets drawn anew by another recognizer."""
        text = json.dumps([asdict(tile) for tile in self.tiles])
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def scene_tiles(condition: str, seed: int, size: tuple[int, int], recognizer: Recognizer) -> tuple[list[Tile], int]:
    """Every true digit of one scene as a tile, missed as bench.field scores a miss (no box
    at IoU 0.5, or a wrong label), and how many digits the recognizer put out."""
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
    """A TILE-px square crop of ``image`` (BGR) centred on ``box``, CONTEXT times its larger
    side, with a green box drawn round the digit; white beyond the frame's edge."""
    x, y, w, h = box
    side = max(CONTEXT * max(w, h), LEAST_CROP)
    padded = cv2.copyMakeBorder(image, side, side, side, side, cv2.BORDER_CONSTANT, value=(PAPER,) * 3)
    left, top = x + w // 2 - side // 2, y + h // 2 - side // 2
    window = padded[top + side : top + 2 * side, left + side : left + 2 * side]
    tile = cv2.resize(window, (TILE, TILE), interpolation=cv2.INTER_CUBIC)
    scale = TILE / side
    corner = (round((x - left) * scale) - BOX_MARGIN, round((y - top) * scale) - BOX_MARGIN)
    far = (round((x - left + w) * scale) + BOX_MARGIN, round((y - top + h) * scale) + BOX_MARGIN)
    cv2.rectangle(tile, corner, far, GREEN, 1)
    return tile


def draw_sheets(tiles: list[Tile], condition: str, size: tuple[int, int]) -> list[np.ndarray]:
    """The tiles' crops, COLUMNS x ROWS to a white sheet (BGR), each numbered in red at its
    top left with Pillow (cv2.putText's letters change with the OpenCV version)."""
    from PIL import Image, ImageDraw

    frames = {seed: render(condition, seed, size).image for seed in sorted({tile.seed for tile in tiles})}
    per_sheet = COLUMNS * ROWS
    corners = [(row * (TILE + GAP), column * (TILE + GAP)) for row in range(ROWS) for column in range(COLUMNS)]
    sheets = []
    for first in range(0, len(tiles), per_sheet):
        sheet = np.full((ROWS * (TILE + GAP), COLUMNS * (TILE + GAP), 3), 255, np.uint8)
        on_sheet = list(zip(tiles[first : first + per_sheet], corners))
        for tile, (top, left) in on_sheet:
            sheet[top : top + TILE, left : left + TILE] = crop(frames[tile.seed], tile.box)
        picture = Image.fromarray(sheet[:, :, ::-1].copy())
        pen = ImageDraw.Draw(picture)
        for k, (_, (top, left)) in enumerate(on_sheet):
            pen.text((left + 3, top + 3), str(first + k), fill=(255, 0, 0))
        sheets.append(np.asarray(picture)[:, :, ::-1])
    return sheets


def make_key(
    condition: str,
    size: tuple[int, int],
    first_seed: int,
    scenes: int,
    heights: tuple[int, int],
    misses: int,
    hits: int,
    recognizer: Recognizer,
) -> Key:
    """The tiles of a set of sheets and the counts they are scored against."""
    low, high = heights
    tiles, predicted = [], 0
    for seed in range(first_seed, first_seed + scenes):
        scene, count = scene_tiles(condition, seed, size, recognizer)
        tiles += scene
        predicted += count
    totals = Totals(
        truth=len(tiles),
        hits=sum(not tile.missed for tile in tiles),
        predicted=predicted,
        missed_in_heights=sum(tile.missed and low <= tile.box[3] < high for tile in tiles),
    )
    chosen = choose([tile for tile in tiles if low <= tile.box[3] < high], misses, hits)
    return Key(condition, size, first_seed, scenes, heights, totals, tuple(chosen))


def write_sheets(out: Path, key: Key) -> int:
    """OUT/sheet-N.png and OUT/key.json for ``key`` (the sheets of any other set in ``out`` removed);
    returns the number of sheets."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("sheet-*.png"):
        old.unlink()
    sheets = draw_sheets(list(key.tiles), key.condition, key.size)
    for k, sheet in enumerate(sheets):
        if not cv2.imwrite(str(out / f"sheet-{k}.png"), sheet):
            raise OSError(f"could not write {out / f'sheet-{k}.png'}: check the folder's permissions and free space")
    (out / "key.json").write_text(json.dumps(asdict(key) | {"digest": key.digest}))
    return len(sheets)


def load_key(out: Path) -> Key:
    """The key of the sheets in ``out``; ValueError, naming the fix, if there is none or it
    is not one."""
    path = out / "key.json"
    if not path.is_file():
        raise ValueError(f"no key.json in {out}: draw the sheets first (python -m bench.legibility sheets {out} ...)")
    try:
        data = json.loads(path.read_text())
        tiles = tuple(Tile(t["seed"], t["label"], tuple(t["box"]), t["missed"], t["read"]) for t in data["tiles"])
        return Key(
            data["condition"],
            tuple(data["size"]),
            data["first_seed"],
            data["scenes"],
            tuple(data["heights"]),
            Totals(**data["totals"]),
            tiles,
        )
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path} is not a bench.legibility key ({error!r}): draw the sheets anew") from error
