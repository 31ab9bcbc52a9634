"""The classify stage's readings: the networks a recognizer holds and how each blob, half
and part is read by them.

The network (behind its cascade's first stage) reads every blob's mask patch in one call;
a blob read unsurely is read again from its grey levels and turned a little by the full
network, and a small one by the small-digit network; the halves and parts of cut blobs are
read at their grey levels; the letter network tells letters cut into digits.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from camdigits.config import (
    LETTER_SHARE,
    NOT_A_DIGIT,
    SMALL_BLOB_PX,
    SMALL_FRAME_DIGITS,
    STROKE_ASPECT,
    UNSURE_TURN_DEG,
    Config,
)
from camdigits.recognition.candidates import Candidate, shaded, sharpened
from camdigits.recognition.classify import (
    Cascade,
    DigitClassifier,
    load_classifier,
    load_letter_network,
    load_small_network,
)
from camdigits.recognition.geometry import within
from camdigits.recognition.normalise import UPRIGHT, PageTilt, to_mnist_patches, turned
from camdigits.recognition.styles import with_flagged_ones
from camdigits.types import Box


class Reader:
    """The networks of a recognizer (interpreters, loaded once) and the readings made with
    them: the network, behind its cascade's first stage (``classifier``), the small-digit
    network and the letter network (None where not loaded)."""

    def __init__(self, model_path: str | Path | None, config: Config) -> None:
        self.classifier = load_classifier(model_path, config.num_threads, config.first_stage)
        self.small_network = load_small_network(self.full_network, config.num_threads, config.small_network)
        self.letter_network = load_letter_network(self.full_network, config.num_threads, config.letter_network)

    @property
    def full_network(self) -> DigitClassifier:
        """The network that reads what the cascade's first stage was not chosen for."""
        return self.classifier.full if isinstance(self.classifier, Cascade) else self.classifier

    def probabilities(
        self, blobs: list[Candidate], patches: np.ndarray, least: float, tilt: PageTilt = UPRIGHT
    ) -> np.ndarray:
        """The class probabilities each of the ``blobs`` is read by
        (:meth:`network_probabilities`; ``patches``: their masks' patches at the page's
        ``tilt``; ``least``: the confidence a digit is reported at), as the page's style reads
        them: on a page whose sevens are crossed, a seven without a bar is a flagged one
        (:func:`camdigits.recognition.styles.with_flagged_ones`)."""
        return with_flagged_ones(blobs, self.network_probabilities(blobs, patches, least, tilt), least)

    def network_probabilities(
        self, blobs: list[Candidate], patches: np.ndarray, least: float, tilt: PageTilt = UPRIGHT
    ) -> np.ndarray:
        """The class probabilities the network reads each of the ``blobs`` by, from
        ``patches`` (their masks' patches) in one call; for a blob whose likeliest digit is
        under ``least`` (one not reported as a digit), the mean of those and of its grey
        levels' patch (turned level as the mask's is, by ``tilt``), read by the full network
        in a second call, and of its mask and grey levels turned UNSURE_TURN_DEG each way
        (:meth:`_with_turned_readings`); for a small one still that unsure, on a frame with
        writing (:func:`holds_writing`), the small-digit network's
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
        sure = probabilities[:, :NOT_A_DIGIT].max(axis=1) >= least
        unsure = np.flatnonzero(~sure)
        if not len(unsure):
            return probabilities
        again = [blobs[i] for i in unsure.tolist()]
        shades = [tilt.levelled(shaded(blob), blob.box) for blob in again]  # once: read as they are and turned
        both = probabilities[unsure] + self.full_network.predict(to_mnist_patches(shades))
        readings = self._with_turned_readings(again, shades, both, least)
        if holds_writing(sure):
            readings = self._small_blob_readings(again, shades, readings, least)
        probabilities[unsure] = readings
        return probabilities

    def _small_blob_readings(
        self, blobs: list[Candidate], shades: list[np.ndarray], readings: np.ndarray, least: float
    ) -> np.ndarray:
        """The ``readings`` of ``blobs`` read unsurely (``shades``: their ink at its grey
        levels, turned level on a tilted page), with the small-digit network's mean reading of
        the mask (as it stands) and grey levels of each at most SMALL_BLOB_PX tall and still
        read under ``least`` in place of its own, unless that says one.

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
            if blob.box[3] <= SMALL_BLOB_PX and readings[k, :NOT_A_DIGIT].max() < least
        ]
        if not small:
            return readings
        crops = [blobs[k].ink for k in small] + [shades[k] for k in small]
        second = self.small_network.predict(to_mnist_patches(crops)).reshape(2, len(small), -1).mean(axis=0)
        taken = _not_ones(second)
        readings[np.array(small)[taken]] = second[taken]
        return readings

    def _with_turned_readings(
        self, blobs: list[Candidate], shades: list[np.ndarray], both: np.ndarray, least: float
    ) -> np.ndarray:
        """For ``blobs`` read unsurely from their masks (``shades``: their ink at its grey
        levels, turned level on a tilted page; ``both``: the sums of the readings of the two),
        the mean of those two, or of six: those two and the mask (as it stands) and grey levels
        turned UNSURE_TURN_DEG each way, all four read in one call. Turning the mask from level
        too changed nothing that held (docs/accuracy.md, "Digits on a tilted page read level").

        A digit in a style the network reads unsurely (a held-out handwriting family's 4 or 6,
        a small digit's blocky mask) often reads surely turned a little, where its strokes
        are resampled. Not turned: a bare stroke (STROKE_ASPECT), since a grid line turned is
        a slanted one, read as a one; nor a blob whose two readings are too unsure for four
        sure ones to lift the mean to ``least`` (most blobs of a page of words). A blob that
        its grey levels made sure is turned too, and stays a digit only if the turned
        readings agree: left out, bench.scenes read more false digits (photo and distractor
        pages, docs/accuracy.md).
        """
        lowest = 6 * least - 4  # the sum of two readings that four at 1.0 lift to it
        turn = [
            k
            for k, blob in enumerate(blobs)
            if blob.box[2] >= STROKE_ASPECT * blob.box[3] and both[k, :NOT_A_DIGIT].max() >= lowest
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
        readings = self.full_network.predict(to_mnist_patches(crops)).reshape(2, len(turn), 2, -1)
        mean[turn] = (both[turn] + readings.sum(axis=(0, 2))) / 6
        return mean

    def grainy_probabilities(
        self, grainy: list[Candidate], candidates: list[Candidate], probabilities: np.ndarray, least: float
    ) -> np.ndarray:
        """The class probabilities of the ``grainy`` blobs (see
        :func:`camdigits.recognition.candidates.find_candidates`), read as :meth:`probabilities`
        reads a frame's candidates, in the style of the page they stand on: its ``candidates``,
        read as ``probabilities``, and they together
        (:func:`camdigits.recognition.styles.with_flagged_ones`)."""
        network = self.network_probabilities(grainy, to_mnist_patches([blob.ink for blob in grainy]), least)
        page = np.concatenate([probabilities, network])
        return with_flagged_ones(candidates + grainy, page, least)[len(candidates) :]

    def second_opinion(self, sure: np.ndarray) -> bool:
        """Whether the small-digit network reads the small parts of a frame whose candidates
        are read surely as ``sure`` says (bools): it is loaded, and the frame holds writing."""
        return self.small_network is not None and holds_writing(sure)

    def part_readings(
        self, parts: list[Candidate], wholes: Callable[[], np.ndarray] | None, sharpen: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """The likeliest digit of each of ``parts`` (cuts' halves, stacked or dark parts) and
        its probability, read at their grey levels by the full network, and by the small-digit
        network too where ``wholes`` gives the boxes of the small blobs they may lie in (None:
        none), and then ``sharpen``ed (:meth:`_small_half_readings`). At their grey levels:
        read from their masks, fewer halves of field digits passed (docs/accuracy.md, "Small
        digits read at their grey levels")."""
        patches = to_mnist_patches([shaded(part) for part in parts])
        readings = self.full_network.predict(patches)
        if wholes is not None and parts:
            readings = self._small_half_readings(parts, patches, readings, wholes(), sharpen)
        return likeliest_digits(readings)

    def _small_half_readings(
        self,
        halves: list[Candidate],
        patches: np.ndarray,
        readings: np.ndarray,
        wholes: np.ndarray,
        sharpen: bool = False,
    ) -> np.ndarray:
        """The full network's ``readings`` of the halves of cuts (``patches``: at their grey
        levels; at least one half, and this reader has a small-digit network), with the
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
            sharp = self.full_network.predict(to_mnist_patches([sharpened(halves[k]) for k in small.tolist()]))
            surer = sharp[:, :NOT_A_DIGIT].max(axis=1) > readings[small, :NOT_A_DIGIT].max(axis=1)
            readings[small[surer]] = sharp[surer]
        return readings

    def letters(self, blobs: list[Candidate]) -> list[bool]:
        """Whether the letter network (loaded) reads each of ``blobs`` LETTER_SHARE surely or
        more as a letter."""
        shares = self.letter_network.predict(to_mnist_patches([blob.ink for blob in blobs]))[:, 1]
        return (shares >= LETTER_SHARE).tolist()

    def read_as_letters(self, boxes: list[Box], candidates: list[Candidate]) -> set[Box]:
        """Those of ``boxes`` (of digits and unread blobs) that are whole ``candidates`` and
        that the letter network (loaded) reads LETTER_SHARE surely or more as letters, for the
        word context (:func:`camdigits.recognition.context.drop_text`)."""
        by_box = {blob.box: blob for blob in candidates}
        boxes = [box for box in boxes if box in by_box]
        if not boxes:
            return set()
        return {box for box, is_letter in zip(boxes, self.letters([by_box[box] for box in boxes])) if is_letter}


def likeliest_digits(probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The likeliest digit of each row of class ``probabilities`` and its probability."""
    labels = probabilities[:, :NOT_A_DIGIT].argmax(axis=1)
    return labels, probabilities[np.arange(len(labels)), labels]


def holds_writing(sure: np.ndarray) -> bool:
    """Whether a frame whose blobs are read surely as digits as ``sure`` says (bools) holds
    writing, for the small-digit network to read its small blobs again: SMALL_FRAME_DIGITS
    such digits or more. A frame of noise has none, and the small network reads some of its
    specks as digits (docs/accuracy.md, "The small network reads only frames with writing")."""
    return int(np.count_nonzero(sure)) >= SMALL_FRAME_DIGITS


def _not_ones(probabilities: np.ndarray) -> np.ndarray:
    """Which rows of the small-digit network's ``probabilities`` stand in for the full
    network's: those whose likeliest digit is not a one, as a grid's dash is to it."""
    return probabilities[:, :NOT_A_DIGIT].argmax(axis=1) != 1
