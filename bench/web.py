"""Load on ``camdigits serve`` over loopback: the API under concurrent clients, then one
camera stream.

    python -m bench.web [--clients 8] [--seconds 60] [--stream-seconds 20] [--workers N]

1. ``--clients`` threads, each on its own keep-alive connection, post 640x480 JPEG frames
   of the sample videos to /api/recognize for ``--seconds``: images/s, p50/p99 latency,
   errors (anything but 200), and the server's RSS after a warm-up and at the end.
2. One WebSocket client streams the same frames to /ws/stream with one frame in flight
   for ``--stream-seconds``: sustained frames/s and p50/p99 round trip.

The frames are encoded before the clock starts, so the figures are the server's and the
transport's; a browser adds its own JPEG encoding (about 2 ms a frame) to the stream.
Client and server share the machine's cores.
"""

from __future__ import annotations

import argparse
import http.client
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import cv2
import numpy as np

from bench.cli_runs import read_rss_mb
from bench.web_server import running_server

REPO = Path(__file__).resolve().parent.parent
CLIPS = sorted((REPO / "sample_videos").glob("*.mp4"))
FRAMES_PER_CLIP = 40  # 120 distinct 640x480 frames, cycled
JPEG_QUALITY = 80  # what the page's camera tab sends (0.8)
WARM_UP_S = 3.0  # s of load before the first RSS reading: first requests allocate buffers
RSS_EVERY_S = 10.0  # s between readings of the server's RSS during the run, to show whether it grows
TARGETS = {"images/s": 80.0, "stream fps": 25.0, "stream p50 ms": 40.0}


def sample_frames() -> list[bytes]:
    """JPEGs of the first frames of each sample clip (all 640x480)."""
    frames = []
    for clip in CLIPS:
        capture = cv2.VideoCapture(str(clip))
        for _ in range(FRAMES_PER_CLIP):
            ok, image = capture.read()
            if not ok:
                break
            assert image.shape[:2] == (480, 640), clip
            frames.append(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])[1].tobytes())
        capture.release()
    return frames


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used (Linux /proc), all its threads together."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


@dataclass
class ApiLoad:
    seconds: float
    latencies_ms: list[float]
    errors: int
    rss_start_mb: float
    rss_end_mb: float
    server_cpu_s: float  # CPU time the server used over the run: its cost per image, whatever the load
    rss_samples_mb: list[float]  # every RSS_EVERY_S seconds from the start

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.seconds


def post_loop(
    url: str, frames: list[bytes], start: int, stop_at: float, latencies: list[float], errors: list[str]
) -> None:
    """One client: post frames back to back on one keep-alive connection until ``stop_at``."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    index = start
    while time.monotonic() < stop_at:
        body = frames[index % len(frames)]
        index += 1
        began = time.perf_counter()
        try:
            connection.request("POST", "/api/recognize", body, {"Content-Type": "image/jpeg"})
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as error:
            errors.append(repr(error))
            connection.close()
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            continue
        if response.status == 200:
            latencies.append((time.perf_counter() - began) * 1000)
        else:
            errors.append(f"HTTP {response.status}")
    connection.close()


def load_api(url: str, pid: int, frames: list[bytes], clients: int, seconds: float) -> ApiLoad:
    latencies: list[float] = []
    errors: list[str] = []
    warm_stop = time.monotonic() + WARM_UP_S
    run(url, frames, clients, warm_stop, [], errors)
    rss_start = read_rss_mb(pid) or float("nan")
    cpu_start = cpu_seconds(pid)
    began = time.monotonic()
    samples: list[float] = []
    done = threading.Event()

    def sample_rss() -> None:
        while not done.wait(RSS_EVERY_S):
            samples.append(read_rss_mb(pid) or float("nan"))

    sampler = threading.Thread(target=sample_rss, daemon=True)
    sampler.start()
    run(url, frames, clients, began + seconds, latencies, errors)
    elapsed = time.monotonic() - began
    done.set()
    sampler.join()
    return ApiLoad(
        elapsed,
        latencies,
        len(errors),
        rss_start,
        read_rss_mb(pid) or float("nan"),
        cpu_seconds(pid) - cpu_start,
        samples,
    )


def run(url: str, frames: list[bytes], clients: int, stop_at: float, latencies: list[float], errors: list[str]) -> None:
    threads = [
        threading.Thread(target=post_loop, args=(url, frames, i * 7, stop_at, latencies, errors))
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def stream(url: str, frames: list[bytes], seconds: float) -> tuple[int, float, list[float], int]:
    """Frames answered, seconds, round trips (ms) and error answers of one camera stream."""
    import json

    from websockets.sync.client import connect

    round_trips: list[float] = []
    errors = 0
    with connect(url.replace("http://", "ws://") + "ws/stream", max_size=None) as socket:
        began = time.monotonic()
        index = 0
        while time.monotonic() - began < seconds:
            sent = time.perf_counter()
            socket.send(frames[index % len(frames)])
            answer = json.loads(socket.recv())
            round_trips.append((time.perf_counter() - sent) * 1000)
            errors += "error" in answer
            index += 1
        elapsed = time.monotonic() - began
    return index, elapsed, round_trips, errors


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--stream-seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=None, help="camdigits serve --workers [default: its own]")
    args = parser.parse_args(argv)
    frames = sample_frames()
    serve_args = ["--workers", str(args.workers)] if args.workers else []
    print(
        f"camdigits serve {' '.join(serve_args)} on loopback; {len(frames)} 640x480 JPEG frames of the sample "
        f"videos (mean {np.mean([len(f) for f in frames]) / 1000:.0f} kB); {os.cpu_count()} CPUs shared with "
        "the clients\n"
    )
    with running_server(*serve_args) as server:
        api = load_api(server.url, server.process.pid, frames, args.clients, args.seconds)
        count, elapsed, round_trips, stream_errors = stream(server.url, frames, args.stream_seconds)
        server.stop()
    fps = count / elapsed
    print(
        "| API: clients | seconds | images/s | p50 ms | p99 ms | errors | server RSS start -> end MB "
        "| server CPU ms per image |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    print(
        f"| {args.clients} | {api.seconds:.0f} | {api.rate:.1f} | {percentile(api.latencies_ms, 50):.1f} | "
        f"{percentile(api.latencies_ms, 99):.1f} | {api.errors} | {api.rss_start_mb:.0f} -> {api.rss_end_mb:.0f} "
        f"| {api.server_cpu_s * 1000 / max(len(api.latencies_ms), 1):.1f} |"
    )
    print(f"server RSS every {RSS_EVERY_S:g} s: {', '.join(f'{mb:.0f}' for mb in api.rss_samples_mb)} MB")
    print()
    print("| camera stream: seconds | frames | fps | p50 round trip ms | p99 round trip ms | errors |")
    print("| --- | --- | --- | --- | --- | --- |")
    print(
        f"| {elapsed:.0f} | {count} | {fps:.1f} | {percentile(round_trips, 50):.1f} | "
        f"{percentile(round_trips, 99):.1f} | {stream_errors} |"
    )
    print()
    figures = {"images/s": api.rate, "stream fps": fps, "stream p50 ms": percentile(round_trips, 50)}
    for name, target in TARGETS.items():
        met = figures[name] <= target if name.endswith("ms") else figures[name] >= target
        sign = "<=" if name.endswith("ms") else ">="
        print(f"{name}: {figures[name]:.1f} (target {sign} {target:g}) {'met' if met else 'MISSED'}")
    errors = api.errors + stream_errors
    print(f"errors: {errors} (target 0) {'met' if errors == 0 else 'MISSED'}")


if __name__ == "__main__":
    main()
