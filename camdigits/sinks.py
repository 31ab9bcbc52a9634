"""Sinks: where results go. Every sink has ``write(frame, result)`` and ``close()``, is a
context manager, and says through ``stop_requested`` whether the user asked to stop (a
window's q key), which the loop checks after each frame.

A sink that cannot write one frame's output raises :class:`ImageError` for that frame, so
the loop can report it and go on; one that cannot start at all (an unwritable folder, no
display) raises :class:`CamdigitsError` from its constructor, before any work is done.
"""

from __future__ import annotations

import json
import queue
import sys
import threading
from pathlib import Path
from typing import TextIO

import cv2
import numpy as np

from camdigits.annotate import Annotator
from camdigits.errors import CamdigitsError, ImageError
from camdigits.sources import Frame
from camdigits.types import FrameResult

FALLBACK_EXTENSION = ".png"  # for inputs whose format OpenCV cannot write (or no extension)
# mp4v (MPEG-4 Part 2) is the one mp4 codec every OpenCV build writes and reads back
# without extra libraries (H.264 needs an encoder that pip wheels do not ship).
VIDEO_FOURCC = "mp4v"
# Frames waiting for the video encoder thread: enough to ride out one slow frame, few
# enough to bound memory (8 x 0.9 MB at 640x480).
WRITE_QUEUE_FRAMES = 8


def make_parent_folder(path: str | Path) -> None:
    """Create the folder an output file goes into, as ``--output DIR`` does for images."""
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CamdigitsError(f"{path}: cannot create its folder ({error.strerror or error})",
                             "choose a path in a folder you can write to") from error


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


# Numbers listed on a summary line; a page of print can hold thousands.
DESCRIBE_NUMBERS = 20


def describe(result: FrameResult) -> str:
    """One readable line: ``photo.png: 4 digits, numbers: 407, 5``. Past DESCRIBE_NUMBERS
    numbers (a photo of a printed page) the line ends in "... and N more"; --json has all."""
    line = _describe_digits(result)
    return f"{line} ({result.note})" if result.note else line


def _describe_digits(result: FrameResult) -> str:
    count = len(result.digits)
    if count == 0:
        return f"{result.source}: no digits"
    numbers = ", ".join(number.text for number in result.numbers[:DESCRIBE_NUMBERS])
    if len(result.numbers) > DESCRIBE_NUMBERS:
        numbers += f", ... and {len(result.numbers) - DESCRIBE_NUMBERS} more"
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
        make_parent_folder(path)
        try:
            self.stream, self._owned = open(path, "w", encoding="utf-8", newline="\n"), True
        except OSError as error:
            raise CamdigitsError(
                f"{path}: cannot write JSON Lines ({error.strerror or error})",
                "check that its folder is writable and the path is not a folder",
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
        make_parent_folder(path)
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
