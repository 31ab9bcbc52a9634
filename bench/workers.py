"""Benchmark jobs shared out among worker processes, each with a recognizer of its own.

Both scene benchmarks (bench.accuracy, bench.field) run many independent scenes; one
process per core, each with a one-thread interpreter, fills the cores. Results come back
in job order.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from camdigits.config import Config
from camdigits.recognition.recognizer import Recognizer

_WORKER: Recognizer | None = None  # each worker process's own recognizer


def _start_worker(model: Path | None) -> None:
    global _WORKER
    _WORKER = Recognizer(model, replace(Config(), num_threads=1))  # the workers already fill the cores


def _call(task: tuple[Callable[..., Any], Any]) -> Any:
    function, job = task
    assert _WORKER is not None, "worker not initialised"
    return function(_WORKER, job)


def map_jobs(
    function: Callable[[Recognizer, Any], Any], jobs: Iterable[Any], model: Path | None, workers: int
) -> Iterator[Any]:
    """``function(recognizer, job)`` for each job, in order: in ``workers`` processes, or in
    this one if ``workers`` is 1. ``function`` must be a module-level function (it is
    pickled by name)."""
    tasks = [(function, job) for job in jobs]
    if workers <= 1:
        _start_worker(model)
        yield from map(_call, tasks)
        return
    with multiprocessing.get_context("spawn").Pool(workers, _start_worker, (model,)) as pool:
        yield from pool.imap(_call, tasks)
