"""The speed figures that need the real command line: video throughput, cold start and
memory of a long video run, each measured on a fresh ``python -m camdigits`` process.

Everything here runs the CLI in a subprocess, so decoding, output writing, imports and
model loading are all counted, as a user would see them. The clips these runs need are
made from the shipped sample video into a folder the caller owns.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from bench.video_accuracy import read_frames

SAMPLE_CLIP = Path(__file__).resolve().parent.parent / "sample_videos" / "pan_zoom.mp4"  # 640x480, 300 frames
CLIP_FOURCC = "mp4v"  # the codec camdigits itself writes; every OpenCV build reads it back
CLIP_FPS = 30.0
RSS_SAMPLE_SECONDS = 0.2  # how often VmRSS is read: 5 samples a second catch any steady growth
RSS_MARKS = (0.25, 0.50, 0.75, 1.00)  # fractions of the run at which RSS is reported
KIB_PER_MB = 1024.0


def camdigits_command(*args: str, model: Path | None = None) -> list[str]:
    """``python -m camdigits [--model PATH] ARGS`` with this interpreter."""
    options = ["--model", str(model)] if model is not None else []
    return [sys.executable, "-m", "camdigits", *options, *args]


# --- clips ---------------------------------------------------------------------------


def sample_frames(source: Path = SAMPLE_CLIP) -> list[np.ndarray]:
    """Every frame of a (short) clip, decoded; raises if none can be read."""
    frames = [frame for _, _, frame in read_frames(source)]
    if not frames:
        raise RuntimeError(f"{source}: no frame could be decoded")
    return frames


def write_clip(path: Path, frames: Sequence[np.ndarray], count: int, size: tuple[int, int] | None = None) -> Path:
    """Write ``count`` frames (``frames`` repeated as often as needed), resized to ``size``
    (w, h) with cv2.resize (bilinear) if given, as mp4v at 30 fps."""
    height, width = frames[0].shape[:2]
    size = size or (width, height)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*CLIP_FOURCC), CLIP_FPS, size)
    if not writer.isOpened():
        raise RuntimeError(f"{path}: OpenCV cannot write an {CLIP_FOURCC} video there")
    try:
        for index in range(count):
            frame = frames[index % len(frames)]
            writer.write(frame if size == (width, height) else cv2.resize(frame, size, interpolation=cv2.INTER_LINEAR))
    finally:
        writer.release()
    return path


def frame_count(path: Path) -> int:
    """Frames in a video, counted by decoding (containers may misstate it)."""
    capture = cv2.VideoCapture(str(path))
    count = 0
    try:
        while capture.grab():
            count += 1
    finally:
        capture.release()
    return count


# --- timed runs ----------------------------------------------------------------------


def wall_time(command: Sequence[str]) -> float:
    """Seconds from start to exit of ``command``; raises with its stderr if it fails."""
    start = time.perf_counter()
    finished = subprocess.run(command, check=False, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if finished.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {finished.returncode}: {finished.stderr.strip()}")
    return seconds


def median_wall_time(command: Sequence[str], runs: int) -> float:
    return statistics.median(wall_time(command) for _ in range(runs))


@dataclass(frozen=True)
class VideoThroughput:
    """``camdigits video`` on one clip: wall time with and without process start-up."""

    size: tuple[int, int]
    frames: int
    wall_s: float  # median wall time of the whole command
    start_s: float  # median wall time of the same command on a 1-frame clip of that size

    @property
    def fps(self) -> float:
        """Frames per second of wall time, start-up included."""
        return self.frames / self.wall_s

    @property
    def fps_after_start(self) -> float:
        """(frames - 1) / (wall - wall of a 1-frame clip): the rate once the process is up,
        with the one frame the 1-frame run also processes taken out; NaN when noise made
        the long run no slower than the short one."""
        if self.wall_s <= self.start_s:
            return float("nan")
        return (self.frames - 1) / (self.wall_s - self.start_s)


def video_throughput(
    clip: Path, one_frame_clip: Path, work: Path, runs: int, model: Path | None = None
) -> VideoThroughput:
    """Time ``camdigits video CLIP --output O.mp4 --json O.jsonl`` (median of ``runs``)."""

    def command(path: Path) -> list[str]:
        return camdigits_command(
            "video", str(path), "--output", str(work / "out.mp4"), "--json", str(work / "out.jsonl"), model=model
        )

    capture = cv2.VideoCapture(str(clip))
    size = (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    capture.release()
    return VideoThroughput(
        size, frame_count(clip), median_wall_time(command(clip), runs), median_wall_time(command(one_frame_clip), runs)
    )


# --- memory --------------------------------------------------------------------------


def read_rss_mb(pid: int) -> float | None:
    """Resident set size of a live process from /proc/<pid>/status (VmRSS), or None once
    it has exited."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / KIB_PER_MB
    return None  # a zombie has no VmRSS line


def descendants(pid: int) -> list[int]:
    """Every live process started by ``pid``, and by those, from /proc (Linux)."""
    found, queue = [], [pid]
    while queue:
        parent = queue.pop()
        try:
            tasks = list(Path(f"/proc/{parent}/task").iterdir())
        except (FileNotFoundError, ProcessLookupError):
            continue
        for task in tasks:
            try:
                children = [int(word) for word in (task / "children").read_text().split()]
            except (FileNotFoundError, ProcessLookupError):
                continue
            found += children
            queue += children
    return found


def read_tree_rss_mb(pid: int) -> float | None:
    """RSS of ``pid`` plus that of every process it started (``camdigits video``'s worker
    processes), or None once ``pid`` has exited. Pages the workers share with the main
    process after fork are counted in each, so this is an upper bound."""
    own = read_rss_mb(pid)
    if own is None:
        return None
    return own + sum(mb for child in descendants(pid) if (mb := read_rss_mb(child)) is not None)


@dataclass(frozen=True)
class RssRun:
    """RSS samples of one run: (seconds since start, MB) pairs, and the kernel's peak."""

    samples: tuple[tuple[float, float], ...]
    wall_s: float
    frames: int
    max_rss_mb: float  # ru_maxrss: the kernel's peak of the largest single process, spikes included

    @property
    def peak_mb(self) -> float:
        return max(mb for _, mb in self.samples)

    def at(self, fraction: float) -> float:
        """RSS at the last sample taken by ``fraction`` of the run's sampled time."""
        end = self.samples[-1][0]
        return [mb for t, mb in self.samples if t <= fraction * end + 1e-9][-1]

    @property
    def growth_mb(self) -> float:
        """Highest RSS of the last quarter minus RSS at the 25 % mark. A leak shows as steady
        growth after start-up (imports and first buffers are done long before 25 %); the
        highest value, not the last, because the last sample may fall in the exit, when
        memory is already being freed."""
        end = self.samples[-1][0]
        last_quarter = max(mb for t, mb in self.samples if t >= RSS_MARKS[-2] * end)
        return last_quarter - self.at(RSS_MARKS[0])


# Runs the command in its arguments and reports, on stdout, the command's pid, then its
# peak RSS as getrusage(RUSAGE_CHILDREN).ru_maxrss (kB) and its exit code. The launcher is
# needed because on Linux a child's ru_maxrss starts at the RSS of the process that spawned
# it (exec keeps the old high-water mark): spawned straight from this benchmark, which holds
# hundreds of MB of rendered scenes, it would report the benchmark's size, not its own.
LAUNCHER = """
import resource, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
print(child.pid, flush=True)
code = child.wait()
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code, flush=True)
"""


def sample_rss(command: Sequence[str], interval: float = RSS_SAMPLE_SECONDS) -> RssRun:
    """Run ``command`` (through :data:`LAUNCHER`), reading the VmRSS of it and its child
    processes every ``interval`` s until it exits. Raises if it fails or exits before it
    could be sampled."""
    start = time.perf_counter()
    launcher = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    pid = int(launcher.stdout.readline())
    samples: list[tuple[float, float]] = []
    while launcher.poll() is None:
        mb = read_tree_rss_mb(pid)
        if mb is not None:
            samples.append((time.perf_counter() - start, mb))
        time.sleep(interval)
    wall = time.perf_counter() - start
    report, errors = launcher.communicate()
    max_rss_kib, code = (int(word) for word in report.split())
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {code}: {errors.strip()}")
    if not samples:
        raise RuntimeError(f"{' '.join(command)} exited before its memory could be read")
    return RssRun(tuple(samples), wall, 0, max_rss_kib / KIB_PER_MB)


def video_rss(clip: Path, work: Path, model: Path | None = None) -> RssRun:
    """Memory of ``camdigits video CLIP --output O.mp4 --json O.jsonl`` over its run."""
    run = sample_rss(
        camdigits_command(
            "video", str(clip), "--output", str(work / "rss.mp4"), "--json", str(work / "rss.jsonl"), model=model
        )
    )
    return replace(run, frames=frame_count(clip))


# --- snapshot throughput -------------------------------------------------------------

# (width, height) of the photos, taken in turn: a webcam frame, HD, full HD, and a 12 MP
# portrait phone photo.
PHOTO_SIZES = ((640, 480), (1280, 720), (1920, 1080), (3000, 4000))
# Rendering a scene takes seconds at 12 MP: larger photos are rendered at this many pixels
# on the longer side and scaled up (bicubic), which still makes a full-size JPEG to decode.
PHOTO_RENDER_SIDE = 2000
PHOTO_JPEG_QUALITY = 90


def write_photos(folder: Path, count: int, scenes_per_size: int) -> list[Path]:
    """``count`` JPEG photos in ``folder``, the sizes of PHOTO_SIZES taken in turn, each
    size cycling through ``scenes_per_size`` rendered clean scenes (encoded once, then
    written as often as needed)."""
    from bench.scenes import render_scene

    encoded: dict[tuple[int, int], list[bytes]] = {}
    for size in PHOTO_SIZES:
        shrink = min(1.0, PHOTO_RENDER_SIDE / max(size))
        render_size = (round(size[0] * shrink), round(size[1] * shrink))
        encoded[size] = []
        for seed in range(scenes_per_size):
            image = render_scene("clean", seed, render_size).image
            if render_size != size:
                image = cv2.resize(image, size, interpolation=cv2.INTER_CUBIC)
            ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, PHOTO_JPEG_QUALITY])
            if not ok:
                raise RuntimeError(f"OpenCV could not encode a {size[0]}x{size[1]} JPEG")
            encoded[size].append(data.tobytes())
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        size = PHOTO_SIZES[index % len(PHOTO_SIZES)]
        path = folder / f"photo-{index:04d}-{size[0]}x{size[1]}.jpg"
        path.write_bytes(encoded[size][index // len(PHOTO_SIZES) % scenes_per_size])
        paths.append(path)
    return paths


@dataclass(frozen=True)
class SnapshotThroughput:
    """``camdigits snapshot`` over many photos with a number of worker processes."""

    workers: int
    images: int
    wall_s: float  # median wall time of the whole command, start-up included

    @property
    def images_per_s(self) -> float:
        return self.images / self.wall_s


def snapshot_throughput(
    photos: Sequence[Path], workers: int, work: Path, runs: int, model: Path | None = None
) -> SnapshotThroughput:
    """Time ``camdigits snapshot PHOTO... --json O.jsonl --workers N`` (median of ``runs``)."""
    command = camdigits_command(
        "snapshot", *map(str, photos), "--json", str(work / "snapshot.jsonl"), "--workers", str(workers), model=model
    )
    return SnapshotThroughput(workers, len(photos), median_wall_time(command, runs))
