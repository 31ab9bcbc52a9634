"""Recognizer: one frame in, every digit and number in it out.

The only object that knows every stage: segment -> split proposals -> normalise ->
classify -> page context -> numbers.
It holds the classifier (an interpreter) and a reusable patch buffer; everything else is a
pure function of the frame.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from camdigits.classify import DigitClassifier
from camdigits.config import NOT_A_DIGIT, PATCH_SIZE, Config
from camdigits.normalise import to_mnist_patches
from camdigits.numbers import group_numbers
from camdigits.page import drop_size_outliers
from camdigits.segment import Candidate, binarize, find_candidates, to_dark_ink
from camdigits.split import choose_split, propose_splits
from camdigits.types import Digit, FrameResult


def to_gray(image: np.ndarray) -> np.ndarray:
    """BGR, BGRA or grey uint8 image -> grey uint8."""
    if image.dtype != np.uint8 or image.ndim not in (2, 3):
        raise ValueError(f"expected a uint8 grey or BGR image, got {image.dtype} {image.shape}")
    if image.ndim == 2:
        return image
    if image.shape[2] == 3:
        return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    if image.shape[2] == 1:
        return image[:, :, 0]
    raise ValueError(f"expected 1, 3 or 4 channels, got {image.shape[2]}")


class Recognizer:
    """Reads handwritten digits in frames.

    Example:
        >>> result = Recognizer().recognize(cv2.imread("page.jpg"))
        >>> [n.text for n in result.numbers]
        ['2026', '7']
    """

    def __init__(self, model_path: str | Path | None = None, config: Config | None = None) -> None:
        self.config = config or Config()
        self.classifier = DigitClassifier(model_path, num_threads=self.config.num_threads)
        self._patches = np.zeros((64, PATCH_SIZE, PATCH_SIZE, 1), np.float32)

    # The stages, in order. recognize() is their composition; they are separate methods
    # so that a benchmark can time each one and a debugging view can show the mask.

    def ink_mask(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Threshold stage: the frame as dark ink on light ground, and its binary ink mask."""
        paper = to_dark_ink(to_gray(image), self.config)
        return paper, binarize(paper, self.config)

    def find(self, paper: np.ndarray, mask: np.ndarray) -> list[Candidate]:
        """Candidate stage: the digit-like blobs of an ink mask."""
        return find_candidates(paper, mask, self.config)

    def plan(self, candidates: list[Candidate]) -> tuple[list[Candidate], list[tuple[int, int, int]]]:
        """Split stage: the blobs to classify (every candidate, then both halves of each
        proposed cut of a wide one, see :mod:`camdigits.split`) and, per cut, the indices of
        (candidate, left half, right half) among them."""
        blobs = list(candidates)
        cuts = []
        for i, candidate in enumerate(candidates):
            for left, right in propose_splits(candidate):
                cuts.append((i, len(blobs), len(blobs) + 1))
                blobs += (left, right)
        return blobs, cuts

    def patches(self, blobs: list[Candidate]) -> np.ndarray:
        """Patch stage: one MNIST-style patch per blob, in a buffer reused across frames."""
        if len(blobs) > len(self._patches):
            self._patches = np.zeros((2 * len(blobs), PATCH_SIZE, PATCH_SIZE, 1), np.float32)
        return to_mnist_patches([c.ink for c in blobs], out=self._patches)

    def read(self, blobs: list[Candidate], patches: np.ndarray,
             cuts: list[tuple[int, int, int]] | None = None) -> list[Digit]:
        """Classify stage: all patches in one interpreter call; keep confident digits.

        Without ``cuts`` every blob is read whole. With them (from :meth:`plan`), only the
        candidates are read, each either whole or as the two halves of its best cut.
        """
        if not blobs:
            return []
        probabilities = self.classifier.predict(patches)
        labels = probabilities[:, :NOT_A_DIGIT].argmax(axis=1)
        confidences = probabilities[np.arange(len(labels)), labels]
        if not cuts:
            readings = [[i] for i in range(len(blobs))]
        else:
            count = cuts[0][1]  # the halves come after all candidates
            readings = [[i] for i in range(count)]
            by_candidate: dict[int, list[tuple[int, int]]] = {}
            for candidate, left, right in cuts:
                by_candidate.setdefault(candidate, []).append((left, right))
            for candidate, halves in by_candidate.items():
                pairs = [(float(confidences[a]), float(confidences[b])) for a, b in halves]
                chosen = choose_split(float(confidences[candidate]), pairs, self.config.min_confidence)
                if chosen is not None:
                    readings[candidate] = list(halves[chosen])
        digits = []
        for reading in readings:
            for i in reading:
                if confidences[i] >= self.config.min_confidence:
                    digits.append(Digit(label=int(labels[i]), confidence=float(confidences[i]), box=blobs[i].box))
        return digits

    def candidates(self, image: np.ndarray) -> tuple[np.ndarray, list[Candidate]]:
        """The ink mask of a frame and its digit-like blobs (for display and debugging)."""
        paper, mask = self.ink_mask(image)
        return mask, self.find(paper, mask)

    def classify(self, candidates: list[Candidate]) -> list[Digit]:
        """Classify all candidates in one batch; keep those confidently read as digits."""
        blobs, cuts = self.plan(candidates)
        return self.read(blobs, self.patches(blobs), cuts)

    def recognize(self, image: np.ndarray, source: str = "", frame: int = 0, time: float = 0.0) -> FrameResult:
        """Every digit and number in one BGR (or grey) uint8 image."""
        if image.size == 0:
            raise ValueError("recognize() got an empty image")
        _, candidates = self.candidates(image)
        digits = drop_size_outliers(self.classify(candidates), self.config)
        numbers = group_numbers(digits, self.config)
        return FrameResult(
            width=image.shape[1],
            height=image.shape[0],
            digits=tuple(d for n in numbers for d in n.digits),  # reading order
            numbers=numbers,
            source=source,
            frame=frame,
            time=time,
        )
