"""The one loop every mode shares: frames from a source -> recognizer -> tracker -> sinks.

Snapshot, video and webcam differ only in the source they pass in, the sinks they
attach, and whether a tracker smooths labels over time (video and webcam). The loop owns
the rules for failure: an input the source could not read, a frame the recognizer
refused, or a frame whose output a sink could not write, is reported through ``on_skip``
and counted, and the loop goes on with the next frame. Anything else (a video that stops
decoding, a camera that vanishes, a broken model, Ctrl-C) propagates and stops the run;
the caller closes the sinks, so their files are finalized.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from camdigits.errors import ImageError
from camdigits.sinks import Sink
from camdigits.sources import Frame, SkippedInput
from camdigits.types import FrameResult


class FrameReader(Protocol):
    """What the loop needs from :class:`camdigits.recognizer.Recognizer`."""

    def recognize(self, bgr: np.ndarray, source: str = "", frame: int = 0, time: float = 0.0) -> FrameResult: ...


class ResultFilter(Protocol):
    """What the loop needs from :class:`camdigits.tracking.Tracker`: one frame's result in,
    the result smoothed over the frames before it out."""

    def update(self, result: FrameResult) -> FrameResult: ...


@dataclass(frozen=True)
class RunSummary:
    """What a run did: frames read and written, inputs or frames that failed, and whether
    a sink (a window's q key) ended it early."""

    frames: int
    failures: tuple[SkippedInput, ...] = ()
    stopped: bool = False

    @property
    def exit_code(self) -> int:
        """0 if every input was processed, 1 if some failed."""
        return 1 if self.failures else 0


# One frame and what recognizing it gave: a result, or the per-frame error the recognizer
# raised. Inputs that yielded no frame pass through as they are.
Recognized = tuple[Frame, FrameResult | ImageError] | SkippedInput


def recognize_frame(recognizer: FrameReader, image: np.ndarray, source: str, index: int,
                    time: float) -> FrameResult | ImageError:
    """One frame's result, or the per-frame error the recognizer raised for it (an image it
    cannot use, e.g. too small), returned rather than raised so the loop can go on."""
    try:
        return recognizer.recognize(image, source=source, frame=index, time=time)
    except ImageError as error:
        return error


def recognize_each(recognizer: FrameReader, frames: Iterable[Frame | SkippedInput]) -> Iterator[Recognized]:
    """Recognise the frames one after another, in this thread (see also
    :class:`camdigits.parallel.RecognizerPool`, which spreads them over processes)."""
    for item in frames:
        if isinstance(item, SkippedInput):
            yield item
        else:
            yield item, recognize_frame(recognizer, item.image, item.source, item.index, item.time)


def run(
    recognizer: FrameReader,
    frames: Iterable[Frame | SkippedInput],
    sinks: Sequence[Sink],
    on_skip: Callable[[SkippedInput], None] | None = None,
    tracker: ResultFilter | None = None,
) -> RunSummary:
    """Recognise every frame and hand each result to every sink, in order.

    Args:
        recognizer: anything with ``recognize(bgr, source=, frame=, time=)``.
        frames: a source; :class:`SkippedInput` items are failures to report.
        sinks: written in order for each frame; a sink that fails for one frame does not
            keep the others from writing it.
        on_skip: called at once with each failure, so it can be reported next to the
            results of its neighbours.
        tracker: if given, every result passes through ``tracker.update`` before the
            sinks see it (frames must then come in time order, from one source).

    Returns:
        The frames written in full, the failures, and whether a sink asked to stop.
    """
    return run_recognized(recognize_each(recognizer, frames), sinks, on_skip, tracker)


def run_recognized(
    recognized: Iterable[Recognized],
    sinks: Sequence[Sink],
    on_skip: Callable[[SkippedInput], None] | None = None,
    tracker: ResultFilter | None = None,
) -> RunSummary:
    """:func:`run` for frames already recognised, e.g. by a pool of processes: each
    result (in frame order) goes through the tracker to every sink."""
    written = 0
    failures: list[SkippedInput] = []

    def fail(skipped: SkippedInput) -> None:
        failures.append(skipped)
        if on_skip is not None:
            on_skip(skipped)

    with WholeFrames() as whole:
        for entry in recognized:
            if isinstance(entry, SkippedInput):
                fail(entry)
                continue
            item, result = entry
            if isinstance(result, ImageError):
                fail(SkippedInput(item.source, result))
                continue
            if tracker is not None:
                result = tracker.update(result)
            with whole.writing():
                errors = [error for error in (_write(sink, item, result) for sink in sinks) if error is not None]
            for error in errors:
                fail(SkippedInput(item.source, error))
            written += not errors
            if any(sink.stop_requested for sink in sinks):
                return RunSummary(written, tuple(failures), stopped=True)
    return RunSummary(written, tuple(failures))


class WholeFrames:
    """Holds Ctrl-C back while a frame goes to the sinks, so that it reaches all or none.

    Ctrl-C between the JSON sink and the video sink left a JSON Lines file one frame
    longer than the annotated video beside it. Anywhere else it acts at once, as Python's
    own handler does: a run waiting for a camera's next frame must stop without one.
    Takes effect only in the main thread, and only where Ctrl-C has Python's default
    handler (signal handlers belong to the main thread; a caller's own handler is kept).
    """

    def __init__(self) -> None:
        self._writing = False
        self._held = False
        self._previous: object = None

    def __enter__(self) -> WholeFrames:
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
            self._previous = signal.signal(signal.SIGINT, self._interrupt)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None

    def _interrupt(self, signum: int, frame: object) -> None:
        if self._writing:
            self._held = True
        else:
            raise KeyboardInterrupt

    @contextmanager
    def writing(self) -> Iterator[None]:
        """The block in which Ctrl-C waits; it is raised as soon as the block ends."""
        self._writing = True
        try:
            yield
        finally:
            self._writing = False
        if self._held:
            self._held = False
            raise KeyboardInterrupt


def _write(sink: Sink, frame: Frame, result: FrameResult) -> ImageError | None:
    """Write one frame to one sink; return its per-frame error instead of raising it."""
    try:
        sink.write(frame, result)
    except ImageError as error:
        return error
    return None
