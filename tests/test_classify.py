"""The shipped .tflite model under LiteRT: loading, batching, accuracy on MNIST test digits."""

import subprocess
import sys

import numpy as np
import pytest

from camdigits.config import NOT_A_DIGIT
from camdigits.errors import ModelError
from camdigits.recognition.classify import DigitClassifier, default_model_path
from tests.pages import mnist_test


@pytest.fixture(scope="module")
def classifier():
    return DigitClassifier()


def as_batch(images):
    return (images.astype(np.float32) / 255.0)[..., None]


def test_shipped_model_is_found():
    assert default_model_path().is_file()


@pytest.mark.parametrize(
    "content",
    [b"", b"not a model at all\n", None],
    ids=["empty-file", "text-file", "truncated-model"],
)
def test_corrupt_model_raises_model_error(tmp_path, content):
    if content is None:
        content = default_model_path().read_bytes()[:2000]
    path = tmp_path / "broken.tflite"
    path.write_bytes(content)
    with pytest.raises(ModelError, match="broken.tflite"):
        DigitClassifier(path)


def test_missing_model_raises_model_error(tmp_path):
    with pytest.raises(ModelError, match="not found.*nothing.tflite"):
        DigitClassifier(tmp_path / "nothing.tflite")


def test_a_model_file_overwritten_while_running_changes_nothing(tmp_path):
    """A training run writing to the model folder while camdigits runs: the interpreter
    holds the model's bytes, not a map of the file (which crashed the next call)."""
    model = tmp_path / "model.tflite"
    model.write_bytes(default_model_path().read_bytes())
    classifier = DigitClassifier(model)
    patches = np.random.default_rng(0).random((3, 28, 28, 1), dtype=np.float32)
    before = classifier.predict(patches).copy()
    with open(model, "r+b") as file:  # in place, as cp does
        file.write(bytes(len(before.tobytes())) * 64)
    assert np.array_equal(classifier.predict(patches), before)


def test_empty_batch(classifier):
    assert classifier.predict(np.zeros((0, 28, 28, 1), np.float32)).shape == (0, classifier.num_classes)


def test_batch_size_does_not_change_results(classifier):
    x, _ = mnist_test()
    batch = as_batch(x[:70])
    one_by_one = np.concatenate([classifier.predict(batch[i : i + 1]) for i in range(70)])
    for size in (1, 3, 17, 70, 5):
        np.testing.assert_allclose(classifier.predict(batch[:size]), one_by_one[:size], atol=1e-5)


def test_a_batch_larger_than_one_call_takes_is_read_in_order(classifier):
    """Past MAX_BATCH patches the interpreter is called once per block (bounded memory on a
    large photo of a printed page); the rows still come back in order."""
    from camdigits.recognition.classify import MAX_BATCH

    x, y = mnist_test()
    n = 2 * MAX_BATCH + 37
    batch = as_batch(x[:n])
    whole = classifier.predict(batch)
    assert whole.shape == (n, classifier.num_classes)
    blocks = np.concatenate([classifier.predict(batch[i : i + 100]) for i in range(0, n, 100)])
    np.testing.assert_allclose(whole, blocks, atol=1e-5)
    assert (whole[:, :NOT_A_DIGIT].argmax(axis=1) == y[:n]).mean() > 0.98


def test_outputs_are_probabilities(classifier):
    x, _ = mnist_test()
    probabilities = classifier.predict(as_batch(x[:50]))
    assert classifier.num_classes in (NOT_A_DIGIT, NOT_A_DIGIT + 1)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-4)


def test_reads_mnist_test_digits(classifier):
    """Fed MNIST exactly as it comes, the model reads the official test digits."""
    x, y = mnist_test()
    probabilities = np.concatenate([classifier.predict(as_batch(x[i : i + 500])) for i in range(0, 2000, 500)])
    accuracy = (probabilities.argmax(axis=1) == y[:2000]).mean()
    assert accuracy >= 0.99


def test_shipped_model_rejects_shapes_that_are_not_digits(classifier):
    assert classifier.has_reject_class
    shapes = np.zeros((2, 28, 28, 1), np.float32)
    shapes[0, 4:24, 4:24] = 1.0  # a filled square
    shapes[1, 13:15, 4:24] = 1.0  # a plus sign
    shapes[1, 4:24, 13:15] = 1.0
    assert list(classifier.predict(shapes).argmax(axis=1)) == [NOT_A_DIGIT, NOT_A_DIGIT]


def test_import_camdigits_is_light():
    code = (
        "import sys, camdigits, camdigits.recognition.recognizer; "
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_a_source_checkout_finds_the_model_in_the_top_level_models_folder(monkeypatch):
    """Without the installed camdigits.models package (a checkout run in place, as CI's
    oldest-versions venv does), the model is looked for in the repository's models/."""
    import sys

    from camdigits.recognition.classify import MODEL_FILE, default_model_path

    monkeypatch.setitem(sys.modules, "camdigits.models", None)  # makes the import fail
    path = default_model_path()
    assert path.name == MODEL_FILE and path.parent.name == "models" and path.is_file(), path


# --- the cascade: a cheap first stage settles the patches it is sure of -------------------------


@pytest.fixture(scope="module")
def cascade():
    from camdigits.recognition.classify import Cascade, load_classifier

    loaded = load_classifier(None, num_threads=2, first_stage=True)
    assert isinstance(loaded, Cascade)
    return loaded


def test_the_shipped_model_comes_behind_its_first_stage_and_other_models_stand_alone(tmp_path):
    from dataclasses import replace

    from camdigits.config import Config
    from camdigits.recognition.classify import FIRST_STAGE_FILE, Cascade
    from camdigits.recognition.recognizer import Recognizer

    assert default_model_path().with_name(FIRST_STAGE_FILE).is_file()
    assert isinstance(Recognizer().classifier, Cascade)
    assert isinstance(Recognizer(default_model_path()).classifier, Cascade)  # the same file, named
    assert type(Recognizer(config=replace(Config(), first_stage=False)).classifier) is DigitClassifier
    copy = tmp_path / "mine.tflite"  # a user's own model: the first stage was distilled from another
    copy.write_bytes(default_model_path().read_bytes())
    assert type(Recognizer(copy).classifier) is DigitClassifier


def test_the_shipped_model_comes_with_its_small_digit_network_and_other_models_without(tmp_path):
    from dataclasses import replace

    from camdigits.config import Config
    from camdigits.recognition.classify import SMALL_NETWORK_FILE
    from camdigits.recognition.recognizer import Recognizer

    small = Recognizer().small_network
    assert small is not None and small.path.name == SMALL_NETWORK_FILE and small.has_reject_class
    assert Recognizer(config=replace(Config(), first_stage=False)).small_network is not None
    assert Recognizer(config=replace(Config(), small_network=False)).small_network is None
    copy = tmp_path / "mine.tflite"  # a user's own model: the small network was measured beside another
    copy.write_bytes(default_model_path().read_bytes())
    assert Recognizer(copy).small_network is None


def test_the_shipped_model_comes_with_its_letter_network_and_other_models_without(tmp_path):
    from dataclasses import replace

    from camdigits.config import Config
    from camdigits.recognition.classify import LETTER_NETWORK_FILE
    from camdigits.recognition.recognizer import Recognizer

    letters = Recognizer().letter_network
    assert letters is not None and letters.path.name == LETTER_NETWORK_FILE and letters.num_classes == 2
    assert Recognizer(config=replace(Config(), letter_network=False)).letter_network is None
    copy = tmp_path / "mine.tflite"  # a user's own model: the letter network's share was measured beside another
    copy.write_bytes(default_model_path().read_bytes())
    assert Recognizer(copy).letter_network is None


def test_the_letter_network_reads_mnist_digits_as_digits():
    """Of 2,000 MNIST test digits, few read as letters (244 of all 10,000 at 0.5, printed by
    `python -m train.letters`): the word context asks it only beside a word."""
    from camdigits.config import LETTER_SHARE
    from camdigits.recognition.recognizer import Recognizer

    x, _ = mnist_test()
    shares = Recognizer().letter_network.predict(as_batch(x[:2000]))[:, 1]
    assert (shares >= LETTER_SHARE).mean() <= 0.04


def test_the_letter_network_reads_letters_as_letters():
    """Letters no careful reader takes for a digit, in three Hershey fonts (print, script,
    sans): 83 of 84 read as letters (an f as a digit)."""
    from camdigits.config import LETTER_SHARE
    from camdigits.recognition.normalise import to_mnist_patches
    from camdigits.recognition.recognizer import Recognizer
    from train.glyphs import draw_text

    letters = "acdefhkmnpruvwxyAEFHKMNPRWXY"
    inks = [draw_text(char, font, 60, 4) for font in ("rowmans", "scripts", "futural") for char in letters]
    patches = to_mnist_patches([np.where(ink >= 128, 255, 0).astype(np.uint8) for ink in inks])
    shares = Recognizer().letter_network.predict(patches)[:, 1]
    assert (shares >= LETTER_SHARE).mean() >= 0.9


def test_a_two_output_network_is_no_digit_network(tmp_path):
    """--model given the letter network is refused with the usual message, not read as digits."""
    from camdigits.recognition.classify import LETTER_NETWORK_FILE

    with pytest.raises(ModelError, match="expected 10 or 11 class outputs, got shape"):
        DigitClassifier(default_model_path().with_name(LETTER_NETWORK_FILE))


def test_the_cascade_takes_the_first_stage_where_it_is_sure_and_the_full_network_elsewhere(cascade):
    x, _ = mnist_test()
    batch = as_batch(x[:300])
    batch[:40] = np.random.default_rng(1).random((40, 28, 28, 1), dtype=np.float32)  # noise: not digits
    first, full = cascade.first.predict(batch), cascade.full.predict(batch)
    sure = cascade.sure(first)
    seen, settled = cascade.seen, cascade.settled
    combined = cascade.predict(batch)
    np.testing.assert_allclose(combined[sure], first[sure], atol=1e-6)
    np.testing.assert_allclose(combined[~sure], full[~sure], atol=1e-5)
    assert 0 < sure.sum() < len(batch)
    assert (cascade.seen - seen, cascade.settled - settled) == (len(batch), sure.sum())


def test_the_cascade_reads_mnist_as_well_as_the_full_network(cascade):
    """Its settled patches are the ones the full network reads the same way: on 2,000 test
    digits the labels agree on all but a few, and most patches never reach the full network."""
    x, y = mnist_test()
    batch = as_batch(x[:2000])
    settled_before = cascade.settled
    combined, full = cascade.predict(batch), cascade.full.predict(batch)
    assert (combined.argmax(axis=1) == full.argmax(axis=1)).mean() >= 0.998
    assert (combined.argmax(axis=1) == y[:2000]).mean() >= (full.argmax(axis=1) == y[:2000]).mean() - 0.002
    assert (cascade.settled - settled_before) / len(batch) >= 0.5
    assert (cascade.predict(batch[:0])).shape == (0, NOT_A_DIGIT + 1)


def test_a_network_retrained_in_the_shipped_models_place_stands_alone(monkeypatch):
    """The first stage was distilled from one network; another in its place, even under the
    shipped name, must not be paired with it."""
    from camdigits.recognition import classify

    monkeypatch.setattr(classify, "FIRST_STAGE_TEACHER_SHA256", "0" * 64)
    full = classify.load_classifier(None, num_threads=1, first_stage=True)
    assert type(full) is DigitClassifier
    assert classify.load_small_network(full, num_threads=1, enabled=True) is None
    assert classify.load_letter_network(full, num_threads=1, enabled=True) is None


# Each network shipped beside the model: the name of its file in classify, and how its errors begin.
BESIDE = {
    "first stage": ("FIRST_STAGE_FILE", "the cascade's first stage: "),
    "small-digit network": ("SMALL_NETWORK_FILE", "the small-digit network: "),
    "letter network": ("LETTER_NETWORK_FILE", "the letter network: "),
}


@pytest.mark.parametrize("content", [None, b"not a model\n"], ids=["missing", "corrupt"])
@pytest.mark.parametrize("network", list(BESIDE))
def test_a_missing_or_corrupt_network_beside_the_model_is_an_error_naming_it(monkeypatch, tmp_path, content, network):
    """A ModelError, which the CLI prints as its one line and exit code 2 (tests/test_bad_input.py)."""
    from camdigits.recognition import classify

    name, start = getattr(classify, BESIDE[network][0]), BESIDE[network][1]
    model = tmp_path / classify.MODEL_FILE  # the shipped network, in a folder without a good copy of the other
    model.write_bytes(default_model_path().read_bytes())
    if content is not None:
        (tmp_path / name).write_bytes(content)
    monkeypatch.setattr(classify, "default_model_path", lambda: model)
    with pytest.raises(ModelError) as raised:
        if network == "first stage":
            classify.load_classifier(None, num_threads=1, first_stage=True)
        elif network == "letter network":
            classify.load_letter_network(classify.DigitClassifier(None, num_threads=1), num_threads=1, enabled=True)
        else:
            classify.load_small_network(classify.DigitClassifier(None, num_threads=1), num_threads=1, enabled=True)
    message = str(raised.value)
    assert message.startswith(start) and name in message
    assert "pass --model a copy of the model file" in message
