"""Sinks, and the loop that feeds them (camdigits.pipeline.run).

These tests are about I/O, so a fake recognizer that returns fixed results stands in for
the model; the CLI tests run the real one.
"""

from __future__ import annotations

import io
import json

import cv2
import numpy as np
import pytest

from camdigits.errors import CamdigitsError, ImageError
from camdigits.io.frames import Frame
from camdigits.io.sinks import AnnotatedImageDir, ConsoleSummary, JsonLinesSink, describe
from camdigits.io.window import WindowSink
from camdigits.types import Digit, FrameResult, Number

SEVEN = Digit(7, 0.98, (10, 10, 20, 30))
FOUR = Digit(4, 0.91, (34, 10, 20, 30))
FIVE = Digit(5, 0.85, (100, 50, 20, 30))


def result(*numbers: tuple[Digit, ...], source: str = "photo.png") -> FrameResult:
    made = tuple(
        Number("".join(str(d.label) for d in ds), min(d.confidence for d in ds), ds[0].box, ds) for ds in numbers
    )
    return FrameResult(160, 120, tuple(d for ds in numbers for d in ds), made, source=source)


def frame(source: str = "photo.png") -> Frame:
    return Frame(np.full((120, 160, 3), 235, np.uint8), source)


@pytest.mark.parametrize(
    "numbers, line",
    [
        ((), "photo.png: no digits"),
        (((SEVEN,),), "photo.png: 1 digit, number: 7"),
        (((SEVEN, FOUR), (FIVE,)), "photo.png: 3 digits, numbers: 74, 5"),
        (((SEVEN,),) * 23, "photo.png: 23 digits, numbers: " + ", ".join(["7"] * 20) + ", ... and 3 more"),
    ],
)
def test_describe(numbers, line):
    assert describe(result(*numbers)) == line


def test_console_summary_prints_one_line_per_frame():
    stream = io.StringIO()
    with ConsoleSummary(stream) as sink:
        sink.write(frame(), result((SEVEN,)))
        sink.write(frame("b.png"), result(source="b.png"))
    assert stream.getvalue() == "photo.png: 1 digit, number: 7\nb.png: no digits\n"


def test_json_lines_are_on_disk_after_each_frame(tmp_path):
    path = tmp_path / "out.jsonl"
    with JsonLinesSink(path) as sink:
        sink.write(frame(), result((SEVEN, FOUR)))
        first = path.read_text().splitlines()  # before close: already on disk
        sink.write(frame("b.png"), result(source="b.png"))
    assert first == [json.dumps(result((SEVEN, FOUR)).to_dict())]
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["source"] for r in records] == ["photo.png", "b.png"]
    assert records[0]["digits"][0] == {"label": 7, "confidence": 0.98, "box": [10, 10, 20, 30]}
    assert records[0]["numbers"] == [{"text": "74", "confidence": 0.91, "box": [10, 10, 20, 30]}]


def test_json_lines_dash_is_stdout_and_stays_open(capsys):
    with JsonLinesSink("-") as sink:
        sink.write(frame(), result())
    assert json.loads(capsys.readouterr().out)["digits"] == []


def test_json_lines_unwritable_path_fails_before_any_work(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(CamdigitsError, match="cannot create its folder"):
        JsonLinesSink(tmp_path / "a-file" / "out.jsonl")
    with pytest.raises(CamdigitsError, match="cannot write JSON Lines"):
        JsonLinesSink(tmp_path)  # a folder, not a file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_json_lines_folder_is_created(tmp_path):
    JsonLinesSink(tmp_path / "new" / "out.jsonl").close()
    assert (tmp_path / "new" / "out.jsonl").is_file()


@pytest.mark.parametrize(
    "sources, names",
    [
        (["scan"], ["scan.png"]),  # no extension
        (["photo.png"], ["photo.png"]),
        (["a/photo.jpg", "b/photo.tif"], ["photo.jpg", "photo.tif"]),
        (["page.xyz"], ["page.png"]),  # a format OpenCV cannot write
        (["a/photo.png", "b/photo.png", "c/PHOTO.png"], ["photo.png", "photo-2.png", "PHOTO-3.png"]),
    ],
)
def test_annotated_file_names_follow_their_inputs(sources, names, tmp_path):
    sink = AnnotatedImageDir(tmp_path)
    assert [sink.output_path(source).name for source in sources] == names


def test_annotated_images_are_written_in_their_input_format(tmp_path):
    with AnnotatedImageDir(tmp_path / "out") as sink:
        sink.write(frame("in/photo.jpg"), result((SEVEN,), source="in/photo.jpg"))
    written = tmp_path / "out" / "photo.jpg"
    assert written.read_bytes()[:2] == b"\xff\xd8"  # a real JPEG
    annotated = cv2.imread(str(written))
    assert annotated.shape == (120, 160, 3) and not np.allclose(annotated, 235, atol=8)


def test_annotated_copy_never_replaces_its_input(tmp_path):
    source = str(tmp_path / "photo.png")
    with pytest.raises(ImageError, match="not overwriting the input"):
        AnnotatedImageDir(tmp_path).write(frame(source), result(source=source))


def test_output_folder_that_is_a_file_fails_before_any_work(tmp_path):
    (tmp_path / "taken").write_text("")
    with pytest.raises(CamdigitsError, match="cannot create the output folder"):
        AnnotatedImageDir(tmp_path / "taken")


@pytest.mark.parametrize(
    "display, message",
    [
        (None, r"no display \(DISPLAY is not set\)"),
        (":1999", "the X display :1999 does not answer"),  # a stale DISPLAY, e.g. in an old tmux
        ("127.0.0.1:1999.0", "the X display 127.0.0.1:1999.0 does not answer"),  # dead ssh -X tunnel
    ],
)
def test_window_without_a_display_says_so_instead_of_aborting(display, message, monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    if display is None:
        monkeypatch.delenv("DISPLAY", raising=False)
    else:
        monkeypatch.setenv("DISPLAY", display)
    with pytest.raises(CamdigitsError, match=message):
        WindowSink()
