"""The forensic CLI commands, plots and examples."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import matplotlib

from _support import REPO_ROOT, run_script

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import electsim as es
import electsim.plotting as ep
from electsim import forensics as fz
from electsim.cli import main
from electsim.sensitivity import any_change

EXAMPLES = REPO_ROOT / "examples"


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _csv_rows(out: str) -> list[dict[str, str]]:
    """The data rows of a CSV output, after its ``# key: value`` provenance lines."""
    body = "".join(line for line in out.splitlines(True) if not line.startswith("#"))
    return list(csv.DictReader(io.StringIO(body)))


def test_detect_table_json_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "detect", "--null", "10", "--resamples", "50", "--seed", "1")
    assert code == 0
    assert "integer_percentages" in out and "extreme_stations" in out
    assert "not run (the station file has no registered voters): fingerprint, turnout_share" in out
    code, out, _ = cli(
        capsys,
        "detect",
        "--null",
        "10",
        "--seed",
        "1",
        "--format",
        "json",
        "--detector",
        "extreme_stations",
    )
    data = json.loads(out)
    # 66 stations give one list >= 80 % of the valid votes (counted in the station file)
    assert data["results"][0]["statistic"] == 66.0
    # the output says how to reproduce it
    assert data["provenance"]["seed"] == 1
    assert data["provenance"]["command"].startswith("electsim detect")
    code, out, _ = cli(
        capsys,
        "detect",
        "--null",
        "10",
        "--seed",
        "1",
        "--format",
        "csv",
        "--detector",
        "integer_percentages",
        "--party",
        "Birimdik",
    )
    assert "# seed: 1" in out.splitlines()
    rows = _csv_rows(out)
    assert rows[0]["detector"] == "integer_percentages"
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_power_cli_csv_is_safe_and_json_parses(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["power", "--manipulation", "stuffing", "--levels", "0.05", "--datasets", "20"]
    args += ["--detector", "extreme_stations", "--seed", "3", "--seats"]
    code, out, _ = cli(capsys, *args, "--format", "csv")
    assert code == 0
    rows = _csv_rows(out)
    assert len(rows) == 2 and rows[0]["level"] == ""
    code, out, _ = cli(capsys, *args, "--format", "json")
    data = json.loads(out)
    assert data["n_datasets"] == 20 and len(data["records"]) == 2
    assert data["provenance"]["seed"] == 3 and data["provenance"]["model"]["levels"] == [0.05]


def test_detect_without_seed_chooses_prints_and_records_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = cli(capsys, "detect", "--detector", "last_digits", "--format", "json")
    assert code == 0
    seed = json.loads(out)["provenance"]["seed"]
    assert isinstance(seed, int) and f"--seed {seed}" in err


def test_cli_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "detect", "--detector", "benford")
    assert code == 1 and "benford" in err
    code, _, err = cli(capsys, "power", "--manipulation", "stuffing", "--alpha", "2")
    assert code == 1 and "alpha" in err
    code, _, err = cli(capsys, "power", "--manipulation", "teleport")
    assert code == 2 and "invalid choice: 'teleport'" in err
    # levels are checked per scenario and the errors name the flag, not Python parameters
    for man, lv, why in [
        ("stuffing", "-0.1", "--levels -0.1 must lie in [0, 1]"),
        ("coercion", "2", "--levels 2.0 must lie in [0, 1]"),
        ("turnout-buying", "-5", "--levels -5.0 must be non-negative"),
    ]:
        code, _, err = cli(capsys, "power", "--manipulation", man, "--levels", lv, "--seed", "1")
        assert code == 1 and f"--levels {lv} is not a valid level" in err and why in err
        assert "np.float64" not in err and "incremental=" not in err
    # huge runs are refused up front, naming the flag
    code, _, err = cli(capsys, "power", "--manipulation", "stuffing", "--datasets", "1000000000")
    assert code == 1 and "--datasets 1,000,000,000 with 5 levels" in err
    code, _, err = cli(capsys, "detect", "--null", "1000000000000", "--seed", "1")
    assert code == 1 and "--null 1,000,000,000,000 means about 4.1e+16" in err
    # a turnout given as a fraction is a turnout, not a threshold ("did you mean 0.565%?")
    args = ["power", "--manipulation", "stuffing", "--levels", "0.05", "--datasets", "20"]
    code, out, err = cli(
        capsys, *args, "--detector", "extreme_stations", "--seed", "1", "--turnout", "0.565"
    )
    assert code == 0 and "did you mean" not in err and "turnout 0.565" in out
    code, _, err = cli(capsys, *args, "--turnout", "56.5", "--seed", "1")
    assert code == 2 and "did you mean 56.5%?" in err


def test_plots(tmp_path: Path) -> None:
    g = np.random.default_rng(0)
    S = 200
    N = g.integers(200, 1000, S)
    T = g.binomial(N, 0.6)
    a = g.binomial(T, 0.5)
    pr = es.PrecinctResults(
        np.stack([a, T - a], axis=1),
        region=np.zeros(S, int),
        regions=["R"],
        registered=N,
        invalid=np.zeros(S, int),
    )
    m = fz.NullModel.fit(pr)
    fp = fz.fingerprint(pr, null=m, n_null=5, rng=1)
    ax = ep.fingerprint_plot(fp)
    assert ax.images[0].get_array().shape == (20, 20)
    sd = fz.second_digits(pr, null=m, n_null=5, rng=1)
    ax = ep.digit_plot(sd)
    assert len(ax.containers[0]) == 10
    law = es.ElectoralSystem(10, "hare", tie_break="lowest_index")
    res = fz.detectability(
        m, _Stuff, [0.1, 0.3], law, detectors=["fingerprint"], n_datasets=20, target=any_change()
    )
    fig = ep.detectability_plot({"stuffing": res})
    labels = [ln.get_label() for ln in fig.axes[0].get_lines()]
    assert "P(any seat moves)" in labels and "P(target crossed)" in labels
    pw = fz.power(["fingerprint"], m, _Stuff, [0.1, 0.3], 20, rng=2)
    ax = ep.power_plot(pw)
    assert next(ln.get_label() for ln in ax.get_lines()) == "fingerprint"
    with pytest.raises(es.ElectsimError, match="seat outcomes"):
        ep.detectability_plot(pw)
    plt.close("all")


class _Stuff:
    def __init__(self, level: float) -> None:
        self.level = level

    def apply(self, pr: es.PrecinctResults, rng: object = None):
        from electsim.manipulation import BallotStuffing

        return BallotStuffing(0, incremental=self.level).apply(pr, rng=rng)


def run_example(*args: str) -> str:
    proc = run_script(*args, timeout=300)
    return proc.stdout


def test_forensics_2020_example() -> None:
    out = run_example(str(EXAMPLES / "forensics_2020.py"), "--null", "20", "--resamples", "50")
    assert "66 stations give one list >= 80 % of the valid votes" in out
    # Kloop's file: station 1226 (Osh oblast) gives all its 1,486 valid votes to Birimdik
    assert "1226  Osh oblast    Birimdik             100.0%   1486" in out
    assert "fingerprint: cannot run" in out and "turnout_share: cannot run" in out


def test_detectability_2020_example_with_plot(tmp_path: Path) -> None:
    png = tmp_path / "d.png"
    out = run_example(
        str(EXAMPLES / "detectability_2020.py"),
        *("--datasets", "20", "--max-levels", "1", "--plot", str(png)),
    )
    assert out.count("first level with >= 80 % power") == 5
    assert "ASSUMPTION: registered voters unknown; turnout 56.5%" in out
    assert png.stat().st_size > 10_000
