"""`camdigits webcam` through the same loop: a video file as the camera, --no-display,
cameras that are missing or vanish mid-run, and a real window on a virtual display."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner, Result

from camdigits.cli import cli
from camdigits.config import Config
from camdigits.io import camera
from camdigits.io.annotate import Annotator
from camdigits.io.frames import Frame
from camdigits.io.window import FpsMeter, WebcamWindow
from camdigits.pipeline import run
from camdigits.types import FrameResult
from tests.test_video_mode import (
    MODEL,
    REPO,
    SAMPLE,
    page_image,
    records,
    video_properties,
    write_clip,
)

SUMMARY = r"frames processed, [\d.]+ fps; latency from capture to result median [\d.]+ ms, p99 [\d.]+ ms"


def webcam(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["--model", str(MODEL), "webcam", *map(str, args)], catch_exceptions=False)


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return write_clip(tmp_path_factory.mktemp("clips") / "drift.mp4", frames=30)


def test_video_file_as_camera_without_display(clip, tmp_path):
    record, jsonl = tmp_path / "session.mp4", tmp_path / "session.jsonl"
    result = webcam("--camera", clip, "--no-display", "--record", record, "--json", jsonl)
    assert result.exit_code == 0, result.output
    [summary] = result.stderr.splitlines()
    assert summary.startswith(f"{clip}: ") and re.search(SUMMARY, summary)
    found = records(jsonl)
    indexes = [r["frame"] for r in found]
    assert indexes == sorted(set(indexes)) and indexes[-1] <= 29 and len(indexes) >= 15
    assert all(r["source"] == str(clip) for r in found)
    assert all(r["digits"] for r in found[5:])  # the tracker confirms new digits within a few frames
    assert all("track" in d for r in found for d in r["digits"])
    frames, width, height, fps, _ = video_properties(record)
    assert (width, height, fps) == (640, 480, 30.0)
    # Paced by capture time: the recording lasts from the first processed frame's capture to
    # the last one's, the clip's second when the machine keeps pace with the replay, a few
    # frames more when a loaded machine makes it fall behind (33 in one CI run). Of two frames
    # delivered within one frame's time, the recorder leaves the second out, so the recording
    # does not outlast its span.
    span = round((found[-1]["time"] - found[0]["time"]) * fps) + 1
    assert abs(frames - span) <= 1 and frames >= 28


def test_json_to_stdout_is_pure_json(clip):
    result = webcam("--camera", clip, "--no-display", "--json", "-", "--no-track")
    assert result.exit_code == 0
    assert all(json.loads(line)["source"] == str(clip) for line in result.stdout.splitlines())
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    "camera, message",
    [
        ("99", "camera 99: cannot open it (try another --camera index (0, 1, ...); on macOS allow camera access"),
        ("missing.mp4", "missing.mp4: no such video file"),
        ("rtsp://127.0.0.1:9/none", "rtsp://127.0.0.1:9/none: cannot open it (check the address"),
    ],
)
def test_camera_that_cannot_be_opened_is_one_line_and_exit_2(camera, message, tmp_path):
    result = webcam("--camera", camera, "--no-display", "--json", tmp_path / "out.jsonl")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"camdigits: error: {message}")


def test_frame_size_applies_to_devices_only(clip, tmp_path):
    result = webcam("--camera", clip, "--width", "1280", "--no-display", "--json", tmp_path / "out.jsonl")
    assert result.exit_code == 2
    assert result.stderr == (
        f"camdigits: error: {clip}: --width and --height apply to camera devices only "
        "(drop them; frames are read at the size the file or stream has)\n"
    )


def test_no_display_suggests_no_display(clip, monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    result = webcam("--camera", clip)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        (
            "camdigits: error: cannot open a window: no display (DISPLAY is not set) "
            "(run with --no-display, which writes --record and --json without a window)"
        )
    ]


def test_no_display_needs_an_output(clip):
    result = webcam("--camera", clip, "--no-display")
    assert result.exit_code == 2 and "give --record or --json" in result.output


class VanishingCamera:
    """Camera 0 that delivers the frames of a clip, then fails every read (unplugged)."""

    def __init__(self, clip: Path, frames: int) -> None:
        self.video = cv2.VideoCapture(str(clip))
        self.left = frames

    def read(self):
        time.sleep(1 / 30)
        if self.left == 0:
            return False, None
        self.left -= 1
        return self.video.read()

    def get(self, prop):
        return 30.0 if prop == cv2.CAP_PROP_FPS else 0.0

    def release(self):
        self.video.release()


def test_camera_that_vanishes_mid_run_keeps_the_recording(clip, tmp_path, monkeypatch):
    monkeypatch.setattr(camera, "open_capture", lambda spec, width, height: VanishingCamera(clip, frames=12))
    monkeypatch.setattr(camera, "CAMERA_TIMEOUT", 0.3)
    record, jsonl = tmp_path / "session.mp4", tmp_path / "session.jsonl"
    result = webcam("--camera", "0", "--no-display", "--record", record, "--json", jsonl)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        (
            "camdigits: error: camera 0: stopped delivering frames (none for 0.3 s) "
            "(check its cable or network connection; the outputs so far were saved)"
        )
    ]
    found = records(jsonl)
    assert 6 <= len(found) <= 12 and found[-1]["frame"] == 11
    frames, width, height, _, _ = video_properties(record)
    assert (width, height) == (640, 480)  # finalized and playable
    duration = found[-1]["time"] - found[0]["time"]
    assert len(found) <= frames <= round(duration * 30) + 2  # real-time pace


@pytest.mark.gui
def test_window_keys_on_a_virtual_display(virtual_display, tmp_path):
    jsonl, snapshots = tmp_path / "session.jsonl", tmp_path / "shots"
    env = {**os.environ, "PYTHONPATH": str(REPO), "DISPLAY": virtual_display}
    command = [
        sys.executable,
        "-m",
        "camdigits",
        "--model",
        str(MODEL),
        "webcam",
        "--camera",
        str(SAMPLE),
        "--json",
        str(jsonl),
        "--snapshots",
        str(snapshots),
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def lines() -> int:
        return len(jsonl.read_text().splitlines()) if jsonl.exists() else 0

    def wait_for(condition, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline and process.poll() is None, "timed out"
            time.sleep(0.05)

    def press(key: str) -> None:
        window = subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "^camdigits"],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout.split()[0]
        subprocess.run(["xdotool", "key", "--window", window, key], env=env, check=True, timeout=30)

    try:
        wait_for(lambda: lines() >= 3)
        press("s")
        wait_for(lambda: len(list(snapshots.glob("*.json"))) == 1)
        press("space")  # pause: no frame is read until space again

        def unchanged_for(seconds: float) -> bool:
            before = lines()
            time.sleep(seconds)
            return lines() == before

        wait_for(lambda: unchanged_for(0.5))  # the camera delivers 30 frames a second: only a pause stops them
        paused_at = lines()
        time.sleep(1.0)
        assert lines() == paused_at
        press("m")  # mask view and sensitivity keys work while paused
        press("plus")
        press("space")
        wait_for(lambda: lines() >= paused_at + 5)
        press("q")
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    [png] = snapshots.glob("*.png")
    [snapshot_json] = snapshots.glob("*.json")
    assert png.stem == snapshot_json.stem
    assert cv2.imread(str(png)).shape == (480, 640, 3)
    snapshot = json.loads(snapshot_json.read_text())
    assert snapshot["frame"] in [r["frame"] for r in records(jsonl)]
    # Resumed after the pause, and q stopped it before the end of the clip. (It was "10 <":
    # a pause taken after the fifth frame and a quick q leave exactly 10 lines.)
    assert paused_at + 5 <= lines() < video_properties(SAMPLE)[0]


def bare_window(offset: float) -> WebcamWindow:
    """A webcam window without a display, to check what its keys do."""
    window = WebcamWindow.__new__(WebcamWindow)
    window.__dict__.update(
        threshold_offset=offset,
        annotator=Annotator(),
        title="camdigits webcam",
        fps=FpsMeter(),
        paused=False,
        show_mask=False,
        stop_requested=False,
        _mask=None,
        _requests=None,
        _again=False,
    )
    return window


@pytest.mark.parametrize(
    "keys, offset, expected",
    [
        ("", 10.0, {"offset": 10.0, "paused": False, "show_mask": False, "stop_requested": False}),
        ("+", 10.0, {"offset": 8.0}),
        ("==", 10.0, {"offset": 6.0}),
        ("-", 10.0, {"offset": 12.0}),
        ("+", 2.0, {"offset": 2.0}),  # bounded: below this, paper texture floods the mask
        ("_", 40.0, {"offset": 40.0}),
        ("m", 10.0, {"show_mask": True}),
        ("mm", 10.0, {"show_mask": False}),
        (" ", 10.0, {"paused": True}),
        ("  ", 10.0, {"paused": False}),
        ("x", 10.0, {"stop_requested": False}),
        ("q", 10.0, {"stop_requested": True}),
        ("\x1b", 10.0, {"stop_requested": True}),
    ],
)
def test_window_keys(keys, offset, expected, monkeypatch):
    shown = []
    monkeypatch.setattr(cv2, "imshow", lambda title, image: shown.append(image))
    window = bare_window(offset)
    frame = Frame(page_image(), "camera 0")
    result = FrameResult(640, 480)
    for key in keys:
        window._handle_key(ord(key), frame, result, frame.image)
    state = {
        "offset": window.threshold_offset,
        "paused": window.paused,
        "show_mask": window.show_mask,
        "stop_requested": window.stop_requested,
    }
    assert {name: state[name] for name in expected} == expected
    assert all(image.shape == (480, 640, 3) for image in shown)


class StubRecognizer:
    """Records the threshold offset each frame was read with; its ink mask is all paper."""

    def __init__(self, offset: float) -> None:
        self.config = replace(Config(), threshold_offset=offset)
        self.offsets: list[float] = []

    def recognize(self, image, source="", frame=0, time=0.0):
        self.offsets.append(self.config.threshold_offset)
        return FrameResult(image.shape[1], image.shape[0], source=source, frame=frame)

    def candidates(self, image):
        return np.zeros(image.shape[:2], np.uint8), []


def test_window_keys_reach_the_recognizer_through_the_loop(monkeypatch):
    """+ during frame 0 changes the offset frame 1 is read with; m shows the mask the loop
    hands the window, at once (the same frame is written to it again) and on frame 1."""
    keys = iter([ord("+"), ord("m"), -1, -1])
    shown = []
    monkeypatch.setattr(cv2, "waitKey", lambda ms: next(keys))
    monkeypatch.setattr(cv2, "imshow", lambda title, image: shown.append(image))
    monkeypatch.setattr(cv2, "getWindowProperty", lambda title, prop: 1.0)
    recognizer, window = StubRecognizer(10.0), bare_window(10.0)
    frames = [Frame(page_image(), "camera 0", index) for index in range(2)]
    summary = run(recognizer, frames, [window])
    assert summary.frames == 2 and next(keys, None) is None
    assert recognizer.offsets == [10.0, 8.0] and recognizer.config.threshold_offset == 8.0
    assert len(shown) == 4 and len(window.fps._times) == 2  # 2 frames, each key shows frame 0 again
    middle = (slice(200, 280), slice(280, 360))  # between the status bars
    assert [bool(image[middle].any()) for image in shown] == [True, True, False, False]  # page, page, its mask


class MjpegStream:
    """A local HTTP server sending a clip's frames as an MJPEG stream (multipart JPEGs, as
    IP cameras and phone camera apps serve them) at 30 fps, then ending the stream."""

    def __init__(self, clip: Path) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        capture = cv2.VideoCapture(str(clip))
        jpegs = []
        while True:
            ok, image = capture.read()
            if not ok:
                break
            jpegs.append(cv2.imencode(".jpg", image)[1].tobytes())
        capture.release()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
                self.end_headers()
                try:
                    for jpeg in jpegs:
                        self.wfile.write(
                            b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n" % len(jpeg)
                            + jpeg
                            + b"\r\n"
                        )
                        time.sleep(1 / 30)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/stream.mjpg"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_stream_url_as_camera(clip, tmp_path, monkeypatch):
    """An http:// MJPEG stream is read like a camera; when the stream ends, that is a camera
    that stopped delivering: one line, exit 2, and the JSON so far kept."""
    monkeypatch.setattr(camera, "CAMERA_TIMEOUT", 1.0)
    stream = MjpegStream(clip)
    try:
        jsonl = tmp_path / "stream.jsonl"
        result = webcam("--camera", stream.url, "--no-display", "--json", jsonl)
    finally:
        stream.close()
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1].startswith(f"camdigits: error: {stream.url}: stopped delivering frames")
    found = records(jsonl)
    assert len(found) >= 15 and found[-1]["frame"] <= 29
    assert all(r["source"] == stream.url for r in found)
    assert all(r["digits"] for r in found[5:])
