"""A reader's answers to a set of reading sheets, scored against their key."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bench.legibility.sheets import Key, Tile, Totals

ANSWER = re.compile(r"^(\d+):(\d)(\?)?$")
DIGEST = re.compile(r"^#\s*tiles:\s*([0-9a-f]{12})\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Answers:
    """A reader's answers: tile index -> (digit, guessed), and the digest of the tiles they
    were given for (None where the file names none)."""

    readings: dict[int, tuple[int, bool]]
    digest: str | None = None


def parse_answers(text: str) -> Answers:
    """``index:digit`` or ``index:digit?`` (a guess), separated by white space; ``#`` starts a
    comment, and a line ``# tiles: DIGEST`` names the sheets' tiles."""
    readings: dict[int, tuple[int, bool]] = {}
    for token in re.sub(r"#[^\n]*", "", text).split():
        match = ANSWER.match(token)
        if not match:
            raise ValueError(f"answer {token!r} is not index:digit or index:digit? (for example 12:4 or 12:4?)")
        index = int(match.group(1))
        if index in readings:
            raise ValueError(f"tile {index} is answered twice: keep one answer")
        readings[index] = (int(match.group(2)), match.group(3) is not None)
    digest = DIGEST.search(text)
    return Answers(readings, digest.group(1) if digest else None)


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
    guesses: int
    gained: tuple[float, float]
    gained_sure: tuple[float, float]


def score_answers(key: Key, answers: Answers) -> Score:
    """The reader's ``answers`` against the tiles of ``key``: every tile answered, no other,
    and given for these tiles where the answers name a digest."""
    if answers.digest is not None and answers.digest != key.digest:
        raise ValueError(
            f"the answers were given for tiles {answers.digest}, the sheets hold tiles {key.digest}: "
            "draw the sheets with the command the answers were drawn with, at the commit that wrote them"
        )
    tiles, readings = key.tiles, answers.readings
    unanswered = [k for k in range(len(tiles)) if k not in readings]
    if unanswered:
        raise ValueError(
            f"{len(unanswered)} tiles have no answer (the first: {unanswered[0]}); "
            "answer each ('index:digit?' for a guess)"
        )
    extra = sorted(k for k in readings if k >= len(tiles))
    if extra:
        raise ValueError(f"the sheets hold tiles 0-{len(tiles) - 1}, the answers name tile {extra[0]}: remove it")
    missed = [(tile, readings[k]) for k, tile in enumerate(tiles) if tile.missed]
    read = [(tile, readings[k]) for k, tile in enumerate(tiles) if not tile.missed]
    scale = key.totals.missed_in_heights / len(missed) if missed else 0.0

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
        guesses=sum(guessed for _, guessed in readings.values()),
        gained=gain(right),
        gained_sure=gain(right_sure),
    )


def f1_if_read(totals: Totals, gains: list[tuple[float, float]]) -> float:
    """The condition's F1 with the ``gains`` of one or more :class:`Score` (of disjoint
    heights) added to its counts; no gains: the F1 as measured."""
    hits = totals.hits + sum(hit for hit, _ in gains)
    predicted = totals.predicted + sum(box for _, box in gains)
    return 2 * hits / (totals.truth + predicted)


def check_together(keys: list[Key]) -> None:
    """ValueError unless ``keys`` are of one condition, size, seeds and recognizer (equal
    counts) and of disjoint heights, so that their gains add up."""

    def drawn_from(key: Key) -> tuple:
        totals = key.totals
        return key.condition, key.size, key.first_seed, key.scenes, totals.truth, totals.hits, totals.predicted

    if len({drawn_from(key) for key in keys}) > 1:
        raise ValueError("sets scored together must be of one condition, size and seeds, drawn by one recognizer")
    spans = sorted(key.heights for key in keys)
    if any(high > low for (_, high), (low, _) in zip(spans, spans[1:])):
        raise ValueError("sets scored together must be of disjoint heights (--heights)")
