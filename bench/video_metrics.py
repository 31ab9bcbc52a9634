"""Scoring a video's per-frame results against its ground-truth sidecar: pure functions.

Two figures per clip. F1 is bench.metrics' end-to-end digit F1 (right box AND right label)
summed over the scored frames. Flicker is how often a digit's displayed label changes: each
ground-truth digit is followed from frame to frame, and every scored frame whose matched
prediction (box IoU >= 0.5, any label) has a different label from that digit's last matched
prediction counts as one label change; the rate is per 100 matched digit-frames. A perfect
reader scores F1 1 and flicker 0; a reader that alternates 7/1 on a still digit scores
flicker near 100.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.metrics import Counts, match_boxes, score
from camdigits.types import Box, FrameResult

# Ground-truth digits in two scored frames are the same digit when their boxes overlap at
# least this much and their labels agree. The camera moves a digit a few px per frame and
# written digits lie at least 1.5 digit heights apart, so the link is unambiguous.
LINK_IOU = 0.3


@dataclass(frozen=True)
class TruthFrame:
    """One sidecar line: the digits and multi-digit numbers wholly inside that frame."""

    frame: int
    time: float
    digits: tuple[tuple[int, Box], ...]
    numbers: tuple[tuple[str, Box], ...]


def read_sidecar(path: str | Path) -> list[TruthFrame]:
    """All frames of a sidecar, in order; raises ValueError if frames are missing or out of order."""
    frames = []
    with Path(path).open(encoding="utf-8") as lines:
        for line_number, line in enumerate(lines, start=1):
            record = json.loads(line)
            if record["frame"] != len(frames):
                raise ValueError(f"{path}:{line_number}: expected frame {len(frames)}, got {record['frame']}")
            frames.append(
                TruthFrame(
                    frame=record["frame"],
                    time=float(record["time"]),
                    digits=tuple((int(d["label"]), tuple(d["box"])) for d in record["digits"]),
                    numbers=tuple((str(n["text"]), tuple(n["box"])) for n in record["numbers"]),
                )
            )
    return frames


@dataclass(frozen=True)
class VideoScore:
    """Tallies over the scored frames of one clip."""

    counts: Counts  # bench.metrics counts summed over frames
    label_changes: int  # times a followed true digit's matched label changed
    matched_digit_frames: int  # (true digit, frame) pairs with a matched prediction

    @property
    def f1(self) -> float:
        return self.counts.f1

    @property
    def label_changes_per_100(self) -> float:
        """Flicker: label changes per 100 matched digit-frames."""
        return 100.0 * self.label_changes / self.matched_digit_frames if self.matched_digit_frames else 0.0


def score_frames(results: Sequence[FrameResult], truth: Sequence[TruthFrame]) -> VideoScore:
    """Score ``results`` (any subset of frames, in frame order) against ``truth``."""
    counts = Counts()
    changes = matched_frames = 0
    previous: list[tuple[int, Box]] = []  # true digits of the last scored frame
    previous_ids: list[int] = []
    last_label: dict[int, int] = {}  # true digit id -> its last matched predicted label
    next_id = 0
    last_frame = -1
    for result in results:
        if not last_frame < result.frame < len(truth):
            raise ValueError(f"result frame {result.frame} is out of order or past the sidecar's {len(truth)} frames")
        last_frame = result.frame
        expected = truth[result.frame]
        predicted = [(d.label, d.box) for d in result.digits]
        counts += score(predicted, expected.digits, [(n.text, n.box) for n in result.numbers], expected.numbers)

        # Follow true digits from the last scored frame: same label, overlapping boxes.
        ids = [-1] * len(expected.digits)
        for i, j in match_boxes([b for _, b in previous], [b for _, b in expected.digits], LINK_IOU):
            if previous[i][0] == expected.digits[j][0]:
                ids[j] = previous_ids[i]
        for j, digit_id in enumerate(ids):
            if digit_id == -1:
                ids[j], next_id = next_id, next_id + 1
        for i, j in match_boxes([b for _, b in predicted], [b for _, b in expected.digits]):
            label, digit_id = predicted[i][0], ids[j]
            matched_frames += 1
            if digit_id in last_label and last_label[digit_id] != label:
                changes += 1
            last_label[digit_id] = label
        previous, previous_ids = list(expected.digits), ids
    return VideoScore(counts, changes, matched_frames)


def score_video(results: Sequence[FrameResult], sidecar_path: str | Path) -> VideoScore:
    """Score a clip's per-frame results against its ``.jsonl`` ground-truth sidecar."""
    return score_frames(results, read_sidecar(sidecar_path))
