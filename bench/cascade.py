"""How sure the cascade's first stage must be: its share of patches settled, and how often
its settled decisions differ from the full network's, per threshold.

    python -m bench.cascade [--scenes 40] [--first PATH] [--thresholds 0.99,0.995,...]

Records every candidate's patch (split halves are read by the full network whatever the
cascade) on bench.scenes' *validation* seeds (from VALIDATION_SEED, never scored by bench.accuracy, which uses
seeds from 0), then classifies them again with the first stage. A decision is what the
pipeline does with a patch's probabilities: its digit and which of the confidence limits
it passes (reported, never cut in two). The thresholds in camdigits.config are
those at which the settled patches' decisions differ on at most MAX_DIFFERENT of all.
The independent field scenes played one part: "not a digit" is held to 0.9999, above the
least that met MAX_DIFFERENT here, after a European zero rejected at 0.9998 lost its number
there (models/MODEL_CARD.md).
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench.scenes import CONDITIONS, render_scene
from camdigits.config import (
    FIRST_STAGE_SURE_DIGIT,
    FIRST_STAGE_SURE_OTHER,
    MIN_SPLIT_ASPECT,
    NOT_A_DIGIT,
    SPLIT_WHEN_WHOLE_BELOW,
    Config,
)
from camdigits.recognition.classify import FIRST_STAGE_FILE, Cascade, DigitClassifier, default_model_path
from camdigits.recognition.recognizer import Recognizer

VALIDATION_SEED = 100_000  # bench.accuracy scores seeds 0-199; these are never scored
THRESHOLDS = (0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999)
MAX_DIFFERENT = 0.002  # share of all patches, settled with a decision other than the full network's


def record_patches(scenes: int, conditions: tuple[str, ...] = tuple(CONDITIONS)) -> tuple[np.ndarray, np.ndarray]:
    """Every candidate's patch on ``scenes`` validation scenes per condition, and whether its
    blob is wide enough to be tried as two touching digits."""
    recognizer = Recognizer(config=replace(Config(), first_stage=False))
    patches, wide = [], []
    for condition in conditions:
        for seed in range(VALIDATION_SEED, VALIDATION_SEED + scenes):
            paper, mask, tilt, rules = recognizer.ink_mask_and_tilt(render_scene(condition, seed).image)
            candidates = recognizer.find(paper, mask, [], rules=rules)
            patches.append(recognizer.patches(candidates, tilt).copy())
            wide.extend(c.box[2] >= MIN_SPLIT_ASPECT * c.box[3] for c in candidates)
    return np.concatenate(patches), np.array(wide, bool)


def decisions(probabilities: np.ndarray, wide: np.ndarray, min_confidence: float) -> np.ndarray:
    """Per patch: its likeliest digit times 3 plus how many of the confidence limits the
    pipeline applies to it (reported; for a wide blob, never cut in two) its probability
    passes; -1 if none."""
    labels = probabilities[:, :NOT_A_DIGIT].argmax(axis=1)
    best = probabilities[np.arange(len(labels)), labels]
    passed = (best >= min_confidence).astype(int) + (wide & (best >= SPLIT_WHEN_WHOLE_BELOW))
    # A digit passing no limit is dropped whatever its label.
    return np.where(passed == 0, -1, labels * 3 + passed)


def table(
    full: np.ndarray, first: np.ndarray, wide: np.ndarray, thresholds: tuple[float, ...], min_confidence: float
) -> list[str]:
    """Per threshold, the patches the first stage settles as digits and as not digits, and
    how many of each the pipeline would treat otherwise than with the full network."""
    differ = decisions(full, wide, min_confidence) != decisions(first, wide, min_confidence)
    best, as_digit = first.max(axis=1), first.argmax(axis=1) != NOT_A_DIGIT
    rows = [
        "| threshold | settled as digits | of them differing | settled as not a digit | of them differing |",
        "| --- | --- | --- | --- | --- |",
    ]
    for threshold in thresholds:
        digits, others = as_digit & (best >= threshold), ~as_digit & (best >= threshold)
        rows.append(
            f"| {threshold} | {digits.mean():.1%} | {int((digits & differ).sum())} "
            f"| {others.mean():.1%} | {int((others & differ).sum())} |"
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=40, help="validation scenes per condition")
    parser.add_argument("--first", type=Path, default=default_model_path().with_name(FIRST_STAGE_FILE))
    parser.add_argument("--thresholds", type=lambda text: tuple(float(t) for t in text.split(",")), default=THRESHOLDS)
    args = parser.parse_args(argv)
    patches, wide = record_patches(args.scenes)
    cascade = Cascade(DigitClassifier(), DigitClassifier(args.first))
    full, first = cascade.full.predict(patches), cascade.first.predict(patches)
    print(
        f"{len(patches)} candidates' patches the full network read on {args.scenes} validation scenes per condition "
        f"of bench.scenes (seeds from {VALIDATION_SEED}); first stage {args.first.name}"
    )
    print("\n".join(table(full, first, wide, args.thresholds, Config().min_confidence)))
    share = differing(full, first, wide, cascade.sure(first))
    print(
        f"\nshipped thresholds: digit {FIRST_STAGE_SURE_DIGIT}, not a digit {FIRST_STAGE_SURE_OTHER}; "
        f"settled with another decision at them: {share:.2%} of all patches "
        f"(at most {MAX_DIFFERENT:.2%} intended)"
    )


def differing(full: np.ndarray, first: np.ndarray, wide: np.ndarray, settled: np.ndarray) -> float:
    """Share of all patches ``settled`` by the first stage with another decision than the full network's."""
    differ = decisions(full, wide, Config().min_confidence) != decisions(first, wide, Config().min_confidence)
    return float((settled & differ).mean())


if __name__ == "__main__":
    main()
