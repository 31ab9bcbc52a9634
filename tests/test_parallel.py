"""RecognizerPool: the same results as recognising in this process, in frame order."""

import multiprocessing
import os
import time

import pytest

from camdigits import parallel
from camdigits.config import Config
from camdigits.errors import ImageError
from camdigits.io.frames import Frame, SkippedInput
from camdigits.parallel import RecognizerPool
from camdigits.parallel import _recognize_pickled as RECOGNIZE_PICKLED
from camdigits.pipeline import recognize_each
from camdigits.recognition.classify import default_model_path
from camdigits.recognition.recognizer import Recognizer
from tests.pages import first_of_each_label, page_with_row


def frames(count: int) -> list[Frame]:
    indices = first_of_each_label()
    out = []
    for i in range(count):
        page, _ = page_with_row([indices[(i + k) % 10] for k in range(3)], height=50 + 5 * i)
        out.append(Frame(image=page, source="clip.mp4", index=i, time=i / 30))
    return out


@pytest.fixture(scope="module")
def pool():
    with RecognizerPool(default_model_path(), Config(), workers=2) as pool:
        yield pool


def test_results_match_the_serial_ones_in_frame_order(pool):
    clip = frames(8)
    serial = list(recognize_each(Recognizer(), clip))
    parallel = list(pool.recognize_each(clip))
    assert [item.index for item, _ in parallel] == list(range(8))
    assert [result for _, result in parallel] == [result for _, result in serial]
    assert [d.label for d in parallel[3][1].digits] == [3, 4, 5]


def test_skipped_inputs_pass_through_in_place(pool):
    clip = frames(3)
    skipped = SkippedInput("clip.mp4", ImageError("clip.mp4: frame 1 could not be decoded"))
    out = list(pool.recognize_each([clip[0], skipped, clip[2]]))
    assert out[1] is skipped
    assert [item.index for item, _ in (out[0], out[2])] == [0, 2]


def test_frames_read_before_a_source_fails_are_all_delivered(pool):
    clip = frames(5)

    def failing():
        yield from clip
        raise ImageError("clip.mp4: decoding stopped at frame 5")

    seen = []
    with pytest.raises(ImageError, match="frame 5"):
        for item, _ in pool.recognize_each(failing()):
            seen.append(item.index)
    assert seen == [0, 1, 2, 3, 4]


def test_frames_through_shared_memory_match_the_serial_results():
    """With the video's frame shape, frames travel through a ring of shared memory slots,
    reused round and round: 20 frames through 7 slots must each be read intact."""
    clip = frames(20)
    serial = [result for _, result in recognize_each(Recognizer(), clip)]
    with RecognizerPool(default_model_path(), Config(), workers=2, frame_shape=clip[0].image.shape) as pool:
        shared = [result for _, result in pool.recognize_each(clip)]
        assert pool.depth + 1 == 7
        # A frame of another size (a resized stream) is pickled instead, and still read.
        small = Frame(image=clip[3].image[::2, ::2].copy(), source="clip.mp4", index=20, time=0.7)
        [(_, result)] = list(pool.recognize_each([small]))
    assert shared == serial
    assert [d.label for d in result.digits] == [3, 4, 5]


def _die_on_frame_2(frame):
    """Stands in for the worker's recognise call: the process dies on frame 2, as one
    killed for memory would."""
    if frame.index == 2:
        os._exit(1)
    return RECOGNIZE_PICKLED(frame)


def test_a_worker_that_dies_is_one_clear_error_not_a_hang(monkeypatch):
    """A worker that dies mid-frame loses that frame; instead of waiting for it forever,
    the pool says what happened and what to do."""
    from camdigits import parallel
    from camdigits.errors import CamdigitsError

    monkeypatch.setattr(parallel, "WORKER_TIMEOUT", 3.0)
    monkeypatch.setattr(parallel, "_recognize_pickled", _die_on_frame_2)
    seen = []
    expected = "frame 2 of clip.mp4: no result from a worker process in 3 s"
    with (
        RecognizerPool(default_model_path(), Config(), workers=2) as pool,
        pytest.raises(CamdigitsError, match=expected) as caught,
    ):
        for item, _ in pool.recognize_each(frames(4)):
            seen.append(item.index)
    assert seen == [0, 1]
    assert "--workers 1" in caught.value.hint


def test_close_ends_even_when_a_dead_worker_held_the_results_lock(monkeypatch):
    """A worker killed by a signal to the whole process group while it put a result leaves
    the results queue's lock taken, and multiprocessing.Pool.terminate() then waits forever.
    close() gives up after CLOSE_TIMEOUT, kills the workers and returns."""
    monkeypatch.setattr(parallel, "CLOSE_TIMEOUT", 1.0)
    before = set(multiprocessing.active_children())
    pool = RecognizerPool(default_model_path(), Config(), workers=2)
    list(pool.recognize_each(frames(2)))
    workers = set(multiprocessing.active_children()) - before
    assert len(workers) == 2
    pool._pool._outqueue._wlock.acquire()  # as the dead worker left it
    start = time.monotonic()
    pool.close()
    assert time.monotonic() - start < 10
    for worker in workers:
        worker.join(5)
        assert not worker.is_alive()
