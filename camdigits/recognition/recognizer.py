"""Recognizer: one frame in, every digit and number in it out.

The only object that knows every stage: threshold -> texture -> candidates -> normalise
-> classify (and the page's style) -> split touching digits -> word context -> numbers.
It holds the networks (:class:`~camdigits.recognition.reading.Reader`) and a reusable
patch buffer; everything else is a pure function of the frame.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path

import cv2
import numpy as np

from camdigits.config import (
    CONTEXT_MIN_CONFIDENCE,
    CONTEXT_SMALL_MIN_CONFIDENCE,
    CONTEXT_SURE_DIGITS,
    GRAINY_FRAME_DIGITS,
    GRAINY_MIN_CONFIDENCE,
    NO_DIGIT_CONFIDENCE,
    PAGE_OF_DIGITS_SURE_DIGITS,
    PATCH_SIZE,
    SMALL_PAIR_PX,
    Config,
)
from camdigits.recognition.candidates import Candidate, Word, find_candidates, hit_candidate_cap, small_word_blob
from camdigits.recognition.classify import Cascade, DigitClassifier
from camdigits.recognition.context import (
    drop_text,
    in_runs_of_digits,
    is_page_of_digits,
    read_in_context,
    without_only_ones,
    without_short_lone_ones,
)
from camdigits.recognition.cut_letters import letters_left_whole
from camdigits.recognition.marks import without_lying_ones, without_printed_marks
from camdigits.recognition.mask import ink_mask_and_tilt, to_gray
from camdigits.recognition.normalise import UPRIGHT, PageTilt, to_mnist_patches
from camdigits.recognition.numbers import group_numbers
from camdigits.recognition.reading import Reader, likeliest_digits
from camdigits.recognition.split import small_word_parts, split_touching
from camdigits.recognition.threshold import to_dark_ink
from camdigits.types import Box, Digit, FrameResult

STAGES = ("threshold", "candidates", "patches", "classify", "split", "numbers")
"""The stages of :meth:`Recognizer.recognize`, in order, as its ``stage_hook`` names them:
"split" retries unsure wide blobs as two touching digits (and reads the grainy blobs of a frame
with digits, :meth:`Recognizer.read_grainy`); "numbers" reads unsure blobs in
their run, drops digits that stand among letters, groups the digits and builds the FrameResult."""


class Recognizer:
    """Reads handwritten digits in frames.

    Example:
        >>> result = Recognizer().recognize(cv2.imread("page.jpg"))
        >>> [n.text for n in result.numbers]
        ['2026', '7']
    """

    def __init__(self, model_path: str | Path | None = None, config: Config | None = None) -> None:
        self.config = config or Config()
        self.reader = Reader(model_path, self.config)
        self._patches = np.zeros((64, PATCH_SIZE, PATCH_SIZE, 1), np.float32)
        self.stage_hook: Callable[[str], None] | None = None
        """Called by :meth:`recognize` with each stage's name as the stage ends (see bench.stage_times)."""

    @property
    def classifier(self) -> DigitClassifier | Cascade:
        """The network that reads every blob, behind its cascade's first stage if it has one."""
        return self.reader.classifier

    @property
    def small_network(self) -> DigitClassifier | None:
        """The small-digit network (None where not loaded)."""
        return self.reader.small_network

    @property
    def letter_network(self) -> DigitClassifier | None:
        """The letter network (None where not loaded)."""
        return self.reader.letter_network

    # The stages, in order. recognize() is their composition; they are separate methods
    # so that a debugging view can show the mask.

    def ink_mask(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Threshold stage: the frame as dark ink on light ground, and its binary ink mask
        (with the ink of texture, noise and grain cleared)."""
        paper, mask, _, _ = self.ink_mask_and_tilt(image)
        return paper, mask

    def ink_mask_and_tilt(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray, PageTilt, np.ndarray | None]:
        """:meth:`ink_mask`, the tilt of the rules erased from a ruled or squared page
        (``degrees`` 0 on a frame without), by which its blobs are read level (:meth:`patches`),
        and those rules' pixels (None on a frame without), for :meth:`find`."""
        paper = to_dark_ink(to_gray(image), self.config)
        return paper, *ink_mask_and_tilt(paper, self.config)

    def find(
        self,
        paper: np.ndarray,
        mask: np.ndarray,
        too_wide: list[Word] | None = None,
        grainy: list[Candidate] | None = None,
        loosely_joined: list[Word] | None = None,
        rules: np.ndarray | None = None,
    ) -> list[Candidate]:
        """Candidate stage: the digit-like blobs of an ink mask (and, in ``too_wide``, the
        boxes of joined-up writing too wide to be a digit; in ``loosely_joined``, those of
        blobs as wide whose ink travels less far, words only off a page of digits; in
        ``grainy``, the blobs whose paper spreads as grain's does, for :meth:`read_grainy`,
        not counting a ruled page's ``rules`` as paper)."""
        return find_candidates(paper, mask, self.config, too_wide, grainy, loosely_joined, rules)

    def patches(self, blobs: list[Candidate], tilt: PageTilt = UPRIGHT) -> np.ndarray:
        """Patch stage: one MNIST-style patch per blob, from its ink mask (not its grey
        levels, see :meth:`~camdigits.recognition.reading.Reader.network_probabilities`),
        turned level on a page whose rules ``tilt`` (:meth:`PageTilt.levelled`), in a buffer
        reused across frames."""
        if len(blobs) > len(self._patches):
            self._patches = np.zeros((2 * len(blobs), PATCH_SIZE, PATCH_SIZE, 1), np.float32)
        return to_mnist_patches([tilt.levelled(c.ink, c.box) for c in blobs], out=self._patches)

    def read(
        self, patches: np.ndarray, classifier: DigitClassifier | Cascade | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Classify stage: the likeliest digit of every patch and its probability, from one
        interpreter call (one per MAX_BATCH patches on a page of print, see
        :mod:`camdigits.recognition.classify`), by ``classifier`` or this recognizer's own. A
        patch the model calls "not a digit" gets a low probability for every digit."""
        if not len(patches):
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        probabilities = (classifier or self.classifier).predict(patches)
        return likeliest_digits(probabilities)

    def probabilities(self, blobs: list[Candidate], patches: np.ndarray, tilt: PageTilt = UPRIGHT) -> np.ndarray:
        """Classify stage: the class probabilities each of the ``blobs`` is read by
        (:meth:`~camdigits.recognition.reading.Reader.probabilities`; ``patches`` made by
        :meth:`patches` at the page's ``tilt``)."""
        return self.reader.probabilities(blobs, patches, self.config.min_confidence, tilt)

    def read_grainy(
        self, digits: list[Digit], grainy: list[Candidate], candidates: list[Candidate], probabilities: np.ndarray
    ) -> list[Digit]:
        """Split stage: the ``grainy`` blobs
        (:meth:`~camdigits.recognition.reading.Reader.grainy_probabilities`) read at least
        GRAINY_MIN_CONFIDENCE surely as digits, in a run of writing of GRAINY_RUN such blobs
        and the frame's ``digits``: a faint digit on shaded or noisy paper stands in a line of
        digits, often of other faint ones; grain does not."""
        labels, confidences = likeliest_digits(
            self.reader.grainy_probabilities(grainy, candidates, probabilities, self.config.min_confidence)
        )
        least = max(GRAINY_MIN_CONFIDENCE, self.config.min_confidence)
        read = [
            Digit(label=int(label), confidence=float(confidence), box=blob.box)
            for blob, label, confidence in zip(grainy, labels.tolist(), confidences.tolist())
            if confidence >= least
        ]
        return [read[k] for k in in_runs_of_digits(digits, read, self.config)]

    def blob_probabilities(self, image: np.ndarray) -> dict[Box, np.ndarray]:
        """The class probabilities of every whole blob of a frame that :meth:`recognize` reads
        (its candidates and its grainy blobs), by box, as it reads them: a digit read from a
        whole blob has its box (the halves of a cut and the parts of a stack have none)."""
        paper, mask, tilt, rules = self.ink_mask_and_tilt(image)
        grainy: list[Candidate] = []
        candidates = self.find(paper, mask, None, grainy, rules=rules)
        probabilities = self.probabilities(candidates, self.patches(candidates, tilt), tilt)
        boxes = [blob.box for blob in candidates]
        if grainy:
            least = self.config.min_confidence
            grainy_read = self.reader.grainy_probabilities(grainy, candidates, probabilities, least)
            probabilities = np.concatenate([probabilities, grainy_read])
            boxes += [blob.box for blob in grainy]
        return dict(zip(boxes, probabilities))

    def split_touching(
        self, candidates: list[Candidate], labels: np.ndarray, confidences: np.ndarray, page_of_digits: bool = False
    ) -> tuple[list[Digit], list[Digit]]:
        """Split stage (:func:`camdigits.recognition.split.split_touching`, the halves read by the
        full network): the frame's digits and the blobs not read surely as digits. A page of
        digits (:func:`_is_page_of_digits`) reads its small blobs' halves more loosely, and
        sharpened too (:meth:`~camdigits.recognition.reading.Reader.part_readings`)."""
        # The sure halves of a cut must be read 0.9-0.99 surely (split.least_half_confidence), a
        # finer line than the cascade's first stage was chosen to draw: the full network reads them.
        second_opinion = self.reader.second_opinion(confidences >= self.config.min_confidence)

        @functools.cache
        def small_blobs() -> np.ndarray:
            # Made once a frame, and only for a frame with cuts to read: noise has thousands of blobs.
            return np.array([blob.box for blob in candidates if blob.box[3] <= SMALL_PAIR_PX], np.int64).reshape(-1, 4)

        return split_touching(
            candidates,
            labels,
            confidences,
            functools.partial(
                self.reader.part_readings, wholes=small_blobs if second_opinion else None, sharpen=page_of_digits
            ),
            self.config.min_confidence,
            self.config.min_digit_height,
            page_of_digits,
        )

    def read_small_words(
        self, paper: np.ndarray, mask: np.ndarray, words: list[Word], confidences: np.ndarray
    ) -> tuple[list[Digit], list[Digit], list[Word]]:
        """Split stage, on a page of digits: the digits read in the blobs of ``words`` at most
        SMALL_PAIR_PX tall (:func:`camdigits.recognition.split.small_word_parts`, their parts
        read as the halves of a cut are, :meth:`split_touching`), the parts read less surely
        or left, for the word context unsure, and the words whose parts were taken: a small
        number merged into one blob in its blurred rims, not a word (docs/accuracy.md, "Small
        numbers merged into one blob"). ``confidences``: how surely the frame's candidates read."""
        small = [k for k, word in enumerate(words) if word.own is not None]
        if not small:
            return [], [], []
        unmarked = cv2.bitwise_not(mask)  # made only for a frame with small words
        kept = [(k, blob) for k in small if (blob := small_word_blob(paper, unmarked, words[k], self.config))]
        if not kept:
            return [], [], []
        wholes = np.array([blob.box for _, blob in kept], np.int64)
        read_parts = functools.partial(
            self.reader.part_readings,
            wholes=(lambda: wholes) if self.reader.second_opinion(confidences >= self.config.min_confidence) else None,
            sharpen=True,
        )
        digits, held, numbers = small_word_parts(
            [blob for _, blob in kept], read_parts, self.config.min_digit_height, self.config.min_confidence
        )
        return digits, held, [words[kept[n][0]] for n in numbers]

    def candidates(self, image: np.ndarray) -> tuple[np.ndarray, list[Candidate]]:
        """The ink mask of a frame and its digit-like blobs (for display and debugging)."""
        paper, mask, _, rules = self.ink_mask_and_tilt(image)
        return mask, self.find(paper, mask, rules=rules)

    def recognize(self, image: np.ndarray, source: str = "", frame: int = 0, time: float = 0.0) -> FrameResult:
        """Every digit and number in one BGR (or grey) uint8 image.

        The stages in order; after each, ``stage_hook`` (if set) is called with its name,
        one of :data:`STAGES`, so that a benchmark can time them.
        """
        if image.size == 0:
            raise ValueError("recognize() got an empty image")
        hook = self.stage_hook
        paper, mask, tilt, rules = self.ink_mask_and_tilt(image)
        if hook:
            hook("threshold")
        words: list[Word] = []  # joined-up writing, too wide to be a digit: for the word context
        grainy: list[Candidate] = []
        loosely_joined: list[Word] = []  # words too, off a page of digits
        candidates = self.find(paper, mask, words, grainy, loosely_joined, rules)
        if hook:
            hook("candidates")
        patches = self.patches(candidates, tilt)
        if hook:
            hook("patches")
        probabilities = self.probabilities(candidates, patches, tilt)
        labels, confidences = likeliest_digits(probabilities)
        if hook:
            hook("classify")
        page_of_digits = _is_page_of_digits(candidates, confidences >= self.config.min_confidence, words)
        digits, unsure = self.split_touching(candidates, labels, confidences, page_of_digits)
        if page_of_digits:
            numbers_found, held, read = self.read_small_words(paper, mask, words + loosely_joined, confidences)
            digits, unsure = digits + numbers_found, unsure + held
            words = [word for word in words if all(word is not number for number in read)]
        elif self.letter_network is not None:
            words_read = words + loosely_joined
            digits, unsure = letters_left_whole(
                candidates, labels, confidences, digits, unsure, words_read, self.reader.letters, self.config
            )
        if grainy and len(digits) >= GRAINY_FRAME_DIGITS:
            digits += self.read_grainy(digits, grainy, candidates, probabilities)
        digits = without_printed_marks(without_lying_ones(digits), paper, mask)
        if hook:
            hook("split")
        sure_digits = PAGE_OF_DIGITS_SURE_DIGITS if page_of_digits else CONTEXT_SURE_DIGITS
        small_bar = CONTEXT_MIN_CONFIDENCE if tilt.ruled else CONTEXT_SMALL_MIN_CONFIDENCE
        digits, letters = read_in_context(digits, unsure, self.config, sure_digits, small_bar)
        if not page_of_digits:
            words += loosely_joined
        read_as_letters = None
        if self.letter_network is not None:
            read_as_letters = functools.partial(self.reader.read_as_letters, candidates=candidates)
        no_digit = _no_digit(candidates, confidences)
        digits = drop_text(digits, letters, self.config, words, page_of_digits, read_as_letters, no_digit)
        numbers = group_numbers(without_only_ones(digits), self.config)
        if tilt.ruled:
            numbers = without_short_lone_ones(numbers)
        note = ""
        if hit_candidate_cap(candidates, self.config):
            note = (
                f"stopped at {self.config.max_candidates} candidates: the image looks like noise or texture, "
                "not writing; digits beyond them were not read"
            )
        result = FrameResult(
            width=image.shape[1],
            height=image.shape[0],
            digits=tuple(d for n in numbers for d in n.digits),  # reading order
            numbers=numbers,
            source=source,
            frame=frame,
            time=time,
            note=note,
        )
        if hook:
            hook("numbers")
        return result


def _is_page_of_digits(candidates: list[Candidate], sure: np.ndarray, words: Sequence[Word]) -> bool:
    """Whether a frame whose ``candidates`` are read surely as digits as ``sure`` says (bools),
    with joined-up ``words`` besides, is a page of digits
    (:func:`camdigits.recognition.context.is_page_of_digits`): the blobs read unsurely and
    the words count as letters."""
    unread = [blob.box for blob, read in zip(candidates, sure.tolist()) if not read]
    return is_page_of_digits(int(np.count_nonzero(sure)), unread, words)


def _no_digit(candidates: list[Candidate], confidences: np.ndarray) -> Callable[[Box], bool]:
    """Whether the digit network reads the blob of a box (one of ``candidates``, read with
    ``confidences``) as no digit at all: its likeliest digit under NO_DIGIT_CONFIDENCE (False
    for a box of no candidate, a cut's half)."""

    @functools.cache
    def by_box() -> dict[Box, float]:
        # Made only where the word context asks about an unread letter: a photo of a page holds thousands of blobs.
        return {blob.box: confidence for blob, confidence in zip(candidates, confidences.tolist())}

    return lambda box: by_box().get(box, 1.0) < NO_DIGIT_CONFIDENCE
