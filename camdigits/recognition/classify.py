"""DigitClassifier: the trained CNN as a .tflite model under LiteRT, one batch per frame;
Cascade: the shipped network behind a cheap first stage.

LiteRT's interpreter runs a frame's batch in a fraction of what a Keras ``model.predict``
call costs, and installs in a twentieth of the space (docs/performance.md). The
interpreter is re-planned for the exact batch size whenever a frame's count of patches
changes: that costs less than classifying the padding of a rounded-up batch.

The cascade's first stage is a network about a quarter of the full one's cost, distilled
from it (models/MODEL_CARD.md). It settles the patches it is sure of, most clear digits and
most clear non-digits; the full network still reads every patch it is unsure of.

The small-digit network is the full network's shape, trained further on camera digits down
to 10 px (`python -m train.train --small-digits`). The recognizer asks it for a second
opinion on the small blobs and cut halves the full network reads unsurely
(camdigits/recognition/reading.py).

The letter network has two outputs, digit and letter (`python -m train.letters`): the word
context asks it whether a blob read as a digit beside a word is one of its letters. The
three extra networks come only with the shipped one.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from camdigits.config import (
    FIRST_STAGE_SURE_DIGIT,
    FIRST_STAGE_SURE_OTHER,
    MAX_BATCH,
    NOT_A_DIGIT,
    PATCH_SIZE,
)
from camdigits.errors import ModelError
from camdigits.quiet import native_stderr_silenced

MODEL_FILE = "camdigits.tflite"
FIRST_STAGE_FILE = "camdigits_first.tflite"  # the cascade's first stage, shipped beside MODEL_FILE
SMALL_NETWORK_FILE = "camdigits_small.tflite"  # the small-digit network, shipped beside MODEL_FILE
LETTER_NETWORK_FILE = "camdigits_letters.tflite"  # the letter network (two outputs), shipped beside MODEL_FILE
DIGIT_CLASSES = (NOT_A_DIGIT, NOT_A_DIGIT + 1)  # a digit network's outputs: the ten digits, and "not a digit"
LETTER_CLASSES = (2,)  # the letter network's: digit, letter
# sha256 of the network the first stage was distilled from, as shipped: its weights stored as
# int8 (the first stage learnt from the same network with float32 weights, whose outputs
# differ by at most 0.04). A network retrained into the model's place stands alone until a
# first stage is distilled from it and a small-digit network measured beside it (models/MODEL_CARD.md).
FIRST_STAGE_TEACHER_SHA256 = "900edb873f691502f4283f86a3b986452019a103d5296ef5051602686629f74b"
_BESIDE_HINT = "reinstall camdigits; to run the network alone, pass --model a copy of the model file"
_MODEL_HINT = "reinstall camdigits, or pass --model PATH to a .tflite file made by `python -m train.train`"


def default_model_path() -> Path:
    """The shipped model: inside the installed package, or models/ in a source checkout."""
    try:
        from camdigits import models  # setup.cfg installs the top-level models/ folder here
    except ImportError:
        return Path(__file__).resolve().parents[2] / "models" / MODEL_FILE
    return Path(models.__file__).with_name(MODEL_FILE)


def _load_interpreter(path: Path, num_threads: int):
    # Imported here so that `import camdigits` stays fast and LiteRT loads only when needed.
    from ai_edge_litert.interpreter import Interpreter

    if path.is_dir():
        raise ModelError(
            f"{path}: is a folder, not a model file", f"pass the .tflite file inside it, e.g. {path / MODEL_FILE}"
        )
    if not path.exists():
        raise ModelError(f"model file not found: {path}", _MODEL_HINT)
    try:
        # The model's bytes, not its path: from a path, LiteRT maps the file into memory,
        # and a model file overwritten while camdigits runs (a training run writing its
        # output to models/) would change the network under it and crash the next call.
        content = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"cannot read model file {path}: {exc.strerror or exc}", _MODEL_HINT) from exc
    if not content:
        raise ModelError(f"{path}: empty file (0 bytes), not a .tflite model", _MODEL_HINT)
    try:
        with native_stderr_silenced():
            # LiteRT prints "INFO: Created TensorFlow Lite XNNPACK delegate for CPU." here.
            interpreter = Interpreter(model_content=content, num_threads=num_threads)
            interpreter.allocate_tensors()
    except (ValueError, RuntimeError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelError(f"{path}: not a valid .tflite model ({first_line})", _MODEL_HINT) from exc
    return interpreter


class DigitClassifier:
    """Classifies batches of 28x28 patches with one interpreter call per batch."""

    def __init__(
        self, model_path: str | Path | None = None, num_threads: int = 2, classes: tuple[int, ...] = DIGIT_CLASSES
    ) -> None:
        self.path = Path(model_path) if model_path is not None else default_model_path()
        self._interpreter = _load_interpreter(self.path, num_threads)
        inputs = self._interpreter.get_input_details()
        outputs = self._interpreter.get_output_details()
        if len(inputs) != 1 or len(outputs) != 1:
            raise ModelError(f"{self.path}: expected one input and one output tensor", _MODEL_HINT)
        in_shape = tuple(int(side) for side in inputs[0]["shape"])  # ints, not numpy scalars, in messages
        out_shape = tuple(int(side) for side in outputs[0]["shape"])
        if in_shape[1:] != (PATCH_SIZE, PATCH_SIZE, 1) or inputs[0]["dtype"] != np.float32:
            raise ModelError(
                f"{self.path}: expected float32 input of shape (N, 28, 28, 1), "
                f"got {np.dtype(inputs[0]['dtype']).name} {in_shape}",
                _MODEL_HINT,
            )
        if len(out_shape) != 2 or out_shape[1] not in classes:
            expected = " or ".join(str(count) for count in classes)
            raise ModelError(f"{self.path}: expected {expected} class outputs, got shape {out_shape}", _MODEL_HINT)
        self.num_classes = int(out_shape[1])
        self._input_index = inputs[0]["index"]
        self._output_index = outputs[0]["index"]
        self._batch = 0
        # A call at load time takes the first call's set-up cost out of the first frame, and
        # with two patches it refuses a model exported with its batch fixed at one, which
        # would otherwise fail on the first frame with two candidates.
        try:
            self.predict(np.zeros((2, PATCH_SIZE, PATCH_SIZE, 1), np.float32))
        except (ValueError, RuntimeError) as exc:
            raise ModelError(
                f"{self.path}: the model cannot classify a batch of 2 patches (its input shape is {in_shape})",
                "export it with a free batch size, as `python -m train.train` does",
            ) from exc

    @property
    def has_reject_class(self) -> bool:
        """Whether the model has an eleventh "not a digit" output."""
        return self.num_classes > NOT_A_DIGIT

    def predict(self, patches: np.ndarray) -> np.ndarray:
        """Class probabilities, float32 (N, num_classes), for float32 patches (N, 28, 28, 1).

        In calls of at most MAX_BATCH patches: a frame's digits fit in one, while one call for
        the tens of thousands of a photo of a printed page would need gigabytes for the
        network's activations.
        """
        n = len(patches)
        if n == 0:
            return np.zeros((0, self.num_classes), np.float32)
        if patches.shape[1:] != (PATCH_SIZE, PATCH_SIZE, 1):
            raise ValueError(f"patches must be (N, 28, 28, 1), got {patches.shape}")
        if n > MAX_BATCH:
            return np.concatenate([self.predict(patches[i : i + MAX_BATCH]) for i in range(0, n, MAX_BATCH)])
        if n != self._batch:
            self._interpreter.resize_tensor_input(self._input_index, [n, PATCH_SIZE, PATCH_SIZE, 1])
            self._interpreter.allocate_tensors()
            self._batch = n
        self._interpreter.set_tensor(self._input_index, np.ascontiguousarray(patches, np.float32))
        self._interpreter.invoke()
        return self._interpreter.get_tensor(self._output_index).copy()


class Cascade:
    """The full classifier behind a first stage that settles the patches it is sure of.

    ``predict`` gives the first stage's probabilities for the patches it settles (its top
    class at least ``sure_digit`` likely for a digit, ``sure_other`` for "not a digit") and
    the full network's for the rest, in one call of each. ``seen`` and ``settled`` count
    patches, for the benchmark's share settled.
    """

    def __init__(
        self,
        full: DigitClassifier,
        first: DigitClassifier,
        sure_digit: float = FIRST_STAGE_SURE_DIGIT,
        sure_other: float = FIRST_STAGE_SURE_OTHER,
    ) -> None:
        if first.num_classes != full.num_classes:
            raise ModelError(
                f"{first.path}: the first stage has {first.num_classes} outputs, {full.path} has {full.num_classes}",
                _MODEL_HINT,
            )
        self.full, self.first = full, first
        self.path, self.num_classes = full.path, full.num_classes
        self.sure_digit, self.sure_other = sure_digit, sure_other
        self.seen = self.settled = 0

    has_reject_class = DigitClassifier.has_reject_class

    def sure(self, probabilities: np.ndarray) -> np.ndarray:
        """Which rows of the first stage's ``probabilities`` it settles."""
        top = probabilities.argmax(axis=1)
        best = probabilities[np.arange(len(top)), top]
        return best >= np.where(top == NOT_A_DIGIT, self.sure_other, self.sure_digit)

    def predict(self, patches: np.ndarray) -> np.ndarray:
        """Class probabilities, float32 (N, num_classes), as :meth:`DigitClassifier.predict`."""
        probabilities = self.first.predict(patches)
        count = len(probabilities)
        unsure = np.flatnonzero(~self.sure(probabilities))
        if len(unsure):
            probabilities[unsure] = self.full.predict(patches[unsure])
        self.seen += count
        self.settled += count - len(unsure)
        return probabilities


def _is_shipped_network(full: DigitClassifier) -> bool:
    """Whether ``full`` is the shipped model file with the network it was shipped with: the
    one the first stage was distilled from and the small-digit network measured beside."""
    shipped = default_model_path()
    if full.path.resolve() != shipped.resolve():
        return False
    try:
        return hashlib.sha256(full.path.read_bytes()).hexdigest() == FIRST_STAGE_TEACHER_SHA256
    except OSError:
        return False  # the network itself was read a moment ago; without a checksum it stands alone


def _shipped_beside(
    name: str, what: str, num_threads: int, classes: tuple[int, ...] = DIGIT_CLASSES
) -> DigitClassifier:
    """The network in file ``name`` beside the shipped model; its errors name it as ``what``."""
    try:
        return DigitClassifier(default_model_path().with_name(name), num_threads, classes)
    except ModelError as error:
        raise ModelError(f"{what}: {error.message}", _BESIDE_HINT) from error


def load_classifier(model_path: str | Path | None, num_threads: int, first_stage: bool) -> DigitClassifier | Cascade:
    """The classifier for ``model_path`` (None: the shipped model): with ``first_stage``, the
    shipped model file comes behind its first stage; any other file (a copy of it included),
    and a network retrained in its place, stand alone, as the first stage was distilled
    from the shipped network.

    Raises:
        ModelError: either network is missing or not a usable model.
    """
    full = DigitClassifier(model_path, num_threads)
    if not first_stage or not _is_shipped_network(full):
        return full
    return Cascade(full, _shipped_beside(FIRST_STAGE_FILE, "the cascade's first stage", num_threads))


def load_small_network(full: DigitClassifier, num_threads: int, enabled: bool) -> DigitClassifier | None:
    """The small-digit network, if ``enabled`` and ``full`` is the shipped network (as for the
    first stage, another network stands alone); else None.

    Raises:
        ModelError: the small-digit network is missing or not a usable model.
    """
    if not enabled or not _is_shipped_network(full):
        return None
    return _shipped_beside(SMALL_NETWORK_FILE, "the small-digit network", num_threads)


def load_letter_network(full: DigitClassifier, num_threads: int, enabled: bool) -> DigitClassifier | None:
    """The letter network (two outputs: digit, letter), if ``enabled`` and ``full`` is the
    shipped network, beside which its share was measured; else None.

    Raises:
        ModelError: the letter network is missing or not a usable model.
    """
    if not enabled or not _is_shipped_network(full):
        return None
    return _shipped_beside(LETTER_NETWORK_FILE, "the letter network", num_threads, LETTER_CLASSES)
