"""Bad input through the command line: one clear line on stderr, a non-zero exit code, no
traceback, and every good image of the same call still read and written in full."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from camdigits.cli import cli
from tests.test_sources import BAD_FILES, encode


@pytest.fixture
def good_pair(scene, tmp_path) -> tuple[Path, Path]:
    """Two readable pages, a png and a jpg, in a folder of their own."""
    folder = tmp_path / "good"
    folder.mkdir()
    png, jpg = folder / "first.png", folder / "last.jpg"
    png.write_bytes(encode(".png", scene.image))
    jpg.write_bytes(encode(".jpg", scene.image))
    return png, jpg


def run_snapshot(tmp_path: Path, *paths: Path):
    outputs = ["--json", str(tmp_path / "out.jsonl"), "--output", str(tmp_path / "out")]
    return CliRunner().invoke(cli, ["snapshot", *map(str, paths), *outputs])


def assert_good_pair_written(scene, tmp_path: Path, good_pair: tuple[Path, Path]) -> None:
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["source"] for r in records] == [str(p) for p in good_pair]
    for record in records:
        scene.check(record)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["first.png", "last.jpg"]


@pytest.mark.parametrize("name, make, message", BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_one_bad_image_among_good_ones(name, make, message, scene, good_pair, tmp_path):
    bad = tmp_path / name
    make(bad)
    result = run_snapshot(tmp_path, good_pair[0], bad, good_pair[1])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # not a crash
    line, summary = result.stderr.splitlines()
    assert line.startswith(f"camdigits: error: {bad}: ") and re.search(message, line)
    assert summary == "3 images: 2 read, 1 failed (see above)"
    assert result.stdout.count("4 digits, numbers: 407, 5") == 2
    assert_good_pair_written(scene, tmp_path, good_pair)


def test_only_bad_images_give_exit_1_and_empty_outputs(tmp_path):
    empty, missing = tmp_path / "empty.png", tmp_path / "missing.jpg"
    empty.write_bytes(b"")
    result = run_snapshot(tmp_path, empty, missing)
    assert result.exit_code == 1
    *errors, summary = result.stderr.splitlines()
    assert [line.split(": ")[2] for line in errors] == [str(empty), str(missing)]
    assert summary == "2 images: 0 read, 2 failed (see above)"
    assert (tmp_path / "out.jsonl").read_text() == "" and list((tmp_path / "out").iterdir()) == []


def test_output_folder_holding_the_inputs_is_not_overwritten(scene, good_pair, tmp_path):
    before = good_pair[0].read_bytes()
    result = CliRunner().invoke(cli, ["snapshot", str(good_pair[0]), "--output", str(good_pair[0].parent)])
    assert result.exit_code == 1 and "not overwriting the input" in result.stderr
    assert good_pair[0].read_bytes() == before


@pytest.mark.parametrize(
    "model_bytes, message",
    [
        (None, "model file not found"),  # missing
        (b"", r"empty file \(0 bytes\), not a .tflite model"),  # empty
        (np.random.default_rng(0).bytes(4096), "not a valid .tflite model"),  # corrupt
    ],
)
def test_missing_or_corrupt_model_exits_2_with_one_line(model_bytes, message, good_pair, tmp_path):
    model = tmp_path / "camdigits.tflite"
    if model_bytes is not None:
        model.write_bytes(model_bytes)
    result = CliRunner().invoke(cli, ["--model", str(model), "snapshot", str(good_pair[0])])
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("camdigits: error: ") and str(model) in line and re.search(message, line)
    assert isinstance(result.exception, SystemExit)
