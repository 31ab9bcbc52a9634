"""A tiny training run through the real entry point: data, augmentation, negatives, export, card.

Never the full training: 300 digits, one epoch, one augmented copy (~15 s).
"""

import io
import zipfile
from pathlib import Path

import cv2
import h5py
import numpy as np
import pytest

from camdigits.config import NOT_A_DIGIT, Config
from camdigits.recognition.classify import DigitClassifier, default_model_path
from tests.pages import mnist_test
from train import negatives
from train import train as training
from train.augment import (
    DIGIT_HEIGHT_PX,
    SMALL_DIGIT_HEIGHT_PX,
    add_writing_styles,
    augment_digits,
    camera_ink,
    font_digits,
)
from train.evaluate import evaluate_tflite
from train.fonts import TRAIN_FAMILIES, fetch_fonts
from train.harvest import ruled_word_blobs, texture_blobs, word_blobs
from train.negatives import HARVESTED, KINDS, NEGATIVE_FRACTION, draw_negative, make_negatives

pytestmark = pytest.mark.train

SHIPPED_KERAS = Path(__file__).resolve().parents[1] / "models" / training.KERAS_FILE
SAME_EXPORT = 5e-3  # largest output difference between two exports of one network (see below)


# The tests that use it are marked slow: the first one trains for about 15 s.
@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("model")
    training.main(["--limit", "300", "--epochs", "1", "--copies", "1", "--out", str(out)])
    return out


@pytest.mark.slow
def test_export_loads_in_litert_and_predicts_probabilities(trained):
    classifier = DigitClassifier(trained / training.TFLITE_FILE)
    x, _ = mnist_test()
    probabilities = classifier.predict((x[:7].astype(np.float32) / 255.0)[..., None])
    assert probabilities.shape == (7, NOT_A_DIGIT + 1)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-4)
    assert classifier.has_reject_class


def weight_types(path):
    """The element types of a .tflite file's tensors, as LiteRT reads them."""
    from ai_edge_litert.interpreter import Interpreter

    return {np.dtype(tensor["dtype"]).name for tensor in Interpreter(model_path=str(path)).get_tensor_details()}


@pytest.mark.slow
def test_the_export_stores_int8_weights(trained):
    assert "int8" in weight_types(trained / training.TFLITE_FILE)


@pytest.mark.slow
def test_the_shipped_network_is_its_keras_file_exported_with_int8_weights(tmp_path):
    """The shipped .tflite is models/camdigits.keras as export_tflite writes it, and reads
    MNIST's test digits as Keras does (the 1-epoch smoke network above is too untrained to
    show it: it reads every digit alike)."""
    import keras

    x, y = mnist_test()
    batch = (x[:1000].astype(np.float32) / 255.0)[..., None]
    model = keras.models.load_model(SHIPPED_KERAS, compile=False)
    path = tmp_path / training.TFLITE_FILE
    assert training.export_tflite(model, path, batch[:256]) <= training.INT8_EXPORT_TOLERANCE
    assert "int8" in weight_types(path)
    expected, actual = model.predict(batch, verbose=0), DigitClassifier(path).predict(batch)
    assert (expected.argmax(axis=1) == actual.argmax(axis=1)).mean() >= 0.998
    assert (actual[:, :NOT_A_DIGIT].argmax(axis=1) == y[:1000]).mean() >= 0.99
    # The same export on another CPU folds the batch norms into constants a float32 ulp apart
    # (TensorFlow's kernels differ by instruction set), and where an int8 rounding of an
    # activation then flips, an output moves by up to about 1e-3; another network's outputs
    # differ by far more than SAME_EXPORT.
    shipped = DigitClassifier(default_model_path()).predict(batch)
    np.testing.assert_allclose(actual, shipped, atol=SAME_EXPORT)
    assert (actual.argmax(axis=1) == shipped.argmax(axis=1)).all()


@pytest.mark.slow
def test_model_card_states_the_figures(trained):
    card = (trained / training.CARD_FILE).read_text()
    for needle in (
        "Official MNIST test accuracy",
        "as a digit classifier",
        "strict",
        "Parameters",
        "--limit 300 --epochs 1",
        "sha256",
        "Date",
        "index 10",
        "int8, dynamic range",
    ):
        assert needle in card
    assert (trained / training.KERAS_FILE).stat().st_size > 0


@pytest.mark.slow
@pytest.mark.parametrize("normalise", [False, True], ids=["as-mnist-comes", "through-to_mnist_patch"])
def test_evaluation_counts_every_digit_once(trained, normalise):
    x, y = mnist_test()
    evaluation = evaluate_tflite(trained / training.TFLITE_FILE, x[:600], y[:600], normalise=normalise)
    assert evaluation.total == 600
    assert 0 <= evaluation.rejected <= evaluation.total - evaluation.correct
    assert f"({evaluation.correct}/600)" in str(evaluation)


@pytest.mark.slow
def test_keras_file_holds_weights_without_optimizer_state(trained):
    with zipfile.ZipFile(trained / training.KERAS_FILE) as archive:
        weights = h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")
        assert "layers" in weights and "optimizer" not in weights


@pytest.mark.slow
def test_a_separable_network_is_distilled_from_a_teacher(tmp_path):
    out = tmp_path / "student"
    training.main(
        [
            "--limit",
            "200",
            "--epochs",
            "1",
            "--copies",
            "1",
            "--separable",
            "2",
            "--teacher",
            str(default_model_path()),
            "--float-weights",
            "--out",
            str(out),
        ]
    )
    card = (out / training.CARD_FILE).read_text()
    assert "distilled from camdigits.tflite" in card and "SepConv16" in card and "SepConv32" in card
    assert "| float32 /" in card and "int8" not in weight_types(out / training.TFLITE_FILE)
    assert "SepConv64" not in card and "Conv64 -> BN -> Conv64" in card
    probabilities = DigitClassifier(out / training.TFLITE_FILE).predict(np.zeros((2, 28, 28, 1), np.float32))
    assert probabilities.shape == (2, NOT_A_DIGIT + 1)


def test_the_cascade_first_stage_architecture_builds_one_convolution_a_block():
    """--widths 8,16,32 --dense 64 --convs 1, as the shipped first stage was trained."""
    from train.model import build_model

    model = build_model((8, 16, 32), 64, convs=1)
    convolutions = [layer.filters for layer in model.layers if layer.__class__.__name__ == "Conv2D"]
    assert convolutions == [8, 16, 32]
    assert model.count_params() < build_model().count_params() / 5
    assert model.output_shape == (None, NOT_A_DIGIT + 1)


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--widths", "8,16"], "three blocks"),
        (["--convs", "1", "--separable", "1"], "with --convs 1 there is none"),
        (["--init", "models/camdigits.keras", "--convs", "1"], "in its own shape"),
    ],
)
def test_options_that_cannot_work_together_are_refused_before_the_data_is_drawn(arguments, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        training.main([*arguments, "--limit", "10"])
    assert stopped.value.code == 2 and message in capsys.readouterr().err


def test_distillation_loss_is_label_and_softened_teacher_terms():
    """The loss against its definition, in numpy: weight x cross-entropy with the label plus
    the rest x T^2 x KL(teacher || student), both softened by T; zero soft term when the
    student already answers as the teacher does."""
    rng = np.random.default_rng(0)
    classes = NOT_A_DIGIT + 1
    labels = rng.integers(0, classes, 5)
    teacher, student = (rng.dirichlet(np.ones(classes), 5).astype(np.float32) for _ in range(2))
    target = np.concatenate([np.eye(classes, dtype=np.float32)[labels], teacher], axis=1)

    def soften(p):
        q = np.exp(np.log(p) / training.DISTILL_TEMPERATURE)
        return q / q.sum(axis=1, keepdims=True)

    hard = -np.log(student[np.arange(5), labels])
    soft = (soften(teacher) * np.log(soften(teacher) / soften(student))).sum(axis=1)
    expected = (
        training.DISTILL_LABEL_WEIGHT * hard
        + (1 - training.DISTILL_LABEL_WEIGHT) * training.DISTILL_TEMPERATURE**2 * soft
    )
    np.testing.assert_allclose(np.asarray(training.distillation_loss(target, student)), expected, rtol=1e-4)
    same = np.asarray(training.distillation_loss(target, teacher))
    np.testing.assert_allclose(same, training.DISTILL_LABEL_WEIGHT * -np.log(teacher[np.arange(5), labels]), rtol=1e-4)


@pytest.mark.parametrize("with_fonts", [False, True], ids=["mnist-only", "fonts"])
def test_training_copies_hold_digits_and_negatives(with_fonts):
    x, y = mnist_test()
    fonts = fetch_fonts(TRAIN_FAMILIES[:3]) if with_fonts else None
    ((inputs, labels),) = training.draw_training_copies(x[:200], y[:200], copies=1, seed=3, fonts=fonts)
    negatives = int(NEGATIVE_FRACTION * 200)
    font_digits = int(training.FONT_DIGIT_FRACTION * 200) if with_fonts else 0
    assert inputs.shape == (200 + font_digits + negatives, 28, 28, 1) and inputs.dtype == np.float32
    assert (labels == NOT_A_DIGIT).sum() == negatives
    assert (np.bincount(labels[labels != NOT_A_DIGIT], minlength=10) >= np.bincount(y[:200], minlength=10)).all()
    assert 0.0 <= inputs.min() and inputs.max() <= 1.0


def test_european_ones_and_crossed_sevens_get_one_more_stroke():
    x, y = mnist_test()
    chosen = np.flatnonzero(np.isin(y, (1, 7)))[:200]
    styled = add_writing_styles(x[chosen], y[chosen], np.random.default_rng(0))
    changed = (styled != x[chosen]).reshape(len(chosen), -1).any(axis=1)
    assert 0.15 <= changed.mean() <= 0.45  # about STYLE_PROBABILITY of them
    added = (styled.astype(int) - x[chosen]).clip(0).reshape(len(chosen), -1).sum(axis=1)
    assert (added[changed] > 255 * 3).all()  # a stroke, not a speck
    others = np.flatnonzero(~np.isin(y, (1, 7)))[:50]
    np.testing.assert_array_equal(add_writing_styles(x[others], y[others], np.random.default_rng(0)), x[others])


def test_font_digits_are_labelled_patches():
    patches, labels = font_digits(40, fetch_fonts(TRAIN_FAMILIES[:4]), np.random.default_rng(1))
    assert patches.shape == (40, 28, 28, 1) and labels.shape == (40,)
    assert set(labels.tolist()) <= set(range(10))
    assert (patches.reshape(40, -1).max(axis=1) > 0.5).all()


@pytest.mark.parametrize(
    "images", [np.zeros((0, 28, 28), np.uint8), np.zeros((3, 28, 28), np.uint8)], ids=["none", "blank"]
)
def test_augmenting_nothing_gives_empty_patches(images):
    patches = augment_digits(images, np.random.default_rng(0), camera_fraction=1.0)
    assert patches.shape == (len(images), 28, 28, 1) and not patches.any()


def test_camera_masks_are_binary_whole_digits_at_camera_size():
    """The camera route must not cut a digit into a fragment (a fragment labelled as the
    digit is label noise), and must produce segmenter-style 0/255 masks."""
    x, _ = mnist_test()
    rng = np.random.default_rng(4)
    fallbacks = 0
    for digit in x[:150]:
        mask = camera_ink(digit, rng)
        if mask is digit:  # no threshold kept the whole digit: the original is used
            fallbacks += 1
            continue
        assert set(np.unique(mask)) <= {0, 255}
        _, _, _, digit_h = cv2.boundingRect(digit)
        _, _, _, mask_h = cv2.boundingRect(mask)
        assert mask_h >= 0.5 * DIGIT_HEIGHT_PX[0] * digit_h / 20
    assert fallbacks <= 3


def test_augmented_digits_stay_mnist_shaped():
    x, _ = mnist_test()
    patches = augment_digits(x[:200], np.random.default_rng(0))[..., 0]
    assert patches.shape == (200, 28, 28)
    offsets = []
    for patch in patches:
        _, _, w, h = cv2.boundingRect((patch > 0.1).astype(np.uint8))
        assert max(w, h) <= 21
        m = cv2.moments(patch)
        offsets.append(max(abs(m["m10"] / m["m00"] - 14), abs(m["m01"] / m["m00"] - 14)))
    # Centred by centre of mass; only very lopsided ink (a stroke broken into a blob and a
    # dot) is clipped at the patch edge and ends off-centre, as in MNIST itself.
    assert np.median(offsets) < 0.5 and np.mean(np.array(offsets) < 2) > 0.95


def test_augmentation_is_reproducible_from_the_seed():
    x, _ = mnist_test()
    a = augment_digits(x[:20], np.random.default_rng(5))
    b = augment_digits(x[:20], np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind not in HARVESTED])
def test_every_drawn_negative_kind_draws_ink(kind):
    x, _ = mnist_test()
    ink = draw_negative(kind, x[:50], np.random.default_rng(1), fetch_fonts(TRAIN_FAMILIES[:2]))
    assert ink.dtype == np.uint8 and set(np.unique(ink)) == {0, 255}


@pytest.mark.parametrize(
    "harvest", [word_blobs, ruled_word_blobs, texture_blobs], ids=["words", "ruled words", "texture"]
)
def test_harvested_negatives_are_the_segmenters_blobs(harvest):
    rng = np.random.default_rng(3)
    blobs = harvest(20, rng) if harvest is texture_blobs else harvest(20, fetch_fonts(TRAIN_FAMILIES[:2]), rng)
    assert len(blobs) == 20
    for blob in blobs:
        assert blob.dtype == np.uint8 and set(np.unique(blob)) <= {0, 255} and blob.any()
        # what passed the candidate filters, less the blurred rim the tightened box leaves out
        assert blob.shape[0] >= Config().min_digit_height - 2


def test_the_small_digit_networks_data_draws_smaller_digits_and_ruled_pages(monkeypatch):
    """`python -m train.train --small-digits`: camera digits from SMALL_DIGIT_HEIGHT_PX, and the
    ruled word kind among the negatives, which the full network's data leaves out."""
    x, _ = mnist_test()
    rng = np.random.default_rng(6)
    small = np.array([cv2.boundingRect(camera_ink(digit, rng, SMALL_DIGIT_HEIGHT_PX))[3] for digit in x[:200]])
    usual = np.array([cv2.boundingRect(camera_ink(digit, rng))[3] for digit in x[:200]])
    # the height drawn is the MNIST box's, so a wide or turned digit's ink is less tall (0.33 / 0.035 measured)
    assert np.mean(small < DIGIT_HEIGHT_PX[0]) >= 0.25 and np.mean(usual < DIGIT_HEIGHT_PX[0]) <= 0.08
    asked: list[int] = []

    def ruled_word_blobs(count, fonts, rng):  # a stand-in: the real pages take a while to draw
        asked.append(count)
        return [np.full((20, 12), 255, np.uint8)] * count

    monkeypatch.setattr(negatives, "ruled_word_blobs", ruled_word_blobs)
    fonts = fetch_fonts(TRAIN_FAMILIES[:2])
    make_negatives(100, x[:50], np.random.default_rng(2), fonts)
    assert asked == []
    assert make_negatives(100, x[:50], np.random.default_rng(2), fonts, ruled=True).shape == (100, 28, 28, 1)
    assert len(asked) == 1 and asked[0] >= 3  # 12 % of the weights


@pytest.mark.parametrize("fonts", [None, TRAIN_FAMILIES[:2]], ids=["no-fonts", "fonts"])
def test_negatives_are_patches(fonts):
    x, _ = mnist_test()
    patches = make_negatives(30, x[:50], np.random.default_rng(2), fetch_fonts(fonts) if fonts else None)
    assert patches.shape == (30, 28, 28, 1)
    assert (patches.reshape(30, -1).max(axis=1) > 0.5).all()


def test_the_letter_networks_data_holds_digits_and_letters_but_no_bare_stroke():
    """`python -m train.letters`: each copy holds its digits, a third as many font digits
    (label 0), and as many letters as both (label 1), from pages of words of all letters and
    from single letters; a bare stroke (an l, an I) is a one to any reader and is left out."""
    from train import letters

    x, y = mnist_test()
    letters._init_worker(x[:60], y[:60], fetch_fonts(TRAIN_FAMILIES[:3]))
    inputs, labels = letters._draw_copy(5)
    assert inputs.shape == (140, 28, 28, 1) and inputs.dtype == np.float32
    assert (labels == 0).sum() == 80 and (labels == 1).sum() == 60
    assert (inputs.reshape(140, -1).max(axis=1) > 0.5).all()
    rng = np.random.default_rng(0)
    drawn = [letters.single_letter(fetch_fonts(TRAIN_FAMILIES[:3]), rng, "lI") for _ in range(20)]
    assert all(ink is None or not letters._bare(ink) for ink in drawn)
    assert sum(ink is None for ink in drawn) >= 10  # most l's and I's are one straight stroke
    blobs = letters.page_letters(10, fetch_fonts(TRAIN_FAMILIES[:3]), rng)
    assert len(blobs) == 10 and not any(letters._bare(blob) for blob in blobs)
