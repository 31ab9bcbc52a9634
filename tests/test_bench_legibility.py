"""bench.legibility: reading sheets of missed digits, and a reader's answers scored."""

import re

import numpy as np
import pytest

from bench.field.run import measure, score_scene
from bench.field.scene import render
from bench.legibility.cli import main
from bench.legibility.score import Answers, f1_if_read, parse_answers, score_answers
from bench.legibility.sheets import (
    BOX_MARGIN,
    GREEN,
    PAPER,
    TILE,
    Key,
    Tile,
    Totals,
    choose,
    crop,
    load_key,
    scene_tiles,
)
from camdigits.recognition.recognizer import Recognizer


@pytest.mark.parametrize(
    ("text", "readings", "digest"),
    [
        ("", {}, None),
        ("# reader A\n", {}, None),
        ("0:7 1:4?\n2:0", {0: (7, False), 1: (4, True), 2: (0, False)}, None),
        ("# tiles: 0123456789ab\n3:1 # a faint stroke\n4:9?", {3: (1, False), 4: (9, True)}, "0123456789ab"),
    ],
)
def test_answers_are_digits_by_tile_with_guesses_marked_and_the_tiles_named(text, readings, digest):
    assert parse_answers(text) == Answers(readings, digest)


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
    assert choose([], misses=10, hits=4) == []
    chosen = choose(tiles, misses=10, hits=4)
    assert sum(tile.missed for tile in chosen) == 5 and len(chosen) == 9
    assert chosen == choose(tiles, misses=10, hits=4)
    assert [tile.missed for tile in chosen] != sorted((tile.missed for tile in chosen), reverse=True)  # shuffled
    assert sum(tile.missed for tile in choose(tiles, misses=3, hits=0)) == 3


def _key(tiles: list[Tile], totals: Totals, heights=(0, 20)) -> Key:
    return Key("mixed_sizes", (640, 480), 0, 40, heights, totals, tuple(tiles))


# 4 missed tiles standing for 8 missed digits; answers right on two of them (one a guess,
# one with no box from the recognizer) and on one of the two read tiles.
SCORED = [
    Tile(0, 3, (0, 0, 9, 12), True, None),
    Tile(0, 5, (20, 0, 9, 12), True, 6),
    Tile(1, 7, (0, 0, 9, 12), True, None),
    Tile(1, 1, (20, 0, 4, 12), True, None),
    Tile(2, 2, (0, 0, 9, 12), False, 2),
    Tile(2, 8, (20, 0, 9, 12), False, 8),
]
TOTALS = Totals(truth=100, hits=90, predicted=95, missed_in_heights=8)


def test_a_score_counts_right_readings_and_scales_the_sample_up_to_every_missed_digit():
    result = score_answers(_key(SCORED, TOTALS), parse_answers("0:3 1:5? 2:1 3:4 4:2 5:3"))
    assert (result.missed, result.missed_right, result.missed_right_sure) == (4, 2, 1)
    assert (result.read, result.read_right, result.guesses) == (2, 1, 1)
    assert result.gained == (4, 2) and result.gained_sure == (2, 2)  # twice the tiles' counts
    assert f1_if_read(TOTALS, []) == pytest.approx(2 * 90 / 195)
    assert f1_if_read(TOTALS, [result.gained]) == pytest.approx(2 * (90 + 4) / (100 + 95 + 2))
    assert f1_if_read(TOTALS, [result.gained, result.gained_sure]) == pytest.approx(2 * (90 + 6) / (100 + 95 + 4))


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ("0:3 1:5 2:1 3:4 4:2", "1 tiles have no answer (the first: 5)"),
        ("0:3 1:5 2:1 3:4 4:2 5:3 6:1", "the sheets hold tiles 0-5, the answers name tile 6"),
        ("# tiles: 000000000000\n0:3 1:5 2:1 3:4 4:2 5:3", "the answers were given for tiles 000000000000"),
    ],
)
def test_answers_that_do_not_fit_the_sheets_are_refused(answers, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        score_answers(_key(SCORED, TOTALS), parse_answers(answers))


def test_answers_naming_the_sheets_digest_are_scored():
    key = _key(SCORED, TOTALS)
    result = score_answers(key, parse_answers(f"# tiles: {key.digest}\n0:3 1:5 2:1 3:4 4:2 5:3"))
    assert result.missed_right == 2
    assert _key(SCORED[:5], TOTALS).digest != key.digest


def test_a_scenes_tiles_are_its_true_digits_missed_as_the_benchmark_scores_them():
    recognizer = Recognizer()
    scene = render("mixed_sizes", 1, (640, 480))
    tiles, predicted = scene_tiles("mixed_sizes", 1, (640, 480), recognizer)
    counts = score_scene(recognizer.recognize(scene.image), scene)
    assert [(tile.label, tile.box) for tile in tiles] == [(label, tuple(box)) for label, box in scene.digits]
    assert sum(not tile.missed for tile in tiles) == counts.hits
    assert predicted == counts.predicted
    assert any(tile.missed for tile in tiles)  # the page's small digits: not all are read


def _green_box(tile: np.ndarray) -> tuple[int, int, int, int]:
    rows, columns = np.nonzero(np.all(tile == GREEN, axis=2))
    return rows.min(), rows.max(), columns.min(), columns.max()


@pytest.mark.parametrize("box", [(300, 200, 10, 14), (0, 2, 10, 14), (625, 460, 15, 20)])
def test_a_crop_boxes_the_digits_ink_tightly_and_shows_white_beyond_the_frame(box):
    image = np.full((480, 640, 3), 200, np.uint8)
    x, y, w, h = box
    image[y : y + h, x : x + w] = 20  # the "digit": a dark block filling its box
    tile = crop(image, box)
    assert tile.shape == (TILE, TILE, 3)
    top, bottom, left, right = _green_box(tile)
    dark_rows, dark_columns = np.nonzero(np.all(tile < 60, axis=2))  # the green box has no blue: not dark
    assert (
        top < dark_rows.min() and dark_rows.max() < bottom and left < dark_columns.min() and dark_columns.max() < right
    )
    scale = TILE / max(3 * max(w, h), 36)
    assert (
        abs((bottom - top) - (h * scale + 2 * BOX_MARGIN)) <= 2
        and abs((right - left) - (w * scale + 2 * BOX_MARGIN)) <= 2
    )
    if x == 0 or y + h == 480 or x + w == 640:
        assert np.any(np.all(tile == PAPER, axis=2))  # beyond the frame: white, not the edge smeared
    else:
        assert not np.any(np.all(tile == PAPER, axis=2))


def test_a_keys_totals_are_the_benchmarks_counts_and_its_tiles_its_misses_of_those_heights(tmp_path, capsys):
    out = tmp_path / "sheets"
    main(["sheets", str(out), "--scenes", "3", "--misses", "5", "--hits", "3", "--heights", "0,20"])
    key = load_key(out)
    counts = measure(["mixed_sizes"], 3, (640, 480))["mixed_sizes"]
    assert (key.totals.truth, key.totals.hits, key.totals.predicted) == (counts.truth, counts.hits, counts.predicted)
    recognizer = Recognizer()
    tiles = [tile for seed in range(3) for tile in scene_tiles("mixed_sizes", seed, (640, 480), recognizer)[0]]
    assert key.totals.missed_in_heights == sum(tile.missed and tile.box[3] < 20 for tile in tiles)
    assert len(key.tiles) == 8 and sum(tile.missed for tile in key.tiles) == 5
    assert all(tile.box[3] < 20 and tile in tiles for tile in key.tiles)
    assert sorted(p.name for p in out.glob("*.png")) == ["sheet-0.png"]
    assert key.digest in capsys.readouterr().out
    answers = tmp_path / "answers.txt"
    answers.write_text(f"# tiles: {key.digest}\n" + " ".join(f"{k}:{tile.label}" for k, tile in enumerate(key.tiles)))
    main(["score", str(out), str(answers)])
    text = capsys.readouterr().out
    assert "missed digits read right by the reader: 5 of 5\n" in text  # no guesses marked: no count of them
    assert "digits the recognizer read, read right by the reader: 3 of 3" in text
    assert f"F1 {counts.f1:.3f};" in text


def test_more_tiles_than_a_sheet_holds_go_on_a_second_sheet_and_stale_sheets_go(tmp_path, capsys):
    out = tmp_path / "sheets"
    out.mkdir()
    (out / "sheet-5.png").write_bytes(b"another set's sheet")
    main(["sheets", str(out), "--scenes", "2", "--misses", "20", "--hits", "30", "--heights", "0,1000"])
    assert 24 < len(load_key(out).tiles) <= 48
    assert sorted(p.name for p in out.glob("*.png")) == ["sheet-0.png", "sheet-1.png"]


@pytest.fixture(scope="module")
def sets(tmp_path_factory):
    """Sheets of two scenes for three height spans, each with answers that name the truth."""
    folder = tmp_path_factory.mktemp("sets")
    pairs = {}
    for name, heights in (("small", "0,20"), ("large", "20,1000"), ("overlap", "15,30")):
        out = folder / name
        main(["sheets", str(out), "--scenes", "2", "--misses", "3", "--hits", "0", "--heights", heights])
        key = load_key(out)
        answers = folder / f"{name}.txt"
        answers.write_text(" ".join(f"{k}:{tile.label}" for k, tile in enumerate(key.tiles)))
        pairs[name] = [str(out), str(answers)]
    main(["sheets", str(folder / "other"), "--scenes", "2", "--condition", "clean", "--misses", "3", "--hits", "0"])
    (folder / "other.txt").write_text(
        " ".join(f"{k}:{t.label}" for k, t in enumerate(load_key(folder / "other").tiles))
    )
    pairs["other"] = [str(folder / "other"), str(folder / "other.txt")]
    return pairs


def test_sets_of_disjoint_heights_are_scored_together(sets, capsys):
    capsys.readouterr()
    main(["score", *sets["small"], *sets["large"]])
    lines = capsys.readouterr().out.splitlines()
    assert "digits 0-19 px tall" in lines[0] and "digits 20 px or taller" in lines[4]
    alone = [float(line.split("read: ")[1].split(";")[0]) for line in lines if line.startswith("F1 ")]
    together = float(lines[-1].split("reader read ")[1].split()[0])
    assert len(alone) == 2 and lines[-1].startswith("all 2 sets") and together > max(alone)


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["small", "overlap"], "disjoint heights"),
        (["small", "other"], "one condition, size and seeds"),
        (["small"], "in pairs"),
    ],
)
def test_sets_that_do_not_add_up_are_refused_in_one_line_before_any_score(sets, capsys, names, message):
    pairs = [part for name in names for part in sets[name]][: 1 if names == ["small"] else None]
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main(["score", *pairs])
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err and len(captured.err.splitlines()) == 1


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no key", "no key.json in"),
        ("broken key", "is not a bench.legibility key"),
        ("no answers", "No such file"),
        ("short answers", "tiles have no answer (the first: 1)"),
    ],
)
def test_a_missing_or_broken_file_exits_with_one_line(sets, tmp_path, capsys, setup, message):
    out, answers = sets["small"]
    if setup == "no key":
        out = str(tmp_path)
    elif setup == "broken key":
        (tmp_path / "key.json").write_text('{"condition": "mixed_sizes"}')
        out = str(tmp_path)
    elif setup == "no answers":
        answers = str(tmp_path / "absent.txt")
    else:
        answers = str(tmp_path / "short.txt")
        (tmp_path / "short.txt").write_text("0:1")
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main(["score", out, answers])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    "arguments",
    [
        ["--heights", "30,10"],
        ["--heights", "20"],
        ["--size", "640"],
        ["--misses", "-1"],
        ["--scenes", "0"],
        ["--condition", "noise"],
    ],
)
def test_bad_sheet_arguments_are_usage_errors(tmp_path, capsys, arguments):
    with pytest.raises(SystemExit) as exit_info:
        main(["sheets", str(tmp_path / "out"), *arguments])
    assert exit_info.value.code == 2
    assert not (tmp_path / "out").exists()
