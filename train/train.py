"""Train the camdigits CNN, export it for LiteRT and write its model card.

    python -m train.train [--epochs 20] [--mnist-npz PATH] [--out models] [--limit N]
                          [--separable N] [--teacher PATH.tflite]
                          [--widths A,B,C] [--dense N] [--convs 1|2] [--float-weights]

Data: the official MNIST split (train/data.py); all 60k training digits are used for
training and the 10k test digits only for the final figure. Each epoch sees one of a few
pre-drawn augmented copies of the training set (train/augment.py) plus synthetic "not a
digit" patches (train/negatives.py); drawing the copies up front in worker processes keeps
the two cores busy with training rather than with drawing.

With ``--teacher``, the network is distilled from a trained one: besides its label, each
training patch has the teacher's eleven probabilities (taken once, under LiteRT, before
training), and the loss pulls the new network's outputs towards them, so that a smaller
network may learn where the teacher draws the line between digits and the non-digits it
never saw, the line the pipeline was tuned on. Two distilled separable networks did not
reach the shipped one's rejection of non-digits (models/MODEL_CARD.md, runs six and seven).
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
from train.augment import (
    BREAK_PROBABILITY,
    CAMERA_FRACTION,
    DIGIT_HEIGHT_PX,
    SMALL_DIGIT_HEIGHT_PX,
    STYLE_PROBABILITY,
    add_writing_styles,
    augment_digits,
    font_digits,
)
from train.data import describe_source, load_mnist
from train.fonts import HELD_OUT_FAMILIES, TRAIN_FAMILIES, fetch_fonts
from train.negatives import DOODLE_MIN_TRAVEL, NEGATIVE_FRACTION, make_negatives

EPOCHS = 20
BATCH_SIZE = 128
PEAK_LEARNING_RATE = 2e-3  # Adam, cosine-decayed to 1 % of this over the run
# Digits drawn from handwriting fonts per MNIST training digit: other hands than MNIST's.
FONT_DIGIT_FRACTION = 0.04
AUGMENTED_COPIES = 4  # distinct augmented versions of the training set, cycled by epoch
SEED = 0
KERAS_FILE = "camdigits.keras"
TFLITE_FILE = "camdigits.tflite"
CARD_FILE = "MODEL_CARD.md"
EXPORT_TOLERANCE = 1e-5  # largest allowed difference between Keras and LiteRT outputs, float32 weights
# The same with int8 weights (the default export): their rounding moves a probability by up
# to 0.04 on MNIST's test digits (0.02 on the 256 checked), where a broken export moves it by ~1.
INT8_EXPORT_TOLERANCE = 0.1
# Distillation (--teacher): the loss is DISTILL_LABEL_WEIGHT x cross-entropy with the label
# plus the rest x T^2 x KL divergence from the teacher's probabilities, both softened by the
# temperature T (Hinton et al. 2015); T^2 keeps the soft term's gradients at the hard one's
# scale. At T = 2 a teacher's 0.999 / 0.001 still tells which wrong class is the nearest.
DISTILL_TEMPERATURE = 2.0
DISTILL_LABEL_WEIGHT = 0.3


# --- data ---------------------------------------------------------------------------------
_WORKER_DATA: tuple[np.ndarray, np.ndarray, list[Path], bool] | None = None


def _init_worker(digits: np.ndarray, labels: np.ndarray, fonts: list[Path], small_digits: bool) -> None:
    global _WORKER_DATA
    _WORKER_DATA = digits, labels, fonts, small_digits


def _draw_copy(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One augmented copy of all digits (in worker order, some restyled), digits drawn from
    handwriting fonts with their labels, and negatives; for the small-digit network, camera
    digits down to SMALL_DIGIT_HEIGHT_PX and ruled word pages among the negatives."""
    digits, labels, fonts, small_digits = _WORKER_DATA
    rng = np.random.default_rng(seed)
    heights = SMALL_DIGIT_HEIGHT_PX if small_digits else DIGIT_HEIGHT_PX
    augmented = augment_digits(add_writing_styles(digits, labels, rng), rng, heights=heights)
    extra, extra_labels = font_digits(int(FONT_DIGIT_FRACTION * len(digits)) if fonts else 0, fonts, rng)
    negatives = make_negatives(int(NEGATIVE_FRACTION * len(digits)), digits, rng, fonts, ruled=small_digits)
    return augmented, extra, extra_labels, negatives


def draw_training_copies(
    x: np.ndarray,
    y: np.ndarray,
    copies: int,
    seed: int,
    fonts: list[Path] | None = None,
    small_digits: bool = False,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``copies`` shuffled (inputs, labels) sets: augmented digits, font digits and
    negatives (label 10); ``fonts`` (handwriting font files) feed the font digits and the
    handwritten negatives, which are left out without them; ``small_digits``: the
    small-digit network's data (:func:`_draw_copy`)."""
    seeds = [seed * 1000 + i for i in range(copies)]
    workers = min(copies, multiprocessing.cpu_count())
    # Spawned, not forked: a forked worker would carry the parent's TensorFlow threads and any
    # LiteRT interpreter it holds (a test process holds several), which crash it when freed.
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(x, y, fonts or [], small_digits)) as pool:
        drawn = pool.map(_draw_copy, seeds)
    sets = []
    rng = np.random.default_rng(seed)
    for digits, extra, extra_labels, negatives in drawn:
        inputs = np.concatenate([digits, extra, negatives])
        labels = np.concatenate([y, extra_labels.astype(y.dtype), np.full(len(negatives), NOT_A_DIGIT, y.dtype)])
        order = rng.permutation(len(inputs))
        sets.append((inputs[order], labels[order]))
    return sets


def with_teacher(copies: list[tuple[np.ndarray, np.ndarray]], teacher: Path) -> list[tuple[np.ndarray, np.ndarray]]:
    """The copies with each label replaced by the distillation target: the one-hot label
    followed by the ``teacher`` model's eleven probabilities, float32 (N, 22)."""
    from camdigits.recognition.classify import DigitClassifier

    classifier = DigitClassifier(teacher)
    if not classifier.has_reject_class:
        raise SystemExit(f"{teacher}: a teacher needs the eleventh, 'not a digit' output")
    targets = []
    for inputs, labels in copies:
        one_hot = np.eye(NOT_A_DIGIT + 1, dtype=np.float32)[labels]
        targets.append((inputs, np.concatenate([one_hot, classifier.predict(inputs)], axis=1)))
    return targets


def distillation_loss(target, predicted):
    """The --teacher loss (see DISTILL_TEMPERATURE) for targets packed by :func:`with_teacher`."""
    from keras import ops

    classes = NOT_A_DIGIT + 1
    label, teacher = target[:, :classes], target[:, classes:]
    log_student = ops.log(ops.clip(predicted, 1e-7, 1.0))
    hard = -ops.sum(label * log_student, axis=-1)
    # Softening probabilities p by T is softmax(log p / T): the same as softening the logits.
    soft_teacher = ops.log_softmax(ops.log(ops.clip(teacher, 1e-7, 1.0)) / DISTILL_TEMPERATURE, axis=-1)
    soft_student = ops.log_softmax(log_student / DISTILL_TEMPERATURE, axis=-1)
    soft = ops.sum(ops.exp(soft_teacher) * (soft_teacher - soft_student), axis=-1)
    return DISTILL_LABEL_WEIGHT * hard + (1 - DISTILL_LABEL_WEIGHT) * DISTILL_TEMPERATURE**2 * soft


def label_accuracy(target, predicted):
    """Training accuracy against the label part of a :func:`with_teacher` target."""
    from keras import ops

    return ops.cast(ops.argmax(target[:, : NOT_A_DIGIT + 1], axis=-1) == ops.argmax(predicted, axis=-1), "float32")


# --- training -----------------------------------------------------------------------------
def train(
    copies: list[tuple[np.ndarray, np.ndarray]],
    epochs: int,
    seed: int,
    log=print,
    separable: int = 0,
    widths: tuple[int, int, int] = (16, 32, 64),
    dense: int = 128,
    convs: int = 2,
    distilled: bool = False,
    init: Path | None = None,
    learning_rate: float = PEAK_LEARNING_RATE,
    classes: int = NOT_A_DIGIT + 1,
):
    """Fit a model, one epoch per augmented copy in turn: a fresh one, or ``init`` (a saved
    .keras model) trained further; ``distilled``: the copies' targets come from
    :func:`with_teacher`; ``classes``: outputs of a fresh network.

    Returns the Keras model and the wall time of each epoch in seconds.
    """
    import keras

    from train.model import build_model

    keras.utils.set_random_seed(seed)
    model = (
        keras.models.load_model(init, compile=False) if init else build_model(widths, dense, separable, convs, classes)
    )
    steps = epochs * int(np.ceil(len(copies[0][0]) / BATCH_SIZE))
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps, alpha=0.01)
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss=distillation_loss if distilled else "sparse_categorical_crossentropy",
        metrics=[label_accuracy] if distilled else ["accuracy"],
    )
    epoch_seconds = []
    for epoch in range(epochs):
        inputs, labels = copies[epoch % len(copies)]
        start = time.time()
        history = model.fit(inputs, labels, batch_size=BATCH_SIZE, epochs=1, verbose=0)
        epoch_seconds.append(time.time() - start)
        log(
            f"epoch {epoch + 1}/{epochs}: loss {history.history['loss'][0]:.4f}, "
            f"accuracy {history.history['label_accuracy' if distilled else 'accuracy'][0]:.4f}, "
            f"{epoch_seconds[-1]:.0f} s"
        )
    return model, epoch_seconds


def save_keras(model, path: Path) -> None:
    """Save weights and architecture only, without optimizer state: a third of the size.

    Keras 3 ignores ``include_optimizer`` and ``clone_model`` keeps the compile state, so
    the model is rebuilt from its config, which leaves it uncompiled.
    """
    bare = model.__class__.from_config(model.get_config())
    bare.set_weights(model.get_weights())
    bare.save(path)


def litert_batch_ms(path: Path, patches: np.ndarray, repeats: int = 200) -> float:
    """Median LiteRT time in ms for one call on ``patches``, as the runtime makes it."""
    from camdigits.recognition.classify import DigitClassifier

    classifier = DigitClassifier(path)
    classifier.predict(patches)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        classifier.predict(patches)
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def export_tflite(
    model, path: Path, check_inputs: np.ndarray, int8_weights: bool = True, classes: tuple[int, ...] | None = None
) -> float:
    """Write the .tflite with a dynamic batch dimension; return the largest output difference
    from Keras on ``check_inputs``, which must stay within the tolerance of its weights.

    With ``int8_weights`` the weights are stored as int8 and LiteRT quantises each layer's
    inputs as it runs (dynamic range quantisation): a patch costs about half the float32 network's
    under XNNPACK, and reads the same but for a few in 10,000 (docs/performance.md).
    ``classes``: the outputs the network may have, where it is no digit network (train/letters.py).
    """
    import tensorflow as tf

    from camdigits.recognition.classify import DigitClassifier

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if int8_weights:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    path.write_bytes(converter.convert())
    expected = model.predict(check_inputs, verbose=0)
    actual = (DigitClassifier(path) if classes is None else DigitClassifier(path, classes=classes)).predict(
        check_inputs
    )
    difference = float(np.abs(expected - actual).max())
    if difference > (INT8_EXPORT_TOLERANCE if int8_weights else EXPORT_TOLERANCE):
        raise RuntimeError(f"{path}: LiteRT outputs differ from Keras by {difference:.2e}")
    return difference


# --- model card ---------------------------------------------------------------------------
def _describe_layer(layer) -> str:
    """Short name for the architecture line: Conv16, BN, pool, Dense128, Dropout0.4 ..."""
    config = layer.get_config()
    names = {
        "Conv2D": lambda: f"Conv{config['filters']}",
        "SeparableConv2D": lambda: f"SepConv{config['filters']}",
        "Dense": lambda: f"Dense{config['units']}",
        "BatchNormalization": lambda: "BN",
        "MaxPooling2D": lambda: "pool",
        "Dropout": lambda: f"Dropout{config['rate']}",
        "Flatten": lambda: "flatten",
    }
    describe = names.get(layer.__class__.__name__)
    return describe() if describe else ""


def model_card(
    model,
    evaluation,
    normalised,
    command: str,
    epoch_seconds: list[float],
    train_size: int,
    seconds: float,
    data_source: str,
    export_difference: float,
    batch10_ms: float,
    teacher: Path | None = None,
    init: Path | None = None,
    int8_weights: bool = True,
    small_digits: bool = False,
    learning_rate: float = PEAK_LEARNING_RATE,
) -> str:
    import keras

    low, high = SMALL_DIGIT_HEIGHT_PX if small_digits else DIGIT_HEIGHT_PX
    ruled = (
        " and, for this small-digit network, from ruled and squared pages of handwritten words turned and in"
        " perspective, cut by the recognizer's own mask (rules erased)"
        if small_digits
        else ""
    )

    layers = [_describe_layer(layer) for layer in model.layers if _describe_layer(layer)]
    return f"""# camdigits model card

| | |
| --- | --- |
| Official MNIST test accuracy (10,000 digits, .tflite under LiteRT), as a digit classifier: top of the ten digit outputs, the label the pipeline reports | **{_percent(evaluation.digit_correct, evaluation.total)}** ({evaluation.digit_correct}/{evaluation.total}) |
| Same, strict: the top of all eleven outputs must be the right digit, so "not a digit" counts as an error | {100 * evaluation.accuracy:.2f} % ({evaluation.correct}/{evaluation.total}) |
| Errors (strict) / of them called "not a digit" (class 10) | {evaluation.total - evaluation.correct} / {evaluation.rejected} ({100 * evaluation.rejected / evaluation.total:.2f} % of test digits) |
| Same test digits passed through `to_mnist_patch` first, as at run time | {_percent(normalised.digit_correct, normalised.total)} as a digit classifier, {100 * normalised.accuracy:.2f} % strict ({normalised.rejected} called "not a digit") |
| Parameters | {model.count_params():,} |
| Epochs | {len(epoch_seconds)} (batch {BATCH_SIZE}, Adam, cosine decay from {learning_rate:g}), {np.mean(epoch_seconds) if epoch_seconds else 0:.0f} s per epoch |
| Training digits | {train_size:,} (official train split), plus {FONT_DIGIT_FRACTION:.0%} as many font digits and {NEGATIVE_FRACTION:.0%} as many synthetic non-digits per epoch |
| Started from | {init if init else "fresh weights"} |
| Targets | {f"distilled from {teacher.name} ({teacher}): {DISTILL_LABEL_WEIGHT:.0%} label, {1 - DISTILL_LABEL_WEIGHT:.0%} teacher's probabilities at temperature {DISTILL_TEMPERATURE:g}" if teacher else "the labels"} |
| Training command | `{command}` |
| Training time | {seconds / 60:.1f} min on {platform.machine()} ({multiprocessing.cpu_count()} cores), Keras {keras.__version__} |
| Data | {data_source} |
| Date | {datetime.date.today().isoformat()} |
| Weights / Keras vs LiteRT largest output difference | {"int8, dynamic range" if int8_weights else "float32"} / {export_difference:.1e} |
| LiteRT time for a batch of 10 patches (2 threads, median) | {batch10_ms:.2f} ms |

Reproduce the accuracy with `python -m train.evaluate --model models/{TFLITE_FILE}`.

## Contract
- Input: float32 `(N, 28, 28, 1)` in [0, 1], white ink on black, exactly as MNIST comes
  (pixel / 255). Camera crops are brought to that form by `camdigits.recognition.normalise.to_mnist_patch`,
  which training also applies to every sample.
- Output: `(N, 11)` softmax probabilities; indices 0-9 are the digits, index 10 is "not a digit".
- The headline accuracy above takes the top of the ten digit outputs, as the pipeline labels a
  digit; the strict one takes the arg-max over all 11, so a digit called "not a digit" is an error.

## Architecture
{" -> ".join(layers)} (every BN followed by ReLU; 3x3 convolutions, "same" padding{"; SepConv: depthwise-separable" if any(name.startswith("Sep") for name in layers) else ""})

## Training data
- Digits: each epoch one of {AUGMENTED_COPIES} pre-drawn augmented copies of the 60k training digits
  (train/augment.py): {CAMERA_FRACTION:.0%} redrawn as camera masks {low:.0f}-{high:.0f} px tall with rotation, slant, width
  change, elastic wobble, stroke thinning/thickening (hairline to marker), blur, noise and a
  random binarisation threshold, {BREAK_PROBABILITY:.0%} of them with 1-2 bands of ink erased as by a
  skipping pen; the rest mildly transformed or untouched, so raw MNIST stays well read.
- Styles MNIST lacks: {STYLE_PROBABILITY:.0%} of the ones get a European flag and {STYLE_PROBABILITY:.0%} of the sevens a
  cross bar (train/augment.py); {FONT_DIGIT_FRACTION:.0%} as many digits again are drawn from {len(TRAIN_FAMILIES)} handwriting font
  families (train/fonts.py; {len(HELD_OUT_FAMILIES)} more families are held out, never trained on).
- Not-a-digit (class 10, train/negatives.py): letters and symbols from Hershey stroke fonts
  and from the handwriting families, blobs cut by the runtime's own segmenter from pages of
  handwritten words{ruled} and from frames of noise, wood, fabric, smudges and printed pictures
  (train/harvest.py, train/textures.py), touching pairs of digits, zig-zag scribbles, long
  turning doodles (pen travel at least {DOODLE_MIN_TRAVEL} times their extent), dashes, drawn boxes,
  blobs and specks. Shapes a person could read as a digit (O, l, I, Z, S, B, b, G, g, q, t,
  T, J, tall boxes, steep lines) are deliberately absent: the word context decides them.
"""


def _percent(count: int | None, total: int) -> str:
    return f"{100 * count / total:.2f} %" if count is not None else "-"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--mnist-npz", type=Path, default=None, help="a Keras-format mnist.npz instead of the wheel")
    parser.add_argument("--out", type=Path, default=Path("models"), help="folder for the model files and card")
    parser.add_argument("--limit", type=int, default=None, help="train on the first N digits only (smoke test)")
    parser.add_argument("--copies", type=int, default=AUGMENTED_COPIES, help="augmented copies of the training set")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--separable",
        type=int,
        choices=range(4),
        default=0,
        metavar="N",
        help="make the second convolution of the first N blocks depthwise-separable (faster; see train/model.py)",
    )
    parser.add_argument(
        "--widths",
        type=lambda text: tuple(int(part) for part in text.split(",")),
        default=(16, 32, 64),
        metavar="A,B,C",
        help="filters of the three convolution blocks",
    )
    parser.add_argument("--dense", type=int, default=128, help="units of the dense layer")
    parser.add_argument(
        "--convs", type=int, choices=(1, 2), default=2, help="convolutions per block (1: the cascade's first stage)"
    )
    parser.add_argument("--teacher", type=Path, default=None, help="a trained .tflite model to distill from")
    parser.add_argument(
        "--init", type=Path, default=None, help="a saved .keras model to train further instead of a fresh one"
    )
    parser.add_argument(
        "--learning-rate", type=float, default=PEAK_LEARNING_RATE, help="peak learning rate (Adam, cosine decay)"
    )
    parser.add_argument("--no-fonts", action="store_true", help="leave out the handwriting fonts (no npm needed)")
    parser.add_argument(
        "--small-digits",
        action="store_true",
        help="the small-digit network's data: camera digits down to 10 px and ruled word pages as negatives",
    )
    parser.add_argument(
        "--float-weights",
        action="store_true",
        help="export float32 weights instead of int8 (as the cascade's first stage is shipped)",
    )
    args = parser.parse_args(argv)
    # Checked before the data is drawn, which takes minutes.
    if len(args.widths) != 3:
        parser.error("--widths takes the filters of three blocks, e.g. 8,16,32")
    if args.convs == 1 and args.separable:
        parser.error("--separable makes a block's second convolution separable; with --convs 1 there is none")
    if args.init and (args.widths, args.dense, args.convs) != ((16, 32, 64), 128, 2):
        parser.error("--init trains a saved network further, in its own shape: drop --widths, --dense and --convs")

    started = time.time()
    (x_train, y_train), (x_test, y_test) = load_mnist(args.mnist_npz)
    if args.limit:
        x_train, y_train = x_train[: args.limit], y_train[: args.limit]
    fonts = [] if args.no_fonts else fetch_fonts(TRAIN_FAMILIES)
    print(
        f"drawing {args.copies} augmented copies of {len(x_train)} digits with {len(fonts)} handwriting fonts ...",
        flush=True,
    )
    copies = draw_training_copies(x_train, y_train, args.copies, args.seed, fonts, args.small_digits)
    print(f"drawn in {time.time() - started:.0f} s", flush=True)
    if args.teacher:
        copies = with_teacher(copies, args.teacher)
        print(f"teacher's probabilities taken from {args.teacher}", flush=True)

    model, epoch_seconds = train(
        copies,
        args.epochs,
        args.seed,
        log=lambda line: print(line, flush=True),
        separable=args.separable,
        widths=args.widths,
        dense=args.dense,
        convs=args.convs,
        distilled=args.teacher is not None,
        init=args.init,
        learning_rate=args.learning_rate,
    )

    from train.evaluate import evaluate_tflite

    args.out.mkdir(parents=True, exist_ok=True)
    save_keras(model, args.out / KERAS_FILE)
    tflite = args.out / TFLITE_FILE
    test_inputs = (x_test.astype(np.float32) / 255.0)[..., None]
    difference = export_tflite(model, tflite, test_inputs[:256], int8_weights=not args.float_weights)
    evaluation = evaluate_tflite(tflite, x_test, y_test)
    normalised = evaluate_tflite(tflite, x_test, y_test, normalise=True)
    print(evaluation, flush=True)
    print(f"through to_mnist_patch: {normalised}", flush=True)
    seconds = time.time() - started
    batch10_ms = litert_batch_ms(tflite, test_inputs[:10])
    command = "python -m train.train " + " ".join(sys.argv[1:] if argv is None else argv)
    card = model_card(
        model,
        evaluation,
        normalised,
        command.strip(),
        epoch_seconds,
        len(x_train),
        seconds,
        describe_source(args.mnist_npz),
        difference,
        batch10_ms,
        args.teacher,
        args.init,
        not args.float_weights,
        args.small_digits,
        args.learning_rate,
    )
    (args.out / CARD_FILE).write_text(card)
    print(f"wrote {args.out / KERAS_FILE}, {args.out / TFLITE_FILE}, {args.out / CARD_FILE}")


if __name__ == "__main__":
    main()
