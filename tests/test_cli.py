"""The ``electsim`` command, run through subprocess (``python -m electsim``).

Expected numbers:

* CEC preliminary results of 5 October 2020 (https://for.kg/news-669682-ru.html, bundled as
  ``electsim.datasets.kyrgyzstan_2020``): 7 % of 1,990,753 ballots -> Birimdik 46, Mekenim
  Kyrgyzstan 45, Kyrgyzstan 16, Butun Kyrgyzstan 13 (the published allocation).
* 5 % by hand (Hare on the six lists above 99,537.65 votes, V = 1,530,878): quotas
  38.23, 37.26, 13.66, 11.13, 10.68, 9.04 -> 38 + 37 + 13 + 11 + 10 + 9 = 118, the two
  largest remainders .68 (Mekenchil) and .66 (Kyrgyzstan) -> 38/37/14/11/11/9 (also
  ``benchmarks/results/threshold_scenarios.csv``).
* Butun Kyrgyzstan's breakpoint: 141,940 / 1,990,753 = 7.129965 %.
* Invalidating Butun's ballots keeps the ballot base: it fails 7 % at <= 139,352 votes, i.e.
  141,940 - 139,353 + 1 = 2,588 invalidated ballots (2,000 som each: 5,176,000 som).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import matplotlib
import pytest

matplotlib.use("Agg")

from electsim.cli import main

ENV = {**os.environ, "MPLBACKEND": "Agg"}
PARTIES_2020 = ["Birimdik", "Mekenim Kyrgyzstan", "Kyrgyzstan", "Butun Kyrgyzstan"]


#: Every subprocess run of this module, started together (the interpreter start and the import
#: of electsim dominate; running them concurrently keeps the module fast).
SUBPROCESS_RUNS: dict[str, tuple[str, ...]] = {
    "allocate": ("allocate", "--dataset", "kyrgyzstan_2020", "--no-regional"),
    "compare": ("compare", "--no-regional", "--threshold", "7%", "5%", "3%"),
    "breakpoints": ("breakpoints", "--no-regional", "--from", "5%", "--to", "8%"),
    "tipping": ("tipping", "--no-regional", "--target", "fails:BUT", "--action", "invalidate:BUT"),
    "simulate": ("simulate", "--no-regional", "--draws", "300", "--seed", "7", "--format", "csv"),
    "plot": ("allocate", "--no-regional", "--plot", "{tmp}/fig.png"),
    "bad_method": ("allocate", "--method", "foo"),
    "bad_rate": ("allocate", "--threshold", "7 percent"),
    "bad_file": ("allocate", "--csv", "/no/such/file.csv"),
    "bad_party": ("tipping", "--no-regional", "--target", "fails:XYZ", "--action", "add:BUT"),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """``python -m electsim ...`` for every entry of :data:`SUBPROCESS_RUNS`, run concurrently."""
    tmp = tmp_path_factory.mktemp("cli")
    procs = {
        key: subprocess.Popen(
            [sys.executable, "-m", "electsim", *(a.format(tmp=tmp) for a in args)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        for key, args in SUBPROCESS_RUNS.items()
    }
    out: dict[str, Any] = {"tmp": tmp}
    for key, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=120)
        out[key] = Result(proc.returncode, stdout, stderr)
    return out


def ok(proc: Any) -> Any:
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc


class Result:
    """What an in-process run printed (same interface as CompletedProcess)."""

    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Any:
    """Run ``main(args)`` in-process (fast: no interpreter start) and capture its output."""

    def call(*args: str, ok: bool = True) -> Result:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        if ok:
            assert code == 0, err
        return Result(code, out, err)

    return call


def seats_from_table(text: str) -> dict[str, int]:
    """Party -> seats from the table of ``allocate`` (last column)."""
    out = {}
    for line in text.splitlines():
        for name in [*PARTIES_2020, "Mekenchil", "Respublika"]:
            if line.startswith(name + "  "):
                out[name] = int(line.split()[-1])
    return out


# ----------------------------------------------------------------------------- allocate
def test_allocate_table_reproduces_cec_2020(runs: dict[str, Any]) -> None:
    out = ok(runs["allocate"]).stdout
    seats = seats_from_table(out)
    assert [seats[p] for p in PARTIES_2020] == [46, 45, 16, 13]
    assert seats["Mekenchil"] == 0
    assert "Total" in out and "120" in out.splitlines()[-2] + out


def test_allocate_json(cli: Any) -> None:
    out = cli("allocate", "--no-regional", "--format", "json").stdout
    data = json.loads(out)
    seats = {r["party"]: r["seats"] for r in data["parties"]}
    assert [seats[p] for p in PARTIES_2020] == [46, 45, 16, 13]
    assert sum(seats.values()) == 120
    assert data["national_base"] == 1_990_753


def test_allocate_csv(cli: Any) -> None:
    out = cli("allocate", "--no-regional", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 16
    seats = {r["party"]: int(r["seats"]) for r in rows}
    assert [seats[p] for p in PARTIES_2020] == [46, 45, 16, 13]
    assert rows[4]["short"] == "MCH" and rows[4]["passes_national"] == "False"


def test_allocate_options_override_preset(cli: Any) -> None:
    # 5 % instead of the preset's 7 %: 38/37/14/11/11/9 (hand arithmetic in the module doc)
    out = cli("allocate", "--no-regional", "--threshold", "5%", "--format", "json").stdout
    seats = [r["seats"] for r in json.loads(out)["parties"]][:7]
    assert seats == [38, 37, 14, 11, 11, 9, 0]


CSV_TEXT = "region,A,B,C,D,invalid\nNorth,3000,2000,1000,900,0\nSouth,2000,1000,500,0,0\n"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        # 10,400 ballots; 4 % = 416 -> all pass. Hare: 4.808, 2.885, 1.442, 0.865 -> 4+2+1+0 = 7;
        # remainders .885 (B), .865 (D), .808 (A) win -> 5, 3, 1, 1
        ([], [5, 3, 1, 1]),
        # D has 0 of South's 3,500 ballots < 1 % -> out; V = 9,500: 5.263, 3.158, 1.579
        # -> 5+3+1 = 9, remainder .579 (C) -> 5, 3, 2, 0
        (["--regional", "1%"], [5, 3, 2, 0]),
    ],
)
def test_allocate_csv_file(tmp_path: Path, extra: list[str], expected: list[int], cli: Any) -> None:
    path = tmp_path / "small.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    out = cli(
        "allocate", "--csv", str(path), "--preset", "none", "--seats", "10", "--threshold",
        "4%", *extra, "--format", "json",
    ).stdout  # fmt: skip
    assert [r["seats"] for r in json.loads(out)["parties"]] == expected


# ----------------------------------------------------------------------------- compare
def test_compare_thresholds(runs: dict[str, Any]) -> None:
    out = ok(runs["compare"]).stdout
    rows = {line[:20].strip(): line.split()[-3:] for line in out.splitlines()}
    assert rows["Birimdik"] == ["46", "38", "34"]
    assert rows["Mekenim Kyrgyzstan"] == ["45", "37", "33"]
    assert rows["Kyrgyzstan"] == ["16", "14", "12"]
    assert rows["Butun Kyrgyzstan"] == ["13", "11", "10"]
    assert rows["Mekenchil"] == ["0", "11", "9"]
    assert rows["Respublika"] == ["0", "9", "8"]
    assert rows["Total"] == ["120", "120", "120"]


def test_compare_cartesian_csv_and_zip(cli: Any) -> None:
    out = cli(
        "compare", "--no-regional", "--threshold", "7%", "5%", "--method", "hare", "dhondt",
        "--format", "csv",
    ).stdout  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[2:] == ["7% hare", "7% dhondt", "5% hare", "5% dhondt"]
    assert rows[4]["5% hare"] == "11" and rows[4]["7% hare"] == "0"
    out = cli(
        "compare", "--no-regional", "--threshold", "7%", "5%", "--method", "hare", "dhondt",
        "--zip", "--format", "json",
    ).stdout  # fmt: skip
    scen = json.loads(out)["scenarios"]
    assert [s["label"] for s in scen] == ["7% hare", "5% dhondt"]
    assert [p["seats"] for p in scen[0]["parties"][:4]] == [46, 45, 16, 13]


# ----------------------------------------------------------------------------- breakpoints
def test_breakpoints(runs: dict[str, Any], cli: Any) -> None:
    out = ok(runs["breakpoints"]).stdout
    assert "141940/1990753 = 7.129965%" in out
    assert "136276/1990753 = 6.845450%" in out
    assert "(6.8454%, 7.1300%]   46  45  16  13" in out
    data = json.loads(cli("breakpoints", "--no-regional", "--format", "json").stdout)
    rates = [b["rate"] for b in data["breakpoints"]]
    assert "141940/1990753" in rates
    assert round(data["breakpoints"][rates.index("141940/1990753")]["percent"], 4) == 7.1300


# ----------------------------------------------------------------------------- tipping
def test_tipping_invalidate(runs: dict[str, Any], cli: Any) -> None:
    out = ok(runs["tipping"])
    assert "2,588 votes" in out.stdout
    assert "0.130 % of ballots" in out.stdout and "2,588 unpriced" in out.stdout
    data = json.loads(
        cli(
            "tipping", "--no-regional", "--target", "fails:Butun Kyrgyzstan", "passes:MCH",
            "--action", "invalidate:BUT", "switch:BRM:MCH", "--format", "json",
        ).stdout
    )  # fmt: skip
    assert [d["votes"] for d in data] == [2588, 3077]  # 3,077 = 139,353 - 136,276
    assert data[1]["seats_after"]["Mekenchil"] == 12


# ----------------------------------------------------------------------------- simulate
def test_simulate_without_uncertainty_is_the_reported_result(cli: Any) -> None:
    out = cli(
        "simulate", "--no-regional", "--draws", "50", "--uncertainty", "none", "--format", "json"
    ).stdout
    recs = json.loads(out)["parties"]
    assert [r["mean_seats"] for r in recs[:5]] == [46.0, 45.0, 16.0, 13.0, 0.0]


def test_simulate_reproducible_with_seed(runs: dict[str, Any], cli: Any) -> None:
    a, b = ok(runs["simulate"]).stdout, cli(*SUBPROCESS_RUNS["simulate"]).stdout
    assert a == b
    rows = list(csv.DictReader(io.StringIO(a)))
    assert abs(sum(float(r["mean_seats"]) for r in rows) - 120) < 1e-9
    proc = cli("simulate", "--no-regional", "--draws", "200", "--seed", "1", "--progress")
    assert "200/200 draws" in proc.stderr


def test_simulate_vote_buying(cli: Any) -> None:
    out = cli(
        "simulate", "--no-regional", "--draws", "200", "--seed", "3", "--uncertainty", "none",
        "--buyer", "MCH", "--strategy", "switch", "--format", "json",
    ).stdout  # fmt: skip
    recs = json.loads(out)["parties"]
    # unlimited budget, switch buying from every other list: Mekenchil gains votes -> passes 7 %
    assert recs[4]["prob_pass"] == 1.0


# ----------------------------------------------------------------------------- plots
def test_plot_subprocess(runs: dict[str, Any]) -> None:
    pytest.importorskip("electsim.plotting")
    path = runs["tmp"] / "fig.png"
    proc = ok(runs["plot"])
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "figure saved" in proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("compare", "--no-regional", "--threshold", "7%", "5%"),
        ("breakpoints", "--no-regional"),
        ("tipping", "--no-regional", "--target", "fails:BUT", "--action", "invalidate:BUT"),
        ("simulate", "--no-regional", "--draws", "100", "--seed", "1"),
    ],
)
def test_plot(tmp_path: Path, args: tuple[str, ...], cli: Any) -> None:
    pytest.importorskip("electsim.plotting")
    import matplotlib.pyplot as plt

    path = tmp_path / "fig.png"
    cli(*args, "--plot", str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert plt.get_fignums() == []  # the command closed its figure


# ----------------------------------------------------------------------------- bad input
def check_one_line(proc: Any, code: int, words: str) -> None:
    assert proc.returncode == code
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("electsim: error: ")
    assert words in lines[0]


@pytest.mark.parametrize(
    ("key", "code", "words"),
    [
        ("bad_method", 2, "unknown method 'foo'"),
        ("bad_rate", 2, "is not a rate"),
        ("bad_file", 1, "/no/such/file.csv"),
        ("bad_party", 1, "XYZ"),
    ],
)
def test_bad_input_subprocess(runs: dict[str, Any], key: str, code: int, words: str) -> None:
    check_one_line(runs[key], code, words)


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (
            ("tipping", "--no-regional", "--target", "fails:BUT", "--action", "steal:BUT"),
            1,
            "unknown action",
        ),
        (
            ("tipping", "--no-regional", "--target", "wins:BUT", "--action", "add:BUT"),
            1,
            "unknown target",
        ),
        (("breakpoints",), 1, "--no-regional"),
        (("allocate",), 1, "--no-regional"),
        (("allocate", "--dataset", "kyrgyzstan_2020_regions"), 1, "--invalid-rate"),
        (("allocate", "--dataset", "kyrgyzstan_2020", "--invalid-rate", "1%"), 1, "does not"),
        (("allocate", "--seats", "0"), 2, "at least 1"),
        (("allocate", "--no-regional", "--threshold", "150%"), 2, "is not a rate"),
        (("allocate", "--no-cap", "--cap", "60"), 1, "contradict"),
        (("compare", "--no-regional"), 1, "several values"),
        (("compare", "--threshold", "7%", "5%", "--cap", "1", "2", "3", "--zip"), 1, "--zip"),
        (("breakpoints", "--no-regional", "--from", "9%", "--to", "3%"), 1, "above"),
        (("simulate", "--no-regional", "--uncertainty", "dirichlet"), 1, "--concentration"),
        (("simulate", "--no-regional", "--budget", "1000"), 1, "--buyer"),
        (("frobnicate",), 2, "invalid choice"),
        (("allocate", "--no-regional", "--plot", "/no/such/dir/x.png"), 1, "cannot write"),
    ],
)
def test_bad_input_in_process(args: tuple[str, ...], code: int, words: str, cli: Any) -> None:
    check_one_line(cli(*args, ok=False), code, words)


def test_help_and_version(cli: Any) -> None:
    assert "allocate" in cli("--help").stdout
    assert cli("--version").stdout.startswith("electsim ")
    for cmd in ("allocate", "compare", "breakpoints", "tipping", "simulate"):
        assert "--format" in cli(cmd, "--help").stdout
