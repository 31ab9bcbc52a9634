"""Result types: what the pipeline hands to annotators, sinks and library users.

Frozen dataclasses, validated where they are made, so a bad box or label fails at its
source rather than three stages later in a drawing call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Box = tuple[int, int, int, int]
"""Integer pixel box in the input image: top-left x, y, width, height."""


def _check_box(box: Box, owner: str) -> None:
    if len(box) != 4 or any(not isinstance(v, int) for v in box):
        raise ValueError(f"{owner}.box must be 4 ints (x, y, w, h), got {box!r}")
    if box[2] <= 0 or box[3] <= 0:
        raise ValueError(f"{owner}.box must have positive width and height, got {box!r}")


def _check_confidence(confidence: float, owner: str) -> None:
    if not 0.0 <= confidence <= 1.0:
        raise ValueError(f"{owner}.confidence must be in [0, 1], got {confidence!r}")


def union_box(boxes: list[Box] | tuple[Box, ...]) -> Box:
    """Smallest box that holds all ``boxes``."""
    x0, y0, w, h = boxes[0]
    x1, y1 = x0 + w, y0 + h
    for x, y, w, h in boxes[1:]:  # one pass, no generators: this runs for every number of every frame
        x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x + w), max(y1, y + h)
    return (x0, y0, x1 - x0, y1 - y0)


@dataclass(frozen=True)
class Digit:
    """One recognised digit."""

    label: int
    confidence: float
    box: Box
    track: int | None = None  # id of the track this digit belongs to in video modes

    def __post_init__(self) -> None:
        if not (isinstance(self.label, int) and 0 <= self.label <= 9):
            raise ValueError(f"Digit.label must be an int 0-9, got {self.label!r}")
        _check_confidence(self.confidence, "Digit")
        _check_box(self.box, "Digit")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "label": self.label,
            "confidence": round(float(self.confidence), 3),
            "box": list(self.box),
        }
        if self.track is not None:
            out["track"] = self.track
        return out


@dataclass(frozen=True)
class Number:
    """Digits on one line, read left to right as one number ("2026")."""

    text: str
    confidence: float
    box: Box
    digits: tuple[Digit, ...]

    def __post_init__(self) -> None:
        if not self.digits:
            raise ValueError("Number needs at least one digit")
        expected = "".join(str(d.label) for d in self.digits)
        if self.text != expected:
            raise ValueError(f"Number.text must spell its digits: expected {expected!r}, got {self.text!r}")
        _check_confidence(self.confidence, "Number")
        _check_box(self.box, "Number")

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "confidence": round(float(self.confidence), 3), "box": list(self.box)}


@dataclass(frozen=True)
class FrameResult:
    """Everything read from one frame or image, in the JSON Lines shape of all three modes."""

    width: int
    height: int
    digits: tuple[Digit, ...] = ()
    numbers: tuple[Number, ...] = ()
    source: str = ""
    frame: int = 0
    time: float = 0.0
    note: str = ""  # a limit the frame hit, e.g. too many candidates to read them all

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0:
            raise ValueError(f"FrameResult needs a positive size, got {self.width}x{self.height}")
        if self.frame < 0 or self.time < 0:
            raise ValueError(f"FrameResult.frame and .time must be >= 0, got {self.frame}, {self.time}")

    def to_dict(self) -> dict[str, Any]:
        """The JSON Lines object: source, frame, time, width, height, digits, numbers, and
        a note only where the frame hit a limit."""
        out = {
            "source": self.source,
            "frame": self.frame,
            "time": round(float(self.time), 3),
            "width": self.width,
            "height": self.height,
            "digits": [d.to_dict() for d in self.digits],
            "numbers": [n.to_dict() for n in self.numbers],
        }
        if self.note:
            out["note"] = self.note
        return out
