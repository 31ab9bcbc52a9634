"""Recognizer: one frame in, every digit and number in it out.

The only object that knows every stage: threshold -> texture -> candidates -> normalise
-> classify (and the page's style) -> split touching digits -> word context -> numbers.
It holds the classifiers (interpreters: the network, behind its first stage, and the
small-digit network) and a reusable patch buffer; everything else is a pure function of
the frame.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path

import cv2
import numpy as np

from camdigits.config import (
    CONTEXT_SURE_DIGITS,
    GRAINY_FRAME_DIGITS,
    GRAINY_MIN_CONFIDENCE,
    LETTER_GAP,
    LETTER_SHARE,
    NOT_A_DIGIT,
    ONE_INK_QUANTILE,
    ONE_MARGIN,
    ONE_MAX_ASPECT,
    ONE_MIN_CONTRAST,
    ONE_MIN_STROKE,
    ONE_PAPER_QUANTILE,
    ONE_PEERS,
    ONE_PEERS_READ,
    PAGE_OF_DIGITS_SURE_DIGITS,
    PATCH_SIZE,
    PRINTED_LABELS,
    SMALL_BLOB_PX,
    SMALL_FRAME_DIGITS,
    SMALL_PAIR_PX,
    STROKE_ASPECT,
    UNSURE_TURN_DEG,
    Config,
)
from camdigits.recognition.candidates import (
    Candidate,
    Word,
    find_candidates,
    hit_candidate_cap,
    shaded,
    sharpened,
    small_word_blob,
)
from camdigits.recognition.classify import (
    Cascade,
    DigitClassifier,
    load_classifier,
    load_letter_network,
    load_small_network,
)
from camdigits.recognition.context import (
    drop_text,
    in_runs_of_digits,
    is_page_of_digits,
    read_in_context,
    without_only_ones,
    without_short_lone_ones,
)
from camdigits.recognition.geometry import within
from camdigits.recognition.levels import grey_quantile
from camdigits.recognition.normalise import UPRIGHT, PageTilt, stroke_width, to_mnist_patches, turned
from camdigits.recognition.numbers import group_numbers, word_neighbours
from camdigits.recognition.rules import erase_rules_and_tilt, frame_scale
from camdigits.recognition.split import small_word_parts, split_touching
from camdigits.recognition.styles import with_flagged_ones
from camdigits.recognition.texture import clear_texture
from camdigits.recognition.threshold import threshold_window, threshold_with_depth, to_dark_ink
from camdigits.types import Box, Digit, FrameResult

STAGES = ("threshold", "candidates", "patches", "classify", "split", "numbers")
"""The stages of :meth:`Recognizer.recognize`, in order, as its ``stage_hook`` names them:
"split" retries unsure wide blobs as two touching digits (and reads the grainy blobs of a frame
with digits, :meth:`Recognizer.read_grainy`); "numbers" reads unsure blobs in
their run, drops digits that stand among letters, groups the digits and builds the FrameResult."""


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


def ink_mask(paper: np.ndarray, config: Config) -> np.ndarray:
    """The binary ink mask of a dark-ink frame ``paper`` (:func:`to_dark_ink`): thresholded,
    its rules erased and the ink of texture, noise and grain cleared."""
    return ink_mask_and_tilt(paper, config)[0]


def ink_mask_and_tilt(paper: np.ndarray, config: Config) -> tuple[np.ndarray, PageTilt, np.ndarray | None]:
    """:func:`ink_mask`, the tilt of the page's rules it erased
    (:func:`~camdigits.recognition.rules.erase_rules_and_tilt`; ``degrees`` 0 on a frame
    without), and the pixels of those rules (None on a frame without a page's rules), which
    are no paper to judge a blob's grain by (:func:`~camdigits.recognition.candidates.find_candidates`)."""
    thresholded, depth = threshold_with_depth(paper, config)
    window = threshold_window(paper.shape, config)
    erased, tilt, ruled = erase_rules_and_tilt(thresholded, depth)
    cleared = clear_texture(paper, thresholded, erased, window, config.threshold_offset)
    rules = cv2.bitwise_and(thresholded, cv2.bitwise_not(erased)) if ruled else None
    return cleared, PageTilt(tilt, frame_scale(paper.shape), ruled), rules


class Recognizer:
    """Reads handwritten digits in frames.

    Example:
        >>> result = Recognizer().recognize(cv2.imread("page.jpg"))
        >>> [n.text for n in result.numbers]
        ['2026', '7']
    """

    def __init__(self, model_path: str | Path | None = None, config: Config | None = None) -> None:
        self.config = config or Config()
        self.classifier = load_classifier(model_path, self.config.num_threads, self.config.first_stage)
        self.small_network = load_small_network(self._full_network, self.config.num_threads, self.config.small_network)
        self.letter_network = load_letter_network(
            self._full_network, self.config.num_threads, self.config.letter_network
        )
        self._patches = np.zeros((64, PATCH_SIZE, PATCH_SIZE, 1), np.float32)
        self.stage_hook: Callable[[str], None] | None = None
        """Called by :meth:`recognize` with each stage's name as the stage ends (see bench.stage_times)."""

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
        levels, see :meth:`probabilities`), turned level on a page whose rules ``tilt``
        (:meth:`PageTilt.levelled`), in a buffer reused across frames."""
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
        return _likeliest_digits(probabilities)

    def probabilities(self, blobs: list[Candidate], patches: np.ndarray, tilt: PageTilt = UPRIGHT) -> np.ndarray:
        """Classify stage: the class probabilities each of the ``blobs`` is read by
        (:meth:`_network_probabilities`; ``patches`` made by :meth:`patches` at the page's
        ``tilt``), as the page's style reads them: on a page whose sevens are crossed, a seven
        without a bar is a flagged one (:func:`camdigits.recognition.styles.with_flagged_ones`)."""
        return with_flagged_ones(blobs, self._network_probabilities(blobs, patches, tilt), self.config.min_confidence)

    def _network_probabilities(
        self, blobs: list[Candidate], patches: np.ndarray, tilt: PageTilt = UPRIGHT
    ) -> np.ndarray:
        """The class probabilities the network reads each of the ``blobs`` by, from
        ``patches`` (their masks' patches) in one call; for a blob whose likeliest digit is
        under ``min_confidence`` (one not reported as a digit), the mean of those and of its
        grey levels' patch (turned level as the mask's is, by ``tilt``), read by the full
        network in a second call, and of its mask and grey levels turned UNSURE_TURN_DEG each
        way (:meth:`_with_turned_readings`); for a small one still that unsure, on a frame
        with writing (:func:`_holds_writing`), the small-digit network's
        (:meth:`_small_blob_readings`).

        A small digit's mask, scaled up to the patch, has blocky edges, and its patch at its
        grey levels reads as MNIST's grey digits do. Read from the grey levels alone, every
        blob gave more false digits (grid lines as ones, letters), and the mean keeps most
        of what that gains (docs/accuracy.md, "Small digits read at their grey levels"). The
        cascade's first stage was chosen on mask patches, so the full network reads these.
        """
        if not len(patches):
            return np.zeros((0, self.classifier.num_classes), np.float32)
        probabilities = self.classifier.predict(patches)
        sure = probabilities[:, :NOT_A_DIGIT].max(axis=1) >= self.config.min_confidence
        unsure = np.flatnonzero(~sure)
        if not len(unsure):
            return probabilities
        again = [blobs[i] for i in unsure.tolist()]
        shades = [tilt.levelled(shaded(blob), blob.box) for blob in again]  # once: read as they are and turned
        both = probabilities[unsure] + self._full_network.predict(to_mnist_patches(shades))
        readings = self._with_turned_readings(again, shades, both)
        if _holds_writing(sure):
            readings = self._small_blob_readings(again, shades, readings)
        probabilities[unsure] = readings
        return probabilities

    def _small_blob_readings(
        self, blobs: list[Candidate], shades: list[np.ndarray], readings: np.ndarray
    ) -> np.ndarray:
        """The ``readings`` of ``blobs`` read unsurely (``shades``: their ink at its grey
        levels, turned level on a tilted page), with the small-digit network's mean reading of
        the mask (as it stands) and grey levels of each at most SMALL_BLOB_PX tall and still
        read under ``min_confidence`` in place of its own, unless that says one.

        The full network learnt digits drawn 20-80 px tall; a smaller one's patch is blocky or
        blurred. The small-digit network learnt them down to 10 px, but reads a grid's dashes
        as ones surely, so its ones are not taken (docs/accuracy.md, "A second opinion on
        small digits").
        """
        if self.small_network is None:
            return readings
        small = [
            k
            for k, blob in enumerate(blobs)
            if blob.box[3] <= SMALL_BLOB_PX and readings[k, :NOT_A_DIGIT].max() < self.config.min_confidence
        ]
        if not small:
            return readings
        crops = [blobs[k].ink for k in small] + [shades[k] for k in small]
        second = self.small_network.predict(to_mnist_patches(crops)).reshape(2, len(small), -1).mean(axis=0)
        taken = _not_ones(second)
        readings[np.array(small)[taken]] = second[taken]
        return readings

    def _second_opinion(self, confidences: np.ndarray) -> bool:
        """Whether the small-digit network reads the small parts of a frame whose candidates
        read this surely (``confidences``): it is loaded, and the frame holds writing."""
        return self.small_network is not None and _holds_writing(confidences >= self.config.min_confidence)

    def _part_readings(
        self, parts: list[Candidate], wholes: Callable[[], np.ndarray] | None, sharpen: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """The likeliest digit of each of ``parts`` (cuts' halves, stacked or dark parts) and
        its probability, read at their grey levels by the full network, and by the small-digit
        network too where ``wholes`` gives the boxes of the small blobs they may lie in (None:
        none), and then ``sharpen``ed (:meth:`_small_half_readings`). At their grey levels:
        read from their masks, fewer halves of field digits passed (docs/accuracy.md, "Small
        digits read at their grey levels")."""
        patches = _grey_patches(parts)
        readings = self._full_network.predict(patches)
        if wholes is not None and parts:
            readings = self._small_half_readings(parts, patches, readings, wholes(), sharpen)
        return _likeliest_digits(readings)

    def _small_half_readings(
        self,
        halves: list[Candidate],
        patches: np.ndarray,
        readings: np.ndarray,
        wholes: np.ndarray,
        sharpen: bool = False,
    ) -> np.ndarray:
        """The full network's ``readings`` of the halves of cuts (``patches``: at their grey
        levels; at least one half, and this recognizer has a small-digit network), with the
        small-digit network's in place of those of the halves of blobs at most SMALL_PAIR_PX
        tall (within one of the boxes ``wholes``, (N, 4)) that it reads more surely as a digit
        but one: a pair of small digits merged in their blurred rims (docs/accuracy.md, "A
        second opinion on small digits"). The small halves of a taller blob stand at different
        heights, as a p's bowl and stem do, and are not taken. With ``sharpen`` (on a page of
        digits), the full network's reading of such a half :func:`sharpened` is then taken
        where it is surer than the reading it has, a one too (docs/accuracy.md, "Small parts
        read sharpened")."""
        if not len(wholes):
            return readings
        small = np.flatnonzero(within(np.array([half.box for half in halves]), wholes).any(axis=1))
        if not len(small):
            return readings
        second = self.small_network.predict(patches[small])
        surer = second[:, :NOT_A_DIGIT].max(axis=1) > readings[small, :NOT_A_DIGIT].max(axis=1)
        taken = surer & _not_ones(second)
        readings[small[taken]] = second[taken]
        if sharpen:
            sharp = self._full_network.predict(to_mnist_patches([sharpened(halves[k]) for k in small.tolist()]))
            surer = sharp[:, :NOT_A_DIGIT].max(axis=1) > readings[small, :NOT_A_DIGIT].max(axis=1)
            readings[small[surer]] = sharp[surer]
        return readings

    def _with_turned_readings(self, blobs: list[Candidate], shades: list[np.ndarray], both: np.ndarray) -> np.ndarray:
        """For ``blobs`` read unsurely from their masks (``shades``: their ink at its grey
        levels, turned level on a tilted page; ``both``: the sums of the readings of the two),
        the mean of those two, or of six: those two and the mask (as it stands) and grey levels
        turned UNSURE_TURN_DEG each way, all four read in one call. Turning the mask from level
        too changed nothing that held (docs/accuracy.md, "Digits on a tilted page read level").

        A digit in a style the network reads unsurely (a held-out handwriting family's 4 or 6,
        a small digit's blocky mask) often reads surely turned a little, where its strokes
        are resampled. Not turned: a bare stroke (STROKE_ASPECT), since a grid line turned is
        a slanted one, read as a one; nor a blob whose two readings are too unsure for four
        sure ones to lift the mean to ``min_confidence`` (most blobs of a page of words). A
        blob that its grey levels made sure is turned too, and stays a digit only if the
        turned readings agree: left out, bench.scenes read more false digits (photo and
        distractor pages, docs/accuracy.md).
        """
        least = 6 * self.config.min_confidence - 4  # the sum of two readings that four at 1.0 lift to it
        turn = [
            k
            for k, blob in enumerate(blobs)
            if blob.box[2] >= STROKE_ASPECT * blob.box[3] and both[k, :NOT_A_DIGIT].max() >= least
        ]
        mean = both / 2
        if not turn:
            return mean
        crops = [
            turned(ink, degrees)
            for degrees in (-UNSURE_TURN_DEG, UNSURE_TURN_DEG)
            for k in turn
            for ink in (blobs[k].ink, shades[k])
        ]
        readings = self._full_network.predict(to_mnist_patches(crops)).reshape(2, len(turn), 2, -1)
        mean[turn] = (both[turn] + readings.sum(axis=(0, 2))) / 6
        return mean

    def grainy_probabilities(
        self, grainy: list[Candidate], candidates: list[Candidate], probabilities: np.ndarray
    ) -> np.ndarray:
        """The class probabilities of the ``grainy`` blobs (see
        :func:`camdigits.recognition.candidates.find_candidates`), read as :meth:`probabilities`
        reads a frame's candidates, in the style of the page they stand on: its ``candidates``,
        read as ``probabilities``, and they together
        (:func:`camdigits.recognition.styles.with_flagged_ones`)."""
        network = self._network_probabilities(grainy, to_mnist_patches([blob.ink for blob in grainy]))
        page = np.concatenate([probabilities, network])
        return with_flagged_ones(candidates + grainy, page, self.config.min_confidence)[len(candidates) :]

    def read_grainy(
        self, digits: list[Digit], grainy: list[Candidate], candidates: list[Candidate], probabilities: np.ndarray
    ) -> list[Digit]:
        """The ``grainy`` blobs (:meth:`grainy_probabilities`) read at least
        GRAINY_MIN_CONFIDENCE surely as digits, in a run of writing of GRAINY_RUN such blobs
        and the frame's ``digits``: a faint digit on shaded or noisy paper stands in a line of
        digits, often of other faint ones; grain does not."""
        labels, confidences = _likeliest_digits(self.grainy_probabilities(grainy, candidates, probabilities))
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
            probabilities = np.concatenate(
                [probabilities, self.grainy_probabilities(grainy, candidates, probabilities)]
            )
            boxes += [blob.box for blob in grainy]
        return dict(zip(boxes, probabilities))

    @property
    def _full_network(self) -> DigitClassifier:
        """The network that reads what the cascade's first stage was not chosen for."""
        return self.classifier.full if isinstance(self.classifier, Cascade) else self.classifier

    def split_touching(
        self, candidates: list[Candidate], labels: np.ndarray, confidences: np.ndarray, page_of_digits: bool = False
    ) -> tuple[list[Digit], list[Digit]]:
        """Split stage (:func:`camdigits.recognition.split.split_touching`, the halves read by the
        full network): the frame's digits and the blobs not read surely as digits. A page of
        digits (:func:`_is_page_of_digits`) reads its small blobs' halves more loosely, and
        sharpened too (:meth:`_small_half_readings`)."""
        # The sure halves of a cut must be read 0.9-0.99 surely (split.least_half_confidence), a
        # finer line than the cascade's first stage was chosen to draw: the full network reads them.
        second_opinion = self._second_opinion(confidences)

        @functools.cache
        def small_blobs() -> np.ndarray:
            # Made once a frame, and only for a frame with cuts to read: noise has thousands of blobs.
            return np.array([blob.box for blob in candidates if blob.box[3] <= SMALL_PAIR_PX], np.int64).reshape(-1, 4)

        return split_touching(
            candidates,
            labels,
            confidences,
            functools.partial(
                self._part_readings, wholes=small_blobs if second_opinion else None, sharpen=page_of_digits
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
            self._part_readings, wholes=(lambda: wholes) if self._second_opinion(confidences) else None, sharpen=True
        )
        digits, held, numbers = small_word_parts(
            [blob for _, blob in kept], read_parts, self.config.min_digit_height, self.config.min_confidence
        )
        return digits, held, [words[kept[n][0]] for n in numbers]

    def letters_left_whole(
        self,
        candidates: list[Candidate],
        labels: np.ndarray,
        confidences: np.ndarray,
        digits: list[Digit],
        unsure: list[Digit],
        words: Sequence[Word],
    ) -> tuple[list[Digit], list[Digit]]:
        """Split stage, off a page of digits: the ``digits`` and ``unsure`` blobs of
        :meth:`split_touching`, where the parts of a cut blob (of ``candidates``, read as
        ``labels`` with ``confidences``) give way to the whole blob, unsure, for the word
        context, if the letter network reads it LETTER_SHARE surely or more as a letter and
        it stands a letter's gap (LETTER_GAP) from one of a word's letters: a joined-up word
        of ``words`` or an uncut blob the network also reads as a letter. A print hand's "a"
        cut into a 0 and a 1 beside "per" is one; two touching digits alone, or beside
        another such pair, keep their cut (docs/accuracy.md, "Letters cut into digits")."""
        if self.letter_network is None:
            return digits, unsure
        whole = {blob.box for blob in candidates}
        held = _holders([d.box for d in digits + unsure if d.box not in whole], candidates)
        if not held:
            return digits, unsure
        boxes = np.array([blob.box for blob in candidates] + [word.box for word in words], np.float64)
        cut = sorted(set(held.values()))
        beside = {k: _word_neighbours(k, boxes, self.config) for k in cut}
        asked = sorted(set(cut).union(n for near in beside.values() for n in near if n < len(candidates)))
        letter = {k for k, is_letter in zip(asked, self._letters([candidates[k] for k in asked])) if is_letter}
        # A word's letters beside it: joined-up words, and blobs read so that were not cut
        # ("2026" as two touching pairs, each read as a letter, vouches for no letter).
        beside_letters = (letter - set(cut)).union(range(len(candidates), len(boxes)))
        uncut = [k for k in cut if k in letter and beside_letters.intersection(beside[k])]
        if not uncut:
            return digits, unsure
        parts = {box for box, k in held.items() if k in uncut}
        kept = [d for d in digits if d.box not in parts]
        wholes = [Digit(int(labels[k]), float(confidences[k]), candidates[k].box) for k in uncut]
        return kept, [d for d in unsure if d.box not in parts] + wholes

    def read_as_letters(self, boxes: list[Box], candidates: list[Candidate]) -> set[Box]:
        """Those of ``boxes`` (of digits and unread blobs) that are whole ``candidates`` and
        that the letter network reads LETTER_SHARE surely or more as letters, for the word
        context (:func:`camdigits.recognition.context.drop_text`); none without the network."""
        if self.letter_network is None:
            return set()
        by_box = {blob.box: blob for blob in candidates}
        boxes = [box for box in boxes if box in by_box]
        if not boxes:
            return set()
        return {box for box, is_letter in zip(boxes, self._letters([by_box[box] for box in boxes])) if is_letter}

    def _letters(self, blobs: list[Candidate]) -> list[bool]:
        """Whether the letter network reads each of ``blobs`` LETTER_SHARE surely or more as a letter."""
        shares = self.letter_network.predict(to_mnist_patches([blob.ink for blob in blobs]))[:, 1]
        return (shares >= LETTER_SHARE).tolist()

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
        labels, confidences = _likeliest_digits(probabilities)
        if hook:
            hook("classify")
        page_of_digits = _is_page_of_digits(candidates, confidences >= self.config.min_confidence, words)
        digits, unsure = self.split_touching(candidates, labels, confidences, page_of_digits)
        if page_of_digits:
            numbers_found, held, read = self.read_small_words(paper, mask, words + loosely_joined, confidences)
            digits, unsure = digits + numbers_found, unsure + held
            words = [word for word in words if all(word is not number for number in read)]
        else:
            digits, unsure = self.letters_left_whole(
                candidates, labels, confidences, digits, unsure, words + loosely_joined
            )
        if grainy and len(digits) >= GRAINY_FRAME_DIGITS:
            digits += self.read_grainy(digits, grainy, candidates, probabilities)
        digits = _without_printed_marks(_without_lying_ones(digits), paper, mask)
        if hook:
            hook("split")
        sure_digits = PAGE_OF_DIGITS_SURE_DIGITS if page_of_digits else CONTEXT_SURE_DIGITS
        digits, letters = read_in_context(digits, unsure, self.config, sure_digits)
        if not page_of_digits:
            words += loosely_joined
        has_letters = self.letter_network is not None
        read_as_letters = functools.partial(self.read_as_letters, candidates=candidates) if has_letters else None
        digits = drop_text(digits, letters, self.config, words, page_of_digits, read_as_letters)
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


def _word_neighbours(k: int, boxes: np.ndarray, config: Config) -> list[int]:
    """Indices into ``boxes`` (N, 4) of those linked to box ``k`` as a word's letters are,
    LETTER_GAP apart at most (:func:`camdigits.recognition.numbers.word_neighbours`), among
    the boxes near it only: a photo of a page holds thousands."""
    x, y, w, h = boxes[k]
    reach = max(w, h) / config.word_height_ratio  # the tallest a linked box can be: gaps and offsets are less
    xs, ys, ws, hs = boxes.T
    across = (xs <= x + w + reach) & (xs + ws >= x - reach)
    near = np.flatnonzero(across & (ys <= y + h + reach) & (ys + hs >= y - reach))
    near = near[near != k]
    return [int(near[n]) for n in word_neighbours(boxes[k], boxes[near], config, LETTER_GAP)]


def _holders(parts: list[Box], candidates: list[Candidate]) -> dict[Box, int]:
    """The index into ``candidates`` of the smallest one holding each of the ``parts`` (boxes
    of the halves and parts of cut blobs), for those that one holds."""
    if not parts or not candidates:
        return {}
    boxes = np.array([blob.box for blob in candidates], np.int64)
    areas = boxes[:, 2] * boxes[:, 3]
    held = {}
    for part in parts:  # one at a time: a photo of a page holds thousands of candidates
        (inside,) = within(np.array([part], np.int64), boxes)
        if inside.any():
            held[part] = int(np.flatnonzero(inside)[np.argmin(areas[inside])])
    return held


def _is_page_of_digits(candidates: list[Candidate], sure: np.ndarray, words: Sequence[Word]) -> bool:
    """Whether a frame whose ``candidates`` are read surely as digits as ``sure`` says (bools),
    with joined-up ``words`` besides, is a page of digits
    (:func:`camdigits.recognition.context.is_page_of_digits`): the blobs read unsurely and
    the words count as letters."""
    unread = [blob.box for blob, read in zip(candidates, sure.tolist()) if not read]
    return is_page_of_digits(int(np.count_nonzero(sure)), unread, words)


def _holds_writing(sure: np.ndarray) -> bool:
    """Whether a frame whose blobs are read surely as digits as ``sure`` says (bools) holds
    writing, for the small-digit network to read its small blobs again: SMALL_FRAME_DIGITS
    such digits or more. A frame of noise has none, and the small network reads some of its
    specks as digits (docs/accuracy.md, "The small network reads only frames with writing")."""
    return int(np.count_nonzero(sure)) >= SMALL_FRAME_DIGITS


def _grey_patches(blobs: list[Candidate]) -> np.ndarray:
    """One MNIST-style patch per blob, from its ink at its grey levels (:func:`shaded`)."""
    return to_mnist_patches([shaded(blob) for blob in blobs])


def _not_ones(probabilities: np.ndarray) -> np.ndarray:
    """Which rows of the small-digit network's ``probabilities`` stand in for the full
    network's: those whose likeliest digit is not a one, as a grid's dash is to it."""
    return probabilities[:, :NOT_A_DIGIT].argmax(axis=1) != 1


def _without_lying_ones(digits: list[Digit]) -> list[Digit]:
    """The ``digits`` but the ones whose box is over ONE_MAX_ASPECT times as wide as tall: a
    stroke lying that flat is a line (a fold, a paper's edge, wood grain), not a one, which
    is written upright or slanted."""
    return [d for d in digits if d.label != 1 or d.box[2] <= ONE_MAX_ASPECT * d.box[3]]


def _without_printed_marks(digits: list[Digit], paper: np.ndarray, mask: np.ndarray) -> list[Digit]:
    """The ``digits`` but the ones, fours and sevens (PRINTED_LABELS) both finer
    (ONE_MIN_STROKE) and fainter (ONE_MIN_CONTRAST) than the median of a few digits other than
    ones (ONE_PEERS to ONE_PEERS_READ of them), in the dark-ink frame ``paper`` and its ink
    ``mask``: a dash (a one), a corner or a crossing (a seven or a four) of a printed grid
    that the rule search left (a faint grid in perspective). A grid is printed thin and pale;
    a digit written with a finer pen than the page's other numbers is as dark as they are."""
    marks = [k for k, d in enumerate(digits) if d.label in PRINTED_LABELS]
    # A few of the others give the pen's stroke and contrast: measuring every digit of a
    # page cost more than the rest of the split stage.
    peers = [k for k, d in enumerate(digits) if d.label != 1][:ONE_PEERS_READ]
    if not marks or len(peers) < ONE_PEERS:
        return digits
    strokes: dict[int, float] = {}

    def stroke(k: int) -> float:
        if k not in strokes:
            x, y, w, h = digits[k].box
            strokes[k] = stroke_width(mask[y : y + h, x : x + w])
        return strokes[k]

    finest = ONE_MIN_STROKE * float(np.median([stroke(k) for k in peers]))
    thin = [k for k in marks if stroke(k) < finest]
    if not thin:  # most frames
        return digits
    contrast = {k: _contrast(paper, mask, digits[k].box) for k in {*peers, *thin}}  # once each: a mark may be a peer
    faintest = ONE_MIN_CONTRAST * float(np.median([contrast[k] for k in peers]))
    printed = {k for k in thin if contrast[k] < faintest}
    return [d for k, d in enumerate(digits) if k not in printed]


def _contrast(paper: np.ndarray, mask: np.ndarray, box: Box) -> float:
    """How much darker a blob's ink is than the paper around it, in grey levels (see
    ONE_PAPER_QUANTILE): its darker ink, not its mean, as a thin stroke's pixels are
    mostly its blurred edge."""
    x, y, w, h = box
    x0, y0 = max(x - ONE_MARGIN, 0), max(y - ONE_MARGIN, 0)
    ground = grey_quantile(paper[y0 : y + h + ONE_MARGIN, x0 : x + w + ONE_MARGIN], None, ONE_PAPER_QUANTILE)
    ink = grey_quantile(paper[y : y + h, x : x + w], mask[y : y + h, x : x + w], ONE_INK_QUANTILE)
    return 0.0 if ground is None or ink is None else float(ground - ink)


def _likeliest_digits(probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The likeliest digit of each row of class ``probabilities`` and its probability."""
    labels = probabilities[:, :NOT_A_DIGIT].argmax(axis=1)
    return labels, probabilities[np.arange(len(labels)), labels]
