"""Per-frame time of Recognizer.recognize() and of each of its stages, plus the tracking
and annotation the video command adds, on rendered clean scenes (and on frames of noise,
the worst frames a camera pointed at texture gives).

Three passes over the same scenes: the whole recognize() call (the headline figure), the
same call timed stage by stage through its stage hook, and tracking + Annotator.annotate()
on recognize()'s results. Scenes are rendered before timing.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from bench.scenes import render_scene
from camdigits.config import Config
from camdigits.io.annotate import Annotator
from camdigits.pipeline import Tracking
from camdigits.recognition.recognizer import STAGES as RECOGNIZE_STAGES
from camdigits.recognition.recognizer import Recognizer
from camdigits.types import FrameResult

POOL = 20  # distinct scenes per case, cycled through, so consecutive frames hold new pixels
WARM_UP = 20  # recognize() calls before timing: the interpreter and caches settle
# Each case is timed in this many blocks, the cases taking turns, so that a machine whose
# speed drifts over a minute (a shared VM) slows every case alike, not whichever ran then.
ROUNDS = 4
# Tracking and annotation see each scene for this many frames in a row, like a camera
# held still: tracks confirm on their second frame, so both work on every digit. (On a
# new scene every frame no track would confirm, and they would time an empty result.)
HOLD_FRAMES = 3
FRAME_INTERVAL_S = 1 / 30  # time between the frames of the tracked stream, as at 30 fps
NOISE = -1  # the digit count that names a case of noise frames instead of clean scenes
# Colour noise blurred by each of these in turn (0: not blurred): a camera's optics blur
# noise into blobs of about a pen's width, which is what costs most.
NOISE_BLURS = (0.0, 1.0, 1.5, 2.0)
STAGES = (*RECOGNIZE_STAGES, "tracking", "annotate")


@dataclass(frozen=True)
class CaseTimes:
    """Per-frame ms of one case: the whole recognize() call, and each of STAGES alone."""

    size: tuple[int, int]
    digits: int
    recognize: np.ndarray
    stages: dict[str, np.ndarray]
    settled: float | None = None  # share of the patches the cascade's first stage settled; None: no cascade


def time_calls(call: Callable[[int], object], frames: int) -> np.ndarray:
    """ms of ``call(i)`` for each i in range(frames)."""
    ms = np.empty(frames)
    for i in range(frames):
        start = time.perf_counter()
        call(i)
        ms[i] = 1000 * (time.perf_counter() - start)
    return ms


def time_stages(recognizer: Recognizer, scenes: Sequence[np.ndarray], frames: int) -> dict[str, np.ndarray]:
    """ms of each of RECOGNIZE_STAGES per frame, from Recognizer.recognize()'s stage hook,
    so that they add up to one recognize() call (see :data:`camdigits.recognition.recognizer.STAGES`)."""
    ms = {stage: np.empty(frames) for stage in RECOGNIZE_STAGES}
    ticks: list[float] = []
    recognizer.stage_hook = lambda stage: ticks.append(time.perf_counter())
    try:
        for i in range(frames):
            ticks[:] = [time.perf_counter()]
            recognizer.recognize(scenes[i % len(scenes)])
            for stage, begin, end in zip(RECOGNIZE_STAGES, ticks, ticks[1:]):
                ms[stage][i] = 1000 * (end - begin)
    finally:
        recognizer.stage_hook = None
    return ms


def time_tracking(
    results: Sequence[FrameResult], scenes: Sequence[np.ndarray], config: Config, frames: int
) -> dict[str, np.ndarray]:
    """ms of tracking (Tracking.update()) and of annotating its output, as the video command does, on
    a stream that shows each scene (and its result) for HOLD_FRAMES frames."""
    tracker, annotator = Tracking(config), Annotator()
    ms = {"tracking": np.empty(frames), "annotate": np.empty(frames)}
    for i in range(frames):
        scene = (i // HOLD_FRAMES) % len(results)
        result = dataclasses.replace(results[scene], frame=i, time=i * FRAME_INTERVAL_S)
        t0 = time.perf_counter()
        tracked = tracker.update(result)
        t1 = time.perf_counter()
        annotator.annotate(scenes[scene], tracked)
        t2 = time.perf_counter()
        ms["tracking"][i], ms["annotate"][i] = 1000 * (t1 - t0), 1000 * (t2 - t1)
    return ms


def render_case(size: tuple[int, int], digits: int, count: int) -> list[np.ndarray]:
    """``count`` clean scenes of exactly ``digits`` digits, seeds 0, 1, ...; or, for
    ``digits`` NOISE, ``count`` frames of noise blurred by each of NOISE_BLURS in turn."""
    if digits != NOISE:
        return [render_scene("clean", seed, size, digit_count=digits).image for seed in range(count)]
    frames = []
    for seed in range(count):
        frame = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
        blur = NOISE_BLURS[seed % len(NOISE_BLURS)]
        frames.append(cv2.GaussianBlur(frame, (0, 0), blur) if blur else frame)
    return frames


def time_case(recognizer: Recognizer, size: tuple[int, int], digits: int, frames: int) -> CaseTimes:
    """Render up to POOL scenes, warm up, then time ``frames`` frames in each pass."""
    return time_cases(recognizer, [(size, digits)], frames)[0]


def time_cases(
    recognizer: Recognizer, cases: Sequence[tuple[tuple[int, int], int]], frames: int, rounds: int = ROUNDS
) -> list[CaseTimes]:
    """:func:`time_case` for each (size, digits) of ``cases``, the recognize() and stage
    passes split into ``rounds`` blocks that the cases take in turn."""
    prepared = []
    for size, digits in cases:
        scenes = render_case(size, digits, min(POOL, frames))
        for i in range(WARM_UP):
            recognizer.recognize(scenes[i % len(scenes)])
        prepared.append(scenes)
    whole: list[list[np.ndarray]] = [[] for _ in cases]
    parts: list[list[dict[str, np.ndarray]]] = [[] for _ in cases]
    bounds = np.linspace(0, frames, rounds + 1).astype(int)
    for start, end in zip(bounds[:-1], bounds[1:]):
        for k, scenes in enumerate(prepared):
            turn = start % len(scenes)
            block = scenes[turn:] + scenes[:turn]  # frame i of the case is still scene i % len
            whole[k].append(time_calls(lambda i, block=block: recognizer.recognize(block[i % len(block)]), end - start))
            parts[k].append(time_stages(recognizer, block, end - start))
    timed = []
    for (size, digits), scenes, recognize, stage_parts in zip(cases, prepared, whole, parts):
        stages = {stage: np.concatenate([part[stage] for part in stage_parts]) for stage in RECOGNIZE_STAGES}
        classifier = recognizer.classifier
        counted = (getattr(classifier, "seen", None), getattr(classifier, "settled", None))
        results = [recognizer.recognize(scene) for scene in scenes]
        settled = None
        if counted[0] is not None and classifier.seen > counted[0]:
            settled = (classifier.settled - counted[1]) / (classifier.seen - counted[0])
        stages.update(time_tracking(results, scenes, recognizer.config, frames))
        timed.append(CaseTimes(size, digits, np.concatenate(recognize), stages, settled))
    return timed
