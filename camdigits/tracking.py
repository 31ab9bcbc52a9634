"""Stable labels over time: follow each digit from frame to frame and smooth what it reads as.

Per-frame classification flickers: a 7 read as 1 in one frame of five, a blob of paper
texture read as a digit for one frame. The tracker matches each frame's digits to the tracks
of earlier frames (box overlap, then centre distance for fast moves; never a blob of a much
different size, which is two digits blurred together or one broken apart), and reports for each
track the label with the largest confidence-weighted vote over its last few frames. A new
track is shown only once it has been seen in enough recent frames, so one-frame blips never
appear, and a track that stops being seen is dropped a few frames later.

Boxes are reported as detected in the current frame, never smoothed: on a moving camera a
smoothed box lags behind the ink it frames. The tracker sees digits only; the numbers of a
tracked frame are grouped afterwards (:func:`camdigits.recognition.numbers.group_tracked`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from camdigits.config import TrackerConfig
from camdigits.recognition.geometry import overlapping_between
from camdigits.types import Box, Digit


class TrackedDigits(NamedTuple):
    """One frame's digits after tracking."""

    detected: tuple[Digit | None, ...]
    """Per digit passed to :meth:`Tracker.update`, in its order: the digit as its track
    reports it, or None while the track is not confirmed (not shown yet)."""
    shown: tuple[Digit, ...]
    """Every digit to show, in track order: the detected ones, and any coasting ones
    (confirmed tracks unseen in this frame, at their predicted boxes)."""


class _Track:
    """One digit followed across frames (state only; the Tracker does the work)."""

    __slots__ = ("id", "box", "dx", "dy", "votes", "totals", "seen", "missed", "label")

    def __init__(self, digit: Digit, config: TrackerConfig) -> None:
        self.id: int | None = None  # given when the track is confirmed
        self.box = digit.box
        self.dx = self.dy = 0.0  # px per frame
        self.votes: deque[tuple[int, float]] = deque(maxlen=config.history)
        self.totals: dict[int, list] = {}  # label -> [summed confidence, votes] over ``votes``
        self.seen: deque[bool] = deque([True], maxlen=config.confirm_window)
        self.missed = 0
        self.label = digit.label  # last reported label; wins ties so a 50/50 vote does not flip
        self.vote(digit)

    def vote(self, digit: Digit) -> None:
        """Add this frame's reading to the history, forgetting the oldest when it is full."""
        if len(self.votes) == self.votes.maxlen:
            label, confidence = self.votes[0]
            total = self.totals[label]
            if total[1] == 1:
                del self.totals[label]
            else:
                total[0] -= confidence
                total[1] -= 1
        self.votes.append((digit.label, digit.confidence))
        total = self.totals.setdefault(digit.label, [0.0, 0])
        total[0] += digit.confidence
        total[1] += 1

    def predicted(self, steps: int) -> tuple[float, float, float, float]:
        """The box moved on by ``steps`` frames at the track's velocity."""
        x, y, w, h = self.box
        return (x + self.dx * steps, y + self.dy * steps, w, h)

    def smoothed(self) -> tuple[int, float]:
        """The label with the largest summed confidence over the history, and its share of
        the history (a steady 0.9 stays 0.9; a 7 outvoting a 1 two to one drops to 0.6)."""
        totals = self.totals
        if len(totals) == 1:
            best = self.label = next(iter(totals))
        else:
            best = self.label = max(totals, key=lambda label: (totals[label][0], label == self.label))
        return best, min(max(totals[best][0] / len(self.votes), 0.0), 1.0)


def match_scores(predicted: np.ndarray, boxes: np.ndarray, config: TrackerConfig) -> np.ndarray:
    """How well each detection continues each track: (tracks, detections) array of scores.

    1 + IoU where the boxes overlap at least ``config.match_iou``; else 1 - d / reach in
    (0, 1] where the centres are closer than ``reach`` (``max_centre_distance`` of the taller
    box); else 0 (no match). Overlap matches therefore always beat distance matches. A
    detection whose width or height differs from the track's by more than
    ``max_size_change`` times scores 0 whatever its position.

    Args:
        predicted: float (T, 4) predicted track boxes, x, y, w, h.
        boxes: (D, 4) detected boxes, x, y, w, h.
    """
    scores = np.zeros((len(predicted), len(boxes)))
    rows, columns, values = scored_pairs(predicted, boxes, config)
    scores[rows, columns] = values
    return scores


def scored_pairs(
    predicted: np.ndarray, boxes: np.ndarray, config: TrackerConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The non-zero entries of :func:`match_scores` as (rows, columns, scores), in row-major
    order, from only the (track, detection) pairs near enough to score: a video of a printed
    page has thousands of digits a frame and millions of pairs, of which a few thousand are
    near each other."""
    boxes = boxes.astype(np.float64)
    tracks = len(predicted)
    if not tracks or not len(boxes):
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    # A pair that scores at all overlaps in columns once each track's columns are widened
    # by the longest reach a centre match can have.
    margin = config.max_centre_distance * max(predicted[:, 3].max(), boxes[:, 3].max())
    rows, columns = overlapping_between(
        predicted[:, 0] - margin, predicted[:, 0] + predicted[:, 2] + margin, boxes[:, 0], boxes[:, 0] + boxes[:, 2]
    )
    order = np.lexsort((columns, rows))
    rows, columns = rows[order], columns[order]
    px, py, pw, ph = predicted[rows].T
    x, y, w, h = boxes[columns].T
    inter = np.maximum(np.minimum(px + pw, x + w) - np.maximum(px, x), 0.0) * np.maximum(
        np.minimum(py + ph, y + h) - np.maximum(py, y), 0.0
    )
    overlap = inter / (pw * ph + w * h - inter)
    scores = np.where(overlap >= config.match_iou, overlap + 1.0, 0.0)
    # Centre distance only for tracks and detections without an overlap match: usually none.
    lone_rows, lone_columns = np.ones(tracks, bool), np.ones(len(boxes), bool)
    lone_rows[rows[scores > 0]] = False
    lone_columns[columns[scores > 0]] = False
    if config.max_centre_distance > 0 and lone_rows.any() and lone_columns.any():
        reach = config.max_centre_distance * np.maximum(ph, h)
        distance = np.hypot((px + pw / 2) - (x + w / 2), (py + ph / 2) - (y + h / 2))
        near = np.where(distance < reach, 1.0 - distance / reach, 0.0)
        scores = np.where(lone_rows[rows] & lone_columns[columns], near, scores)
    change = np.maximum(np.maximum(w / pw, pw / w), np.maximum(h / ph, ph / h))
    scores = np.where(change <= config.max_size_change, scores, 0.0)
    keep = scores > 0
    return rows[keep], columns[keep], scores[keep]


class Tracker:
    """Gives digits stable track ids and smoothed labels across the frames of one video.

    Example:
        >>> tracker = Tracker()
        >>> for frame in frames:
        ...     result = recognizer.recognize(frame)
        ...     tracked = tracker.update(result.digits, (result.width, result.height))
    """

    def __init__(self, config: TrackerConfig | None = None) -> None:
        self.config = config or TrackerConfig()
        self._tracks: list[_Track] = []
        self._next_id = 1

    def reset(self) -> None:
        """Forget every track, e.g. before a new video; ids start again from 1."""
        self._tracks = []
        self._next_id = 1

    def update(self, detections: Sequence[Digit], size: tuple[int, int]) -> TrackedDigits:
        """The next processed frame's digits, with track ids and smoothed labels.

        Args:
            detections: the frame's digits, in reading order (the order in which new
                tracks get their ids).
            size: the frame's (width, height), which clips the boxes of coasting tracks.
        """
        config = self.config
        owner = self._match(detections)
        source: dict[int, int] = {}  # id(track) -> index of its detection in this frame
        for index, track in owner.items():
            self._continue(track, detections[index])
            source[id(track)] = index
        kept: list[_Track] = []
        for track in self._tracks:
            if id(track) not in source:
                track.missed += 1
                track.seen.append(False)
                if track.missed > self._patience(track):
                    continue
            kept.append(track)
        for index, digit in enumerate(detections):
            if index not in owner:
                track = _Track(digit, config)
                kept.append(track)
                source[id(track)] = index
        self._tracks = kept

        reported: list[tuple[int, _Track]] = []  # (detection index, or -1 while coasting; track)
        for track in kept:
            if track.id is None and sum(track.seen) >= config.confirm_hits:
                track.id = self._next_id
                self._next_id += 1
            if track.id is not None and track.missed <= config.coast_frames:
                reported.append((source.get(id(track), -1), track))
        return self._reported(reported, len(detections), size)

    def _patience(self, track: _Track) -> int:
        """Frames in a row a track may go unseen and still be kept."""
        if track.id is not None:
            return self.config.max_missed - 1
        # An unconfirmed track is dropped as soon as it can no longer reach confirm_hits.
        return self.config.confirm_window - self.config.confirm_hits

    def _match(self, detections: tuple[Digit, ...]) -> dict[int, _Track]:
        """Greedy one-to-one matching, best score first: detection index -> track."""
        if not self._tracks or not detections:
            return {}
        predicted = np.array([track.predicted(track.missed + 1) for track in self._tracks], np.float64)
        rows, columns, scores = scored_pairs(predicted, np.array([d.box for d in detections]), self.config)
        order = np.argsort(-scores, kind="stable")
        owner: dict[int, _Track] = {}
        taken: set[int] = set()
        for row, column in zip(rows[order].tolist(), columns[order].tolist()):
            if column not in owner and row not in taken:
                owner[column] = self._tracks[row]
                taken.add(row)
        return owner

    def _continue(self, track: _Track, digit: Digit) -> None:
        steps = track.missed + 1
        keep = self.config.velocity_smoothing
        x, y, w, h = track.box
        nx, ny, nw, nh = digit.box
        track.dx = keep * track.dx + (1 - keep) * ((nx + nw / 2) - (x + w / 2)) / steps
        track.dy = keep * track.dy + (1 - keep) * ((ny + nh / 2) - (y + h / 2)) / steps
        track.box = digit.box
        track.vote(digit)
        track.seen.append(True)
        track.missed = 0

    def _reported(self, reported: list[tuple[int, _Track]], count: int, size: tuple[int, int]) -> TrackedDigits:
        detected: list[Digit | None] = [None] * count
        shown: list[Digit] = []
        for index, track in reported:
            label, confidence = track.smoothed()
            box = track.box if index >= 0 else _coasted_box(track, *size)
            if box is None:
                continue
            digit = Digit(label=label, confidence=confidence, box=box, track=track.id)
            shown.append(digit)
            if index >= 0:
                detected[index] = digit
        return TrackedDigits(tuple(detected), tuple(shown))


def _coasted_box(track: _Track, width: int, height: int) -> Box | None:
    """Where an unseen track is predicted to be now, clipped to the frame (None if outside)."""
    x, y, w, h = track.predicted(track.missed)
    x0, y0 = max(int(round(x)), 0), max(int(round(y)), 0)
    x1, y1 = min(int(round(x + w)), width), min(int(round(y + h)), height)
    return (x0, y0, x1 - x0, y1 - y0) if x1 > x0 and y1 > y0 else None
