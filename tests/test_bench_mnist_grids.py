"""bench.mnist_grids: the MNIST test digits in grids on clean paper, scored end to end."""

import pytest

from bench.mnist_grids import CELL, COLUMNS, ROWS, SIZE, grid_page, main
from tests.pages import mnist_test


@pytest.mark.parametrize("height", [10, 24, 40])
def test_a_grid_page_holds_its_digits_apart_inside_the_page_at_their_height(height):
    images, labels = mnist_test()
    count = COLUMNS * ROWS
    page, truth = grid_page(images[:count], labels[:count], height)
    assert page.shape == (SIZE[1], SIZE[0])
    assert [label for label, _ in truth] == labels[:count].tolist()
    boxes = [box for _, box in truth]
    assert all(0 < x and x + w < SIZE[0] and 0 < y and y + h < SIZE[1] for x, y, w, h in boxes)
    assert all(0.6 * height <= h <= 1.3 * height for _, _, _, h in boxes)  # MNIST's digits vary in height
    assert all(w < CELL[0] and h < CELL[1] for _, _, w, h in boxes)  # none reaches into the next cell


def test_a_page_holds_at_most_one_grid():
    images, labels = mnist_test()
    with pytest.raises(ValueError, match="up to 70 digits"):
        grid_page(images[:71], labels[:71], 24)


def test_the_first_140_digits_read_at_f1_over_0_98(capsys):
    main(["--digits", "140", "--heights", "24,40"])
    out = capsys.readouterr().out
    rows = {line.split("|")[1].strip(): line.split("|") for line in out.splitlines() if line.startswith("| ")}
    assert rows["24 px"][2].strip() == "2" and rows["24 px"][3].strip() == "140"
    assert rows["all"][3].strip() == "280"
    assert float(rows["all"][7].strip(" *")) >= 0.98


@pytest.mark.parametrize(
    "arguments",
    [["--digits", "0"], ["--digits", "10001"], ["--heights", "9"], ["--heights", "41"], ["--heights", "24,,40"]],
)
def test_out_of_range_arguments_are_refused(arguments, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(arguments)
    assert stopped.value.code == 2
    assert "error:" in capsys.readouterr().err
