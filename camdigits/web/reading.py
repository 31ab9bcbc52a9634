"""The work a request hands to a worker: decode, recognise, and shape the answer.

Pure functions of a recognizer and the uploaded bytes, run on the pool's threads. The
answer is the JSON Lines object of the command line (:meth:`FrameResult.to_dict`, what
``--json`` writes), so a page, a script and a ``--json`` file read the same fields.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from camdigits.config import NOT_A_DIGIT
from camdigits.io.annotate import Annotator
from camdigits.pipeline import ResultFilter
from camdigits.recognition.recognizer import Recognizer
from camdigits.types import FrameResult
from camdigits.web.errors import WebError
from camdigits.web.uploads import decode_upload

PROBABILITY_DIGITS = 3  # decimals of each probability in the answer, as for confidences


def recognize_upload(
    recognizer: Recognizer, data: bytes, source: str, max_megapixels: float
) -> tuple[np.ndarray, FrameResult]:
    """The decoded image and what the recognizer reads in it."""
    image = decode_upload(data, source, max_megapixels)
    return image, recognizer.recognize(image, source=source)


def result_json(
    recognizer: Recognizer, data: bytes, source: str, max_megapixels: float, probabilities: bool = False
) -> dict[str, Any]:
    """The JSON Lines object of one upload; with ``probabilities``, each digit read from
    a whole blob also gets the model's ten digit probabilities (for the Draw tab's chart)."""
    image, result = recognize_upload(recognizer, data, source, max_megapixels)
    answer = result.to_dict()
    if probabilities:
        for digit, values in zip(answer["digits"], digit_probabilities(recognizer, image, result)):
            if values is not None:
                digit["probabilities"] = values
    return answer


def digit_probabilities(recognizer: Recognizer, image: np.ndarray, result: FrameResult) -> list[list[float] | None]:
    """The probabilities of 0-9 for each digit of ``result``, in its order; None for a digit
    that is half of a split blob or a part of a stacked one (no whole blob has its box).

    The recognizer keeps only the likeliest label, so the blobs are found and classified
    again, as :meth:`Recognizer.blob_probabilities` reads them: twice the work, on the small
    images this is asked for.
    """
    by_box = recognizer.blob_probabilities(image)
    rows = [by_box.get(digit.box) for digit in result.digits]
    return [None if row is None else [round(float(p), PROBABILITY_DIGITS) for p in row[:NOT_A_DIGIT]] for row in rows]


def annotated_png(recognizer: Recognizer, data: bytes, source: str, max_megapixels: float) -> bytes:
    """The upload with its digits and numbers drawn on it, as the CLI's ``--output`` draws them, as PNG."""
    image, result = recognize_upload(recognizer, data, source, max_megapixels)
    ok, encoded = cv2.imencode(".png", Annotator().annotate(image, result))
    if not ok:
        raise WebError(500, f"{source}: OpenCV could not encode the annotated image", "ask for the JSON instead")
    return encoded.tobytes()


def stream_frame_json(
    recognizer: Recognizer,
    tracker: ResultFilter | None,
    data: bytes,
    source: str,
    index: int,
    time: float,
    max_megapixels: float,
) -> dict[str, Any]:
    """The JSON Lines object of one camera frame, its labels smoothed by the connection's tracker."""
    image = decode_upload(data, source, max_megapixels)
    result = recognizer.recognize(image, source=source, frame=index, time=time)
    return (tracker.update(result) if tracker is not None else result).to_dict()
