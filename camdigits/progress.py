"""Sinks that measure a running loop: a progress bar for video files, and the latency from
a camera frame's capture to the end of its processing."""

from __future__ import annotations

import sys
import time
from typing import TextIO

import numpy as np

from camdigits.io.frames import Frame
from camdigits.io.sinks import Sink
from camdigits.types import FrameResult

PROGRESS_INTERVAL = 0.1  # s between progress bar redraws: smooth to the eye, no terminal flood
PROGRESS_WIDTH = 30  # characters of the bar itself


class ProgressBar(Sink):
    """``[#####-----] 120/300 frames, 85 fps, 0:02 left`` redrawn in place on ``stream``.

    Meant for a terminal only: the CLI attaches it when standard error is a TTY, so a
    log file or a JSON stream on standard output never sees it.
    """

    def __init__(self, total: int, every: int = 1, stream: TextIO | None = None) -> None:
        self.total = total
        self.every = every
        self.stream = stream if stream is not None else sys.stderr
        self.started = time.perf_counter()
        self._drawn_at = 0.0
        self._done = 0

    def write(self, frame: Frame, result: FrameResult) -> None:
        self._done = frame.index + 1
        now = time.perf_counter()
        if now - self._drawn_at >= PROGRESS_INTERVAL:
            self._draw(now)

    def _draw(self, now: float) -> None:
        self._drawn_at = now
        self.stream.write("\r" + self.line(now) + "\x1b[K")  # erase what a longer line left
        self.stream.flush()

    def line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        rate = self._done / elapsed  # frames of the file per second, skipped ones included
        if self.total <= 0:
            return f"{self._done} frames, {rate / self.every:.0f} fps"
        filled = min(PROGRESS_WIDTH, PROGRESS_WIDTH * self._done // self.total)
        left = max(self.total - self._done, 0) / rate if rate > 0 else 0.0
        return (
            f"[{'#' * filled}{'-' * (PROGRESS_WIDTH - filled)}] {self._done}/{self.total} frames, "
            f"{rate / self.every:.0f} fps, {int(left) // 60}:{int(left) % 60:02d} left"
        )

    def close(self) -> None:
        """Draw the final state and end the line; safe to call twice."""
        if self._drawn_at:
            self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()
            self._drawn_at = 0.0


class LatencyMeter(Sink):
    """Seconds from a frame's capture to the end of its processing, for every frame.

    Attach it after the other sinks: the loop writes sinks in order, so what it measures
    includes recognition, tracking, annotation and writing.

    Args:
        started_at: ``time.perf_counter()`` that frame times count from (a
            :class:`camdigits.io.camera.CameraStream`'s ``started_at``).
    """

    def __init__(self, started_at: float) -> None:
        self.started_at = started_at
        self.latencies: list[float] = []
        self.first_done: float | None = None
        self.last_done = 0.0

    def write(self, frame: Frame, result: FrameResult) -> None:
        now = time.perf_counter()
        self.latencies.append(now - (self.started_at + frame.time))
        self.first_done = now if self.first_done is None else self.first_done
        self.last_done = now

    def summary(self, name: str) -> str:
        """``camera 0: 300 frames processed, 29.9 fps, latency median 6.1 ms, p99 9.8 ms``."""
        count = len(self.latencies)
        if count == 0:
            return f"{name}: no frames processed"
        fps = (count - 1) / (self.last_done - self.first_done) if count > 1 else 0.0
        median, p99 = np.percentile(np.array(self.latencies) * 1000.0, [50, 99])
        return (
            f"{name}: {count} frames processed, {fps:.1f} fps; latency from capture to result "
            f"median {median:.1f} ms, p99 {p99:.1f} ms"
        )
