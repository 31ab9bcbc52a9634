"""Sources read in background threads: cameras (a camera index, a video file replayed as
if it were a camera, or a stream URL), and video files decoded ahead of the loop.

Why a thread: a camera delivers frames at its own pace whether or not anyone reads them,
and OpenCV buffers them. A loop slower than the camera that read frames one by one would
fall further and further behind the scene. The reader thread instead keeps only the
newest frame, numbered, behind a condition variable; :meth:`CameraStream.read` waits for
a frame newer than the last one it returned, so the loop always sees the present and
never the same frame twice (imutils' VideoStream shares one unlocked frame, hands back
repeats, and so inflates the FPS its users see).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Self, TypeVar

import cv2
import numpy as np

from camdigits.errors import SourceError
from camdigits.io.frames import Frame
from camdigits.io.video import stated_fps
from camdigits.quiet import quiet_opencv

# s without a new frame before a live camera counts as lost. USB cameras deliver every
# 33-66 ms; two seconds rides out auto-exposure stalls and brief USB hiccups.
CAMERA_TIMEOUT = 2.0
# s allowed for the first frame: cameras take a second or two to start streaming.
FIRST_FRAME_TIMEOUT = 5.0
# s between retries after a failed read of a live source, so a lost camera does not spin a core.
RETRY_INTERVAL = 0.01
# s to wait for the reader thread to finish on stop; a driver stuck inside read() is
# left behind (the thread is a daemon) rather than hanging the program's exit.
JOIN_TIMEOUT = 2.0
# Frames a video file is decoded ahead of the loop: decoding (about 1 ms per 640x480
# frame) then overlaps recognition on the second core; a few frames bound the memory.
DECODE_AHEAD = 4
# s between checks of the stop flag while a decoder waits for room in its queue.
STOP_POLL = 0.05
URL_SCHEMES = ("rtsp://", "rtsps://", "http://", "https://", "rtmp://", "udp://", "tcp://")

OPEN_CAMERA_HINT = (
    "try another --camera index (0, 1, ...); on macOS allow camera access for your terminal in "
    "System Settings > Privacy & Security > Camera; on Windows try the DirectShow backend by "
    "setting OPENCV_VIDEOIO_PRIORITY_MSMF=0; on Linux check that a /dev/video* device exists and that your "
    "user is in the video group (sudo usermod -aG video $USER, then log in again), and list the cameras "
    "with v4l2-ctl --list-devices"
)


class Capture(Protocol):
    """The part of ``cv2.VideoCapture`` the reader uses (tests inject fakes)."""

    def read(self) -> tuple[bool, np.ndarray | None]: ...
    def get(self, prop: int) -> float: ...
    def release(self) -> None: ...


@dataclass(frozen=True)
class CameraSpec:
    """What ``--camera`` names: a device index, a video file, or a stream URL."""

    source: int | str
    kind: str  # "index", "file" or "url"

    @property
    def name(self) -> str:
        return f"camera {self.source}" if self.kind == "index" else str(self.source)


def parse_camera(text: str) -> CameraSpec:
    """``"0"`` -> device 0, ``"rtsp://..."`` -> a stream, anything else -> a file path."""
    text = text.strip()
    if text.isdigit():
        return CameraSpec(int(text), "index")
    if text.lower().startswith(URL_SCHEMES):
        return CameraSpec(text, "url")
    return CameraSpec(text, "file")


def open_capture(spec: CameraSpec, width: int | None = None, height: int | None = None) -> Capture:
    """Open the OpenCV capture for ``spec``, asking a device for ``width`` x ``height``.

    Raises:
        SourceError: naming the source, with what to try instead.
    """
    if (width or height) and spec.kind != "index":
        raise SourceError(
            f"{spec.name}: --width and --height apply to camera devices only",
            "drop them; frames are read at the size the file or stream has",
        )
    if spec.kind == "file" and not Path(spec.source).is_file():
        raise SourceError(f"{spec.name}: no such video file", "pass a camera index (0, 1, ...), a video file or a URL")
    with quiet_opencv():
        capture = cv2.VideoCapture(spec.source)
        if not capture.isOpened():
            capture.release()
            hints = {
                "index": OPEN_CAMERA_HINT,
                "file": "is it a video file? try playing it in a video player",
                "url": "check the address, that the stream is live, and that this machine can reach it",
            }
            raise SourceError(f"{spec.name}: cannot open it", hints[spec.kind])
        if spec.kind == "index":
            if width:
                capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
            if height:
                capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
    return capture


def open_camera(
    camera: str, width: int | None = None, height: int | None = None, timeout: float | None = None
) -> CameraStream:
    """Open ``--camera`` and start reading it; the stream has delivered its first frame.

    A video file is replayed at its own frame rate and ends at its last frame; a device
    or URL runs until stopped, or until it delivers no frame for ``timeout`` seconds
    (:data:`CAMERA_TIMEOUT` by default).
    """
    spec = parse_camera(camera)
    capture = open_capture(spec, width, height)
    replay_fps = None
    if spec.kind == "file":
        replay_fps = stated_fps(capture.get(cv2.CAP_PROP_FPS))
    timeout = CAMERA_TIMEOUT if timeout is None else timeout
    return CameraStream(capture, spec.name, replay_fps=replay_fps, timeout=timeout).start()


@dataclass(frozen=True)
class _Latest:
    sequence: int  # frames captured before this one
    image: np.ndarray
    captured_at: float  # time.perf_counter() when read() returned it


class CameraStream:
    """Reads a capture in a background thread and hands out the newest frame, once.

    Args:
        capture: an opened ``cv2.VideoCapture`` (or anything with its ``read``/``release``).
        name: how messages name the source ("camera 0", a path, a URL).
        replay_fps: for a video file, the rate to replay it at; its end is the stream's
            end. None for a live source, whose failed reads are retried until ``timeout``.
        timeout: seconds without a new frame before the source counts as lost.

    Frames carry their capture sequence number as ``index`` (so skipped frames show as
    gaps) and their capture time since :attr:`started_at` as ``time``.
    """

    def __init__(
        self, capture: Capture, name: str, replay_fps: float | None = None, timeout: float = CAMERA_TIMEOUT
    ) -> None:
        self.capture = capture
        self.name = name
        self.replay_fps = replay_fps
        self.timeout = timeout
        self.started_at = 0.0  # perf_counter() when the thread started
        self._condition = threading.Condition()
        self._latest: _Latest | None = None
        self._returned = -1  # sequence number of the last frame read() returned
        self._ended = False  # a replayed file reached its end
        self._error: BaseException | None = None
        self._stopping = threading.Event()
        self._first_frame_timeout = FIRST_FRAME_TIMEOUT
        self._thread = threading.Thread(target=self._run, name=f"camdigits capture: {name}", daemon=True)

    def start(self, first_frame_timeout: float = FIRST_FRAME_TIMEOUT) -> CameraStream:
        """Start the reader and wait for the first frame.

        Raises:
            SourceError: no frame arrived in time (a busy or broken camera); the stream
                is stopped before raising.
        """
        self.started_at = time.perf_counter()
        self._first_frame_timeout = first_frame_timeout
        self._thread.start()
        with self._condition:
            self._condition.wait_for(lambda: self._latest or self._ended or self._error, first_frame_timeout)
            delivered = self._latest is not None
        if not delivered:
            self.stop()
            raise SourceError(
                f"{self.name}: opened, but delivered no frame in {first_frame_timeout:g} s",
                "is another program using it? close that program, or " + OPEN_CAMERA_HINT,
            )
        return self

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the frames, known once :meth:`start` has returned."""
        if self._latest is None:
            raise RuntimeError("the stream has not delivered a frame yet; call start() first")
        return (self._latest.image.shape[1], self._latest.image.shape[0])

    @property
    def fps(self) -> float:
        """The rate the source delivers frames at: a file's own, or what the camera states."""
        if self.replay_fps is not None:
            return self.replay_fps
        return stated_fps(self.capture.get(cv2.CAP_PROP_FPS))

    def _run(self) -> None:
        sequence = 0
        last_frame = time.perf_counter()
        with quiet_opencv():
            while not self._stopping.is_set():
                try:
                    ok, image = self.capture.read()
                except Exception as error:  # noqa: BLE001 -- re-raised in the reading thread by read()
                    self._finish(error=error)
                    return
                now = time.perf_counter()
                if not ok or image is None:
                    if self.replay_fps is not None:
                        self._finish(ended=True)
                        return
                    allowed = self.timeout if sequence else self._first_frame_timeout
                    if now - last_frame > allowed:
                        self._finish(error=self._lost_error(now - last_frame))
                        return
                    time.sleep(RETRY_INTERVAL)
                    continue
                if self.replay_fps is not None:  # a file stands in for a camera: keep its pace
                    time.sleep(max(0.0, self.started_at + sequence / self.replay_fps - now))
                    now = time.perf_counter()
                last_frame = now
                with self._condition:
                    self._latest = _Latest(sequence, image, now)
                    self._condition.notify_all()
                sequence += 1

    def _finish(self, ended: bool = False, error: BaseException | None = None) -> None:
        with self._condition:
            self._ended, self._error = ended, error
            self._condition.notify_all()

    def _lost_error(self, silence: float) -> SourceError:
        return SourceError(
            f"{self.name}: stopped delivering frames (none for {silence:.1f} s)",
            "check its cable or network connection; the outputs so far were saved",
        )

    def read(self) -> Frame | None:
        """The newest frame not returned before; None once a replayed file has ended.

        Blocks until such a frame arrives.

        Raises:
            SourceError: no new frame for ``timeout`` seconds (a camera that vanished).
        """
        deadline = time.perf_counter() + self.timeout
        with self._condition:
            while self._latest is None or self._latest.sequence <= self._returned:
                if self._error is not None:
                    raise self._error
                if self._ended:
                    return None
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    raise self._lost_error(self.timeout)
                self._condition.wait(remaining)
            latest = self._latest
            self._returned = latest.sequence
        return Frame(latest.image, self.name, latest.sequence, latest.captured_at - self.started_at)

    def frames(self) -> Iterator[Frame]:
        """:meth:`read` until the source ends; the source for :func:`camdigits.pipeline.run`."""
        while (frame := self.read()) is not None:
            yield frame

    def stop(self) -> None:
        """Stop the reader thread and release the capture; safe to call twice."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(JOIN_TIMEOUT)
        if not self._thread.is_alive():  # releasing under a reader stuck in read() can crash the driver
            self.capture.release()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


Item = TypeVar("Item")
_END = object()  # marks the end of a read-ahead queue


def read_ahead(items: Iterable[Item], depth: int = DECODE_AHEAD) -> Iterator[Item]:
    """``items`` produced in a background thread, up to ``depth`` ahead of the caller.

    Every item comes out in order, and an exception the producer raised (a video that
    stops decoding early) is raised here after the items before it. Closing the returned
    iterator, or leaving it by an exception (Ctrl-C), stops the thread, which closes
    ``items`` (so a video's capture is released) before this returns; a thread that cannot
    stop within JOIN_TIMEOUT is left behind (it is a daemon), so that the caller goes on to
    finish its outputs.
    """
    buffer: queue.Queue[tuple[object, BaseException | None]] = queue.Queue(depth)
    stopping = threading.Event()

    def put(entry: tuple[object, BaseException | None]) -> bool:
        while not stopping.is_set():
            try:
                buffer.put(entry, timeout=STOP_POLL)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        iterator = iter(items)
        try:
            for item in iterator:
                if not put((item, None)):
                    break
            else:
                put((_END, None))
        except BaseException as error:  # noqa: BLE001 -- re-raised in the caller's thread
            put((_END, error))
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name="camdigits decoder", daemon=True)
    thread.start()
    try:
        while True:
            item, error = buffer.get()
            if error is not None:
                raise error
            if item is _END:
                return
            yield item  # type: ignore[misc]
    finally:
        stopping.set()
        # Bounded: a signal's exception (SIGTERM, Ctrl-C) raised inside buffer.get() can leave
        # the queue's lock held (CPython's ``with lock`` is not safe against such exceptions),
        # and the thread then waits for that lock for ever; joining it hung the exit.
        thread.join(JOIN_TIMEOUT)
