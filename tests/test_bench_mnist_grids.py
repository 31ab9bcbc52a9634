"""bench.mnist_grids: the MNIST test digits in grids on clean paper, scored end to end."""

import numpy as np
import pytest

from bench.mnist_grids import COLUMNS, ROWS, grid_page, main
from train.data import load_mnist_test


def test_a_grid_page_holds_its_digits_in_order_inside_the_page():
    images, labels = load_mnist_test()
    page, truth = grid_page(images[: COLUMNS * ROWS], labels[: COLUMNS * ROWS], height=40)
    assert page.shape == (480, 640) and page.dtype == np.uint8
    assert [label for label, _ in truth] == labels[: COLUMNS * ROWS].tolist()
    assert all(0 < x and x + w < 640 and 0 < y and y + h < 480 for _, (x, y, w, h) in truth)
    xs = [box[0] for _, box in truth[:COLUMNS]]
    assert xs == sorted(xs)  # the first row, left to right


def test_the_first_140_digits_read_at_f1_over_0_98(capsys):
    main(["--digits", "140", "--heights", "24,40"])
    out = capsys.readouterr().out
    rows = {line.split("|")[1].strip(): line.split("|") for line in out.splitlines() if line.startswith("| ")}
    assert rows["24 px"][2].strip() == "2" and rows["24 px"][3].strip() == "140"
    assert rows["all"][3].strip() == "280"
    assert float(rows["all"][7].strip(" *")) >= 0.98


@pytest.mark.parametrize("arguments", [["--digits", "0"], ["--heights", "60"]])
def test_out_of_range_arguments_are_refused(arguments):
    with pytest.raises(SystemExit):
        main(arguments)
