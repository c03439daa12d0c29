"""The reform-proposal examples (``examples/reform_*.py``): golden outputs and checked numbers.

Every ``examples/reform_*.py`` is run as a user would run it (a subprocess with this
interpreter, ``MPLBACKEND=Agg``) and its stdout is compared with ``examples/expected/<name>.txt``.
On a mismatch the actual output is written next to the expected file as ``<name>.new``
(gitignored) and the test fails with a unified diff.

The expected outputs change only deliberately.  After checking the diff, regenerate them with::

    ELECTSIM_REGEN=1 pytest tests/scripts/test_reform_examples.py

The golden files alone would only prove that nothing changed, so the last tests check numbers
derived independently of electsim: the published 2020 result, and Hare largest remainder (and
D'Hondt) computed by hand below from the CEC's published vote counts.
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

import pytest

from _support import REPO_ROOT

EXAMPLES = REPO_ROOT / "examples"
EXPECTED = EXAMPLES / "expected"
SCRIPTS = sorted(p.stem for p in EXAMPLES.glob("reform_*.py"))
REGEN = os.environ.get("ELECTSIM_REGEN") == "1"

# CEC, 5 Oct 2020 (akipress via for.kg, https://for.kg/news-669682-ru.html;
# CEC, 5 Oct 2020): votes of the 16 lists, in the published order, and the voters who took part.
CEC_VOTES = {
    "BRM": 487_685, "MKK": 475_372, "KYR": 174_317, "BUT": 141_940, "MCH": 136_276,
    "RES": 115_288, "ATM": 80_279, "YNR": 66_747, "BBL": 60_305, "CHK": 46_568,
    "ZAM": 42_862, "SD": 42_460, "REF": 32_795, "MYN": 12_468, "ORD": 4_395, "AFG": 3_459,
}  # fmt: skip
CEC_BALLOTS = 1_990_753


def _run(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, str(EXAMPLES / f"{name}.py"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.fixture(scope="module")
def outputs() -> dict[str, subprocess.CompletedProcess[str]]:
    """Every reform example run once, concurrently (the scripts are independent)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(SCRIPTS, pool.map(_run, SCRIPTS), strict=True))


def _stdout(outputs: dict[str, subprocess.CompletedProcess[str]], name: str) -> str:
    proc = outputs[name]
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "", proc.stderr  # no warnings either
    return proc.stdout


def _seats(out: str, label: str) -> dict[str, int]:
    """The seats printed on the table row that starts with ``label``."""
    rows = [line for line in out.splitlines() if line.startswith(label + " ")]
    assert len(rows) == 1, f"expected one row starting with {label!r}, found {rows}"
    return {p: int(s) for p, s in re.findall(r"\b([A-Z]{2,3}) (\d+)\b", rows[0][len(label) :])}


def _hare(votes: dict[str, int], seats: int) -> dict[str, int]:
    """Hare largest remainder by hand: integer parts of v*S/V, then the largest remainders."""
    total = sum(votes.values())
    quotas = {p: Fraction(v * seats, total) for p, v in votes.items()}
    out = {p: int(q) for p, q in quotas.items()}
    left = seats - sum(out.values())
    remainders = sorted(quotas, key=lambda p: quotas[p] - out[p], reverse=True)
    assert quotas[remainders[left - 1]] - out[remainders[left - 1]] != (
        quotas[remainders[left]] - out[remainders[left]]
    )  # no tie for the last seat
    for p in remainders[:left]:
        out[p] += 1
    return out


def _dhondt(votes: dict[str, int], seats: int) -> dict[str, int]:
    """D'Hondt by hand: the ``seats`` largest quotients v / 1, v / 2, ... (no ties here)."""
    quotients = sorted(((Fraction(v, d), p) for p, v in votes.items() for d in range(1, seats + 1)))
    out = dict.fromkeys(votes, 0)
    for _, p in quotients[-seats:]:
        out[p] += 1
    assert quotients[-seats][0] != quotients[-seats - 1][0]  # no tie for the last seat
    return out


def _passing(rate: Fraction) -> dict[str, int]:
    """Lists with at least ``rate`` of the voters who took part (the 2020 base), inclusive."""
    return {p: v for p, v in CEC_VOTES.items() if v >= rate * CEC_BALLOTS}


# ---------------------------------------------------------------------------------- golden files
@pytest.mark.parametrize("name", SCRIPTS)
def test_output_matches_the_expected_file(
    outputs: dict[str, subprocess.CompletedProcess[str]], name: str
) -> None:
    out = _stdout(outputs, name)
    expected_file = EXPECTED / f"{name}.txt"
    new_file = EXPECTED / f"{name}.new"
    if REGEN:
        EXPECTED.mkdir(exist_ok=True)
        expected_file.write_text(out, encoding="utf-8")
        new_file.unlink(missing_ok=True)
        return
    assert expected_file.exists(), (
        f"{expected_file} is missing; create it with ELECTSIM_REGEN=1 pytest {__file__}"
    )
    expected = expected_file.read_text(encoding="utf-8")
    if out != expected:
        new_file.write_text(out, encoding="utf-8")
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                out.splitlines(keepends=True),
                fromfile=str(expected_file),
                tofile=str(new_file),
            )
        )
        pytest.fail(
            f"{name}.py printed something else than {expected_file.name} (actual output in "
            f"{new_file}; if the change is intended: ELECTSIM_REGEN=1 pytest {__file__}):\n{diff}"
        )
    new_file.unlink(missing_ok=True)


def test_every_reform_script_has_an_expected_file() -> None:
    assert len(SCRIPTS) == 7
    assert sorted(p.stem for p in EXPECTED.glob("*.txt")) == SCRIPTS


# ------------------------------------------------------------------------ independent numbers
def test_seven_percent_of_ballots_gives_the_published_parliament(
    outputs: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    # 46/45/16/13: the CEC's preliminary result under the 2020 law (for.kg 669682, 5 Oct 2020).
    published = {"BRM": 46, "MKK": 45, "KYR": 16, "BUT": 13}
    assert _hare(_passing(Fraction(7, 100)), 120) == published  # the hand calculation agrees
    out = _stdout(outputs, "reform_threshold_7_5_3")
    assert _seats(out, "7% of ballots (>= 139,353)") == published  # 7 % of 1,990,753 = 139,352.71
    for label in ("CEC: 7% of ballots (>= 139,353)", "CEC: 7%, hare", "CEC: 7%, dhondt"):
        name = "reform_valid_base" if "ballots" in label else "reform_method"
        assert _seats(_stdout(outputs, name), label) == published
    assert _seats(_stdout(outputs, "reform_2021_list_tier"), "CEC: 2020 law, 120 seats") == (
        published
    )


def test_five_percent_of_ballots_by_hand(
    outputs: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    # 5 % of 1,990,753 = 99,537.65: six lists pass (Respublika 115,288 yes, Ata Meken 80,279 no).
    # Their 1,530,878 votes / 120 = 12,757.3 per seat: integer parts 38 + 37 + 13 + 11 + 10 + 9
    # = 118; the two largest remainders are Mekenchil's (.682) and Kyrgyzstan's (.664).
    passing = _passing(Fraction(5, 100))
    assert list(passing) == ["BRM", "MKK", "KYR", "BUT", "MCH", "RES"]
    expected = {"BRM": 38, "MKK": 37, "KYR": 14, "BUT": 11, "MCH": 11, "RES": 9}
    assert _hare(passing, 120) == expected
    out = _stdout(outputs, "reform_threshold_7_5_3")
    assert _seats(out, "5% of ballots (>= 99,538)") == expected
    assert "89   23.1%  yes  yes" in out  # pro-government 38 + 37 + 14 = 89 >= 80


def test_three_percent_dhondt_gives_the_bloc_exactly_two_thirds(
    outputs: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    # 3 % of 1,990,753 = 59,722.59: nine lists pass (Bir Bol 60,305 yes, Chon Kazat 46,568 no).
    passing = _passing(Fraction(3, 100))
    assert len(passing) == 9
    dhondt = _dhondt(passing, 120)
    assert dhondt["BRM"] + dhondt["MKK"] + dhondt["KYR"] == 80  # two-thirds of 120
    assert sum(_hare(passing, 120)[p] for p in ("BRM", "MKK", "KYR")) == 79
    out = _stdout(outputs, "reform_method")
    assert _seats(out, "CEC: 3%, dhondt") == dhondt
    assert _seats(out, "CEC: 3%, hare") == _hare(passing, 120)


def test_the_54_seat_list_tier_fills_54_seats(
    outputs: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    out = _stdout(outputs, "reform_2021_list_tier")
    for data in ("CEC", "precincts"):
        seats = _seats(out, f"{data}: 2021 list tier, 54 seats")
        assert sum(seats.values()) == 54, seats
    # CEC by hand: the same six lists as at 5 %, 1,530,878 / 54 = 28,349.6 votes per seat.
    hand = _hare(_passing(Fraction(5, 100)), 54)
    assert hand == {"BRM": 17, "MKK": 17, "KYR": 6, "BUT": 5, "MCH": 5, "RES": 4}
    assert _seats(out, "CEC: 2021 list tier, 54 seats") == hand


def test_every_table_states_the_invalid_ballot_assumption(
    outputs: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    for name in SCRIPTS:
        assert "ASSUMPTION" in _stdout(outputs, name) and "1.5%" in outputs[name].stdout, name


# ------------------------------------------------------------------------------------ --plot
def test_plot_option_saves_a_png(tmp_path: Path) -> None:
    # One script only (the --plot branch is the same three lines in all seven; each run takes a
    # few seconds): the golden runs above never import electsim.plotting.
    pytest.importorskip("electsim.plotting")
    png = tmp_path / "tier.png"
    proc = _run("reform_2021_list_tier", "--plot", str(png))
    assert proc.returncode == 0, proc.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
