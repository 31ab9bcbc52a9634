"""bench.accuracy: both tables, rows in condition order, the same counts whether the
conditions are shared out among worker processes or not."""

import re

from bench.accuracy import main


def rows(text: str) -> list[str]:
    """The table rows without their timing column."""
    return [
        re.sub(r"\| [0-9.]+ \|$", "|", line)
        for line in text.splitlines()
        if line.startswith("| ") and not line.startswith(("| condition", "| ---"))
    ]


def test_tables_come_out_in_order_and_workers_change_no_figure(capsys):
    arguments = ["--scenes", "2", "--hd-scenes", "1", "--conditions", "touching,empty"]
    main([*arguments, "--workers", "2"])
    shared = capsys.readouterr().out
    main([*arguments, "--workers", "1"])
    alone = capsys.readouterr().out
    assert [row.split("|")[1].strip() for row in rows(shared)] == ["touching", "empty", "touching", "empty"]
    assert "2 scenes per condition at 640x480" in shared and "1 scenes per condition at 1280x720" in shared
    assert rows(shared) == rows(alone)
