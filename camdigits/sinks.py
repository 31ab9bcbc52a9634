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
import socket
import sys
from pathlib import Path
from typing import TextIO

import cv2

from camdigits.annotate import Annotator
from camdigits.errors import CamdigitsError, ImageError
from camdigits.sources import Frame
from camdigits.types import FrameResult

FALLBACK_EXTENSION = ".png"  # for inputs whose format OpenCV cannot write (or no extension)
MAX_WINDOW_SIZE = (1280, 800)  # px (w, h): large photos are shown scaled down to fit a laptop screen
QUIT_KEYS = frozenset({ord("q"), ord("Q"), 27})  # 27 is Esc
X11_SOCKET_DIR = "/tmp/.X11-unix"  # where local X servers listen, as X0, X1, ...
X11_TCP_PORT = 6000  # X display N listens on this port + N (e.g. ssh -X forwarding)
X11_CONNECT_TIMEOUT = 1.0  # s: a remote display slower than this is no use for a window anyway


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
        problem = display_problem()
        if problem:
            raise CamdigitsError(f"cannot open a window: {problem}", "run it on a desktop session")
        self.annotator = annotator or Annotator()
        self.wait_ms = wait_ms
        self.title = title
        try:
            cv2.namedWindow(title, cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO)
        except cv2.error as error:  # opencv-python-headless has no GUI at all
            raise CamdigitsError("cannot open a window: this OpenCV has no GUI support",
                                 "install opencv-python instead of opencv-python-headless") from error
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
