"""camdigits snapshot --workers: images read and recognised in worker processes give the
same bytes, in the same order, as reading them one after another in this process."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner

from camdigits import cli as cli_module
from camdigits.cli import cli
from camdigits.config import Config
from camdigits.io.frames import SkippedInput
from camdigits.io.images import read_image
from camdigits.parallel import RecognizerPool
from camdigits.recognition.classify import default_model_path
from tests.pages import first_of_each_label, page_with_row
from tests.test_hostile import whole_json_lines

REPO = Path(__file__).resolve().parent.parent
SAMPLE_PAGE = REPO / "sample_images" / "page.jpg"
# (width, height) of each rendered page: a webcam frame, HD, and a portrait phone photo.
PAGE_SIZES = ((640, 480), (1280, 720), (900, 1600))


def rendered_pages(folder: Path) -> list[Path]:
    """Pages of real MNIST digits, each a different row and size, as png and jpg."""
    indices = first_of_each_label()
    paths = []
    for n, size in enumerate(PAGE_SIZES):
        page, _ = page_with_row([indices[(n * 3 + k) % 10] for k in range(4)])
        path = folder / f"page{n}{'.png' if n % 2 else '.jpg'}"
        cv2.imwrite(str(path), cv2.resize(page, size, interpolation=cv2.INTER_AREA))
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[Path]:
    """The sample photo, rendered pages, and an unreadable file in the middle."""
    folder = tmp_path_factory.mktemp("inputs")
    broken = folder / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n not really a png")
    first, *rest = rendered_pages(folder)
    return [SAMPLE_PAGE, first, broken, *rest]


def run_snapshot(inputs: list[Path], out: Path, workers: int):
    args = [
        "snapshot",
        *map(str, inputs),
        "--workers",
        str(workers),
        "--json",
        str(out / "out.jsonl"),
        "--output",
        str(out / "annotated"),
    ]
    return CliRunner().invoke(cli, args)


def test_two_workers_write_the_same_bytes_in_input_order(inputs, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    serial, parallel = run_snapshot(inputs, one, 1), run_snapshot(inputs, two, 2)
    assert serial.exit_code == parallel.exit_code == 1  # the broken file
    assert (one / "out.jsonl").read_bytes() == (two / "out.jsonl").read_bytes()
    records = whole_json_lines(two / "out.jsonl")
    assert [r["source"] for r in records] == [str(p) for p in inputs if p.name != "broken.png"]
    assert all(r["digits"] for r in records)
    names = sorted(p.name for p in (one / "annotated").iterdir())
    assert names == sorted(p.name for p in inputs if p.name != "broken.png")
    for name in names:
        assert (one / "annotated" / name).read_bytes() == (two / "annotated" / name).read_bytes(), name
    # Console lines and the error line interleave in input order, as with one worker.
    assert parallel.output == serial.output
    lines = parallel.output.splitlines()
    assert [line.split(":")[0] for line in lines[: len(inputs)]] == [
        *[str(p) for p in inputs[:2]],
        "camdigits",
        *[str(p) for p in inputs[3:]],
    ]
    assert lines[2].startswith(f"camdigits: error: {inputs[2]}: not a readable image")
    assert lines[-1] == f"{len(inputs)} images: {len(inputs) - 1} read, 1 failed (see above)"


def test_json_only_gives_the_same_bytes_without_sending_pixels_back(inputs, tmp_path):
    outputs = []
    for workers in (1, 2):
        path = tmp_path / f"{workers}.jsonl"
        args = ["snapshot", *map(str, inputs), "--workers", str(workers), "--json", str(path)]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0].count(b"\n") == len(inputs) - 1


def test_one_image_starts_no_pool(monkeypatch, tmp_path):
    def no_pool(*args, **kwargs):
        raise AssertionError("a pool was started for one image")

    monkeypatch.setattr(cli_module, "RecognizerPool", no_pool)
    result = CliRunner().invoke(cli, ["snapshot", str(SAMPLE_PAGE), "--workers", "2"])
    assert result.exit_code == 0 and result.output.startswith(f"{SAMPLE_PAGE}: 8 digits")


def test_read_each_keeps_pixels_only_when_asked(inputs):
    with RecognizerPool(default_model_path(), Config(), workers=2) as pool:
        kept = list(pool.read_each(map(str, inputs), Config.max_megapixels, keep_images=True))
        blank = list(pool.read_each(map(str, inputs), Config.max_megapixels, keep_images=False))
    assert isinstance(kept[2], SkippedInput) and isinstance(blank[2], SkippedInput)
    assert kept[2].source == str(inputs[2]) and "not a readable image" in str(kept[2].error)
    for path, (frame, result), (shape_only, same) in zip(
        inputs[:2] + inputs[3:], kept[:2] + kept[3:], blank[:2] + blank[3:], strict=True
    ):
        assert frame.source == shape_only.source == str(path)
        assert np.array_equal(frame.image, read_image(path))
        assert shape_only.image.shape == frame.image.shape and not shape_only.image.flags.writeable
        assert result == same


def test_sigterm_leaves_whole_json_lines(tmp_path):
    page, _ = page_with_row(first_of_each_label()[:5])
    path = tmp_path / "page.png"
    cv2.imwrite(str(path), cv2.resize(page, (1280, 720)))
    jsonl = tmp_path / "out.jsonl"
    count = 400
    command = [
        sys.executable,
        "-m",
        "camdigits",
        "snapshot",
        *[str(path)] * count,
        "--workers",
        "2",
        "--json",
        str(jsonl),
    ]
    process = subprocess.Popen(
        command,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not (jsonl.exists() and len(jsonl.read_text().splitlines()) >= 5):
            assert time.monotonic() < deadline and process.poll() is None, process.communicate()
            time.sleep(0.02)
        os.killpg(process.pid, signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 128 + signal.SIGTERM
    assert stderr.splitlines() == ["camdigits: stopped by SIGTERM; the outputs written so far are closed and complete"]
    assert 5 <= len(whole_json_lines(jsonl)) < count
