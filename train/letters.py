"""Train the letter network: a second opinion, for the word context, on whether a blob read as
a digit is a letter.

    python -m train.letters [--epochs 12] [--copies 3] [--out .cache/letters] [--seed 0]

The digit network keeps letters a careful reader could take for a digit (O, l, S, g ...) out
of its "not a digit" class, so that real digits written like them stay digits, and other
letters of hands it never saw it reads as digits all the same (a "u" as a 4 at 0.98). This
network has two outputs, digit (0) and letter (1), and is trained on every letter: a patch
alone cannot settle an O against a 0, but the word context can weigh it where a word stands
beside it (camdigits/recognition/context.py). Its data:

- digits: MNIST_DIGITS training digits a copy, through the digit network's augmentation
  (train/augment.py, camera route included), and a third as many again drawn from the
  training handwriting families, as letters are;
- letters: half cut by the runtime's segmenter from pages of words of all letters in the
  training families (train/harvest.py), half single letters from those families and from
  Hershey stroke fonts (train/glyphs.py), turned and slanted; a bare stroke (an l, an I)
  is left out of both, since it is a one to any reader.

The held-out families (train/fonts.py) are never drawn: the figures printed at the end are
on them and on MNIST's test digits. The exported network (float32 weights) goes to
``--out``; copy its ``camdigits_letters.tflite`` to models/ to ship it.
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import time
from pathlib import Path

import cv2
import numpy as np

from camdigits.config import PATCH_SIZE
from camdigits.recognition.classify import LETTER_CLASSES, LETTER_NETWORK_FILE, DigitClassifier
from camdigits.recognition.normalise import to_mnist_patch, to_mnist_patches
from train.augment import add_writing_styles, augment_digits, font_digits
from train.data import load_mnist
from train.fonts import HELD_OUT_FAMILIES, TRAIN_FAMILIES, draw_glyphs, fetch_fonts
from train.glyphs import draw_text
from train.harvest import PER_FRAME, bare_stroke, cut_blobs, word_page
from train.negatives import BINARISE_AT, CANVAS, CAP_PX, FONTS, HANDWRITING_EM_PX, PEN_PX, slant

ALL_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
MNIST_DIGITS = 30_000  # training digits in each copy (the letters match digits and font digits in number)
FONT_DIGIT_DIVISOR = 3  # MNIST digits per font digit: these are the hands the letters come in
HERSHEY_SHARE = 0.25  # of the single letters, drawn from Hershey strokes rather than a family
EPOCHS = 12
COPIES = 3
WIDTHS = (16, 32, 64)  # one convolution a block, as the cascade's first stage, at the full network's widths
DENSE = 128
SEED = 0
COPY_SEEDS = 7000  # copies are drawn from this seed on
CHECK_LETTERS = 4000  # held-out letters drawn for the figures at the end
CHECK_DIGITS = 3000  # held-out font digits drawn for them


def page_letters(count: int, fonts: list[Path], rng: np.random.Generator) -> list[np.ndarray]:
    """``count`` blobs (uint8 ink masks) cut by the segmenter from pages of words of all letters."""
    blobs: list[np.ndarray] = []
    while len(blobs) < count:
        page = word_page(fonts, rng, letters=ALL_LETTERS)
        blobs.extend(ink for ink in cut_blobs(page, rng, PER_FRAME) if not _bare(ink))
    return blobs[:count]


def single_letter(fonts: list[Path], rng: np.random.Generator, letters: str = ALL_LETTERS) -> np.ndarray | None:
    """One letter of ``letters`` as a binary ink canvas, from a handwriting family or a Hershey
    font, slanted and turned; None where it came out as a bare stroke or empty."""
    char = letters[int(rng.integers(len(letters)))]
    if rng.random() < 1 - HERSHEY_SHARE:
        font = fonts[int(rng.integers(len(fonts)))]
        glyph = draw_glyphs(char, font, int(rng.integers(*HANDWRITING_EM_PX)), int(rng.integers(0, 4)))
    else:
        font = FONTS[int(rng.integers(len(FONTS)))]
        glyph = draw_text(char, font, rng.uniform(*CAP_PX), max(1, int(rng.integers(*PEN_PX)) // 2))
    glyph = glyph[:CANVAS, :CANVAS]
    if not glyph.size:
        return None
    canvas = np.zeros((CANVAS, CANVAS), np.uint8)
    h, w = glyph.shape
    y, x = (CANVAS - h) // 2, (CANVAS - w) // 2
    canvas[y : y + h, x : x + w] = glyph
    ink = np.where(slant(canvas, rng) >= BINARISE_AT, np.uint8(255), np.uint8(0))
    return None if _bare(ink) else ink


def _bare(ink: np.ndarray) -> bool:
    return cv2.countNonZero(ink) == 0 or bare_stroke(ink)


_WORKER_DATA: tuple[np.ndarray, np.ndarray, list[Path]] | None = None


def _init_worker(digits: np.ndarray, labels: np.ndarray, fonts: list[Path]) -> None:
    global _WORKER_DATA
    _WORKER_DATA = digits, labels, fonts


def _draw_copy(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """One shuffled copy: patches float32 (N, 28, 28, 1) and labels (0 digit, 1 letter)."""
    digits, labels, fonts = _WORKER_DATA
    rng = np.random.default_rng(seed)
    augmented = augment_digits(add_writing_styles(digits, labels, rng), rng)
    extra, _ = font_digits(len(digits) // FONT_DIGIT_DIVISOR, fonts, rng)
    inks = page_letters(len(digits) // 2, fonts, rng)
    while len(inks) < len(digits):
        ink = single_letter(fonts, rng)
        if ink is not None:
            inks.append(ink)
    letters = np.zeros((len(inks), PATCH_SIZE, PATCH_SIZE, 1), np.float32)
    for i, ink in enumerate(inks):
        to_mnist_patch(ink, out=letters[i, :, :, 0])
    inputs = np.concatenate([augmented, extra, letters])
    targets = np.concatenate([np.zeros(len(augmented) + len(extra), np.uint8), np.ones(len(letters), np.uint8)])
    order = rng.permutation(len(inputs))
    return inputs[order], targets[order]


def draw_copies(x: np.ndarray, y: np.ndarray, fonts: list[Path], copies: int, seed: int) -> list[tuple]:
    """``copies`` training sets, drawn in worker processes from MNIST_DIGITS of the digits."""
    pick = np.random.default_rng(seed).permutation(len(x))[:MNIST_DIGITS]
    # Spawned, not forked: a forked worker would carry the parent's TensorFlow threads and any
    # LiteRT interpreter it holds (a test process holds several), which crash it when freed.
    context = multiprocessing.get_context("spawn")
    with context.Pool(min(2, copies), initializer=_init_worker, initargs=(x[pick], y[pick], fonts)) as pool:
        return pool.map(_draw_copy, [COPY_SEEDS + seed + i for i in range(copies)])


def check(network: DigitClassifier, x_test: np.ndarray, y_test: np.ndarray, seed: int) -> str:
    """Lines of figures: the share of MNIST's test digits, and of digits and letters of the
    held-out families, that the network calls letters (0.5 or more)."""
    shares = network.predict((x_test[..., None] / 255.0).astype(np.float32))[:, 1]
    lines = [f"MNIST test digits read as letters: {int((shares >= 0.5).sum())} of {len(shares)}"]
    held_out = fetch_fonts(HELD_OUT_FAMILIES)
    rng = np.random.default_rng(seed + 1)
    digits, _ = font_digits(CHECK_DIGITS, held_out, rng)
    digit_shares = network.predict(digits)[:, 1]
    lines.append(f"held-out family digits read as letters: {int((digit_shares >= 0.5).sum())} of {len(digits)}")
    read, drawn = collections.Counter(), collections.Counter()
    for i in range(CHECK_LETTERS):
        char = ALL_LETTERS[i % len(ALL_LETTERS)]
        ink = single_letter(held_out, rng, char)
        if ink is not None:
            drawn[char] += 1
            read[char] += int(network.predict(to_mnist_patches([ink]))[0, 1] >= 0.5)
    lines.append(f"held-out family letters read as letters: {sum(read.values())} of {sum(drawn.values())}")
    lines.append("  " + " ".join(f"{c} {read[c]}/{drawn[c]}" for c in ALL_LETTERS))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--copies", type=int, default=COPIES, help="training sets drawn, cycled by epoch")
    parser.add_argument("--out", type=Path, default=Path(".cache/letters"), help="folder for the model file")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)

    started = time.time()
    (x_train, y_train), (x_test, y_test) = load_mnist()
    fonts = fetch_fonts(TRAIN_FAMILIES)
    copies = draw_copies(x_train, y_train, fonts, args.copies, args.seed)
    print(f"drew {args.copies} sets of {len(copies[0][0])} patches in {time.time() - started:.0f} s", flush=True)

    from train.train import export_tflite, train

    model, epoch_seconds = train(copies, args.epochs, args.seed, widths=WIDTHS, dense=DENSE, convs=1, classes=2)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / LETTER_NETWORK_FILE
    export_tflite(model, path, copies[0][0][:256], int8_weights=False, classes=LETTER_CLASSES)
    seconds = np.mean(epoch_seconds)
    print(f"wrote {path}: {model.count_params():,} parameters, {args.epochs} epochs, {seconds:.0f} s each")
    print(check(DigitClassifier(path, classes=LETTER_CLASSES), x_test, y_test, args.seed))
    print(f"{(time.time() - started) / 60:.1f} min in all")


if __name__ == "__main__":
    main()
