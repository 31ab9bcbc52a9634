"""RecognizerPool: video frames, or image files, recognised in worker processes, results in order.

Most of a frame's recognition is Python between short OpenCV and LiteRT calls, so threads
would take turns on the GIL; processes use every core. The video command keeps decoding
(in a thread), tracking, annotating and writing in the main process while the workers
recognise the frames ahead of it. At most ``depth`` frames are in flight, so memory stays
flat however long the video is, and results come back in the order the frames went in,
which the tracker needs. For snapshot mode the workers also read and decode the image
files, which for a phone photo costs as much as recognising it.
"""

from __future__ import annotations

import math
import mmap
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np

from camdigits.config import Config
from camdigits.errors import CamdigitsError, ImageError
from camdigits.io.frames import Frame, SkippedInput
from camdigits.io.images import read_image
from camdigits.pipeline import Recognized, recognize_frame
from camdigits.recognition.recognizer import Recognizer
from camdigits.types import FrameResult

# Frames queued per worker: enough that a worker never waits for the next frame, few
# enough that frames in flight cost little memory (a 1080p frame is 6 MB).
FRAMES_PER_WORKER = 3
# Seconds to wait for one frame's result before taking its worker for dead: a frame takes
# about 10 ms at 640x480, and a second or so for the largest image the config accepts.
WORKER_TIMEOUT = 60.0
# Seconds the pool's shutdown may take before its workers are killed and it is left behind:
# it takes milliseconds, except where a worker stopped by a signal to the whole process
# group died holding the lock of the results queue, and the shutdown then waits forever
# (multiprocessing.Pool.terminate joins a thread blocked on that lock).
CLOSE_TIMEOUT = 5.0

_WORKER: Recognizer | None = None
# The shared frame ring (buffer, frame shape) when the pool forks: set in the parent before
# the workers start, so each inherits the same memory.
_RING: tuple[mmap.mmap, tuple[int, ...]] | None = None


def worker_count() -> int:
    """One worker per core the process may use; 1 means: do not use a pool."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows
        return os.cpu_count() or 1


def _start_worker(model_path: Path, config: Config) -> None:
    global _WORKER
    # A process group of its own: Ctrl-C, a closing terminal (SIGHUP) and `kill -TERM -PGID`
    # reach the main process only, which finalizes the outputs and stops the workers. A
    # worker that a signal killed at the same time could die holding the pool's task-queue
    # lock, and the pool's shutdown would wait for that lock for ever; one that got Ctrl-C
    # would print a traceback. SIGTERM, the pool's own way to stop a worker, keeps its
    # default action: the worker ends at once, without a word.
    if hasattr(os, "setpgid"):  # POSIX
        os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _WORKER = Recognizer(model_path, config)


@contextmanager
def _default_sigterm() -> Iterator[None]:
    """SIGTERM's default action while workers are forked, so that one stopped before its
    initializer runs ends at once instead of raising the main process's exception in it.
    The outputs are not open yet, so the main process has nothing to finalize meanwhile."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _recognize_pickled(frame: Frame) -> FrameResult | ImageError:
    assert _WORKER is not None, "worker not initialised"
    return recognize_frame(_WORKER, frame.image, frame.source, frame.index, frame.time)


def _ring_slot(ring: mmap.mmap, shape: tuple[int, ...], slot: int) -> np.ndarray:
    size = math.prod(shape)
    return np.frombuffer(ring, np.uint8, count=size, offset=slot * size).reshape(shape)


def _recognize_slot(slot: int, source: str, index: int, time: float) -> FrameResult | ImageError:
    assert _WORKER is not None and _RING is not None, "worker not initialised"
    return recognize_frame(_WORKER, _ring_slot(*_RING, slot), source, index, time)


def _read_and_recognize(
    path: str, max_megapixels: float, keep_image: bool
) -> tuple[np.ndarray | tuple[int, ...], FrameResult | ImageError] | ImageError:
    """One image file read and recognised in a worker: its pixels (or only their shape, which
    is all that crosses the pipe when no sink draws them) and its result, or the error that
    kept it from being read."""
    assert _WORKER is not None, "worker not initialised"
    try:
        image = read_image(path, max_megapixels)
    except ImageError as error:
        return error
    result = recognize_frame(_WORKER, image, path, 0, 0.0)
    return (image if keep_image else image.shape), result


class RecognizerPool:
    """Worker processes, each with its own :class:`Recognizer`; use as a context manager.

    Each worker's interpreter runs on one thread: the workers already fill the cores.
    Given the video's ``frame_shape``, frames reach the workers through a ring of shared
    memory instead of being pickled through a pipe, which would cost a good part of the
    time the workers save (docs/performance.md).
    """

    def __init__(
        self, model_path: Path, config: Config, workers: int, frame_shape: tuple[int, ...] | None = None
    ) -> None:
        global _RING
        # fork starts a worker in milliseconds and lets it inherit the frame ring; spawn
        # (macOS, Windows) re-imports everything in each worker, about a second once per
        # run, and frames are then pickled.
        method = "fork" if sys.platform.startswith("linux") else "spawn"
        single = replace(config, num_threads=1)
        self.workers = workers
        self.depth = FRAMES_PER_WORKER * workers
        self._ring: tuple[mmap.mmap, tuple[int, ...]] | None = None
        if method == "fork" and frame_shape is not None:
            # One slot more than frames in flight: the slot written next is never one a
            # worker may still be reading.
            self._ring = (mmap.mmap(-1, (self.depth + 1) * math.prod(frame_shape)), tuple(frame_shape))
            _RING = self._ring
        self._sent = 0
        with _default_sigterm():
            self._pool = multiprocessing.get_context(method).Pool(
                workers, initializer=_start_worker, initargs=(model_path, single)
            )

    def __enter__(self) -> RecognizerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers, within CLOSE_TIMEOUT seconds whatever state they died in."""
        global _RING
        closing = threading.Thread(target=self._pool.terminate, name="camdigits-pool-close", daemon=True)
        closing.start()
        closing.join(CLOSE_TIMEOUT)
        if closing.is_alive():
            # Stuck on a lock a dead worker held: kill the pool's workers (Pool keeps them in
            # ``_pool``) and leave its threads, daemons, to end with the process.
            for worker in self._pool._pool:
                worker.kill()
        else:
            self._pool.join()
        if self._ring is not None:
            _RING = None
            self._ring[0].close()
            self._ring = None

    def _submit(self, frame: Frame):
        """Start recognising one frame: through the ring if it fits a slot, else pickled."""
        if self._ring is not None and frame.image.shape == self._ring[1] and frame.image.dtype == np.uint8:
            slot = self._sent % (self.depth + 1)
            self._sent += 1
            np.copyto(_ring_slot(*self._ring, slot), frame.image)
            return self._pool.apply_async(_recognize_slot, (slot, frame.source, frame.index, frame.time))
        return self._pool.apply_async(_recognize_pickled, (frame,))

    def recognize_each(self, frames: Iterable[Frame | SkippedInput]) -> Iterator[Recognized]:
        """Like :func:`camdigits.pipeline.recognize_each`, with the frames spread over the
        workers; the results come out in frame order."""
        depth = self.depth
        pending: deque = deque()
        try:
            for item in frames:
                if isinstance(item, SkippedInput):
                    pending.append((item, None))
                else:
                    pending.append((item, self._submit(item)))
                while len(pending) > depth:
                    yield _resolve(*pending.popleft())
        except Exception:
            # The source failed (a video that stops decoding): the frames read before the
            # failure are still delivered, then the error goes on up.
            while pending:
                yield _resolve(*pending.popleft())
            raise
        while pending:
            yield _resolve(*pending.popleft())

    def read_each(self, paths: Iterable[str], max_megapixels: float, keep_images: bool = True) -> Iterator[Recognized]:
        """:func:`camdigits.io.images.image_frames` then ``recognize_each``, with both the
        reading and the recognising in the workers; the results come out in input order,
        a file that cannot be read as a :class:`SkippedInput` in its place.

        Without ``keep_images`` the pixels stay in the workers (sending a 12 MP photo back
        costs about half of recognising it) and each frame holds a read-only blank of the
        image's size instead: for sinks that write only the result (console, JSON Lines).
        """
        pending: deque = deque()
        for path in paths:
            pending.append(
                (str(path), self._pool.apply_async(_read_and_recognize, (str(path), max_megapixels, keep_images)))
            )
            while len(pending) > self.depth:
                yield _resolve_file(*pending.popleft())
        while pending:
            yield _resolve_file(*pending.popleft())


def _resolve_file(path: str, job) -> Recognized:
    try:
        read = job.get(timeout=WORKER_TIMEOUT)
    except multiprocessing.TimeoutError:
        raise CamdigitsError(
            f"{path}: no result from a worker process in {WORKER_TIMEOUT:.0f} s (it may have been killed for memory)",
            "run again with --workers 1 to read the images in the main process",
        ) from None
    if isinstance(read, ImageError):
        return SkippedInput(path, read)
    pixels, result = read
    if not isinstance(pixels, np.ndarray):
        pixels = np.broadcast_to(np.zeros(1, np.uint8), pixels)  # no memory behind it, and read-only
    return Frame(pixels, source=path), result


def _resolve(item: Frame | SkippedInput, job) -> Recognized:
    if job is None:
        return item
    try:
        return item, job.get(timeout=WORKER_TIMEOUT)
    except multiprocessing.TimeoutError:
        # A worker that died (killed for memory, say) takes its frame with it, and the
        # pool would wait for that frame forever.
        raise CamdigitsError(
            f"frame {item.index} of {item.source}: no result from a worker process in {WORKER_TIMEOUT:.0f} s "
            "(it may have been killed for memory)",
            "run again with --workers 1 to recognise in the main process",
        ) from None
