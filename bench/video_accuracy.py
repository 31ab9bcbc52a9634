"""F1 and flicker on the sample videos, with and without tracking.

    python -m bench.video_accuracy [--videos sample_videos] [--model PATH] [--every N]

Runs the Recognizer over every N-th frame of each clip, scores the raw per-frame results
and the same results passed through tracking against the clip's ground-truth sidecar, and
prints a Markdown table: end-to-end digit F1 and label changes per 100 digit-frames
(see bench/video_metrics.py), plus the time per frame of each step.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from bench.video_metrics import VideoScore, score_video
from camdigits.pipeline import Tracking
from camdigits.recognition.recognizer import Recognizer
from camdigits.types import FrameResult


def read_frames(path: Path, every: int = 1) -> Iterator[tuple[int, float, np.ndarray]]:
    """(index, time in s, BGR frame) for every ``every``-th frame of a video file."""
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise RuntimeError(f"OpenCV cannot open {path}")
    fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
    try:
        index = 0
        while True:
            ok, frame = capture.read()
            if not ok:
                return
            if index % every == 0:
                yield index, index / fps, frame
            index += 1
    finally:
        capture.release()


@dataclass(frozen=True)
class ClipReport:
    """One clip's scores without and with tracking, and the cost per frame of each step."""

    name: str
    frames: int
    raw: VideoScore
    tracked: VideoScore
    recognize_ms: float  # median per frame
    track_ms: float  # median per frame


def recognize_clip(recognizer: Recognizer, video: Path, every: int = 1) -> tuple[list[FrameResult], float]:
    """Per-frame results for a clip and the median recognize() time in ms."""
    results, times = [], []
    for index, seconds, frame in read_frames(video, every):
        start = time.perf_counter()
        results.append(recognizer.recognize(frame, source=video.name, frame=index, time=seconds))
        times.append(time.perf_counter() - start)
    return results, 1000 * float(np.median(times)) if times else 0.0


def track_results(results: list[FrameResult], tracker: Tracking) -> tuple[list[FrameResult], float]:
    """``results`` passed through a fresh run of ``tracker`` and its median time in ms."""
    tracker.reset()
    tracked, times = [], []
    for result in results:
        start = time.perf_counter()
        tracked.append(tracker.update(result))
        times.append(time.perf_counter() - start)
    return tracked, 1000 * float(np.median(times)) if times else 0.0


def evaluate_clip(recognizer: Recognizer, video: Path, every: int = 1, tracker: Tracking | None = None) -> ClipReport:
    """Scores of one clip (``NAME.mp4`` beside ``NAME.jsonl``) without and with tracking."""
    results, recognize_ms = recognize_clip(recognizer, video, every)
    tracked, track_ms = track_results(results, tracker or Tracking(recognizer.config))
    sidecar = video.with_suffix(".jsonl")
    return ClipReport(
        video.stem, len(results), score_video(results, sidecar), score_video(tracked, sidecar), recognize_ms, track_ms
    )


HEADER = (
    "| clip | frames | true digit-frames | F1 raw | F1 tracked | flicker raw | flicker tracked "
    "| numbers exact raw / tracked | recognize ms | track ms |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
)


def format_row(report: ClipReport) -> str:
    raw, tracked = report.raw, report.tracked
    return (
        f"| {report.name} | {report.frames} | {raw.counts.truth} | {raw.f1:.3f} | **{tracked.f1:.3f}** | "
        f"{raw.label_changes_per_100:.2f} | **{tracked.label_changes_per_100:.2f}** | "
        f"{raw.counts.number_rate:.2f} / {tracked.counts.number_rate:.2f} ({raw.counts.numbers}) | "
        f"{report.recognize_ms:.1f} | {report.track_ms:.3f} |"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=Path, default=Path("sample_videos"), help="folder of NAME.mp4 + NAME.jsonl")
    parser.add_argument("--model", type=Path, default=None, help="a .tflite model instead of the shipped one")
    parser.add_argument("--every", type=int, default=1, help="process every N-th frame")
    args = parser.parse_args(argv)
    videos = sorted(args.videos.glob("*.mp4"))
    if not videos:
        raise SystemExit(f"no .mp4 clips in {args.videos}; make them with python -m bench.make_videos")
    recognizer = Recognizer(args.model)
    print(
        f"every {args.every} frame(s), model {recognizer.classifier.path.name}; flicker = label changes "
        f"per 100 matched digit-frames\n"
    )
    print(HEADER)
    for video in videos:
        print(format_row(evaluate_clip(recognizer, video, args.every)), flush=True)


if __name__ == "__main__":
    main()
