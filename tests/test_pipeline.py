"""The one loop: skipped inputs, failing sinks and early stops."""

from __future__ import annotations

import os
import signal
import time

import pytest

from camdigits.errors import ImageError
from camdigits.io.frames import SkippedInput
from camdigits.io.sinks import Sink
from camdigits.pipeline import RunSummary, run
from camdigits.types import FrameResult, Number
from tests.test_sinks import SEVEN, frame


class FixedRecognizer:
    """Stands in for the model: every frame reads as "7", and calls are recorded."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def recognize(self, image, source="", frame=0, time=0.0):
        self.calls.append(source)
        seven = Number("7", 0.98, SEVEN.box, (SEVEN,))
        return FrameResult(image.shape[1], image.shape[0], (SEVEN,), (seven,), source, frame, time)


class ListSink(Sink):
    """Records what it is given; fails for sources named in ``fail``, stops after ``stop_after``."""

    def __init__(self, fail: tuple[str, ...] = (), stop_after: str | None = None) -> None:
        self.written: list[str] = []
        self.fail, self.stop_after = fail, stop_after

    def write(self, frame, result):
        if frame.source in self.fail:
            raise ImageError(f"{frame.source}: disk full")
        self.written.append(result.source)
        self.stop_requested = frame.source == self.stop_after


def skipped(source: str) -> SkippedInput:
    return SkippedInput(source, ImageError(f"{source}: not a readable image"))


def test_empty_source_is_a_clean_run():
    assert run(FixedRecognizer(), [], [ListSink()]) == RunSummary(frames=0)
    assert RunSummary(frames=0).exit_code == 0


def test_skipped_inputs_are_reported_in_place_and_the_loop_goes_on():
    sink, reported = ListSink(), []
    summary = run(FixedRecognizer(), [frame("a"), skipped("b"), frame("c")], [sink], on_skip=reported.append)
    assert sink.written == ["a", "c"]
    assert [s.source for s in reported] == ["b"] and summary.failures == tuple(reported)
    assert (summary.frames, summary.exit_code, summary.stopped) == (2, 1, False)


def test_a_sink_failing_one_frame_keeps_the_other_sinks_and_frames():
    failing, healthy = ListSink(fail=("b",)), ListSink()
    summary = run(FixedRecognizer(), [frame("a"), frame("b"), frame("c")], [failing, healthy])
    assert failing.written == ["a", "c"] and healthy.written == ["a", "b", "c"]
    assert summary.frames == 2 and [f.error.message for f in summary.failures] == ["b: disk full"]


def test_a_sink_asking_to_stop_ends_the_run_after_that_frame():
    recognizer = FixedRecognizer()
    summary = run(recognizer, (frame(name) for name in "abc"), [ListSink(stop_after="b")])
    assert recognizer.calls == ["a", "b"] and summary == RunSummary(frames=2, stopped=True)


class InterruptingSink(ListSink):
    """Sends this process Ctrl-C (SIGINT) while it writes frame ``at``."""

    def __init__(self, at: str) -> None:
        super().__init__()
        self.at = at

    def write(self, frame, result):
        if frame.source == self.at:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # the handler runs here, between two bytecodes of this write
        super().write(frame, result)


def test_ctrl_c_while_a_frame_is_written_lets_every_sink_have_it_first():
    """Interrupted inside the first sink's write, the second sink still gets that frame;
    then the run stops, and Python's handler is back."""
    first, second = InterruptingSink(at="b"), ListSink()
    with pytest.raises(KeyboardInterrupt):
        run(FixedRecognizer(), (frame(name) for name in "abc"), [first, second])
    assert first.written == second.written == ["a", "b"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_between_frames_stops_at_once():
    def frames():
        yield frame("a")
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        yield frame("b")  # not reached: the interrupt is raised in the source, as without the guard

    sink = ListSink()
    with pytest.raises(KeyboardInterrupt):
        run(FixedRecognizer(), frames(), [sink])
    assert sink.written == ["a"]
