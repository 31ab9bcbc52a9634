"""Windows: the snapshot viewer and the live webcam window, and the display checks before them.

Kept apart from sinks.py because only these need a GUI: OpenCV's window calls happen here
and nowhere else, and a machine without a display fails here, in one clear line, before
any work is done.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path

import cv2
import numpy as np

from camdigits.errors import CamdigitsError, DisplayError, ImageError
from camdigits.io import atomic
from camdigits.io.annotate import Annotator, draw_status_bar
from camdigits.io.frames import Frame
from camdigits.io.sinks import Requests, Sink
from camdigits.types import FrameResult

MAX_WINDOW_SIZE = (1280, 800)  # px (w, h): large photos are shown scaled down to fit a laptop screen
QUIT_KEYS = frozenset({ord("q"), ord("Q"), 27})  # 27 is Esc
X11_SOCKET_DIR = "/tmp/.X11-unix"  # where local X servers listen, as X0, X1, ...
X11_TCP_PORT = 6000  # X display N listens on this port + N (e.g. ssh -X forwarding)
X11_CONNECT_TIMEOUT = 1.0  # s: a remote display slower than this is no use for a window anyway


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
        raise error_type(
            "cannot open a window: this OpenCV has no GUI support",
            "install opencv-python instead of opencv-python-headless",
        ) from error


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


class _Window(Sink):
    """A sink shown in an OpenCV window, made in the constructor and destroyed by :meth:`close`."""

    def __init__(self, title: str, error_type: type[CamdigitsError], no_display_hint: str) -> None:
        open_window(title, error_type, no_display_hint)
        self.title = title
        self._open = True

    def close(self) -> None:
        if self._open:
            cv2.destroyWindow(self.title)
            cv2.waitKey(1)  # let the GUI thread process the close
            self._open = False


class WindowSink(_Window):
    """Shows each annotated frame in a window; q or Esc asks the loop to stop.

    Args:
        wait_ms: how long each frame stays before the next; 0 waits for a key press
            (snapshot mode), 1 keeps a video running.

    Raises:
        CamdigitsError: from the constructor, if no window can be opened.
    """

    def __init__(self, annotator: Annotator | None = None, wait_ms: int = 0, title: str = "camdigits") -> None:
        super().__init__(title, CamdigitsError, "run it on a desktop session")
        self.annotator = annotator or Annotator()
        self.wait_ms = wait_ms

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


class WebcamWindow(_Window):
    """The live window: annotated video (or the threshold mask), FPS, and the key legend.

    Keys: q or Esc quit, space pause/resume (the loop waits inside :meth:`write`, so no
    frame is read while paused), s saves the annotated frame as PNG with its JSON beside
    it in ``snapshots``, m switches between video and threshold mask, + and - make
    detection more or less sensitive by moving ``Config.threshold_offset``.

    The window never touches the recognizer: m and +/- become :class:`Requests` that the
    loop takes after :meth:`write`, applies between frames, and answers by writing the
    same frame again, with its ink mask (:meth:`receive_mask`) while the mask is shown,
    so a change shows at once, also while paused.

    Args:
        threshold_offset: the recognizer's ``Config.threshold_offset`` at the start.

    Raises:
        DisplayError: from the constructor, if no window can be opened.
    """

    def __init__(
        self,
        threshold_offset: float,
        snapshots: str | Path = ".",
        annotator: Annotator | None = None,
        title: str = "camdigits webcam",
    ) -> None:
        super().__init__(
            title, DisplayError, "run with --no-display, which writes --record and --json without a window"
        )
        self.threshold_offset = threshold_offset
        self.snapshots = Path(snapshots)
        self.annotator = annotator or Annotator()
        self.fps = FpsMeter()
        self.paused = False
        self.show_mask = False
        self._mask: np.ndarray | None = None
        self._requests: Requests | None = None
        self._again = False  # the next write() is the same frame again, after a request

    @property
    def wants_mask(self) -> bool:
        return self.show_mask

    def receive_mask(self, mask: np.ndarray) -> None:
        self._mask = mask

    def take_requests(self) -> Requests | None:
        requests, self._requests = self._requests, None
        self._again = requests is not None
        return requests

    def write(self, frame: Frame, result: FrameResult) -> None:
        if not self._again:
            self.fps.tick()
        self._again = False
        self._requests = None
        annotated = self.annotator.annotate(frame.image, result)
        self._show(frame, result, annotated)
        self._handle(cv2.waitKey(1), frame, result, annotated)
        while self.paused and not self.stop_requested and self._requests is None:
            self._handle(cv2.waitKey(PAUSE_POLL_MS), frame, result, annotated)

    def _handle(self, key: int, frame: Frame, result: FrameResult, annotated: np.ndarray) -> None:
        if cv2.getWindowProperty(self.title, cv2.WND_PROP_VISIBLE) < 1:
            self.stop_requested = True  # closed with the mouse: as good as q
            return
        self._handle_key(key & 0xFF, frame, result, annotated)

    def _show(self, frame: Frame, result: FrameResult, annotated: np.ndarray) -> None:
        if self.show_mask and self._mask is not None:
            canvas = self.annotator.annotate(cv2.cvtColor(self._mask, cv2.COLOR_GRAY2BGR), result)
        else:
            canvas = annotated.copy()
        status = f"{self.fps.fps:.1f} fps | ink threshold {self.threshold_offset:g} (+/-)"
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
            self._requests = Requests()  # this frame again, with its mask if shown
            return
        elif key in KEY_MORE_SENSITIVE | KEY_LESS_SENSITIVE:
            step = -THRESHOLD_OFFSET_STEP if key in KEY_MORE_SENSITIVE else THRESHOLD_OFFSET_STEP
            low, high = THRESHOLD_OFFSET_BOUNDS
            self.threshold_offset = min(max(self.threshold_offset + step, low), high)
            self._requests = Requests(threshold_offset=self.threshold_offset)
            return
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
            atomic.write_bytes(png, encoded.data)  # whole or absent, as every output file
            atomic.write_bytes(record, (json.dumps(result.to_dict()) + "\n").encode("utf-8"))
        except OSError as error:
            raise ImageError(
                f"{png}: cannot save the snapshot ({error.strerror or error})", "choose another --snapshots folder"
            ) from error
        print(f"camdigits: snapshot saved: {png} and {record.name}", file=sys.stderr, flush=True)
        return png
