"""Train the camdigits CNN, export it for LiteRT and write its model card.

    python -m train.train [--epochs 20] [--mnist-npz PATH] [--out models] [--limit N]

Data: the official MNIST split (train/data.py); all 60k training digits are used for
training and the 10k test digits only for the final figure. Each epoch sees one of a few
pre-drawn augmented copies of the training set (train/augment.py) plus synthetic "not a
digit" patches (train/negatives.py); drawing the copies up front in worker processes keeps
the two cores busy with training rather than with drawing.
"""

from __future__ import annotations

import argparse
import datetime
import multiprocessing
import platform
import sys
import time
from pathlib import Path

import numpy as np

from camdigits.config import NOT_A_DIGIT
from train.augment import augment_digits
from train.data import describe_source, load_mnist
from train.negatives import NEGATIVE_FRACTION, make_negatives

EPOCHS = 20
BATCH_SIZE = 128
PEAK_LEARNING_RATE = 2e-3  # Adam, cosine-decayed to 1 % of this over the run
AUGMENTED_COPIES = 4  # distinct augmented versions of the training set, cycled by epoch
SEED = 0
KERAS_FILE = "camdigits.keras"
TFLITE_FILE = "camdigits.tflite"
CARD_FILE = "MODEL_CARD.md"
EXPORT_TOLERANCE = 1e-5  # largest allowed difference between Keras and LiteRT outputs


# --- data ---------------------------------------------------------------------------------
_WORKER_DIGITS: np.ndarray | None = None


def _init_worker(digits: np.ndarray) -> None:
    global _WORKER_DIGITS
    _WORKER_DIGITS = digits


def _draw_copy(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """One augmented copy of all digits (in worker order) and its negatives."""
    rng = np.random.default_rng(seed)
    digits = augment_digits(_WORKER_DIGITS, rng)
    negatives = make_negatives(int(NEGATIVE_FRACTION * len(_WORKER_DIGITS)), _WORKER_DIGITS, rng)
    return digits, negatives


def draw_training_copies(x: np.ndarray, y: np.ndarray, copies: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """``copies`` shuffled (inputs, labels) sets: augmented digits plus negatives (label 10)."""
    seeds = [seed * 1000 + i for i in range(copies)]
    workers = min(copies, multiprocessing.cpu_count())
    # Fork before TensorFlow is imported, so the workers carry none of its threads.
    with multiprocessing.get_context("fork").Pool(workers, initializer=_init_worker, initargs=(x,)) as pool:
        drawn = pool.map(_draw_copy, seeds)
    sets = []
    rng = np.random.default_rng(seed)
    for digits, negatives in drawn:
        inputs = np.concatenate([digits, negatives])
        labels = np.concatenate([y, np.full(len(negatives), NOT_A_DIGIT, y.dtype)])
        order = rng.permutation(len(inputs))
        sets.append((inputs[order], labels[order]))
    return sets


# --- training -----------------------------------------------------------------------------
def train(copies: list[tuple[np.ndarray, np.ndarray]], epochs: int, seed: int, log=print):
    """Fit a fresh model, one epoch per augmented copy in turn; returns the Keras model."""
    import keras

    from train.model import build_model

    keras.utils.set_random_seed(seed)
    model = build_model()
    steps = epochs * int(np.ceil(len(copies[0][0]) / BATCH_SIZE))
    schedule = keras.optimizers.schedules.CosineDecay(PEAK_LEARNING_RATE, decay_steps=steps, alpha=0.01)
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    for epoch in range(epochs):
        inputs, labels = copies[epoch % len(copies)]
        start = time.time()
        history = model.fit(inputs, labels, batch_size=BATCH_SIZE, epochs=1, verbose=0)
        log(
            f"epoch {epoch + 1}/{epochs}: loss {history.history['loss'][0]:.4f}, "
            f"accuracy {history.history['accuracy'][0]:.4f}, {time.time() - start:.0f} s"
        )
    return model


def export_tflite(model, path: Path, check_inputs: np.ndarray) -> float:
    """Write the float32 .tflite with a dynamic batch dimension; return the largest output
    difference from Keras on ``check_inputs``, which must stay within EXPORT_TOLERANCE."""
    import tensorflow as tf

    from camdigits.classify import DigitClassifier

    path.write_bytes(tf.lite.TFLiteConverter.from_keras_model(model).convert())
    expected = model.predict(check_inputs, verbose=0)
    actual = DigitClassifier(path).predict(check_inputs)
    difference = float(np.abs(expected - actual).max())
    if difference > EXPORT_TOLERANCE:
        raise RuntimeError(f"{path}: LiteRT outputs differ from Keras by {difference:.2e}")
    return difference


# --- model card ---------------------------------------------------------------------------
def model_card(model, evaluation, command: str, epochs: int, train_size: int, seconds: float,
               data_source: str, export_difference: float) -> str:
    import keras

    layers = [f"{layer.__class__.__name__}" for layer in model.layers]
    return f"""# camdigits model card

| | |
| --- | --- |
| Official MNIST test accuracy (10,000 digits, .tflite under LiteRT) | **{100 * evaluation.accuracy:.2f} %** |
| Errors / of them called "not a digit" | {evaluation.total - evaluation.correct} / {evaluation.rejected} |
| Parameters | {model.count_params():,} |
| Epochs | {epochs} (batch {BATCH_SIZE}, Adam, cosine decay from {PEAK_LEARNING_RATE}) |
| Training digits | {train_size:,} (official train split), plus {NEGATIVE_FRACTION:.0%} as many synthetic non-digits per epoch |
| Training command | `{command}` |
| Training time | {seconds / 60:.1f} min on {platform.machine()} ({multiprocessing.cpu_count()} cores), Keras {keras.__version__} |
| Data | {data_source} |
| Date | {datetime.date.today().isoformat()} |
| Keras vs LiteRT largest output difference | {export_difference:.1e} |

## Contract
- Input: float32 `(N, 28, 28, 1)` in [0, 1], white ink on black, exactly as MNIST comes
  (pixel / 255). Camera crops are brought to that form by `camdigits.normalise.to_mnist_patch`,
  which training also applies to every sample.
- Output: `(N, 11)` softmax probabilities; indices 0-9 are the digits, index 10 is "not a digit".
- Accuracy above is the arg-max over all 11 outputs, so a digit called "not a digit" is an error.

## Architecture
{" -> ".join(layers)}

## Training data
- Digits: each epoch one of {AUGMENTED_COPIES} pre-drawn augmented copies of the 60k training digits
  (train/augment.py): most redrawn as camera masks at 24-120 px with rotation, slant, width
  change, elastic wobble, stroke thinning/thickening (hairline to marker), blur, noise and a
  random binarisation threshold; the rest mildly transformed or untouched, so raw MNIST stays
  well read.
- Not-a-digit (class 10, train/negatives.py): letters and symbols in Hershey fonts, touching
  pairs of digits, scribbles, dashes, drawn boxes, blobs and specks. Shapes a person could
  read as a digit (O, l, I, Z, S, B, g, q, tall boxes, steep lines) are deliberately absent.
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--mnist-npz", type=Path, default=None, help="a Keras-format mnist.npz instead of the wheel")
    parser.add_argument("--out", type=Path, default=Path("models"), help="folder for the model files and card")
    parser.add_argument("--limit", type=int, default=None, help="train on the first N digits only (smoke test)")
    parser.add_argument("--copies", type=int, default=AUGMENTED_COPIES, help="augmented copies of the training set")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)

    started = time.time()
    (x_train, y_train), (x_test, y_test) = load_mnist(args.mnist_npz)
    if args.limit:
        x_train, y_train = x_train[: args.limit], y_train[: args.limit]
    print(f"drawing {args.copies} augmented copies of {len(x_train)} digits ...", flush=True)
    copies = draw_training_copies(x_train, y_train, args.copies, args.seed)
    print(f"drawn in {time.time() - started:.0f} s", flush=True)

    model = train(copies, args.epochs, args.seed, log=lambda line: print(line, flush=True))

    from train.evaluate import evaluate_tflite

    args.out.mkdir(parents=True, exist_ok=True)
    model.save(args.out / KERAS_FILE, include_optimizer=False)
    difference = export_tflite(model, args.out / TFLITE_FILE, (x_test[:256].astype(np.float32) / 255.0)[..., None])
    evaluation = evaluate_tflite(args.out / TFLITE_FILE, x_test, y_test)
    print(evaluation, flush=True)
    command = "python -m train.train " + " ".join(sys.argv[1:] if argv is None else argv)
    card = model_card(model, evaluation, command.strip(), args.epochs, len(x_train), time.time() - started,
                      describe_source(args.mnist_npz), difference)
    (args.out / CARD_FILE).write_text(card)
    print(f"wrote {args.out / KERAS_FILE}, {args.out / TFLITE_FILE}, {args.out / CARD_FILE}")


if __name__ == "__main__":
    main()
