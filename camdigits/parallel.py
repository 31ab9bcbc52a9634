"""RecognizerPool: video frames recognised in worker processes, results in frame order.

Most of a frame's recognition is Python between short OpenCV and LiteRT calls, so threads
would take turns on the GIL; processes use every core. The video command keeps decoding
(in a thread), tracking, annotating and writing in the main process while the workers
recognise the frames ahead of it. At most ``depth`` frames are in flight, so memory stays
flat however long the video is, and results come back in the order the frames went in,
which the tracker needs.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from camdigits.config import Config
from camdigits.errors import ImageError
from camdigits.pipeline import Recognized
from camdigits.recognizer import Recognizer
from camdigits.sources import Frame, SkippedInput
from camdigits.types import FrameResult

# Frames queued per worker: enough that a worker never waits for the next frame, few
# enough that frames in flight cost little memory (a 1080p frame is 6 MB).
FRAMES_PER_WORKER = 3

_WORKER: Recognizer | None = None


def worker_count() -> int:
    """One worker per core the process may use; 1 means: do not use a pool."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows
        return os.cpu_count() or 1


def _start_worker(model_path: Path, config: Config) -> None:
    global _WORKER
    # Ctrl-C reaches every process of the terminal; the main process handles it and
    # stops the workers, which would otherwise each print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER = Recognizer(model_path, config)


def _recognize(frame: Frame) -> FrameResult | ImageError:
    assert _WORKER is not None, "worker not initialised"
    try:
        return _WORKER.recognize(frame.image, source=frame.source, frame=frame.index, time=frame.time)
    except ImageError as error:
        return error


class RecognizerPool:
    """Worker processes, each with its own :class:`Recognizer`; use as a context manager.

    Each worker's interpreter runs on one thread: the workers already fill the cores.
    """

    def __init__(self, model_path: Path, config: Config, workers: int) -> None:
        # fork starts a worker in milliseconds; spawn (macOS, Windows) re-imports
        # everything in each worker, which costs about a second once per run.
        method = "fork" if sys.platform.startswith("linux") else "spawn"
        single = replace(config, num_threads=1)
        self.workers = workers
        self._pool = multiprocessing.get_context(method).Pool(
            workers, initializer=_start_worker, initargs=(model_path, single)
        )

    def __enter__(self) -> RecognizerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._pool.terminate()
        self._pool.join()

    def recognize_each(self, frames: Iterable[Frame | SkippedInput]) -> Iterator[Recognized]:
        """Like :func:`camdigits.pipeline.recognize_each`, with the frames spread over the
        workers; the results come out in frame order."""
        depth = FRAMES_PER_WORKER * self.workers
        pending: deque = deque()
        try:
            for item in frames:
                if isinstance(item, SkippedInput):
                    pending.append((item, None))
                else:
                    pending.append((item, self._pool.apply_async(_recognize, (item,))))
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


def _resolve(item: Frame | SkippedInput, job) -> Recognized:
    if job is None:
        return item
    return item, job.get()
