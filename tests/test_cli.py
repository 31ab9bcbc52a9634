"""The command line, with the real recognizer and the shipped model on real MNIST digits."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner, Result

from camdigits import __version__
from camdigits.cli import cli, video_summary
from camdigits.config import Config
from camdigits.errors import ModelError
from camdigits.io.annotate import DIGIT_COLOUR
from camdigits.recognition.classify import default_model_path
from camdigits.recognition.recognizer import Recognizer
from tests.test_sources import FORMATS, encode

REPO = Path(__file__).resolve().parent.parent


def snapshot(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["snapshot", *map(str, args)], catch_exceptions=False)


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def page(scene, tmp_path) -> Path:
    path = tmp_path / "page.png"
    path.write_bytes(encode(".png", scene.image))
    return path


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_yields_the_digits(name, scene, make_png, tmp_path):
    path = tmp_path / "page.img"
    path.write_bytes(FORMATS[name][0](scene.image, make_png))
    result = snapshot(path, "--json", tmp_path / "out.jsonl")
    assert result.exit_code == 0, result.output
    [record] = records(tmp_path / "out.jsonl")
    scene.check(record)
    assert record["source"] == str(path)


def test_readable_line_per_image(page, tmp_path):
    other = tmp_path / "blank.jpg"
    other.write_bytes(encode(".jpg", np.full((480, 640, 3), 235, np.uint8)))
    result = snapshot(page, other)
    assert result.exit_code == 0
    assert result.stdout == f"{page}: 4 digits, numbers: 407, 5\n{other}: no digits\n"


def test_json_to_stdout_leaves_stdout_pure_json(page, scene):
    result = snapshot(page, page, "--json", "-")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    for line in lines:
        scene.check(json.loads(line))
    assert result.stderr.count("4 digits, numbers: 407, 5") == 2


def test_output_folder_gets_annotated_copies_named_after_inputs(page, scene, tmp_path):
    unicode_jpg = tmp_path / "zähler 7.jpg"
    unicode_jpg.write_bytes(encode(".jpg", scene.image))
    result = snapshot(page, unicode_jpg, "--output", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["page.png", "zähler 7.jpg"]
    annotated = cv2.imdecode(np.fromfile(tmp_path / "out" / "page.png", np.uint8), cv2.IMREAD_COLOR)
    assert annotated.shape == scene.image.shape
    x, y, w, h = scene.digits[0][1]
    assert np.all(annotated[y - 3 : y + h + 3, x - 3 : x + w + 3] == DIGIT_COLOUR, axis=2).sum() > 2 * (w + h)


def test_group_options_reach_the_recognizer(page, monkeypatch):
    made = []

    class RecordingRecognizer(Recognizer):
        def __init__(self, model_path=None, config=None):
            made.append((model_path, config))
            super().__init__(model_path, config)

    monkeypatch.setattr("camdigits.cli.Recognizer", RecordingRecognizer)
    model = str(default_model_path())
    result = CliRunner().invoke(cli, ["--model", model, "--min-confidence", "0.9", "snapshot", str(page)])
    assert result.exit_code == 0
    assert made == [(model, replace(Config(), min_confidence=0.9))]


@pytest.fixture
def recognizer_arguments(monkeypatch) -> list:
    """The (model, config) every command builds its Recognizer with; the command then stops
    with a ModelError (exit code 2) before it reads anything."""
    made = []

    def record(model_path=None, config=None):
        made.append((model_path, config))
        raise ModelError("recorded", "test")

    monkeypatch.setattr("camdigits.cli.Recognizer", record)
    return made


SHIPPED = str(default_model_path())


@pytest.mark.parametrize(
    "before, after, model, min_confidence",
    [
        ([], [], None, Config.min_confidence),
        (["--min-confidence", "0.9"], [], None, 0.9),
        ([], ["--min-confidence", "0.8"], None, 0.8),
        (["--min-confidence", "0.9"], ["--min-confidence", "0.8"], None, 0.8),
        ([], ["--model", SHIPPED], SHIPPED, Config.min_confidence),
        (["--model", "other.tflite"], ["--model", SHIPPED], SHIPPED, Config.min_confidence),
        (["--model", SHIPPED, "--min-confidence", "0.6"], ["--min-confidence", "0.95"], SHIPPED, 0.95),
    ],
    ids=["none", "group", "command", "command-wins", "model-after", "model-after-wins", "mixed"],
)
@pytest.mark.parametrize(
    "command",
    [["snapshot", "page.png"], ["video", "clip.mp4", "--json", "-"], ["webcam", "--no-display", "--json", "-"]],
    ids=lambda c: c[0],
)
def test_recognition_options_after_the_command_win(command, before, after, model, min_confidence, recognizer_arguments):
    result = CliRunner().invoke(cli, [*before, *command, *after])
    assert result.exit_code == 2, result.output
    assert result.stderr == "camdigits: error: recorded (test)\n"
    assert recognizer_arguments == [(model, replace(Config(), min_confidence=min_confidence))]


def test_serve_takes_the_options_after_the_command(monkeypatch):
    pytest.importorskip("fastapi")
    served = []
    monkeypatch.setattr("camdigits.web.server.serve", lambda web, *args, **kwargs: served.append(web))
    result = CliRunner().invoke(
        cli, ["--min-confidence", "0.9", "serve", "--model", SHIPPED, "--min-confidence", "0.75", "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    [web] = served
    assert (web.model, web.config) == (SHIPPED, replace(Config(), min_confidence=0.75))


@pytest.mark.parametrize("value", ["-0.1", "1.5", "high"])
@pytest.mark.parametrize("where", ["before", "after"])
def test_min_confidence_out_of_range_is_a_usage_error(value, where, page):
    option = ["--min-confidence", value]
    args = [*option, "snapshot", str(page)] if where == "before" else ["snapshot", str(page), *option]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and "--min-confidence" in result.output


@pytest.fixture(scope="module")
def short_clip(tmp_path_factory) -> Path:
    from tests.test_video_mode import write_clip

    return write_clip(tmp_path_factory.mktemp("clip") / "short.mp4", frames=6)


SUMMARY = r"(?P<name>.+): (?P<frames>\d+) frames read in (?P<seconds>[\d.]+) s \((?P<fps>[\d.]+) fps\); (?P<wrote>.+)"


@pytest.mark.parametrize(
    "outputs, wrote",
    [
        (["--json", "-"], "wrote JSON Lines to stdout"),
        (["--json", "{tmp}/out.jsonl"], "wrote {tmp}/out.jsonl"),
        (["--output", "{tmp}/out.mp4", "--json", "{tmp}/out.jsonl"], "wrote {tmp}/out.mp4, {tmp}/out.jsonl"),
    ],
    ids=["stdout", "json", "video-and-json"],
)
@pytest.mark.parametrize("every, frames", [(1, 6), (4, 2)])
def test_video_ends_with_a_summary_line_when_stderr_is_not_a_terminal(
    short_clip, tmp_path, outputs, wrote, every, frames
):
    args = [arg.format(tmp=tmp_path) for arg in outputs]
    result = CliRunner().invoke(cli, ["video", str(short_clip), *args, "--every", str(every), "--workers", "1"])
    assert result.exit_code == 0, result.output
    [line] = result.stderr.splitlines()  # CliRunner's stderr is no terminal: no progress bar
    match = re.fullmatch(SUMMARY, line)
    assert match, line
    assert match["name"] == str(short_clip) and int(match["frames"]) == frames
    assert match["wrote"] == wrote.format(tmp=tmp_path)
    assert float(match["fps"]) > 0  # a few frames take milliseconds: the rounded seconds may read 0.00
    if outputs[1] == "-":
        assert len(result.stdout.splitlines()) == frames  # stdout stays pure JSON


def test_video_summary_without_files():
    assert video_summary("clip.mp4", 0, 0.0, [None, None]) == (
        "clip.mp4: 0 frames read in 0.00 s (0.0 fps); no files written"
    )
    assert video_summary("a.mp4", 30, 2.0, ["b.mp4", None]) == "a.mp4: 30 frames read in 2.00 s (15.0 fps); wrote b.mp4"


def test_camera_error_gives_the_linux_hint(tmp_path):
    result = CliRunner().invoke(cli, ["webcam", "--camera", "99", "--no-display", "--json", str(tmp_path / "x.jsonl")])
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("camdigits: error: camera 99: cannot open it (try another --camera index")
    for hint in (
        "on Linux",
        "/dev/video*",
        "video group",
        "usermod -aG video",
        "v4l2-ctl --list-devices",
        "on macOS",
        "on Windows",
    ):
        assert hint in line, hint


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_show_without_a_display_fails_once_and_writes_the_rest(page, scene, tmp_path, monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    result = snapshot(page, "--show", "--json", tmp_path / "out.jsonl", "--output", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "camdigits: error: cannot open a window: no display (DISPLAY is not set) "
        "(drop --show; the other outputs are still written)"
    ]
    scene.check(records(tmp_path / "out.jsonl")[0])
    assert (tmp_path / "out" / "page.png").is_file()


def run_module(*args: str, env: dict | None = None, **popen) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "camdigits", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        **popen,
    )


def test_python_m_camdigits_help():
    done = run_module("--help")
    assert done.returncode == 0 and "snapshot" in done.stdout and done.stderr == ""


def test_python_m_camdigits_snapshot_exit_code_and_no_traceback(page, tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(page.read_bytes()[:500])
    done = run_module("snapshot", broken, page)
    assert done.returncode == 1
    assert done.stdout == f"{page}: 4 digits, numbers: 407, 5\n"
    assert done.stderr.splitlines() == [
        f"camdigits: error: {broken}: not a readable image (is it truncated, or not a png, jpg, bmp, tiff "
        "or webp file? try opening it in an image viewer)",
        "2 images: 1 read, 1 failed (see above)",
    ]


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.gui
def test_show_steps_through_images_and_q_stops(virtual_display, page, tmp_path):
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "PYTHONPATH": str(REPO), "DISPLAY": virtual_display}
    command = [sys.executable, "-m", "camdigits", "snapshot", *[str(page)] * 3, "--show", "--json", str(out)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def press(key: str) -> None:
        window = subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "^camdigits"],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.split()[0]
        subprocess.run(["xdotool", "key", "--window", window, key], env=env, check=True, timeout=30)

    try:
        wait_for(lambda: out.exists() and len(out.read_text().splitlines()) == 1)
        press("space")  # any key: next image
        wait_for(lambda: len(out.read_text().splitlines()) == 2)
        press("q")  # stop: the third image is never read
        stdout, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    assert len(records(out)) == 2 and stdout.count("4 digits") == 2
