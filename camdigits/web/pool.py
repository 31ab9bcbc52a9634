"""A fixed pool of recognizers in worker threads, with a short queue in front of it.

Threads rather than processes: decoding, thresholding and the LiteRT interpreter release
the GIL for most of a frame, and an upload can then be handed over without copying it
into another process. Each worker owns one :class:`Recognizer` (an interpreter is not
safe to share between threads), with one interpreter thread, so the pool's size is the
number of cores it keeps busy.

A request first takes a slot: ``workers`` running plus ``queue`` waiting. With none
free, :meth:`WorkerPool.slot` raises a 503 at once, so a burst costs a bounded
amount of memory (its slots times the upload limit) instead of piling up.
"""

from __future__ import annotations

import asyncio
import queue
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import TypeVar

from camdigits.config import Config
from camdigits.recognition.recognizer import Recognizer
from camdigits.web.errors import WebError

T = TypeVar("T")
RETRY_AFTER_S = 1  # what a 503 asks the client to wait: a full queue drains in well under a second


class WorkerPool:
    """``workers`` recognizers in as many threads; at most ``queue`` requests wait for one."""

    def __init__(self, model_path: str | None, config: Config, workers: int, queue_length: int) -> None:
        if workers < 1 or queue_length < 0:
            raise ValueError(f"need at least 1 worker and a queue >= 0, got {workers} and {queue_length}")
        single = replace(config, num_threads=1)
        self.config = config
        self.workers = workers
        self.slots = workers + queue_length
        self._idle: queue.SimpleQueue[Recognizer] = queue.SimpleQueue()
        for _ in range(workers):  # all built now: a bad model fails at start, not on the first request
            self._idle.put(Recognizer(model_path, single))
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="camdigits-web")
        self._taken = 0  # slots in use; only touched from the event loop's thread

    @property
    def busy(self) -> int:
        """Requests running or waiting now."""
        return self._taken

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the pool's slots for a request, or raise a 503 if none is free."""
        if self._taken >= self.slots:
            raise WebError(
                503,
                f"busy: {self._taken} images are being read or waiting",
                f"try again in {RETRY_AFTER_S} s",
                headers={"Retry-After": str(RETRY_AFTER_S)},
            )
        self._taken += 1
        try:
            yield
        finally:
            self._taken -= 1

    async def run(self, work: Callable[[Recognizer], T]) -> T:
        """``work(recognizer)`` on a worker thread, with a recognizer no other thread holds."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._with_recognizer, work)

    def _with_recognizer(self, work: Callable[[Recognizer], T]) -> T:
        recognizer = self._idle.get()  # never waits: there are as many recognizers as threads
        try:
            return work(recognizer)
        finally:
            self._idle.put(recognizer)

    def close(self) -> None:
        """Wait for the running work, then stop the threads."""
        self._executor.shutdown(wait=True, cancel_futures=True)
