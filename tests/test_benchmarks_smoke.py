"""Smoke tests of the scripts in ``benchmarks/``: they run, write their results, and reproduce
the published 2020 parliaments.  No time is ever asserted (DESIGN.md §8)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
#: The party short codes of electsim.datasets.kyrgyzstan_2020_parties(), in column order.
PARTIES: tuple[str, ...] = (
    *("BRM", "MKK", "KYR", "BUT", "MCH", "RES", "ATM", "YNR"),
    *("BBL", "CHK", "ZAM", "SD", "REF", "MYN", "ORD", "AFG"),
)


def run_script(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-W", "error", str(BENCHMARKS / name), *args],  # as pytest: -W error
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, str]], str]:
    out = tmp_path_factory.mktemp("scenarios") / "threshold_scenarios.csv"
    proc = run_script("threshold_scenarios.py", "--out", str(out))
    with out.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh)), proc.stdout


def seats_at(
    rows: list[dict[str, str]], dataset: str, base: str, regional: str, percent: int
) -> dict[str, int]:
    """Parties with seats in the one row of the given scenario at a whole-percent threshold."""
    hits = [
        r
        for r in rows
        if r["dataset"] == dataset
        and r["base"] == base
        and r["regional"] == regional
        and Fraction(Decimal(r["threshold_percent"])) == percent
    ]
    assert len(hits) == 1, (dataset, base, regional, percent, len(hits))
    return {p: int(hits[0][p]) for p in PARTIES if int(hits[0][p])}


def test_threshold_scenarios_columns_and_grid(scenarios: tuple[list[dict[str, str]], str]) -> None:
    rows, stdout = scenarios
    assert list(rows[0]) == [
        "dataset",
        "base",
        "regional",
        "threshold_percent",
        *PARTIES,
        "n_parties_passing",
        "pro_government_seats",
        "wasted_vote_share",
    ]
    # 0 %, 0.5 %, ..., 10 % (the legal 3, 5, 7, 9 % are on the grid): 21 thresholds per block;
    # precincts: 2 bases x with/without regional; CEC: 2 bases, without only
    assert len(rows) == 21 * (4 + 2)
    assert {r["dataset"] for r in rows} == {"kloop_precincts_invalid_1.5%", "cec_national"}
    assert {r["regional"] for r in rows if r["dataset"] == "cec_national"} == {"without"}
    for r in rows:
        assert sum(int(r[p]) for p in PARTIES) == 120
        assert 0 <= float(r["wasted_vote_share"]) <= 1
    assert "lowest_index" in stdout


def test_threshold_scenarios_reproduce_published_parliaments(
    scenarios: tuple[list[dict[str, str]], str],
) -> None:
    rows, _ = scenarios
    kloop = "kloop_precincts_invalid_1.5%"
    for regional in ("with", "without"):
        # Kloop precinct count (KloopMedia/ParliamentCalculatorV2, commit 9ef5a01, 29 Oct 2020),
        # 7 % of voters who took part with 1.5 % invalid ballots assumed (Kloop's calculator,
        # damagedBulletin: 1.5): Mekenchil falls below 7 % -> 46/44/16/14
        # (Kloop file, by hand).
        assert seats_at(rows, kloop, "ballots", regional, 7) == {
            "BRM": 46,
            "MKK": 44,
            "KYR": 16,
            "BUT": 14,
        }
        # Same count, 7 % of valid votes (1,887,345 -> 132,114 votes): five parties pass ->
        # 41/40/15/12/12 (Kloop file, by hand).
        assert seats_at(rows, kloop, "valid", regional, 7) == {
            "BRM": 41,
            "MKK": 40,
            "KYR": 15,
            "BUT": 12,
            "MCH": 12,
        }
    # CEC, 5 Oct 2020 (akipress via https://for.kg/news-669682-ru.html),
    # 7 % of 1,990,753 voters who took part: the published 46/45/16/13
    # (CEC, 5 Oct 2020).
    assert seats_at(rows, "cec_national", "ballots", "without", 7) == {
        "BRM": 46,
        "MKK": 45,
        "KYR": 16,
        "BUT": 13,
    }


def test_allocation_benchmark_writes_results_and_cross_checks(tmp_path: Path) -> None:
    out = tmp_path / "allocation.json"
    # --n-reference keeps the slow Fraction references (D'Hondt: ~20 ms per election) short
    run_script(
        "allocation.py", "--n", "2000", "--repeats", "1", "--n-reference", "200", "--out", str(out)
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    machine = report["machine"]
    for key in (
        "platform",
        "cpu_model",
        "cpu_count",
        "python",
        "numpy",
        "scipy",
        "electsim",
        "date",
        "git_commit",
    ):
        assert key in machine
    names = {r["benchmark"] for r in report["results"]}
    for case in ("hare kernel", "dhondt kernel", "hare allocate 7%", "dhondt allocate 7%"):
        assert case in names and f"{case} - reference" in names
    assert "kyrgyz allocate" in names
    for r in report["results"]:
        for key in ("benchmark", "n", "seconds", "per_second", "ratio_to_read_pass"):
            assert key in r
        assert r["n"] == 2000
        assert r["seconds"] > 0 and r["per_second"] > 0
    assert len(report["cross_checks"]) == 6
    for c in report["cross_checks"]:
        assert c["n_checked"] >= 200
        assert c["mismatches"] == 0, c
        assert c["tie_mismatches"] == 0, c
