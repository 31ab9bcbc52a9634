"""Official MNIST test accuracy of an exported .tflite model, run under LiteRT as at run time.

    python -m train.evaluate [--model models/camdigits.tflite] [--mnist-npz PATH]

The headline figures feed the test digits exactly as MNIST comes (pixel / 255, white on
black), with no preprocessing. Two readings of the eleven outputs are given: the strict
one, where the top output must be the right digit, so an answer of "not a digit" (index
10) counts as an error; and the digit classifier's one, where the label is the top of the
ten digit outputs -- the label the pipeline reports (it then drops a digit whose
probability is below ``min_confidence``), and what "MNIST accuracy" means for a 10-class
model.
Two further figures show behaviour closer to a camera, from fixed seeds: the test digits
redrawn by the training's camera route, and fresh synthetic non-digits (the share the model
rejects). These use training's own generators, so they are a check, not an independent test.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from camdigits.config import NOT_A_DIGIT
from camdigits.recognition.classify import DigitClassifier, default_model_path
from camdigits.recognition.normalise import to_mnist_patches

BATCH = 500


@dataclass(frozen=True)
class Evaluation:
    total: int
    correct: int  # top output is the right digit
    rejected: int  # digits the model called "not a digit"
    digit_correct: int | None = None  # top of the ten digit outputs is the right digit

    @property
    def accuracy(self) -> float:
        return self.correct / self.total

    def __str__(self) -> str:
        text = (
            f"MNIST test accuracy {100 * self.accuracy:.2f} % ({self.correct}/{self.total}); "
            f"{self.total - self.correct} errors, {self.rejected} of them called 'not a digit'"
        )
        if self.digit_correct is not None:
            text += (
                f"; as a digit classifier (top of the ten digit outputs, the label the pipeline reports) "
                f"{100 * self.digit_correct / self.total:.2f} % ({self.digit_correct}/{self.total})"
            )
        return text


def evaluate_tflite(model_path: Path, x_test: np.ndarray, y_test: np.ndarray, normalise: bool = False) -> Evaluation:
    """Accuracy of the .tflite at ``model_path`` on uint8 MNIST images (N, 28, 28).

    With ``normalise`` the images first go through ``to_mnist_patch``, as camera crops do
    at run time; MNIST digits come out nearly unchanged (the function re-centres them and
    pulls unusually thin or thick strokes towards MNIST's median).
    """
    classifier = DigitClassifier(model_path)
    if normalise:
        inputs = to_mnist_patches(x_test)
    else:
        inputs = (x_test.astype(np.float32) / 255.0)[..., None]
    probabilities = np.concatenate([classifier.predict(inputs[i : i + BATCH]) for i in range(0, len(inputs), BATCH)])
    predicted = probabilities.argmax(axis=1)
    return Evaluation(
        total=len(y_test),
        correct=int((predicted == y_test).sum()),
        rejected=int((predicted == NOT_A_DIGIT).sum()),
        digit_correct=int((probabilities[:, :NOT_A_DIGIT].argmax(axis=1) == y_test).sum()),
    )


CAMERA_SEED = 123  # fixed, so the camera-style figure is comparable between models
NEGATIVES_SEED = 7
NEGATIVES_COUNT = 3000


def _predict_labels(classifier: DigitClassifier, inputs: np.ndarray) -> np.ndarray:
    return np.concatenate(
        [classifier.predict(inputs[i : i + BATCH]).argmax(axis=1) for i in range(0, len(inputs), BATCH)]
    )


def evaluate_camera_style(model_path: Path, x_test: np.ndarray, y_test: np.ndarray) -> Evaluation:
    """Accuracy on the test digits redrawn as camera masks (train/augment.py camera route)."""
    from train.augment import augment_digits

    inputs = augment_digits(x_test, np.random.default_rng(CAMERA_SEED), camera_fraction=1.0)
    predicted = _predict_labels(DigitClassifier(model_path), inputs)
    return Evaluation(len(y_test), int((predicted == y_test).sum()), int((predicted == NOT_A_DIGIT).sum()))


def rejected_share(model_path: Path, digits: np.ndarray) -> float:
    """Share of fresh synthetic non-digits (train/negatives.py) the model calls "not a digit"."""
    from train.negatives import make_negatives

    inputs = make_negatives(NEGATIVES_COUNT, digits, np.random.default_rng(NEGATIVES_SEED))
    return float((_predict_labels(DigitClassifier(model_path), inputs) == NOT_A_DIGIT).mean())


def main(argv: list[str] | None = None) -> None:
    from train.data import load_mnist_test

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=default_model_path(), help="the .tflite model to evaluate")
    parser.add_argument("--mnist-npz", type=Path, default=None, help="a Keras-format mnist.npz instead of the wheel")
    args = parser.parse_args(argv)
    x_test, y_test = load_mnist_test(args.mnist_npz)
    print(f"{args.model}: {evaluate_tflite(args.model, x_test, y_test)}")
    print(f"{args.model}, digits through to_mnist_patch: {evaluate_tflite(args.model, x_test, y_test, normalise=True)}")
    print(
        f"{args.model}, digits redrawn camera-style (seed {CAMERA_SEED}): "
        f"{evaluate_camera_style(args.model, x_test, y_test)}"
    )
    print(
        f"{args.model}, synthetic non-digits called 'not a digit': "
        f"{100 * rejected_share(args.model, x_test):.1f} % of {NEGATIVES_COUNT}"
    )


if __name__ == "__main__":
    main()
