"""The one loop every mode shares: frames from a source -> recognizer -> tracking -> sinks.

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
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from camdigits.config import Config
from camdigits.errors import ImageError
from camdigits.io.frames import Frame, SkippedInput
from camdigits.io.sinks import Sink
from camdigits.recognition.numbers import group_tracked
from camdigits.tracking import Tracker, TrackerConfig
from camdigits.types import FrameResult


class FrameReader(Protocol):
    """What the loop needs from :class:`camdigits.recognition.recognizer.Recognizer`: ``recognize``,
    and for the requests of a sink (the webcam window's keys) its ``config`` and the ink
    mask of a frame."""

    config: Config

    def recognize(self, bgr: np.ndarray, source: str = "", frame: int = 0, time: float = 0.0) -> FrameResult: ...

    def candidates(self, image: np.ndarray) -> tuple[np.ndarray, list]: ...


class ResultFilter(Protocol):
    """What the loop needs from :class:`Tracking`: one frame's result in, the result
    smoothed over the frames before it out."""

    def update(self, result: FrameResult) -> FrameResult: ...


class Tracking:
    """The video modes' step between recognizer and sinks: the frame's digits through a
    :class:`camdigits.tracking.Tracker`, then grouped into numbers
    (:func:`camdigits.recognition.numbers.group_tracked`) with ``config``, the recognizer's.

    Example:
        >>> tracking = Tracking(recognizer.config)
        >>> for frame in frames:
        ...     result = tracking.update(recognizer.recognize(frame))
    """

    def __init__(self, config: Config, tracker_config: TrackerConfig | None = None) -> None:
        self.config = config
        self.tracker = Tracker(tracker_config)

    def reset(self) -> None:
        """Forget every track, e.g. before a new video."""
        self.tracker.reset()

    def update(self, result: FrameResult) -> FrameResult:
        """The next frame's result, with track ids, smoothed labels and their numbers."""
        tracked, shown = self.tracker.update(result.digits, (result.width, result.height))
        numbers = group_tracked(result.numbers, result.digits, tracked, shown, self.config)
        return replace(result, digits=tuple(d for n in numbers for d in n.digits), numbers=numbers)


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


def recognize_frame(
    recognizer: FrameReader, image: np.ndarray, source: str, index: int, time: float
) -> FrameResult | ImageError:
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
        tracker: if given (a :class:`Tracking`), every result passes through
            ``tracker.update`` before the sinks see it (frames must then come in time
            order, from one source).

    What a sink asks of the recognizer (:meth:`Sink.take_requests`) is applied here, after
    the sink has written a frame and before the next frame is recognised.

    Returns:
        The frames written in full, the failures, and whether a sink asked to stop.
    """
    return run_recognized(recognize_each(recognizer, frames), sinks, on_skip, tracker, requests_to=recognizer)


def run_recognized(
    recognized: Iterable[Recognized],
    sinks: Sequence[Sink],
    on_skip: Callable[[SkippedInput], None] | None = None,
    tracker: ResultFilter | None = None,
    requests_to: FrameReader | None = None,
) -> RunSummary:
    """:func:`run` for frames already recognised, e.g. by a pool of processes: each
    result (in frame order) goes through the tracker to every sink. Sinks' requests are
    applied to ``requests_to``, the recognizer that reads the coming frames; without it
    (frames recognised elsewhere) they are not taken."""
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
                errors = [
                    error for error in (_write(sink, item, result, requests_to) for sink in sinks) if error is not None
                ]
            for error in errors:
                fail(SkippedInput(item.source, error))
            written += not errors
            if any(sink.stop_requested for sink in sinks):
                return RunSummary(written, tuple(failures), stopped=True)
    return RunSummary(written, tuple(failures))


# Signals that ask a run to stop: Ctrl-C, ``kill`` (and service managers, containers), and
# the terminal closing. Each finalizes the outputs the same way.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class Stopped(KeyboardInterrupt):
    """A stop signal other than Ctrl-C (SIGTERM, SIGHUP), raised where Ctrl-C raises
    KeyboardInterrupt, so that the same clean-up runs for all of them."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def raise_stop(signum: int, frame: object = None) -> None:
    """Signal handler: KeyboardInterrupt for SIGINT, :class:`Stopped` for the others."""
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Stopped(signum)


@contextmanager
def stop_signals_raise() -> Iterator[None]:
    """For the duration, SIGTERM and SIGHUP raise :class:`Stopped` in the main thread, as
    Ctrl-C raises KeyboardInterrupt, instead of ending the process on the spot with its
    outputs unfinished (an mp4 without its index plays nowhere). Handlers a caller set
    itself are kept; outside the main thread it does nothing."""
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in STOP_SIGNALS:
            if signum != signal.SIGINT and signal.getsignal(signum) is signal.SIG_DFL:
                previous[signum] = signal.signal(signum, raise_stop)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class WholeFrames:
    """Holds stop signals (Ctrl-C, and SIGTERM and SIGHUP under :func:`stop_signals_raise`)
    back while a frame goes to the sinks, so that it reaches all or none.

    Ctrl-C between the JSON sink and the video sink left a JSON Lines file one frame
    longer than the annotated video beside it. Anywhere else a signal acts at once, as
    Python's own handler does: a run waiting for a camera's next frame must stop without
    one. Takes effect only in the main thread, and only for signals whose handler raises
    (Python's default for Ctrl-C, or :func:`raise_stop`); a caller's own handler is kept.
    """

    def __init__(self) -> None:
        self._writing = False
        self._held: int | None = None
        self._previous: dict[int, object] = {}

    def __enter__(self) -> WholeFrames:
        if threading.current_thread() is threading.main_thread():
            for signum in STOP_SIGNALS:
                if signal.getsignal(signum) in (signal.default_int_handler, raise_stop):
                    self._previous[signum] = signal.signal(signum, self._interrupt)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous = {}

    def _interrupt(self, signum: int, frame: object) -> None:
        if self._writing:
            self._held = signum
        else:
            raise_stop(signum)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """The block in which Ctrl-C waits; it is raised as soon as the block ends."""
        self._writing = True
        try:
            yield
        finally:
            self._writing = False
        if self._held is not None:
            signum, self._held = self._held, None
            raise_stop(signum)


def _write(sink: Sink, frame: Frame, result: FrameResult, recognizer: FrameReader | None) -> ImageError | None:
    """Write one frame to one sink, with its ink mask if the sink shows it, and apply what
    the sink then asks of ``recognizer``, writing the frame again so the change shows at
    once; return a per-frame error instead of raising it."""
    try:
        while True:
            if recognizer is not None and sink.wants_mask:
                sink.receive_mask(recognizer.candidates(frame.image)[0])
            sink.write(frame, result)
            requests = sink.take_requests() if recognizer is not None else None
            if requests is None:
                return None
            if requests.threshold_offset is not None:
                recognizer.config = replace(recognizer.config, threshold_offset=requests.threshold_offset)
    except ImageError as error:
        return error
