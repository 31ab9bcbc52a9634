"""Sinks: where results go. Every sink has ``write(frame, result)`` and ``close()``, is a
context manager, and says through ``stop_requested`` whether the user asked to stop (a
window's q key), which the loop checks after each frame.

A sink that cannot write one frame's output raises :class:`ImageError` for that frame, so
the loop can report it and go on; one that cannot start at all (an unwritable folder, no
display) raises :class:`CamdigitsError` from its constructor, before any work is done.
"""

from __future__ import annotations

import json
import os
import queue
import socket
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Protocol, TextIO

import cv2
import numpy as np

from camdigits.annotate import Annotator, draw_status_bar
from camdigits.config import Config
from camdigits.errors import CamdigitsError, ImageError
from camdigits.sources import Frame
from camdigits.types import FrameResult

FALLBACK_EXTENSION = ".png"  # for inputs whose format OpenCV cannot write (or no extension)
MAX_WINDOW_SIZE = (1280, 800)  # px (w, h): large photos are shown scaled down to fit a laptop screen
QUIT_KEYS = frozenset({ord("q"), ord("Q"), 27})  # 27 is Esc
X11_SOCKET_DIR = "/tmp/.X11-unix"  # where local X servers listen, as X0, X1, ...
X11_TCP_PORT = 6000  # X display N listens on this port + N (e.g. ssh -X forwarding)
X11_CONNECT_TIMEOUT = 1.0  # s: a remote display slower than this is no use for a window anyway
# mp4v (MPEG-4 Part 2) is the one mp4 codec every OpenCV build writes and reads back
# without extra libraries (H.264 needs an encoder that pip wheels do not ship).
VIDEO_FOURCC = "mp4v"
# Frames waiting for the video encoder thread: enough to ride out one slow frame, few
# enough to bound memory (8 x 0.9 MB at 640x480).
WRITE_QUEUE_FRAMES = 8


class Sink:
    """Base class: context-manager support and a ``stop_requested`` that stays False."""

    stop_requested = False

    def write(self, frame: Frame, result: FrameResult) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Release what the sink holds; safe to call twice."""

    def __enter__(self) -> Sink:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def describe(result: FrameResult) -> str:
    """One readable line: ``photo.png: 4 digits, numbers: 407, 5``."""
    count = len(result.digits)
    if count == 0:
        return f"{result.source}: no digits"
    numbers = ", ".join(number.text for number in result.numbers)
    digits = "1 digit" if count == 1 else f"{count} digits"
    return f"{result.source}: {digits}, {'number' if len(result.numbers) == 1 else 'numbers'}: {numbers}"


class ConsoleSummary(Sink):
    """Prints :func:`describe` lines to ``stream`` (standard output by default)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdout

    def write(self, frame: Frame, result: FrameResult) -> None:
        print(describe(result), file=self.stream, flush=True)


class JsonLinesSink(Sink):
    """One JSON object per frame (``FrameResult.to_dict()``), one per line, flushed at once
    so a run that stops halfway leaves every finished frame on disk. ``"-"`` is stdout."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path == "-":
            self.stream, self._owned = sys.stdout, False
            return
        try:
            self.stream, self._owned = open(path, "w", encoding="utf-8", newline="\n"), True
        except OSError as error:
            raise CamdigitsError(
                f"{path}: cannot write JSON Lines ({error.strerror or error})",
                "check that its folder exists and is writable",
            ) from error

    def write(self, frame: Frame, result: FrameResult) -> None:
        try:
            self.stream.write(json.dumps(result.to_dict()) + "\n")
            self.stream.flush()
        except OSError as error:
            raise CamdigitsError(f"{self.path}: cannot write JSON Lines ({error.strerror or error})",
                                 "check the free space on its disk") from error

    def close(self) -> None:
        if self._owned and not self.stream.closed:
            self.stream.close()


class AnnotatedImageDir(Sink):
    """Writes an annotated copy of each frame into ``directory``, named after its input
    (photo.jpg -> DIR/photo.jpg), in the input's format if OpenCV can write it, else png.

    Two inputs with the same name (a/photo.png, b/photo.png) get photo.png and photo-2.png
    rather than one overwriting the other; an output that would replace its own input is
    refused.
    """

    def __init__(self, directory: str | Path, annotator: Annotator | None = None) -> None:
        self.directory = Path(directory)
        self.annotator = annotator or Annotator()
        self._written: set[str] = set()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CamdigitsError(f"{directory}: cannot create the output folder ({error.strerror or error})",
                                 "choose another --output folder") from error

    def output_path(self, source: str) -> Path:
        """Where the annotated copy of ``source`` goes; distinct for each call."""
        name = Path(source).name
        if not name or not cv2.haveImageWriter(name):
            name = Path(name or "image").stem + FALLBACK_EXTENSION
        stem, suffix = Path(name).stem, Path(name).suffix
        copy = 1
        while name.lower() in self._written:
            copy += 1
            name = f"{stem}-{copy}{suffix}"
        self._written.add(name.lower())  # lower-case: Windows and macOS ignore case
        return self.directory / name

    def write(self, frame: Frame, result: FrameResult) -> None:
        path = self.output_path(frame.source)
        if path.resolve() == Path(frame.source).resolve():
            raise ImageError(f"{frame.source}: not overwriting the input with its annotated copy",
                             "choose an --output folder other than the images' own")
        ok, encoded = cv2.imencode(path.suffix, self.annotator.annotate(frame.image, result))
        if not ok:
            raise ImageError(f"{path}: OpenCV could not encode the annotated image", "try a png input")
        try:
            encoded.tofile(path)  # not cv2.imwrite: it cannot open non-ASCII paths on Windows
        except OSError as error:
            raise ImageError(f"{path}: cannot write the annotated image ({error.strerror or error})",
                             "check the output folder's permissions and free space") from error


def display_problem() -> str | None:
    """Why no window can be opened here, or None if one probably can.

    On Linux, OpenCV's Qt back end (X11 only) aborts the whole process when it cannot
    reach an X display, so the display is checked before the first window is made.
    """
    if not sys.platform.startswith("linux"):
        return None
    display = os.environ.get("DISPLAY", "")
    if not display:
        return "no display (DISPLAY is not set)"
    if not _x_server_answers(display):
        return f"the X display {display} does not answer"
    return None


def open_window(title: str, error_type: type[CamdigitsError], no_display_hint: str) -> None:
    """Create a resizable window, or raise ``error_type`` saying why none can be made."""
    problem = display_problem()
    if problem:
        raise error_type(f"cannot open a window: {problem}", no_display_hint)
    try:
        cv2.namedWindow(title, cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO)
    except cv2.error as error:  # opencv-python-headless has no GUI at all
        raise error_type("cannot open a window: this OpenCV has no GUI support",
                         "install opencv-python instead of opencv-python-headless") from error


def _x_server_answers(display: str) -> bool:
    """Whether an X server listens for ``display`` ("[host]:N[.screen]")."""
    host, _, number = display.rpartition(":")
    number = number.split(".")[0]
    if not number.isdigit():
        return True  # a form we do not know: let OpenCV try
    if host in ("", "unix"):
        return Path(f"{X11_SOCKET_DIR}/X{number}").exists()
    try:
        with socket.create_connection((host, X11_TCP_PORT + int(number)), timeout=X11_CONNECT_TIMEOUT):
            return True
    except OSError:
        return False


class WindowSink(Sink):
    """Shows each annotated frame in a window; q or Esc asks the loop to stop.

    Args:
        wait_ms: how long each frame stays before the next; 0 waits for a key press
            (snapshot mode), 1 keeps a video running.

    Raises:
        CamdigitsError: from the constructor, if no window can be opened.
    """

    def __init__(self, annotator: Annotator | None = None, wait_ms: int = 0, title: str = "camdigits") -> None:
        open_window(title, CamdigitsError, "run it on a desktop session")
        self.annotator = annotator or Annotator()
        self.wait_ms = wait_ms
        self.title = title
        self._open = True

    def write(self, frame: Frame, result: FrameResult) -> None:
        image = self.annotator.annotate(frame.image, result)
        height, width = image.shape[:2]
        fit = min(1.0, MAX_WINDOW_SIZE[0] / width, MAX_WINDOW_SIZE[1] / height)
        cv2.resizeWindow(self.title, max(1, round(width * fit)), max(1, round(height * fit)))
        keys = "any key: next, q: quit" if self.wait_ms == 0 else "q: quit"
        cv2.setWindowTitle(self.title, f"{self.title}: {frame.source} ({keys})")
        cv2.imshow(self.title, image)
        if (cv2.waitKey(self.wait_ms) & 0xFF) in QUIT_KEYS:
            self.stop_requested = True

    def close(self) -> None:
        if self._open:
            cv2.destroyWindow(self.title)
            cv2.waitKey(1)  # let the GUI thread process the close
            self._open = False


class VideoWriterSink(Sink):
    """Writes annotated frames into a video file (mp4v) of a fixed size and frame rate.

    Frames are placed by their ``time``: where frames were skipped (``--every N``, or a
    loop slower than its camera), the previous annotated frame is repeated, so the
    recording plays at the speed of the scene. Closing finalizes the file (writes the mp4
    index); the CLI closes it on errors and Ctrl-C too, so what was written stays playable.

    With ``background`` (the default), annotating and encoding run in a thread, on the
    second core, while the loop reads the next frame (OpenCV releases the GIL in both); a
    failure there is raised by the next :meth:`write` or by :meth:`close`. Without it,
    :meth:`write` returns once the frame is encoded.

    Raises:
        CamdigitsError: from the constructor, if the file cannot be created.
    """

    def __init__(self, path: str | Path, fps: float, size: tuple[int, int], annotator: Annotator | None = None,
                 background: bool = True) -> None:
        self.path = str(path)
        self.fps = fps
        self.size = size  # (width, height)
        self.annotator = annotator or Annotator()
        self.frames_written = 0
        self._previous: np.ndarray | None = None
        self._first_time: float | None = None
        if not Path(path).parent.is_dir():
            raise CamdigitsError(f"{path}: its folder does not exist", "create the folder or choose another path")
        self.writer = cv2.VideoWriter(self.path, cv2.VideoWriter_fourcc(*VIDEO_FOURCC), fps, size)
        if not self.writer.isOpened():
            raise CamdigitsError(f"{path}: cannot write a video there",
                                 "check that the folder is writable and the name ends in .mp4 or .avi")
        self._queue: queue.Queue[tuple[Frame, FrameResult] | None] = queue.Queue(WRITE_QUEUE_FRAMES)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._encode_queued, name=f"camdigits writer: {path}", daemon=True)
        self.background = background
        if background:
            self._thread.start()

    def write(self, frame: Frame, result: FrameResult) -> None:
        self._raise_encoder_error()
        height, width = frame.image.shape[:2]
        if (width, height) != self.size:
            raise ImageError(f"{frame.source}: frame {frame.index} is {width}x{height} px, "
                             f"the video being written is {self.size[0]}x{self.size[1]}",
                             "the source changed its frame size; record it in two parts")
        if self.background:
            self._queue.put((frame, result))
        else:
            self._encode(frame, result)

    def _encode_queued(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drain, so a waiting write() or close() never blocks
            try:
                self._encode(*item)
            except BaseException as error:  # noqa: BLE001 -- re-raised in the loop's thread
                self._error = error

    def _encode(self, frame: Frame, result: FrameResult) -> None:
        image = self.annotator.annotate(frame.image, result)
        if self._first_time is None:
            self._first_time = frame.time  # the recording starts with its first frame
        position = round((frame.time - self._first_time) * self.fps)
        while self._previous is not None and self.frames_written < position:
            self.writer.write(self._previous)
            self.frames_written += 1
        self.writer.write(image)
        self.frames_written += 1
        self._previous = image

    def _raise_encoder_error(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def close(self) -> None:
        """Write what is queued, then finalize the file; safe to call twice."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        self.writer.release()  # a no-op the second time
        self._previous = None
        self._raise_encoder_error()


class DisplayError(CamdigitsError):
    """The webcam window cannot be opened; ``--no-display`` runs without it."""

    exit_code = 2


class Tunable(Protocol):
    """What the webcam window needs from the recognizer: its config (for the + and - keys)
    and the threshold mask of a frame (for the m key)."""

    config: Config

    def candidates(self, image: np.ndarray) -> tuple[np.ndarray, list]: ...


# Keys of the webcam window, as cv2.waitKey reports them (& 0xFF).
KEY_PAUSE = frozenset({ord(" ")})
KEY_SNAPSHOT = frozenset({ord("s"), ord("S")})
KEY_MASK = frozenset({ord("m"), ord("M")})
KEY_MORE_SENSITIVE = frozenset({ord("+"), ord("=")})  # "=" is + without shift on most layouts
KEY_LESS_SENSITIVE = frozenset({ord("-"), ord("_")})
KEY_LEGEND = "q/Esc quit | space pause | s snapshot | m mask | +/- sensitivity"
# Each + or - moves Config.threshold_offset by this many grey levels ...
THRESHOLD_OFFSET_STEP = 2.0
# ... within these bounds (grey levels): below 2 paper texture floods the mask, above 40
# only the blackest marker on white paper still counts as ink.
THRESHOLD_OFFSET_BOUNDS = (2.0, 40.0)
PAUSE_POLL_MS = 30  # ms between key checks while paused: responsive without spinning a core
FPS_WINDOW = 1.0  # s of recent frames the FPS figure averages: steady to read, quick to follow


class FpsMeter:
    """Frames per second over the last :data:`FPS_WINDOW` seconds of frames actually
    processed (not frames the camera delivered: that is the rate a user can rely on)."""

    def __init__(self, window: float = FPS_WINDOW) -> None:
        self.window = window
        self._times: list[float] = []

    def tick(self, now: float | None = None) -> None:
        now = time.perf_counter() if now is None else now
        self._times.append(now)
        self._times = [t for t in self._times if t >= now - self.window]

    @property
    def fps(self) -> float:
        if len(self._times) < 2:
            return 0.0
        return (len(self._times) - 1) / max(self._times[-1] - self._times[0], 1e-9)


class WebcamWindow(Sink):
    """The live window: annotated video (or the threshold mask), FPS, and the key legend.

    Keys: q or Esc quit, space pause/resume (the loop waits inside :meth:`write`, so no
    frame is read while paused), s saves the annotated frame as PNG with its JSON beside
    it in ``snapshots``, m switches between video and threshold mask, + and - make
    detection more or less sensitive by moving ``recognizer.config.threshold_offset``.

    Raises:
        DisplayError: from the constructor, if no window can be opened.
    """

    def __init__(self, recognizer: Tunable, snapshots: str | Path = ".", annotator: Annotator | None = None,
                 title: str = "camdigits webcam") -> None:
        open_window(title, DisplayError, "run with --no-display, which writes --record and --json without a window")
        self.recognizer = recognizer
        self.snapshots = Path(snapshots)
        self.annotator = annotator or Annotator()
        self.title = title
        self.fps = FpsMeter()
        self.paused = False
        self.show_mask = False
        self._open = True

    def write(self, frame: Frame, result: FrameResult) -> None:
        self.fps.tick()
        annotated = self.annotator.annotate(frame.image, result)
        self._show(frame, result, annotated)
        self._handle(cv2.waitKey(1), frame, result, annotated)
        while self.paused and not self.stop_requested:
            self._handle(cv2.waitKey(PAUSE_POLL_MS), frame, result, annotated)

    def _handle(self, key: int, frame: Frame, result: FrameResult, annotated: np.ndarray) -> None:
        if cv2.getWindowProperty(self.title, cv2.WND_PROP_VISIBLE) < 1:
            self.stop_requested = True  # closed with the mouse: as good as q
            return
        self._handle_key(key & 0xFF, frame, result, annotated)

    def _show(self, frame: Frame, result: FrameResult, annotated: np.ndarray) -> None:
        if self.show_mask:
            mask, _ = self.recognizer.candidates(frame.image)
            canvas = self.annotator.annotate(cv2.cvtColor(mask, cv2.COLOR_GRAY2BGR), result)
        else:
            canvas = annotated.copy()
        status = f"{self.fps.fps:.1f} fps | ink threshold {self.recognizer.config.threshold_offset:g} (+/-)"
        status += " | PAUSED" if self.paused else ""
        status += " | mask" if self.show_mask else ""
        draw_status_bar(canvas, status, top=True)
        draw_status_bar(canvas, KEY_LEGEND, top=False)
        cv2.imshow(self.title, canvas)

    def _handle_key(self, key: int, frame: Frame, result: FrameResult, annotated: np.ndarray) -> None:
        if key in QUIT_KEYS:
            self.stop_requested = True
        elif key in KEY_PAUSE:
            self.paused = not self.paused
        elif key in KEY_SNAPSHOT:
            self.save_snapshot(frame, result, annotated)
        elif key in KEY_MASK:
            self.show_mask = not self.show_mask
        elif key in KEY_MORE_SENSITIVE | KEY_LESS_SENSITIVE:
            step = -THRESHOLD_OFFSET_STEP if key in KEY_MORE_SENSITIVE else THRESHOLD_OFFSET_STEP
            low, high = THRESHOLD_OFFSET_BOUNDS
            offset = min(max(self.recognizer.config.threshold_offset + step, low), high)
            self.recognizer.config = replace(self.recognizer.config, threshold_offset=offset)
        else:
            return
        self._show(frame, result, annotated)  # show the change at once, also while paused

    def save_snapshot(self, frame: Frame, result: FrameResult, annotated: np.ndarray) -> Path:
        """Write ``camdigits-<date>-<time>-<frame>.png`` and ``.json`` into the snapshot folder.

        Raises:
            ImageError: the files cannot be written (the loop reports it and goes on).
        """
        stem = f"camdigits-{time.strftime('%Y%m%d-%H%M%S')}-{frame.index:06d}"
        png, record = self.snapshots / f"{stem}.png", self.snapshots / f"{stem}.json"
        ok, encoded = cv2.imencode(".png", annotated)
        try:
            self.snapshots.mkdir(parents=True, exist_ok=True)
            if not ok:
                raise OSError("PNG encoding failed")
            encoded.tofile(png)
            record.write_text(json.dumps(result.to_dict()) + "\n", encoding="utf-8")
        except OSError as error:
            raise ImageError(f"{png}: cannot save the snapshot ({error.strerror or error})",
                             "choose another --snapshots folder") from error
        print(f"camdigits: snapshot saved: {png} and {record.name}", file=sys.stderr, flush=True)
        return png

    def close(self) -> None:
        if self._open:
            cv2.destroyWindow(self.title)
            cv2.waitKey(1)  # let the GUI thread process the close
            self._open = False
