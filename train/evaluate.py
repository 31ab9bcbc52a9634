"""Official MNIST test accuracy of an exported .tflite model, run under LiteRT as at run time.

    python -m train.evaluate [--model models/camdigits.tflite] [--mnist-npz PATH]

The test digits are fed exactly as MNIST comes (pixel / 255, white on black), with no
preprocessing, and a prediction of "not a digit" (index 10) counts as an error.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from camdigits.classify import DigitClassifier, default_model_path
from camdigits.config import NOT_A_DIGIT

BATCH = 500


@dataclass(frozen=True)
class Evaluation:
    total: int
    correct: int
    rejected: int  # digits the model called "not a digit"

    @property
    def accuracy(self) -> float:
        return self.correct / self.total

    def __str__(self) -> str:
        return (
            f"MNIST test accuracy {100 * self.accuracy:.2f} % ({self.correct}/{self.total}); "
            f"{self.total - self.correct} errors, {self.rejected} of them called 'not a digit'"
        )


def evaluate_tflite(model_path: Path, x_test: np.ndarray, y_test: np.ndarray) -> Evaluation:
    """Accuracy of the .tflite at ``model_path`` on uint8 MNIST images (N, 28, 28)."""
    classifier = DigitClassifier(model_path)
    predicted = np.concatenate(
        [
            classifier.predict((x_test[i : i + BATCH].astype(np.float32) / 255.0)[..., None]).argmax(axis=1)
            for i in range(0, len(x_test), BATCH)
        ]
    )
    return Evaluation(
        total=len(y_test),
        correct=int((predicted == y_test).sum()),
        rejected=int((predicted == NOT_A_DIGIT).sum()),
    )


def main(argv: list[str] | None = None) -> None:
    from train.data import load_mnist_test

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=default_model_path(), help="the .tflite model to evaluate")
    parser.add_argument("--mnist-npz", type=Path, default=None, help="a Keras-format mnist.npz instead of the wheel")
    args = parser.parse_args(argv)
    x_test, y_test = load_mnist_test(args.mnist_npz)
    print(f"{args.model}: {evaluate_tflite(args.model, x_test, y_test)}")


if __name__ == "__main__":
    main()
