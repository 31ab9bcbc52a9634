"""The speed figures camdigits has targets for, and the table that says which are met.

Pure functions of the measurements, so the verdicts can be tested without timing anything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bench.baseline import BaselineTimes, FloorTimes
from bench.cli_runs import RssRun, VideoThroughput
from bench.stage_times import NOISE, CaseTimes

VGA, HD = (640, 480), (1280, 720)
HEADLINE = (VGA, 10)  # the case the targets and the speed-up refer to: a webcam frame, 10 digits
# RSS growth after the 25 % mark beyond this is a leak, not an allocator settling: over
# 1,800 frames it is 11 kB a frame, while one 640x480 frame alone is 900 kB.
RSS_FLAT_MB = 20.0


@dataclass(frozen=True)
class Figures:
    """Everything one benchmark run measured; parts that were skipped are empty or None."""

    cases: tuple[CaseTimes, ...]
    floors: tuple[FloorTimes, ...] = ()
    video: tuple[VideoThroughput, ...] = ()
    cold_start_s: float | None = None
    rss: RssRun | None = None
    baseline: BaselineTimes | None = None


@dataclass(frozen=True)
class Target:
    """A figure, its measured value (None when not measured) and its limit."""

    figure: str
    measured: float | None
    limit: float
    unit: str
    at_least: bool = False  # True: the figure must reach the limit (fps, speed-up)

    @property
    def met(self) -> bool | None:
        if self.measured is None:
            return None
        return self.measured >= self.limit if self.at_least else self.measured <= self.limit


MIN_GAP = 0.01  # a miss smaller than the last digit shown is written "< 0.01", never "0.00"


def number_text(value: float, unit: str) -> str:
    """A figure with sensible digits: 1234 fps, 12.3 ms, 1.23 s; 'x' sticks to its number."""
    digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    return f"{value:.{digits}f}{'' if unit == 'x' else ' '}{unit}"


def target_row(target: Target) -> list[str]:
    """figure | measured | target | met?, saying by how much a missed target was missed."""
    limit = f"{'>=' if target.at_least else '<='} {number_text(target.limit, target.unit)}"
    if target.met is None:
        return [target.figure, "not measured", limit, "-"]
    if target.met:
        return [target.figure, number_text(target.measured, target.unit), limit, "yes"]
    gap = abs(target.measured - target.limit)
    share = 100 * gap / target.limit
    gap_text = number_text(gap, target.unit) if gap >= MIN_GAP else f"< {number_text(MIN_GAP, target.unit)}"
    share_text = f"{share:.0f} %" if share >= 1 else f"{share:.1f} %"
    verdict = f"**no**: missed by {gap_text} ({share_text})"
    return [target.figure, number_text(target.measured, target.unit), limit, verdict]


def case_figure(
    cases: Sequence[CaseTimes], size: tuple[int, int], digits: int, statistic: Callable[[np.ndarray], float] = np.median
) -> float | None:
    """``statistic`` of recognize() ms in the case of that size and digit count, if measured."""
    found = [case for case in cases if (case.size, case.digits) == (size, digits)]
    return float(statistic(found[0].recognize)) if found else None


def noise_ratio(figures: Figures) -> float | None:
    """Median ms of recognize() on 640x480 noise frames / median ms in the headline case."""
    noise, headline = case_figure(figures.cases, VGA, NOISE), case_figure(figures.cases, *HEADLINE)
    return noise / headline if noise is not None and headline else None


def speed_up(figures: Figures) -> float | None:
    """Median ms of the tutorial baseline / median ms of recognize() in the headline case."""
    headline = case_figure(figures.cases, *HEADLINE)
    if figures.baseline is None or not headline:
        return None
    return float(np.median(figures.baseline.ms)) / headline


def targets(figures: Figures) -> list[Target]:
    """Every figure the project has a target for, in the order of the README."""
    cases = figures.cases
    video_fps = next((run.fps for run in figures.video if run.size == VGA), None)
    floor_ratio = next((floor.ratio for floor in figures.floors if floor.size == VGA), None)
    rss = figures.rss
    return [
        Target("recognize() 640x480, 10 digits, median", case_figure(cases, VGA, 10), 4.0, "ms"),
        Target(
            "recognize() 640x480, 10 digits, p99",
            case_figure(cases, VGA, 10, lambda ms: np.percentile(ms, 99)),
            8.0,
            "ms",
        ),
        Target("recognize() 640x480, 30 digits, median", case_figure(cases, VGA, 30), 6.0, "ms"),
        Target("recognize() 1280x720, 10 digits, median", case_figure(cases, HD, 10), 10.0, "ms"),
        Target("recognize() 640x480 noise frame / 10-digit frame, medians", noise_ratio(figures), 3.0, "x"),
        Target("camdigits video 640x480 (wall, start-up included)", video_fps, 150.0, "fps", at_least=True),
        Target("(decode + recognize()) / floor, 640x480", floor_ratio, 2.5, "x"),
        Target("speed-up over the tutorial baseline, 640x480, 10 digits", speed_up(figures), 100.0, "x", at_least=True),
        Target("cold start, python -m camdigits snapshot", figures.cold_start_s, 1.5, "s"),
        Target("peak RSS of a video run", rss.peak_mb if rss else None, 300.0, "MB"),
        Target(
            "RSS growth of a video run, 25 % mark to last quarter", rss.growth_mb if rss else None, RSS_FLAT_MB, "MB"
        ),
    ]
