"""Speed of camdigits, from one frame's stages to a whole video run, against its targets.

    python -m bench.speed [--frames 200] [--baseline-frames 20] [--quick] [--rss]
                          [--skip-baseline] [--skip-video] [--rss-seconds 60] [--photos 500]
                          [--model PATH] [--keras-model PATH]

Prints Markdown tables, each as soon as it is measured:
1. recognize() per frame on rendered clean scenes and on frames of blurred noise, split by
   stage, plus the tracking and annotation the video command adds (bench.stage_times);
2. the floor: decode + grey + one threshold + outer contours on video frames, and
   (decode + recognize()) / floor (bench.baseline);
3. ``camdigits video`` throughput on a 640x480 and a 1280x720 clip, in a fresh process;
4. cold start of ``camdigits snapshot``;
5. peak and growth of the memory of a 60 s video run;
6. snapshot throughput: ``camdigits snapshot`` over 500 JPEG photos of mixed sizes, at 1
   worker and at one per core, in images/s (3-6: bench.cli_runs);
7. the tutorial baseline (one Keras predict() per blob) and the speed-up over it;
then every figure against its target (bench.speed_targets).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from bench import cli_runs
from bench.baseline import (
    KERAS_MODEL,
    BaselineTimes,
    FloorTimes,
    time_floor,
    time_tutorial_baseline,
)
from bench.speed_targets import (
    HD,
    HEADLINE,
    VGA,
    Figures,
    speed_up,
    target_row,
    targets,
)
from bench.stage_times import (
    HOLD_FRAMES,
    NOISE,
    ROUNDS,
    STAGES,
    WARM_UP,
    CaseTimes,
    render_case,
    time_cases,
)
from camdigits.parallel import worker_count
from camdigits.recognition.recognizer import Recognizer

CASES = ((VGA, 0), (VGA, 10), (VGA, 30), (VGA, NOISE), (HD, 10), ((1920, 1080), 10))
COLD_START_RUNS = 5
VIDEO_RUNS = 3  # median of this many runs of each video command
# --quick: enough to run every code path in seconds, not to measure anything.
QUICK_FRAMES, QUICK_BASELINE_FRAMES, QUICK_RUNS, QUICK_CLIP_FRAMES, QUICK_RSS_SECONDS = 5, 2, 1, 30, 5.0
PHOTO_SCENES = 3  # distinct rendered scenes of each photo size (1 with --quick)
QUICK_PHOTOS = 40


# --- formatting ------------------------------------------------------------------------


def table_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table (only its header for no rows, so rows can follow as they come)."""
    return "\n".join([table_row(header), "|" + " --- |" * len(header), *(table_row(row) for row in rows)])


def ms_text(value: float) -> str:
    return f"{value:.2f}"


def size_text(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


CASE_HEADER = ("frame", "digits", *STAGES, "recognize() median", "p90", "p99", "settled by the first stage")


def case_row(case: CaseTimes) -> list[str]:
    """Stage medians, then recognize()'s median, p90 and p99 (ms), and the share the first stage settled."""
    stages = [ms_text(np.median(case.stages[stage])) for stage in STAGES]
    settled = "-" if case.settled is None else f"{case.settled:.0%}"
    times = map(ms_text, np.percentile(case.recognize, [50, 90, 99]))
    digits = "noise" if case.digits == NOISE else str(case.digits)
    return [size_text(case.size), digits, *stages, *times, settled]


def floor_table(floors: Sequence[FloorTimes]) -> str:
    rows = [
        [
            size_text(f.size),
            f"{np.median(f.digits):.0f}",
            ms_text(np.median(f.decode)),
            ms_text(np.median(f.decode + f.floor)),
            ms_text(np.median(f.recognize)),
            ms_text(np.median(f.decode + f.recognize)),
            f"{f.ratio:.2f}x",
        ]
        for f in floors
    ]
    return table(
        (
            "frame",
            "digits read (median)",
            "decode",
            "floor: decode + grey + threshold + contours",
            "recognize()",
            "decode + recognize()",
            "(decode + recognize()) / floor",
        ),
        rows,
    )


def video_table(runs: Sequence[cli_runs.VideoThroughput]) -> str:
    rows = [
        [
            size_text(r.size),
            str(r.frames),
            f"{r.wall_s:.2f}",
            f"{r.fps:.0f}",
            f"{r.start_s:.2f}",
            f"{r.fps_after_start:.0f}",
        ]
        for r in runs
    ]
    return table(("clip", "frames", "wall s", "fps (wall)", "1-frame clip wall s", "fps after start-up"), rows)


def rss_table(run: cli_runs.RssRun) -> str:
    marks = [f"{run.at(mark):.0f}" for mark in cli_runs.RSS_MARKS]
    row = [
        str(run.frames),
        f"{run.wall_s:.1f}",
        f"{run.frames / run.wall_s:.0f}" if run.wall_s > 0 else "-",
        f"{run.peak_mb:.0f}",
        *marks,
        f"{run.growth_mb:+.1f}",
        f"{run.max_rss_mb:.0f}",
    ]
    return table(
        (
            "frames",
            "wall s",
            "fps (wall, start-up included)",
            "peak MB",
            "25 %",
            "50 %",
            "75 %",
            "100 %",
            "growth 25 % -> last quarter MB",
            "ru_maxrss MB",
        ),
        [row],
    )


def snapshot_table(runs: Sequence[cli_runs.SnapshotThroughput]) -> str:
    rows = [[str(r.workers), str(r.images), f"{r.wall_s:.2f}", f"{r.images_per_s:.1f}"] for r in runs]
    return table(("workers", "photos", "wall s", "images/s (wall)"), rows)


def baseline_table(baseline: BaselineTimes, figures: Figures) -> str:
    ratio = speed_up(figures)
    return table(
        ("median ms / frame", "predict() calls / frame (median)", "speed-up over recognize()"),
        [
            [
                f"{np.median(baseline.ms):.1f}",
                f"{np.median(baseline.calls):.0f}",
                f"{ratio:.0f}x" if ratio is not None else "-",
            ]
        ],
    )


def targets_table(figures: Figures) -> str:
    return table(("figure", "measured", "target", "met?"), [target_row(t) for t in targets(figures)])


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass  # not Linux: fall back to what platform knows
    return platform.processor() or platform.machine()


def machine_text(recognizer: Recognizer, args: argparse.Namespace) -> str:
    """What the figures were measured on, and with how many frames."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    machine = (
        f"machine: {cpu_model()}, {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), "
        f"load average {load} at start"
    )
    versions = (
        f"Python {platform.python_version()}, OpenCV {cv2.__version__}, "
        f"LiteRT (ai-edge-litert) {importlib.metadata.version('ai-edge-litert')}, "
        f"{recognizer.config.num_threads} LiteRT threads"
    )
    counts = (
        f"frames: {args.frames} per case after {WARM_UP} warm-up (in {ROUNDS} blocks, the cases taking turns), "
        f"{args.frames} per clip for the floor, "
        f"{args.baseline_frames} for the baseline; runs (median taken): {args.video_runs} of each video "
        f"command, {args.cold_runs} of the cold start"
    )
    return f"{machine}\n{versions}\n{counts}"


# --- the run ---------------------------------------------------------------------------


def make_clips(work: Path, clip_frames: int | None) -> dict[str, Path]:
    """The clips the video figures need, written into ``work``: the sample clip (or its
    first ``clip_frames`` frames), the same upscaled to 1280x720, and a 1-frame clip of
    each size."""
    frames = cli_runs.sample_frames()[:clip_frames]
    clips = {
        "vga": cli_runs.SAMPLE_CLIP
        if clip_frames is None
        else cli_runs.write_clip(work / "vga.mp4", frames, len(frames))
    }
    clips["hd"] = cli_runs.write_clip(work / "hd.mp4", frames, len(frames), HD)
    clips["vga_1"] = cli_runs.write_clip(work / "vga_1.mp4", frames, 1)
    clips["hd_1"] = cli_runs.write_clip(work / "hd_1.mp4", frames, 1, HD)
    return clips


def cold_start(work: Path, runs: int, model: Path | None) -> tuple[float, float | None]:
    """Median wall s of ``python -m camdigits snapshot one.png --json -`` and of the
    installed ``camdigits`` script next to this Python (None if there is none)."""
    image = work / "one.png"
    cv2.imwrite(str(image), render_case(*HEADLINE, 1)[0])
    command = cli_runs.camdigits_command("snapshot", str(image), "--json", "-", model=model)
    module_s = cli_runs.median_wall_time(command, runs)
    script = Path(sys.executable).with_name("camdigits")
    if not script.exists():
        return module_s, None
    return module_s, cli_runs.median_wall_time([str(script), *command[3:]], runs)


def report_cases(recognizer: Recognizer, frames: int) -> tuple[CaseTimes, ...]:
    print("## recognize() per frame, by stage (clean rendered scenes, and noise; stage columns: median ms)\n")
    print(table(CASE_HEADER, []), flush=True)
    cases = time_cases(recognizer, CASES, frames)
    for case in cases:
        print(table_row(case_row(case)), flush=True)
    print(
        f"\nrecognize() and its stages: a new scene every frame. Tracking and annotation: each scene held "
        f"for {HOLD_FRAMES} frames (a still camera), so tracks confirm. split: unsure wide blobs retried as "
        "two touching digits; numbers: size outliers dropped, digits grouped, FrameResult built. Settled: "
        "share of the candidates' patches the cascade's first stage decided without the full network. noise: "
        "colour noise, blurred by 0, 1, 1.5 and 2 px in turn (a camera pointed at texture).\n"
    )
    return tuple(cases)


def report_floors(recognizer: Recognizer, clips: dict[str, Path], frames: int) -> tuple[FloorTimes, ...]:
    print(
        "## The floor (frames decoded from mp4v clips with cv2.VideoCapture; threshold: camdigits' local mean "
        "threshold, the same mask as cv2.adaptiveThreshold MEAN_C inverted at a third of its comparison cost, "
        "no blur or rule check; contours: RETR_EXTERNAL; median ms)\n"
    )
    floors = tuple(time_floor(clips[name], recognizer, frames) for name in ("vga", "hd"))
    print(floor_table(floors) + "\n", flush=True)
    return floors


def report_video(clips: dict[str, Path], work: Path, args: argparse.Namespace) -> tuple[cli_runs.VideoThroughput, ...]:
    print(
        f"## camdigits video CLIP --output O.mp4 --json O.jsonl, in a fresh process (640x480: {clips['vga'].name}; "
        "1280x720: the same frames upscaled with cv2.resize, written as mp4v)\n"
    )
    runs = tuple(
        cli_runs.video_throughput(clips[name], clips[name + "_1"], work, args.video_runs, args.model)
        for name in ("vga", "hd")
    )
    print(
        video_table(runs) + "\n\nfps after start-up = (frames - 1) / (wall - wall of the same command on a "
        "1-frame clip of the same size): imports, model load and finalising the outputs taken out.\n",
        flush=True,
    )
    return runs


def report_cold_start(work: Path, args: argparse.Namespace) -> float:
    module_s, script_s = cold_start(work, args.cold_runs, args.model)
    print("## Cold start: snapshot of one 640x480 10-digit PNG, --json - (wall s, median)\n")
    rows = [
        ["python -m camdigits", f"{module_s:.2f}"],
        ["camdigits (console script)", f"{script_s:.2f}" if script_s is not None else "not installed"],
    ]
    print(table(("command", "wall s"), rows) + "\n", flush=True)
    return module_s


def report_rss(work: Path, args: argparse.Namespace) -> cli_runs.RssRun:
    frames = round(args.rss_seconds * cli_runs.CLIP_FPS)
    clip = cli_runs.write_clip(work / "long.mp4", cli_runs.sample_frames(), frames)
    print(
        f"## Memory of camdigits video on a {args.rss_seconds:g} s 640x480 clip ({frames} frames: pan_zoom "
        f"repeated, mp4v); VmRSS of the process and its worker processes, summed, every "
        f"{cli_runs.RSS_SAMPLE_SECONDS} s\n"
    )
    run = cli_runs.video_rss(clip, work, args.model)
    print(
        rss_table(run) + "\n\ngrowth: highest RSS after the 75 % mark minus RSS at 25 % (the last sample may "
        "fall in the exit). The sum counts pages the forked workers share with the main process once "
        "per process, so it is an upper bound. ru_maxrss: getrusage(RUSAGE_CHILDREN) in a small launcher "
        "process (see bench.cli_runs.LAUNCHER), the kernel's peak of the largest single process.\n",
        flush=True,
    )
    return run


def report_snapshot(work: Path, args: argparse.Namespace) -> tuple[cli_runs.SnapshotThroughput, ...]:
    photos = cli_runs.write_photos(work / "photos", args.photos, 1 if args.quick else PHOTO_SCENES)
    sizes = ", ".join(size_text(size) for size in cli_runs.PHOTO_SIZES)
    print(
        f"## Snapshot throughput: camdigits snapshot PHOTO... --json O.jsonl --workers N, in a fresh process "
        f"({len(photos)} JPEG photos of clean rendered scenes, the sizes {sizes} in turn)\n"
    )
    cores = worker_count()
    runs = tuple(
        cli_runs.snapshot_throughput(photos, workers, work, args.video_runs, args.model)
        for workers in sorted({1, cores})
    )
    print(
        snapshot_table(runs) + f"\n\nwall s: median of {args.video_runs} run(s), start-up included; "
        f"{cores} worker(s) is one per core this process may use.\n",
        flush=True,
    )
    return runs


def measure_baseline(recognizer: Recognizer, args: argparse.Namespace) -> BaselineTimes:
    images = render_case(*HEADLINE, args.baseline_frames)
    return time_tutorial_baseline(images, recognizer.config, args.keras_model)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=200, help="timed frames per case and per clip")
    parser.add_argument("--baseline-frames", type=int, default=20, help="frames for the (slow) tutorial baseline")
    parser.add_argument("--quick", action="store_true", help="tiny counts and short clips; no RSS run unless --rss")
    parser.add_argument("--rss", action="store_true", help="with --quick: do the RSS run anyway")
    parser.add_argument("--rss-seconds", type=float, default=60.0, help="length of the clip for the RSS run")
    parser.add_argument("--skip-baseline", action="store_true", help="no tutorial baseline (no TensorFlow import)")
    parser.add_argument("--skip-video", action="store_true", help="no camdigits video runs (throughput, RSS)")
    parser.add_argument("--photos", type=int, default=500, help="JPEG photos for the snapshot throughput")
    parser.add_argument("--model", type=Path, default=None, help="a .tflite model instead of the shipped one")
    parser.add_argument("--keras-model", type=Path, default=KERAS_MODEL, help="the Keras network for the baseline")
    args = parser.parse_args(argv)
    args.video_runs, args.cold_runs, args.clip_frames = VIDEO_RUNS, COLD_START_RUNS, None  # None: the whole clip
    if args.quick:
        args.frames = min(args.frames, QUICK_FRAMES)
        args.baseline_frames = min(args.baseline_frames, QUICK_BASELINE_FRAMES)
        args.video_runs = args.cold_runs = QUICK_RUNS
        args.clip_frames = QUICK_CLIP_FRAMES
        args.rss_seconds = min(args.rss_seconds, QUICK_RSS_SECONDS)
        args.photos = min(args.photos, QUICK_PHOTOS)
    return args


def main(argv: list[str] | None = None) -> Figures:
    args = parse_args(argv)
    recognizer = Recognizer(args.model)
    print(machine_text(recognizer, args) + "\n", flush=True)
    cases = report_cases(recognizer, args.frames)
    with tempfile.TemporaryDirectory(prefix="camdigits-speed-") as folder:
        work = Path(folder)
        clips = make_clips(work, args.clip_frames)
        floors = report_floors(recognizer, clips, args.frames)
        video = () if args.skip_video else report_video(clips, work, args)
        cold_start_s = report_cold_start(work, args)
        rss = report_rss(work, args) if not args.skip_video and (not args.quick or args.rss) else None
        report_snapshot(work, args)
    baseline = None if args.skip_baseline else measure_baseline(recognizer, args)  # last: TensorFlow is big
    figures = Figures(cases, floors, video, cold_start_s, rss, baseline)
    if baseline is not None:
        print(
            f"## Tutorial baseline ({args.baseline_frames} frames of 640x480 with 10 digits, the first scenes "
            "of that case): Otsu, outer contours, cv2.resize to 28x28, one Keras model.predict per crop\n"
        )
        print(baseline_table(baseline, figures) + "\n", flush=True)
    print("## Targets\n")
    print(targets_table(figures), flush=True)
    return figures


if __name__ == "__main__":
    main()
