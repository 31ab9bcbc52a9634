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
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import cv2
import numpy as np

from camdigits.errors import CamdigitsError, ImageError, OutputError
from camdigits.io import atomic
from camdigits.io.annotate import Annotator
from camdigits.io.frames import Frame
from camdigits.quiet import quiet_opencv
from camdigits.types import FrameResult

FALLBACK_EXTENSION = ".png"  # for inputs whose format OpenCV cannot write (or no extension)
# mp4v (MPEG-4 Part 2) is the one mp4 codec every OpenCV build writes and reads back
# without extra libraries (H.264 needs an encoder that pip wheels do not ship).
VIDEO_FOURCC = "mp4v"
# Frames waiting for the video encoder thread: enough to ride out one slow frame, few
# enough to bound memory (8 x 0.9 MB at 640x480).
WRITE_QUEUE_FRAMES = 8
# Smallest frame side mp4v encodes; a 1x1 px video makes the writer fail to open.
MIN_VIDEO_SIDE = 2


def make_parent_folder(path: str | Path) -> None:
    """Create the folder an output file goes into, as ``--output DIR`` does for images."""
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CamdigitsError(
            f"{path}: cannot create its folder ({error.strerror or error})",
            "choose a path in a folder you can write to",
        ) from error


@dataclass(frozen=True)
class Requests:
    """What a sink asks of the recognizer (the webcam window's keys), applied by the loop
    between frames: a sink never changes the recognizer itself."""

    threshold_offset: float | None = None  # grey levels: the new Config.threshold_offset, if any


class Sink:
    """Base class: context-manager support, a ``stop_requested`` that stays False, and no
    requests to the recognizer."""

    stop_requested = False
    wants_mask = False
    """Whether the loop passes each frame's ink mask to :meth:`receive_mask` before :meth:`write`."""

    def write(self, frame: Frame, result: FrameResult) -> None:
        raise NotImplementedError

    def receive_mask(self, mask: np.ndarray) -> None:
        """The ink mask of the frame :meth:`write` gets next (while ``wants_mask``)."""

    def take_requests(self) -> Requests | None:
        """What the sink asked of the recognizer in the last :meth:`write`, if anything; the
        loop applies it and writes the same frame to this sink again."""
        return None

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
        try:
            print(describe(result), file=self.stream, flush=True)
        except OSError as error:
            raise OutputError(
                f"{_stream_name(self.stream)}: cannot write ({error.strerror or error})",
                "check where the output goes: a full disk, or a pipe closed early",
            ) from error


def _stream_name(stream: TextIO) -> str:
    return {sys.stdout: "standard output", sys.stderr: "standard error"}.get(stream, getattr(stream, "name", "output"))


class JsonLinesSink(Sink):
    """One JSON object per frame (``FrameResult.to_dict()``), one per line, written at once
    so a run that stops halfway, or a reader following the file, has every finished frame.
    ``"-"`` is stdout.

    A line that cannot be written whole (a full disk) is cut back off, so the file only
    ever holds whole lines, and the run stops with :class:`OutputError`.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._fd: int | None = None
        self._length = 0  # bytes of whole lines written
        self._count = 0  # whole lines written
        if self.path == "-":
            return
        make_parent_folder(path)
        try:
            self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        except OSError as error:
            raise CamdigitsError(
                f"{path}: cannot write JSON Lines ({error.strerror or error})",
                "check that its folder is writable and the path is not a folder",
            ) from error

    def write(self, frame: Frame, result: FrameResult) -> None:
        line = (json.dumps(result.to_dict()) + "\n").encode("utf-8")
        if self._fd is None:
            try:
                sys.stdout.write(line.decode("utf-8"))
                sys.stdout.flush()
            except OSError as error:
                raise OutputError(
                    f"standard output: cannot write JSON Lines ({error.strerror or error})",
                    "check where the output goes: a full disk, or a pipe closed early",
                ) from error
            return
        try:
            view = memoryview(line)
            while view:  # os.write, unbuffered: a line is on disk when write() returns
                view = view[os.write(self._fd, view) :]
        except OSError as error:
            self._cut_back()
            raise OutputError(
                f"{self.path}: cannot write JSON Lines ({error.strerror or error}); it keeps the "
                f"{self._count} whole lines written before",
                "free some space on its disk, or choose another path",
            ) from error
        self._length += len(line)
        self._count += 1

    def _cut_back(self) -> None:
        """Drop the part of a line that did get written, if the file can be truncated."""
        try:
            os.ftruncate(self._fd, self._length)
        except OSError:
            pass  # a device or pipe: there is no file to cut

    def close(self) -> None:
        """Close the file; safe to call twice."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)


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
            raise CamdigitsError(
                f"{directory}: cannot create the output folder ({error.strerror or error})",
                "choose another --output folder",
            ) from error

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
            raise ImageError(
                f"{frame.source}: not overwriting the input with its annotated copy",
                "choose an --output folder other than the images' own",
            )
        ok, encoded = cv2.imencode(path.suffix, self.annotator.annotate(frame.image, result))
        if not ok:
            raise ImageError(f"{path}: OpenCV could not encode the annotated image", "try a png input")
        try:
            # Bytes through Python, not cv2.imwrite: it cannot open non-ASCII paths on Windows.
            atomic.write_bytes(path, encoded.data)
        except OSError as error:
            message = f"{path}: cannot write the annotated image ({error.strerror or error}); nothing partial is left"
            if error.errno in atomic.DISK_ERRNOS:
                raise OutputError(message, "free some space on its disk, or choose another --output folder") from error
            raise ImageError(message, "check the output folder's permissions") from error


class VideoWriterSink(Sink):
    """Writes annotated frames into a video file (mp4v) of a fixed size and frame rate.

    Frames are placed by their ``time``: where frames were skipped (``--every N``, or a
    loop slower than its camera), the previous annotated frame is repeated, and a frame
    whose place is taken (two within one frame's time) is left out, so the recording plays
    at the speed of the scene. The file is written under a temporary name
    beside its target; closing finalizes it (writes the mp4 index), checks that it holds
    every frame encoded, and only then gives it its name. The CLI closes it on errors,
    Ctrl-C and SIGTERM too, so what was written stays playable. OpenCV's writer reports no
    failed frame (a full disk), so a file that comes out short is removed and
    :meth:`close` raises :class:`OutputError`: the run fails instead of leaving an
    unplayable file behind.

    With ``background`` (the default), annotating and encoding run in a thread, on the
    second core, while the loop reads the next frame (OpenCV releases the GIL in both); a
    failure there is raised by the next :meth:`write` or by :meth:`close`. Without it,
    :meth:`write` returns once the frame is encoded.

    Raises:
        CamdigitsError: from the constructor, if the file cannot be created.
    """

    def __init__(
        self,
        path: str | Path,
        fps: float,
        size: tuple[int, int],
        annotator: Annotator | None = None,
        background: bool = True,
    ) -> None:
        self.path = str(path)
        self.fps = fps
        self.size = size  # (width, height)
        self.annotator = annotator or Annotator()
        self.frames_written = 0
        self._previous: np.ndarray | None = None
        self._first_time: float | None = None
        if min(size) < MIN_VIDEO_SIDE:
            raise CamdigitsError(
                f"{path}: cannot encode a video of {size[0]}x{size[1]} px frames",
                f"{VIDEO_FOURCC} needs frames of at least {MIN_VIDEO_SIDE}x{MIN_VIDEO_SIDE} px; "
                "drop --output for this input",
            )
        make_parent_folder(path)
        self._temporary = atomic.temporary_path(path)
        with quiet_opencv():
            self.writer = cv2.VideoWriter(str(self._temporary), cv2.VideoWriter_fourcc(*VIDEO_FOURCC), fps, size)
        if not self.writer.isOpened():
            atomic.discard(self._temporary)
            raise CamdigitsError(
                f"{path}: cannot write a video there",
                "check that the folder is writable and the name ends in .mp4 or .avi",
            )
        self._closed = False
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
            raise ImageError(
                f"{frame.source}: frame {frame.index} is {width}x{height} px, "
                f"the video being written is {self.size[0]}x{self.size[1]}",
                "the source changed its frame size; record it in two parts",
            )
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
        if self._previous is not None and position < self.frames_written:
            # Its slot is filled (a camera delivered two frames within one frame's time):
            # written, it would stretch the recording past the scene's time. It is the
            # latest view, though, for the slots the next frame leaves empty.
            self._previous = image
            return
        with quiet_opencv():  # a failed frame is a warning line per frame; close() says it once
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
        """Write what is queued, finalize the file and give it its name; safe to call twice.

        Raises:
            OutputError: the file does not hold the frames encoded (it is removed).
        """
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._closed:
            return
        self._closed = True
        with quiet_opencv():
            self.writer.release()
        self._previous = None
        try:
            self._raise_encoder_error()
            self._finish()
        except BaseException:
            atomic.discard(self._temporary)
            raise

    def _finish(self) -> None:
        """Rename the finalized file to its target if it holds every frame encoded; remove
        it if no frame was (an empty mp4 plays nowhere)."""
        if self.frames_written == 0:
            atomic.discard(self._temporary)
            return
        held = _video_frame_count(self._temporary)
        if held != self.frames_written:
            raise OutputError(
                f"{self.path}: the video could not be written ({self.frames_written} frames encoded, the file "
                f"{'holds ' + str(held) if held else 'is unreadable'}); no partial file is left",
                "free some space on its disk, or choose another path for --output",
            )
        try:
            os.replace(self._temporary, self.path)
        except OSError as error:
            raise OutputError(
                f"{self.path}: cannot give the video its name ({error.strerror or error})",
                "check that the path is not a folder and its folder is writable",
            ) from error


def _video_frame_count(path: Path) -> int:
    """Frames a finalized video file states in its index; 0 if it does not open."""
    with quiet_opencv():
        capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
        try:
            return max(int(capture.get(cv2.CAP_PROP_FRAME_COUNT)), 0) if capture.isOpened() else 0
        finally:
            capture.release()
