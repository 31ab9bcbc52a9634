"""The threaded camera reader: newest frame, never twice, ends and failures reported."""

from __future__ import annotations

import itertools
import threading
import time

import cv2
import numpy as np
import pytest

from camdigits.errors import SourceError
from camdigits.io.camera import (
    CameraSpec,
    CameraStream,
    open_camera,
    parse_camera,
    read_ahead,
)
from tests.test_video_mode import write_clip


class CountingCapture:
    """A camera that numbers its frames: pixel (0, 0) holds the frame number (mod 256),
    and ``produced`` counts frames delivered so far. ``frames`` limits how many it
    delivers before failing (None: forever); ``interval`` is seconds per frame."""

    def __init__(self, frames: int | None = None, interval: float = 0.001) -> None:
        self.frames, self.interval = frames, interval
        self.produced = 0
        self.released = threading.Event()

    def read(self):
        time.sleep(self.interval)
        if self.frames is not None and self.produced >= self.frames:
            return False, None
        image = np.zeros((48, 64, 3), np.uint8)
        image[0, 0] = self.produced % 256
        self.produced += 1
        return True, image

    def get(self, prop):
        return 0.0

    def release(self):
        self.released.set()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", CameraSpec("", "file")),
        ("0", CameraSpec(0, "index")),
        (" 12 ", CameraSpec(12, "index")),
        ("rtsp://cam.local/stream", CameraSpec("rtsp://cam.local/stream", "url")),
        ("HTTP://10.0.0.2:8080/video", CameraSpec("HTTP://10.0.0.2:8080/video", "url")),
        ("clips/desk.mp4", CameraSpec("clips/desk.mp4", "file")),
    ],
)
def test_parse_camera(text, expected):
    assert parse_camera(text) == expected


def test_slow_reader_gets_the_newest_frame_and_never_one_twice():
    capture = CountingCapture(interval=0.001)  # about 1000 frames per second
    with CameraStream(capture, "fast camera").start() as stream:
        seen = []
        for _ in range(15):
            time.sleep(0.02)  # a loop twenty times slower than the camera
            frame = stream.read()
            newest = capture.produced - 1
            seen.append(frame.index)
            assert frame.image[0, 0, 0] == frame.index % 256  # the pixels belong to that frame
            assert newest - frame.index <= 1  # the newest, or the one the camera is just replacing
    assert all(later > earlier for earlier, later in itertools.pairwise(seen))
    assert seen[-1] - seen[0] > 100  # frames in between were dropped, not queued
    assert capture.released.is_set()


def test_fast_reader_waits_for_each_new_frame():
    capture = CountingCapture(interval=0.01)
    with CameraStream(capture, "slow camera").start() as stream:
        started = time.perf_counter()
        indexes = [stream.read().index for _ in range(10)]
        elapsed = time.perf_counter() - started
    assert indexes == sorted(set(indexes)) and len(indexes) == 10
    assert elapsed >= 8 * 0.01  # each read waited for the camera's next frame instead of repeating one


def test_camera_that_stops_delivering_raises_after_its_last_frames():
    capture = CountingCapture(frames=5, interval=0.01)
    stream = CameraStream(capture, "camera 0", timeout=0.2).start()
    frames = []
    with pytest.raises(SourceError, match=r"camera 0: stopped delivering frames \(none for 0\.[23] s\)"):
        for frame in stream.frames():
            frames.append(frame.index)
    stream.stop()
    assert 1 <= len(frames) <= 5 and frames[-1] == 4  # the last good frame is still handed out
    assert capture.released.is_set()


def test_camera_that_never_delivers_fails_at_start():
    stream = CameraStream(CountingCapture(frames=0), "camera 3", timeout=0.1)
    with pytest.raises(SourceError, match="camera 3: opened, but delivered no frame in 0.3 s") as error:
        stream.start(first_frame_timeout=0.3)
    assert "another program" in error.value.hint and error.value.exit_code == 2


def test_capture_exception_reaches_the_reader():
    class BrokenCapture(CountingCapture):
        def read(self):
            if self.produced == 3:
                raise cv2.error("driver crashed")
            return super().read()

    stream = CameraStream(BrokenCapture(), "camera 1").start()
    with pytest.raises(cv2.error, match="driver crashed"):
        list(stream.frames())
    stream.stop()


def test_video_file_replays_at_its_frame_rate_and_ends(tmp_path):
    clip = write_clip(tmp_path / "clip.mp4", frames=12, fps=30.0)
    started = time.perf_counter()
    with open_camera(str(clip)) as stream:
        frames = list(stream.frames())
    elapsed = time.perf_counter() - started
    assert stream.name == str(clip) and stream.size == (640, 480) and stream.fps == 30.0
    assert 11 / 30 <= elapsed < 2.0  # paced like a camera, not read as fast as it decodes
    indexes = [frame.index for frame in frames]
    assert indexes == sorted(set(indexes)) and indexes[-1] == 11
    times = [frame.time for frame in frames]
    assert times == sorted(times) and times[-1] == pytest.approx(11 / 30, abs=0.1)


def numbers(count: int, fail: bool, closed: list[bool]):
    """A generator like video_frames: ``count`` items, maybe an error, and a finally."""
    try:
        yield from range(count)
        if fail:
            raise SourceError("clip.mp4: decoding stopped at frame 3 of 9")
    finally:
        closed.append(True)


@pytest.mark.parametrize("count, fail", [(0, False), (1, False), (50, False), (0, True), (3, True)])
def test_read_ahead_keeps_order_and_raises_after_the_last_item(count, fail):
    closed: list[bool] = []
    got = []
    if fail:
        with pytest.raises(SourceError, match="decoding stopped at frame 3"):
            got.extend(read_ahead(numbers(count, fail, closed), depth=2))
    else:
        got.extend(read_ahead(numbers(count, fail, closed), depth=2))
    assert got == list(range(count)) and closed == [True]


def test_read_ahead_closed_early_stops_its_thread_and_closes_the_source():
    closed: list[bool] = []
    ahead = read_ahead(numbers(1000, False, closed), depth=2)
    assert [next(ahead) for _ in range(3)] == [0, 1, 2]
    before = threading.active_count()
    ahead.close()
    assert closed == [True] and threading.active_count() == before - 1


def test_read_ahead_left_by_a_signal_holding_the_queues_lock_still_returns(monkeypatch):
    """A SIGTERM's exception raised inside the queue's get() can leave the queue's lock held;
    the decoder thread then blocks on that lock for ever, and joining it without a limit hung
    the video command instead of finishing its outputs (seen in CI once). Leaving the
    iterator returns within JOIN_TIMEOUT all the same."""
    import queue

    import camdigits.io.camera as camera

    class LeakingQueue(queue.Queue):
        def get(self, block=True, timeout=None):
            item = super().get(block, timeout)
            if item[0] == 2:
                self.mutex.acquire()  # as an exception between acquire and release leaves it
                raise KeyboardInterrupt
            return item

    monkeypatch.setattr(camera.queue, "Queue", LeakingQueue)
    closed: list[bool] = []
    outcome: list[object] = []

    def consume():
        try:
            outcome.extend(read_ahead(numbers(1000, False, closed), depth=2))
        except KeyboardInterrupt:
            outcome.append("interrupted")

    consumer = threading.Thread(target=consume, daemon=True)
    started = time.monotonic()
    consumer.start()
    consumer.join(camera.JOIN_TIMEOUT + 5)
    assert not consumer.is_alive(), "read_ahead hung on its decoder thread"
    assert outcome == [0, 1, "interrupted"]
    assert time.monotonic() - started < camera.JOIN_TIMEOUT + 5
