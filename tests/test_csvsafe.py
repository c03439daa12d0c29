"""Formula-safe CSV (electsim._csvsafe) and every CSV writer of the ``electsim`` command.

OWASP, "CSV Injection" (https://owasp.org/www-community/attacks/CSV_Injection): a cell that
begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula by
spreadsheets; prefixing a single quote makes it text.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from electsim._csvsafe import FORMULA_PREFIXES, csv_text, safe_cell
from electsim.cli import main

EVIL = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]


@pytest.mark.parametrize("text", [*EVIL, "\t=1", "\r=1"])
def test_text_starting_with_a_formula_character_is_quoted(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-5, -5),  # numbers stay numbers
        (-0.25, -0.25),
        (np.int64(-7), -7),
        (np.float64(-1.5), -1.5),
        (True, True),
        (None, ""),
        ("Birimdik", "Birimdik"),
        ("a=b", "a=b"),  # only the first character matters
        ("#1", "#1"),  # a comment prefix only matters at the start of a row
        (["-a", "b"], "'-a;b"),
    ],
)
def test_numbers_and_harmless_text_are_unchanged(value: Any, expected: Any) -> None:
    out = safe_cell(value)
    assert out == expected and type(out) is type(expected)


def test_csv_text_escapes_header_and_first_column_and_keeps_numbers() -> None:
    text = csv_text([{"=name": "#hash", "n": -5, "@x": "-cmd"}], comments={"electsim": "0.1.0\nx"})
    lines = text.splitlines()
    assert lines[0] == "# electsim: 0.1.0 x"  # one line per key
    rows = list(csv.reader(lines[1:]))
    assert rows == [["'=name", "n", "'@x"], ["'#hash", "-5", "'-cmd"]]
    assert csv_text([]) == ""


def cells(text: str) -> list[str]:
    """Every cell of CSV output (header included), provenance comment lines skipped."""
    body = [line for line in io.StringIO(text) if not line.startswith("#")]
    return [c for row in csv.reader(body) for c in row]


@pytest.fixture(scope="module")
def evil_csv(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("evil") / "evil.csv"
    path.write_text(
        f"region,{','.join(_quote(n) for n in EVIL)},invalid\n"
        "North,5000,500,1500,3000,100\nSouth,4000,0,1000,2000,100\n",
        encoding="utf-8",
    )
    return str(path)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"' if '"' in name or "," in name else name


@pytest.mark.parametrize(
    "args",
    [
        ("allocate", "--seats", "10"),
        ("compare", "--seats", "10", "--threshold", "5%", "10%"),
        ("breakpoints", "--seats", "10", "--from", "0%", "--to", "20%"),
        ("tipping", "--seats", "10", "--threshold", "5%", "--target", "passes:+cmd|' /C calc'!A0",
         "--action", "switch:-2+3:+cmd|' /C calc'!A0"),
        ("simulate", "--seats", "10", "--draws", "20", "--seed", "1"),
    ],
)  # fmt: skip
def test_every_cli_csv_writer_is_formula_safe(
    evil_csv: str, args: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*args, "--csv", evil_csv, "--format", "csv"]) == 0
    out = capsys.readouterr().out
    found = cells(out)
    bad = [c for c in found if c.startswith(FORMULA_PREFIXES)]
    assert bad == []
    # the party names are there, as text
    assert any(c.startswith("'") and c[1:] in EVIL for c in found) or args[0] == "tipping"


def test_tipping_csv_keeps_the_plan(evil_csv: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["tipping", "--csv", evil_csv, "--seats", "10", "--threshold", "5%"]
    args += ["--target", f"passes:{EVIL[1]}", "--action", f"switch:-2+3:{EVIL[1]}"]
    args += ["--format", "csv"]
    assert main(args) == 0
    rows = list(
        csv.DictReader(
            line for line in io.StringIO(capsys.readouterr().out) if not line.startswith("#")
        )
    )
    # +cmd... has 500 of 17,200 ballots; 5 % is 860: 360 votes switched from -2+3 (hand)
    assert rows[0]["votes"] == "360"
    assert rows[0]["achievable"] == "True"


def test_breakpoints_csv_header_has_escaped_party_names(
    evil_csv: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["breakpoints", "--csv", evil_csv, "--seats", "10", "--format", "csv"]) == 0
    body = [line for line in io.StringIO(capsys.readouterr().out) if not line.startswith("#")]
    header = next(csv.reader(body))
    assert header[-4:] == ["'" + n for n in EVIL]
