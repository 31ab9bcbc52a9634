"""`camdigits video` end to end on real mp4 files: JSON and annotated output, --every,
truncated and non-video files, Ctrl-C."""

from __future__ import annotations

import functools
import json
import os
import re
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner, Result

from bench.scenes import render_scene
from camdigits.cli import cli
from camdigits.errors import CamdigitsError, ImageError
from camdigits.io.annotate import Annotator
from camdigits.io.frames import Frame
from camdigits.io.sinks import VideoWriterSink
from camdigits.progress import ProgressBar
from camdigits.recognition.classify import default_model_path
from camdigits.types import FrameResult

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_videos" / "pan_zoom.mp4"
# The shipped model, or the interim stand-in while the shipped one is being trained.
MODEL = default_model_path() if default_model_path().is_file() else Path("/tmp/interim/interim.tflite")
MP4_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl"}  # boxes that hold the chunk offset table


@functools.lru_cache(maxsize=1)
def page_image() -> np.ndarray:
    return render_scene("clean", seed=1).image


def write_clip(path: Path, frames: int, fps: float = 30.0) -> Path:
    """A 640x480 mp4v clip of a rendered page of MNIST test digits drifting right 2 px a frame."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (640, 480))
    for index in range(frames):
        shift = np.float32([[1, 0, 2 * index], [0, 1, 0]])
        writer.write(cv2.warpAffine(page_image(), shift, (640, 480), borderMode=cv2.BORDER_REPLICATE))
    writer.release()
    return path


def video_properties(path: Path) -> tuple[int, int, int, float, int]:
    """(frames decoded, width, height, fps, frames the container states) of a video file."""
    capture = cv2.VideoCapture(str(path))
    assert capture.isOpened(), f"{path} does not open"
    decoded = 0
    while capture.grab():
        decoded += 1
    size = (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    properties = (decoded, *size, capture.get(cv2.CAP_PROP_FPS), int(capture.get(cv2.CAP_PROP_FRAME_COUNT)))
    capture.release()
    return properties


def video(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["--model", str(MODEL), "video", *map(str, args)], catch_exceptions=False)


def video_ok(*args: str | Path) -> Result:
    """:func:`video` that must end with exit code 0; what it printed is the message if not."""
    result = video(*args)
    assert result.exit_code == 0, result.output
    return result


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _boxes(data: bytes | bytearray, start: int, end: int):
    position = start
    while position + 8 <= end:
        size, kind = struct.unpack(">I4s", data[position : position + 8])
        yield kind, position, size
        position += size


def index_first(data: bytes) -> bytes:
    """The same mp4 with its index ('moov') moved before the frames ('mdat'), as streaming
    ("faststart") files have it; its chunk offsets grow by the index's size. Cutting such a
    file keeps its index, so the frames before the cut stay decodable."""
    top = {kind: (position, size) for kind, position, size in _boxes(data, 0, len(data))}
    moov_at, moov_size = top[b"moov"]
    moov = bytearray(data[moov_at : moov_at + moov_size])

    def shift_offsets(start: int, end: int) -> None:
        for kind, position, size in _boxes(moov, start, end):
            if kind in MP4_CONTAINERS:
                shift_offsets(position + 8, position + size)
            elif kind == b"stco":
                count = struct.unpack(">I", moov[position + 12 : position + 16])[0]
                for at in range(position + 16, position + 16 + 4 * count, 4):
                    moov[at : at + 4] = struct.pack(">I", struct.unpack(">I", moov[at : at + 4])[0] + moov_size)

    shift_offsets(8, moov_size)
    mdat_at, mdat_size = top[b"mdat"]
    return data[:mdat_at] + bytes(moov) + data[mdat_at : mdat_at + mdat_size]


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return write_clip(tmp_path_factory.mktemp("clips") / "drift.mp4", frames=30)


def test_sample_clip_end_to_end(tmp_path):
    out, jsonl = tmp_path / "annotated.mp4", tmp_path / "results.jsonl"
    result = video(SAMPLE, "--output", out, "--json", jsonl)
    assert result.exit_code == 0, result.output
    # No progress bar when stderr is not a terminal; the closing summary line still comes.
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert re.fullmatch(
        rf"{re.escape(str(SAMPLE))}: \d+ frames read in [\d.]+ s \([\d.]+ fps\); "
        rf"wrote {re.escape(str(out))}, {re.escape(str(jsonl))}",
        line,
    ), line
    found = records(jsonl)
    decoded, width, height, fps, _ = video_properties(SAMPLE)
    assert [r["frame"] for r in found] == list(range(decoded))
    assert [r["time"] for r in found] == [round(i / fps, 3) for i in range(decoded)]
    assert {(r["source"], r["width"], r["height"]) for r in found} == {(str(SAMPLE), width, height)}
    tracked = [d for r in found for d in r["digits"]]
    assert len(tracked) > decoded and all("track" in d for d in tracked)  # tracking is on by default
    assert video_properties(out)[:4] == (decoded, width, height, fps)


def test_annotated_copy_shows_the_boxes(clip, tmp_path):
    out, jsonl = tmp_path / "annotated.mp4", tmp_path / "results.jsonl"
    video_ok(clip, "--output", out, "--json", jsonl, "--no-track")
    first = records(jsonl)[0]
    assert first["digits"] and all("track" not in d for d in first["digits"])
    ok, annotated = cv2.VideoCapture(str(out)).read()
    ok_input, original = cv2.VideoCapture(str(clip)).read()
    assert ok and ok_input
    x, y, _, h = first["digits"][0]["box"]

    def greenness(image: np.ndarray) -> float:  # along the box's left edge
        edge = image[y : y + h, x].astype(int)
        return float((edge[:, 1] - edge[:, [0, 2]].max(axis=1)).mean())

    assert greenness(original) < 10 and greenness(annotated) > 60  # DIGIT_COLOUR boxes drawn


def test_json_to_stdout_is_pure_json(clip):
    result = video(clip, "--json", "-")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [json.loads(line)["frame"] for line in lines] == list(range(30))


@pytest.mark.parametrize("every, frames", [(1, list(range(30))), (3, list(range(0, 30, 3))), (7, [0, 7, 14, 21, 28])])
def test_every_nth_frame(every, frames, clip, tmp_path):
    out, jsonl = tmp_path / "annotated.mp4", tmp_path / "results.jsonl"
    video_ok(clip, "--every", every, "--json", jsonl, "--output", out)
    assert [r["frame"] for r in records(jsonl)] == frames
    assert [r["time"] for r in records(jsonl)] == [round(f / 30, 3) for f in frames]
    # the annotated copy holds each read frame until the next one: same pace as the input
    assert video_properties(out)[0] == frames[-1] + 1


def test_truncated_video_keeps_every_decodable_frame(clip, tmp_path):
    truncated = tmp_path / "truncated.mp4"
    data = index_first(clip.read_bytes())
    truncated.write_bytes(data[: len(data) * 6 // 10])
    decodable = video_properties(truncated)[0]
    assert 0 < decodable < 30
    out, jsonl = tmp_path / "annotated.mp4", tmp_path / "results.jsonl"
    result = video(truncated, "--output", out, "--json", jsonl)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        (
            f"camdigits: error: {truncated}: decoding stopped at frame {decodable} of 30 "
            f"({decodable / 30:.2f} s of 1.00 s); the {decodable} frames before it were processed "
            "(the rest of the file is truncated or damaged; copy it again from its source)"
        )
    ]
    assert [r["frame"] for r in records(jsonl)] == list(range(decodable))
    assert video_properties(out)[:4] == (decodable, 640, 480, 30.0)  # finalized and playable


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _text(path: Path) -> None:
    path.write_text("frame,digit\n0,7\n")


def _image(path: Path) -> None:
    path.write_bytes(cv2.imencode(".png", page_image())[1].tobytes())


def _cut_before_index(path: Path) -> None:
    path.write_bytes(write_clip(path, frames=5).read_bytes()[:4000])


@pytest.mark.parametrize(
    "make, message",
    [
        (_empty, "not a readable video (is it a video file"),
        (_text, "not a readable video (is it a video file"),
        (_image, "is an image, not a video (read it with: camdigits snapshot"),
        (_cut_before_index, "not a readable video (the file ends before its index (the mp4 'moov' box)"),
        (None, "no such file (check the path"),
        (Path.mkdir, "is a folder, not a video"),
    ],
)
def test_not_a_video_is_one_line_and_exit_2(make, message, tmp_path):
    path = tmp_path / "input.mp4"
    if make is not None:
        make(path)
    out = tmp_path / "annotated.mp4"
    result = video(path, "--json", tmp_path / "out.jsonl", "--output", out)
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"camdigits: error: {path}: {message}")
    assert not out.exists()


@pytest.mark.parametrize("args, complaint", [([], "nothing to write"), (["--every", "0"], "--every")])
def test_usage_errors(args, complaint, clip):
    result = video(clip, *args)
    assert result.exit_code == 2 and complaint in result.output


@pytest.mark.parametrize(
    "total, every, done, line",
    [
        (0, 1, 150, "150 frames, 150 fps"),  # a container that does not state its length
        (300, 1, 150, f"[{'#' * 15}{'-' * 15}] 150/300 frames, 150 fps, 0:01 left"),
        (300, 3, 150, f"[{'#' * 15}{'-' * 15}] 150/300 frames, 50 fps, 0:01 left"),
        (300, 1, 300, f"[{'#' * 30}] 300/300 frames, 300 fps, 0:00 left"),
    ],
)
def test_progress_bar_line(total, every, done, line):
    bar = ProgressBar(total, every, stream=_Tty())
    bar.write(Frame(np.zeros((4, 4, 3), np.uint8), "clip.mp4", done - 1, (done - 1) / 30), FrameResult(4, 4))
    assert bar.line(bar.started + 1.0) == line  # as if those frames took one second


def test_progress_bar_ends_on_its_final_state():
    stream = _Tty()
    bar = ProgressBar(total=3, stream=stream)
    for index in range(3):
        bar.write(Frame(np.zeros((4, 4, 3), np.uint8), "clip.mp4", index, index / 30), FrameResult(4, 4))
    bar.close()
    bar.close()
    assert stream.parts[0].startswith("\r[") and stream.parts[-1] == "\n"
    assert stream.getvalue().count("\n") == 1 and "3/3 frames" in stream.parts[-2]


class _Tty:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def flush(self) -> None:
        pass

    def getvalue(self) -> str:
        return "".join(self.parts)


def test_ctrl_c_finalizes_the_output_and_exits_130(tmp_path):
    out, jsonl = tmp_path / "annotated.mp4", tmp_path / "results.jsonl"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [
        sys.executable,
        "-m",
        "camdigits",
        "--model",
        str(MODEL),
        "video",
        str(SAMPLE),
        "--output",
        str(out),
        "--json",
        str(jsonl),
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not (jsonl.exists() and len(jsonl.read_text().splitlines()) >= 5):
            assert time.monotonic() < deadline and process.poll() is None, process.communicate()
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130
    assert stderr.strip() == "camdigits: interrupted; the outputs written so far are closed and complete"
    written = len(records(jsonl))
    assert 5 <= written < video_properties(SAMPLE)[0]
    assert video_properties(out)[:4] == (written, 640, 480, 30.0)


class BrokenAnnotator(Annotator):
    def annotate(self, image, result):
        raise RuntimeError("drawing failed")


def _frames(count: int, every: int = 1) -> list[tuple[Frame, FrameResult]]:
    return [
        (Frame(page_image(), "clip.mp4", index, index / 30), FrameResult(640, 480, frame=index, time=index / 30))
        for index in range(0, count, every)
    ]


@pytest.mark.parametrize("background", [True, False])
@pytest.mark.parametrize("count, every, written", [(0, 1, 0), (1, 1, 1), (10, 1, 10), (10, 3, 10), (10, 4, 9)])
def test_video_writer_places_frames_by_time(count, every, written, background, tmp_path):
    path = tmp_path / "out.mp4"
    with VideoWriterSink(path, 30.0, (640, 480), background=background) as sink:
        for frame, result in _frames(count, every):
            sink.write(frame, result)
    assert sink.frames_written == written
    if written:
        assert video_properties(path)[:4] == (written, 640, 480, 30.0)
    assert path.exists() == bool(written)  # an mp4 of no frames plays nowhere: none is left
    assert [p.name for p in tmp_path.iterdir()] == (["out.mp4"] if written else [])


@pytest.mark.parametrize("background", [True, False])
def test_video_writer_leaves_out_a_frame_whose_place_is_taken(background, tmp_path):
    """A camera under load delivers two frames within one frame's time: the second is left
    out, so the recording lasts as long as the scene (3 frames for 2/30 s), not longer."""
    path = tmp_path / "out.mp4"
    with VideoWriterSink(path, 30.0, (640, 480), background=background) as sink:
        for index, time in enumerate((0.0, 1 / 30, 1 / 30 + 0.005, 2 / 30)):
            sink.write(Frame(page_image(), "camera", index, time), FrameResult(640, 480, frame=index, time=time))
    assert sink.frames_written == 3
    assert video_properties(path)[:4] == (3, 640, 480, 30.0)


def test_video_writer_refuses_a_frame_of_another_size(tmp_path):
    with VideoWriterSink(tmp_path / "out.mp4", 30.0, (320, 240)) as sink, pytest.raises(ImageError, match="640x480 px"):
        sink.write(*_frames(1)[0])


def test_video_writer_raises_an_encoder_failure_in_the_loop(tmp_path):
    sink = VideoWriterSink(tmp_path / "out.mp4", 30.0, (640, 480), BrokenAnnotator())
    sink.write(*_frames(1)[0])
    with pytest.raises(RuntimeError, match="drawing failed"):
        sink.close()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "name, message",
    [("a-file/out.mp4", "cannot create its folder"), ("out.unknownformat", "cannot write a video there")],
)
def test_video_writer_that_cannot_start_fails_before_any_work(name, message, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(CamdigitsError, match=message):
        VideoWriterSink(tmp_path / name, 30.0, (640, 480))


def test_output_folders_are_created(tmp_path):
    sink = VideoWriterSink(tmp_path / "new" / "deeper" / "out.mp4", 30.0, (640, 480))
    sink.write(*_frames(1)[0])
    sink.close()
    assert (tmp_path / "new" / "deeper" / "out.mp4").is_file()


@pytest.mark.parametrize("workers", ["1", "2", "3"])
def test_worker_processes_change_nothing_but_speed(workers, clip, tmp_path):
    """One process or several (frames through shared memory), the JSON is the same."""
    reference, jsonl = tmp_path / "serial.jsonl", tmp_path / "pool.jsonl"
    video_ok(clip, "--json", reference, "--workers", "1")
    video_ok(clip, "--json", jsonl, "--workers", workers)
    assert jsonl.read_text() == reference.read_text()
    assert len(records(jsonl)) == 30


def test_without_worker_processes_video_mode_runs_in_one(clip, tmp_path, monkeypatch):
    """Where processes cannot be started (no POSIX semaphores in some containers), the
    frames are recognised in the main process instead, with the same results."""
    import camdigits.cli

    def no_processes(*args, **kwargs):
        raise OSError(38, "Function not implemented")

    reference, jsonl = tmp_path / "serial.jsonl", tmp_path / "fallback.jsonl"
    video_ok(clip, "--json", reference, "--workers", "1")
    monkeypatch.setattr(camdigits.cli, "RecognizerPool", no_processes)
    result = video(clip, "--json", jsonl, "--workers", "2")
    assert result.exit_code == 0, result.output
    assert jsonl.read_text() == reference.read_text()
