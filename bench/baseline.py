"""The two references camdigits' speed is judged against.

* The floor: what any contour-based reader must spend per video frame: decode it, convert
  to grey, threshold once (adaptive mean, the window and offset camdigits uses) and find
  the outer contours. Nothing faster can still find digits, so (decode + recognize()) /
  floor says how much the rest of the pipeline costs on top.
* The tutorial baseline: grey, Otsu threshold, outer contours, and for each plausible blob
  a plain resize to 28x28 and one Keras ``model.predict`` call -- the way most webcam
  digit tutorials do it, with camdigits' own trained network.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from camdigits.config import PATCH_SIZE, Config
from camdigits.recognition.threshold import local_threshold, threshold_window

KERAS_MODEL = Path(__file__).resolve().parent.parent / "models" / "camdigits.keras"


def floor_contours(frame: np.ndarray, config: Config) -> tuple[np.ndarray, Sequence[np.ndarray]]:
    """The least work that finds ink blobs: BGR -> grey -> local mean threshold (camdigits'
    window, offset and implementation, the cheapest form of it known) -> outer contours.
    Returns the mask and the contours."""
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    mask = local_threshold(gray, threshold_window(gray.shape, config), config.threshold_offset)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    return mask, contours


@dataclass(frozen=True)
class FloorTimes:
    """Per-frame ms on the frames of one clip: decode, the floor after decode, recognize();
    and the digits recognize() read in each frame (the clip's frames hold more than 10)."""

    size: tuple[int, int]
    decode: np.ndarray
    floor: np.ndarray  # grey + threshold + contours, decode not included
    recognize: np.ndarray
    digits: np.ndarray

    @property
    def ratio(self) -> float:
        """median(decode + recognize()) / median(decode + floor)."""
        return float(np.median(self.decode + self.recognize) / np.median(self.decode + self.floor))


def time_floor(clip: Path, recognizer, frames: int) -> FloorTimes:
    """Decode ``frames`` frames of ``clip`` (from its start again when it ends); time the
    floor and recognize() on each decoded frame, floor first."""
    decode, floor, recognize, digits = (np.empty(frames) for _ in range(4))
    capture = cv2.VideoCapture(str(clip))
    try:
        for i in range(frames):
            start = time.perf_counter()
            ok, image = capture.read()
            if not ok:  # end of the clip: start again (re-opening is not timed)
                capture.release()
                capture = cv2.VideoCapture(str(clip))
                start = time.perf_counter()
                ok, image = capture.read()
                if not ok:
                    raise RuntimeError(f"{clip}: no frame could be decoded")
            decoded = time.perf_counter()
            floor_contours(image, recognizer.config)
            floored = time.perf_counter()
            result = recognizer.recognize(image)
            done = time.perf_counter()
            decode[i], floor[i], recognize[i] = decoded - start, floored - decoded, done - floored
            digits[i] = len(result.digits)
    finally:
        capture.release()
    return FloorTimes((image.shape[1], image.shape[0]), 1000 * decode, 1000 * floor, 1000 * recognize, digits)


# --- the tutorial baseline -------------------------------------------------------------


def tutorial_crops(image: np.ndarray, config: Config) -> list[np.ndarray]:
    """The tutorial's patches: Otsu (inverted) mask, outer contours, and for each blob of
    plausible height and aspect (camdigits' own limits, so both read the same blobs) its
    box cut from the mask, resized to 28x28 and scaled to [0, 1]. (28, 28, 1) float32 each."""
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    crops = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if config.min_digit_height <= h <= config.max_digit_height * gray.shape[0] and w <= config.max_aspect * h:
            patch = cv2.resize(mask[y : y + h, x : x + w], (PATCH_SIZE, PATCH_SIZE))
            crops.append((patch.astype(np.float32) / 255.0)[:, :, None])
    return crops


@dataclass(frozen=True)
class BaselineTimes:
    """Per-frame ms of the tutorial baseline and the Keras calls it made per frame."""

    ms: np.ndarray
    calls: np.ndarray


def time_tutorial_baseline(
    images: Sequence[np.ndarray], config: Config, model_path: Path = KERAS_MODEL
) -> BaselineTimes:
    """Time the tutorial reader on each image: crops, then one predict() per crop.

    TensorFlow is imported here, not at module level: it takes seconds, and only this
    measurement needs it. One predict() before timing builds Keras' predict function.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up banner, not errors
    import keras

    model = keras.models.load_model(model_path)
    model.predict(np.zeros((1, PATCH_SIZE, PATCH_SIZE, 1), np.float32), verbose=0)
    ms, calls = np.empty(len(images)), np.empty(len(images))
    for i, image in enumerate(images):
        start = time.perf_counter()
        crops = tutorial_crops(image, config)
        labels = [int(model.predict(crop[None], verbose=0).argmax()) for crop in crops]
        ms[i], calls[i] = 1000 * (time.perf_counter() - start), len(labels)
    return BaselineTimes(ms, calls)
