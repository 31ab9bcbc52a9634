"""bench.legibility: reading sheets of missed digits, and a reader's answers scored."""

import json
import re

import numpy as np
import pytest

from bench.field.run import score_scene
from bench.field.scene import render
from bench.legibility import (
    TILE,
    Tile,
    Totals,
    choose,
    crop,
    f1_if_read,
    main,
    parse_answers,
    scene_tiles,
    score_answers,
)
from camdigits.recognition.recognizer import Recognizer


@pytest.mark.parametrize(
    ("text", "answers"),
    [
        ("", {}),
        ("# reader A\n", {}),
        ("0:7 1:4?\n2:0", {0: (7, False), 1: (4, True), 2: (0, False)}),
        ("3:1 # a faint stroke\n4:9?", {3: (1, False), 4: (9, True)}),
    ],
)
def test_answers_are_digits_by_tile_with_guesses_marked(text, answers):
    assert parse_answers(text) == answers


@pytest.mark.parametrize(
    ("text", "message"), [("0:7 0:1", "answered twice"), ("0:77", "index:digit"), ("a:1", "index:digit")]
)
def test_a_malformed_answer_is_named(text, message):
    with pytest.raises(ValueError, match=message):
        parse_answers(text)


def _tiles(missed: int, read: int) -> list[Tile]:
    return [Tile(k, k % 10, (k, 0, 8, 12), k < missed, None if k < missed else k % 10) for k in range(missed + read)]


def test_all_missed_tiles_are_taken_where_there_are_no_more_than_asked_and_the_draw_is_fixed():
    tiles = _tiles(5, 30)
    chosen = choose(tiles, misses=10, hits=4)
    assert sum(tile.missed for tile in chosen) == 5 and len(chosen) == 9
    assert chosen == choose(tiles, misses=10, hits=4)
    assert [tile.missed for tile in chosen] != sorted((tile.missed for tile in chosen), reverse=True)  # shuffled
    assert sum(tile.missed for tile in choose(tiles, misses=3, hits=0)) == 3


def test_a_score_counts_right_readings_and_scales_the_sample_up_to_every_missed_digit():
    # 4 missed tiles standing for 8 missed digits; 2 read right by the reader, one a guess,
    # one of them with no box from the recognizer; 2 read tiles, 1 read right.
    tiles = [
        Tile(0, 3, (0, 0, 9, 12), True, None),
        Tile(0, 5, (20, 0, 9, 12), True, 6),
        Tile(1, 7, (0, 0, 9, 12), True, None),
        Tile(1, 1, (20, 0, 4, 12), True, None),
        Tile(2, 2, (0, 0, 9, 12), False, 2),
        Tile(2, 8, (20, 0, 9, 12), False, 8),
    ]
    totals = Totals(truth=100, hits=90, predicted=95, missed_in_heights=8)
    answers = parse_answers("0:3 1:5? 2:1 3:4 4:2 5:3")
    result = score_answers(tiles, totals, answers)
    assert (result.missed, result.missed_right, result.missed_right_sure) == (4, 2, 1)
    assert (result.read, result.read_right) == (2, 1)
    assert result.gained == (4, 2) and result.gained_sure == (2, 2)  # twice the tiles' counts
    assert f1_if_read(totals, []) == pytest.approx(2 * 90 / 195)
    assert f1_if_read(totals, [result.gained]) == pytest.approx(2 * (90 + 4) / (100 + 95 + 2))
    assert f1_if_read(totals, [result.gained, result.gained_sure]) == pytest.approx(2 * (90 + 6) / (100 + 95 + 4))
    with pytest.raises(ValueError, match=re.escape("1 tiles have no answer (the first: 5)")):
        score_answers(tiles, totals, parse_answers("0:3 1:5 2:1 3:4 4:2"))


def test_a_scenes_tiles_are_its_true_digits_missed_as_the_benchmark_scores_them():
    recognizer = Recognizer()
    scene = render("mixed_sizes", 1, (640, 480))
    tiles, predicted = scene_tiles("mixed_sizes", 1, (640, 480), recognizer)
    counts = score_scene(recognizer.recognize(scene.image), scene)
    assert [(tile.label, tile.box) for tile in tiles] == [(label, tuple(box)) for label, box in scene.digits]
    assert sum(not tile.missed for tile in tiles) == counts.hits
    assert predicted == counts.predicted
    assert any(tile.missed for tile in tiles)  # the page's small digits: not all are read


def test_a_crop_is_a_square_tile_with_the_digit_boxed_in_green_even_at_the_frames_edge():
    image = np.full((480, 640, 3), 230, np.uint8)
    tile = crop(image, (0, 2, 10, 14))
    assert tile.shape == (TILE, TILE, 3)
    green = (tile[:, :, 1] == 200) & (tile[:, :, 0] == 0) & (tile[:, :, 2] == 0)
    rows, columns = np.nonzero(green)
    assert rows.min() < TILE / 2 < rows.max() and columns.min() < TILE / 2 < columns.max()  # round the centre


def test_sheets_and_key_of_two_scenes_then_a_score(tmp_path, capsys):
    out = tmp_path / "sheets"
    main(["sheets", str(out), "--scenes", "2", "--misses", "5", "--hits", "3"])
    key = json.loads((out / "key.json").read_text())
    tiles = key["tiles"]
    assert len(tiles) == 8 and sum(tile["missed"] for tile in tiles) == 5
    assert all(tile["box"][3] < 20 for tile in tiles)
    assert sorted(p.name for p in out.glob("*.png")) == ["sheet-0.png"]
    answers = tmp_path / "answers.txt"
    answers.write_text(" ".join(f"{k}:{tile['label']}" for k, tile in enumerate(tiles)))
    capsys.readouterr()
    main(["score", str(out), str(answers)])
    text = capsys.readouterr().out
    assert "missed digits read right by the reader: 5 of 5" in text
    assert "digits the recognizer read, read right by the reader: 3 of 3" in text


def test_sets_of_disjoint_heights_are_scored_together_and_others_refused(tmp_path, capsys):
    folders = {}
    for name, heights in (("small", "0,20"), ("large", "20,1000"), ("overlap", "15,30")):
        folders[name] = tmp_path / name
        main(["sheets", str(folders[name]), "--scenes", "2", "--misses", "3", "--hits", "0", "--heights", heights])
        tiles = json.loads((folders[name] / "key.json").read_text())["tiles"]
        (tmp_path / f"{name}.txt").write_text(" ".join(f"{k}:{tile['label']}" for k, tile in enumerate(tiles)))
    pairs = {name: [str(folders[name]), str(tmp_path / f"{name}.txt")] for name in folders}
    capsys.readouterr()
    main(["score", *pairs["small"], *pairs["large"]])
    lines = capsys.readouterr().out.splitlines()
    assert "digits 0-19 px tall" in lines[0] and "digits 20 px tall or more" in lines[4]
    alone = [float(line.split("read: ")[1].split()[0]) for line in lines if line.startswith("F1 ")]
    together = float(lines[-1].split("reader read ")[1].split()[0])
    assert len(alone) == 2 and lines[-1].startswith("all 2 sets") and together > max(alone)
    with pytest.raises(SystemExit):
        main(["score", *pairs["small"], *pairs["overlap"]])
    assert "disjoint heights" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["score", str(folders["small"])])
    assert "in pairs" in capsys.readouterr().err


def test_an_incomplete_answer_file_exits_with_one_line(tmp_path, capsys):
    out = tmp_path / "sheets"
    main(["sheets", str(out), "--scenes", "1", "--misses", "2", "--hits", "2"])
    tiles = len(json.loads((out / "key.json").read_text())["tiles"])
    answers = tmp_path / "answers.txt"
    answers.write_text("0:1")
    with pytest.raises(SystemExit) as exit_info:
        main(["score", str(out), str(answers)])
    assert exit_info.value.code == 1
    assert f"{tiles - 1} tiles have no answer (the first: 1)" in capsys.readouterr().err
