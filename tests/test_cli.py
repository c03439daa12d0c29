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
* ``RULES_CSV`` (hand): A 500, B 300, C 100 (all of C in North), 1,100 invalid; valid = 900,
  ballots = 2,000.  10 % of valid = 90 -> C passes; 10 % of ballots = 200 -> C fails.  D'Hondt,
  9 seats, A/B/C: quotients 500, 300, 250, 166.7, 150, 125, 100 (A), 100 (B), 100 (C) -> 5/3/1;
  A/B only: 500, 300, 250, 166.7, 150, 125, 100, 100, 83.3 -> 6/3/0.  C has 0 of South's 800
  ballots, so a 0.7 % regional threshold (the Kyrgyz preset's) would also exclude it.
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

from _support import REPO_ROOT

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


def read_csv(text: str) -> list[dict[str, str]]:
    """The rows of CSV output, skipping the ``# key: value`` provenance lines."""
    return list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))


def csv_comments(text: str) -> dict[str, str]:
    """The ``# key: value`` provenance lines of CSV output."""
    out = {}
    for line in text.splitlines():
        if not line.startswith("# "):
            break
        key, _, value = line[2:].partition(": ")
        out[key] = value
    return out


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
    rows = read_csv(out)
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
    rows = read_csv(out)
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
    targets = data["targets"]
    assert [d["votes"] for d in targets] == [2588, 3077]  # 3,077 = 139,353 - 136,276
    assert targets[1]["seats_after"]["Mekenchil"] == 12


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
    rows = read_csv(a)
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
    before = plt.get_fignums()  # figures other tests left open are not this command's
    cli(*args, "--plot", str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert plt.get_fignums() == before  # the command closed its figure


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
        ("bad_method", 2, "method='foo' is unknown"),
        ("bad_rate", 2, "is not a rate"),
        ("bad_file", 1, "--csv /no/such/file.csv: cannot read the file: No such file"),
        ("bad_party", 1, "--target fails:XYZ: unknown party 'XYZ'"),
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
        (("simulate", "--no-regional", "--budget", "1000"), 1, "--party"),
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


# ----------------------------------------------------------------------------- rules from --csv
RULES_CSV = "region,A,B,C,invalid\nNorth,300,200,100,600\nSouth,200,100,0,500\n"


@pytest.fixture
def rules_csv(tmp_path: Path) -> str:
    path = tmp_path / "rules.csv"
    path.write_text(RULES_CSV, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(("base", "expected"), [("valid", [5, 3, 1]), ("ballots", [6, 3, 0])])
def test_csv_rules_come_only_from_the_command_line(
    rules_csv: str, base: str, expected: list[int], cli: Any
) -> None:
    # the README's line: no Kyrgyz regional threshold or cap is added behind the user's back
    args = ("allocate", "--csv", rules_csv, "--seats", "9", "--method", "dhondt")
    args += ("--threshold", "10%", "--base", base)
    out = cli(*args, "--format", "json").stdout
    data = json.loads(out)
    assert [r["seats"] for r in data["parties"]] == expected  # hand: module docstring
    rules = data["provenance"]["rules"]
    assert rules == (
        f"9 seats, dhondt, national threshold >= 10% of {base}, no regional threshold, "
        "no seat cap, ties: raise"
    )
    assert data["provenance"]["preset"] == "none"
    table = cli(*args).stdout
    assert f"Rules: {rules}" in table.splitlines()[:2]


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        # 5 % of valid (217,400) = 10,870: Delta's 11,000 passes.  D'Hondt over 208,100 votes:
        # divisor 2,081 gives 48 + 36 + 10 + 5 = 99; the 100th seat: Alpha 100,500/49 = 2,051.0
        # beats Beta 75,500/37 = 2,040.5 -> 49/36/10/5 (hand)
        ("valid", [49, 36, 10, 5, 0]),
        # 5 % of ballots (226,400) = 11,320: Delta fails.  Divisor 1,971 gives 50 + 38 + 10 = 98;
        # then Alpha 100,500/51 = 1,970.6, then Beta 75,500/39 = 1,935.9 over Alpha
        # 100,500/52 = 1,932.7 -> 51/39/10 (hand)
        ("ballots", [51, 39, 10, 0, 0]),
    ],
)
def test_the_example_csv_file(base: str, expected: list[int], cli: Any) -> None:
    path = REPO_ROOT / "examples" / "small_election.csv"
    out = cli(
        "allocate", "--csv", str(path), "--seats", "100", "--method", "dhondt", "--threshold",
        "5%", "--base", base, "--format", "json",
    ).stdout  # fmt: skip
    assert [r["seats"] for r in json.loads(out)["parties"]] == expected


def test_csv_needs_seats_and_an_explicit_preset_still_applies(rules_csv: str, cli: Any) -> None:
    check_one_line(cli("allocate", "--csv", rules_csv, ok=False), 1, "--seats")
    # asked for explicitly, the Kyrgyz preset applies: C fails South's 0.7 % (0 of 800)
    out = cli(
        "allocate", "--csv", rules_csv, "--preset", "kyrgyzstan_2020", "--seats", "9",
        "--method", "dhondt", "--threshold", "10%", "--base", "valid", "--format", "json",
    ).stdout  # fmt: skip
    data = json.loads(out)
    assert [r["seats"] for r in data["parties"]] == [6, 3, 0]
    assert "regional threshold >= 0.7% of ballots in every region" in data["provenance"]["rules"]
    assert "seat cap 65" in data["provenance"]["rules"]


@pytest.mark.parametrize(
    ("cmd", "rules"),
    [
        (("allocate", "--no-regional"), "no regional threshold, seat cap 65, ties: raise"),
        (("compare", "--threshold", "7%", "5%", "--no-regional", "--no-cap"), "no seat cap"),
        (("breakpoints", "--no-regional", "--from", "6%", "--to", "7%"), "seat cap 65"),
        (("tipping", "--no-regional", "--target", "fails:BUT", "--action", "add:BUT"), "ties"),
        (("simulate", "--no-regional", "--draws", "20", "--seed", "1"), "ties: lot"),
    ],
)
def test_every_output_lists_every_rule_and_its_provenance(
    cmd: tuple[str, ...], rules: str, cli: Any
) -> None:
    table = cli(*cmd).stdout
    assert "Rules:" in table and rules in table
    assert "no regional threshold" in table
    assert table.splitlines()[-1] == "Reproduce: electsim " + " ".join(
        a if " " not in a else f"'{a}'" for a in cmd
    )
    assert table.splitlines()[-2].startswith("Provenance: electsim ")
    data = json.loads(cli(*cmd, "--format", "json").stdout)
    prov = data["provenance"]
    assert {"electsim", "numpy", "command", "data", "rules", "seed"} <= set(prov)
    assert prov["data"]["dataset"] == "kyrgyzstan_2020"
    assert rules in json.dumps(prov["rules"])
    comments = csv_comments(cli(*cmd, "--format", "csv").stdout)
    assert comments["electsim"] == prov["electsim"]
    assert comments["command"] == prov["command"].replace("--format json", "--format csv")


# ----------------------------------------------------------------------------- numbers and rates
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--threshold", "0.7"), "did you mean 0.7%?"),
        (("--threshold", "7"), "did you mean 7%?"),
        (("--regional", "0.7"), "did you mean 0.7%?"),
        (("--threshold", "1"), "did you mean 1%?"),
    ],
)
def test_bare_rate_above_one_half_is_refused(args: tuple[str, ...], words: str, cli: Any) -> None:
    proc = cli("allocate", "--no-regional", *args, ok=False)
    check_one_line(proc, 2, words)
    assert "--threshold" in proc.stderr or "--regional" in proc.stderr


def test_bare_rates_up_to_one_half_are_fractions(cli: Any) -> None:
    # 0.05 = 5 %: the same 38/37/14/11/11/9 as 5% (hand arithmetic in the module docstring)
    for rate in ("0.05", "5%", "1/20"):
        out = cli("allocate", "--no-regional", "--threshold", rate, "--format", "json").stdout
        assert [r["seats"] for r in json.loads(out)["parties"]][:6] == [38, 37, 14, 11, 11, 9]
    # 0.5 = 50 %: nobody has half the ballots -> 120 unfilled seats, said in the table
    out = cli("allocate", "--no-regional", "--threshold", "0.5").stdout
    assert "Unfilled seats: 120" in out


@pytest.mark.parametrize(
    ("text", "value"),
    [("1000", 1000), ("1e6", 10**6), ("1_000_000", 10**6), ("2.5e3", 2500), ("10**9", 10**9)],
)
def test_integers_may_be_written_as_integral_floats(text: str, value: int) -> None:
    from electsim.cli import _integer

    assert _integer(text) == value


@pytest.mark.parametrize("text", ["1.5", "1e-3", "abc", "nan", "inf", "1e999999999", "1e-999999"])
def test_non_integers_are_refused(text: str) -> None:
    import argparse

    from electsim.cli import _integer

    with pytest.raises(argparse.ArgumentTypeError):
        _integer(text)


def test_draws_as_float_and_budget_as_float(cli: Any) -> None:
    out = cli(
        "simulate", "--no-regional", "--draws", "2e1", "--seed", "1", "--uncertainty", "none",
        "--buyer", "MCH", "--budget", "50e6", "--format", "json",
    ).stdout  # fmt: skip
    data = json.loads(out)
    assert data["draws"] == 20
    assert "budget_som=50000000.0" in data["provenance"]["model"]["manipulation"]


# ----------------------------------------------------------------------------- seeds
TIE_CSV = "A,B\n100,100\n"


def test_ties_lot_without_seed_warns_and_records_the_seed(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "tie.csv"
    path.write_text(TIE_CSV, encoding="utf-8")
    args = ("allocate", "--csv", str(path), "--seats", "1", "--ties", "lot")
    first = cli(*args, "--format", "json")
    assert "--ties lot without --seed: using --seed " in first.stderr
    seed = int(first.stderr.split("--seed ")[-1].split()[0])
    prov = json.loads(first.stdout)["provenance"]
    assert prov["seed"] == seed and prov["seed_chosen_automatically"] is True
    assert prov["command"].endswith(f"--seed {seed}")
    winner = [r["seats"] for r in json.loads(first.stdout)["parties"]]
    assert sorted(winner) == [0, 1]
    # the recorded command repeats the draw, silently
    again = cli(*prov["command"].split()[1:], "--format", "json")
    assert again.stderr == ""
    assert [r["seats"] for r in json.loads(again.stdout)["parties"]] == winner


def test_simulate_without_seed_prints_it_and_the_output_repeats(cli: Any) -> None:
    args = ("simulate", "--no-regional", "--draws", "50", "--format", "json")
    first = cli(*args)
    assert "simulate without --seed: using --seed" in first.stderr
    prov = json.loads(first.stdout)["provenance"]
    assert prov["seed_chosen_automatically"] is True
    again = cli(*prov["command"].split()[1:])
    assert json.loads(again.stdout)["parties"] == json.loads(first.stdout)["parties"]
    assert json.loads(again.stdout)["provenance"]["command"] == prov["command"]


# ----------------------------------------------------------------------------- simulate: README
def test_simulate_dirichlet_with_estimated_concentration_and_vote_buying(cli: Any) -> None:
    # the README's command (fewer draws): concentration estimated from the stations
    out = cli(
        "simulate", "--dataset", "kyrgyzstan_2020_regions", "--invalid-rate", "1.5%",
        "--draws", "40", "--uncertainty", "dirichlet", "--buyer", "Birimdik", "--budget",
        "50e6", "--assumed-turnout", "56.5%", "--seed", "5", "--format", "json",
    ).stdout  # fmt: skip
    data = json.loads(out)
    model = data["provenance"]["model"]
    import electsim as es
    from electsim.simulate import estimate_concentration

    expected = estimate_concentration(es.datasets.kyrgyzstan_2020_precincts(), level="region")
    assert list(model["concentration"].values()) == pytest.approx(list(expected), rel=1e-12)
    assert model["uncertainty"] == "dirichlet-multinomial" and model["draws"] == 40
    assert "assumed_turnout=" in model["manipulation"]
    assert "assumed_turnout='56.5%'" in model["manipulation"]
    assert data["provenance"]["seed"] == 5
    # seats always fill the house
    assert sum(r["mean_seats"] for r in data["parties"]) == pytest.approx(120)


def test_deprecated_turnout_spelling_still_works(cli: Any) -> None:
    proc = cli(
        "simulate", "--dataset", "kyrgyzstan_2020_regions", "--invalid-rate", "1.5%",
        "--draws", "10", "--uncertainty", "none", "--buyer", "BRM", "--budget", "1e6",
        "--turnout", "56.5%", "--seed", "1", "--format", "csv",
    )  # fmt: skip
    assert "--turnout is deprecated; use --assumed-turnout" in proc.stderr
    assert len(read_csv(proc.stdout)) == 16


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--csv", "{no_registered}", "--seats", "9", "--party", "A"), "--assumed-turnout RATE"),
        (("--no-regional", "--uncertainty", "dirichlet"), "--concentration estimate needs"),
        (("--no-regional", "--concentration", "5"), "--uncertainty dirichlet only"),
        (("--no-regional", "--party", "XYZ"), "--party XYZ: unknown party 'XYZ'"),
        (("--no-regional", "--assumed-turnout", "50%"), "need --party"),
        (("--no-regional", "--party", "BRM", "--assumed-turnout", "50%"), "registered voters"),
        (("--no-regional", "--draws", "10**12"), "--draws 1,000,000,000,000 would need about"),
        (("--no-regional", "--draws", "1e9", "--max-memory", "1GB"), "--chunk-size bounds"),
        (("--no-regional", "--chunk-size", "1e9", "--draws", "1e9", "--max-memory", "100GB"),
         "use a smaller --chunk-size"),
    ],
)  # fmt: skip
def test_simulate_errors_name_the_option(
    args: tuple[str, ...], words: str, cli: Any, rules_csv: str
) -> None:
    args = tuple(a.format(no_registered=rules_csv) for a in args)
    check_one_line(cli("simulate", *args, ok=False), 1, words)


def test_default_turnout_assumption_on_the_precinct_data_is_stated(cli: Any) -> None:
    proc = cli(
        "simulate", "--dataset", "kyrgyzstan_2020_regions", "--invalid-rate", "1.5%",
        "--draws", "10", "--buyer", "Birimdik", "--budget", "50e6", "--seed", "2",
    )  # fmt: skip
    assert "assuming the CEC's national turnout, 56.5%, in every region" in proc.stderr
    assert "assumed turnout 56.5% (ASSUMPTION)" in proc.stdout


def test_library_messages_are_translated_to_options() -> None:
    from electsim.cli import _cli_message

    assert _cli_message("assumed_turnout=0.5 is wrong; budget_som=-1 too") == (
        "--assumed-turnout 0.5 is wrong; --budget -1 too"
    )
    assert _cli_message("n=0 must be >= 1") == "--draws 0 must be >= 1"
    assert _cli_message("turnout of 5 regions") == "turnout of 5 regions"


# ----------------------------------------------------------------------------- one-line errors
@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("--plot", "{tmp}"), 1, "is a directory"),
        (("--plot", "{tmp}/x.xyz"), 1, "unsupported format 'xyz'"),
        (("--plot", "{tmp}/x"), 1, "no extension"),
        (("--seed", "-1"), 2, "must be non-negative"),
        (("--seats", "9223372036854775808"), 2, "too large (at most 100,000)"),
        (("--seats", "2**63"), 2, "too large"),
        (("--cap", "1e30"), 2, "too large"),
        (("--csv", "{tmp}/latin1.csv", "--seats", "10"), 1, "not UTF-8"),
        (("--csv", "{tmp}", "--seats", "10"), 1, "is a directory"),
    ],
)
def test_one_line_errors_of_our_own(
    tmp_path: Path, args: tuple[str, ...], code: int, words: str, cli: Any
) -> None:
    (tmp_path / "latin1.csv").write_bytes("Partiya Ürküm,B\n10,20\n".encode("latin-1"))
    argv = [a.format(tmp=tmp_path) for a in args]
    if "--csv" not in argv:
        argv.append("--no-regional")
    proc = cli("allocate", *argv, ok=False)
    check_one_line(proc, code, words)
    assert "unexpected" not in proc.stderr
    assert list(tmp_path.iterdir()) == [tmp_path / "latin1.csv"]  # no figure written


def test_help_on_every_option_with_defaults(cli: Any) -> None:
    from electsim.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():  # type: ignore[union-attr]
        for action in p._actions:
            assert action.help, f"{name} {action.option_strings} has no help"
    text = " ".join(cli("simulate", "--help").stdout.split())
    for words in ("(default: 1000)", "(default: 10000)", "(default: counting)"):
        assert words in text
    assert "(default: table)" in cli("allocate", "--help").stdout
    tipping = " ".join(cli("tipping", "--help").stdout.split())
    assert "--target TARGET [TARGET ...] what to reach" in tipping


def test_progress_by_default_on_a_terminal(
    cli: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("simulate", "--no-regional", "--draws", "30", "--seed", "1")
    assert "30/30 draws" not in cli(*args).stderr  # not a terminal: no bar
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert "30/30 draws" in cli(*args).stderr
    assert "30/30 draws" not in cli(*args, "--no-progress").stderr


# ----------------------------------------------------------------------------- tipping prices
TIP = ("tipping", "--no-regional", "--format", "json")


def test_tipping_prices_switches_with_the_vote_buying_market(cli: Any) -> None:
    # review A1: --som 2000 used to price 3,077 switched votes at 2,000 som each (6,154,000);
    # a market paying 2,000 som a voter with compliance 0.65 pays 2,000 / 0.65 a delivered
    # vote: 3,077 x 40,000 / 13 = 9,467,692.3 -> 9,467,692 som (hand; the Python market's price)
    data = json.loads(
        cli(
            *TIP, "--target", "passes:MCH", "--action", "switch:BRM:MCH", "--price-som", "2000"
        ).stdout
    )["targets"][0]
    assert (data["votes"], data["som"]) == (3077, 9_467_692)
    # compliance 0.5 and leakage 20%: 2,000 / (0.5 x 0.8) = 5,000 som a vote; 3,077 x 5,000
    data = json.loads(
        cli(
            *TIP, "--target", "passes:MCH", "--action", "switch:BRM:MCH", "--price-som", "2000",
            "--compliance", "0.5", "--leakage", "20%",
        ).stdout
    )["targets"][0]  # fmt: skip
    assert data["som"] == 15_385_000
    # a turnout market prices add: (bought turnout): 2,000 / (0.9 x 0.7) a delivered vote
    table = cli(
        "tipping", "--no-regional", "--target", "fails:BUT", "--action", "add:BRM",
        "--strategy", "turnout", "--price-som", "2000", "--leakage", "30%",
    ).stdout  # fmt: skip
    assert "bought turnout (add:) at 3,175 som a delivered vote" in table


def test_tipping_never_prices_commission_fraud_without_cost_per_ballot(cli: Any) -> None:
    # review A1: invalidating 2,588 BUT ballots used to cost "5,176,000 som" with --som 2000
    args = ("--target", "fails:BUT", "--action", "invalidate:BUT")
    out = cli("tipping", "--no-regional", *args, "--price-som", "2000").stdout
    assert "2,588 ballots (unpriced)" in out and "0 som + 2,588 unpriced" in out
    assert "unpriced (commission fraud; give --cost-per-ballot)" in out
    # an explicit per-ballot cost prices it: 2,588 x 100 = 258,800 som
    out = cli("tipping", "--no-regional", *args, "--cost-per-ballot", "100").stdout
    assert "2,588 ballots (258,800 som)" in out
    # a switch market does not buy added ballots either
    out = cli("tipping", "--no-regional", "--target", "fails:BUT", "--action", "add:BRM").stdout
    assert "(unpriced)" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--action", "invalidate:BUT", "--minimise", "som"), "--cost-per-ballot SOM"),
        (("--action", "add:BRM", "--minimise", "som"), "buys only switch: actions"),
        (("--action", "switch:BRM:BUT", "--strategy", "turnout", "--compliance", "0.5"),
         "--compliance is the vote-choice compliance"),
        (("--action", "add:BRM", "--turnout-compliance", "0.5"), "--turnout-compliance applies"),
        (("--action", "switch:BRM:BUT", "--leakage", "100%"), "--leakage 1: must be below 1"),
        (("--action", "switch:BRM:BUT", "--compliance", "0"), "--compliance 0: the market"),
    ],
)  # fmt: skip
def test_tipping_price_errors_name_the_flags(cli: Any, args: tuple[str, ...], words: str) -> None:
    proc = cli("tipping", "--no-regional", "--target", "fails:BUT", *args, ok=False)
    check_one_line(proc, 1, words)
    assert "cost_som=" not in proc.stderr and "market=" not in proc.stderr


def test_tipping_som_and_simulate_buyer_are_deprecated_spellings(cli: Any) -> None:
    args = ("tipping", "--no-regional", "--target", "passes:MCH", "--action", "switch:BRM:MCH")
    old = cli(*args, "--som", "2000")
    assert "--som is deprecated; use --price-som" in old.stderr
    assert "9,467,692 som" in old.stdout
    sim = ("simulate", "--no-regional", "--draws", "20", "--seed", "3", "--uncertainty", "none")
    new = cli(*sim, "--party", "MCH", "--strategy", "switch", "--budget", "1e6")
    dep = cli(*sim, "--buyer", "MCH", "--strategy", "switch", "--budget", "1e6")
    assert "--buyer is deprecated; use --party" in dep.stderr
    assert "deprecated" not in new.stderr
    assert new.stdout.split("Provenance")[0] == dep.stdout.split("Provenance")[0]


def test_tipping_and_simulate_help_describe_the_market(cli: Any) -> None:
    tipping = " ".join(cli("tipping", "--help").stdout.split())
    assert "median reported price" not in tipping
    for words in (
        "--price-som SOM",
        "--cost-per-ballot SOM",
        "commission fraud",
        "(default: switch)",
    ):
        assert words in tipping
    simulate = " ".join(cli("simulate", "--help").stdout.split())
    assert "--party PARTY, --buyer PARTY" in simulate
    assert "double persuasion" in simulate and "both (double)" not in simulate


# ----------------------------------------------------------------------------- simulate: layers
REGIONS = ("--dataset", "kyrgyzstan_2020_regions")


def test_simulate_layers_match_the_python_model(cli: Any) -> None:
    # the README's Python layers from the shell: same draws as electsim.simulate (same seed)
    from scipy import stats  # type: ignore[import-untyped]

    import electsim as es
    from electsim.uncertainty import CountingError, InvalidRate, MissingStations

    proc = cli(
        "simulate", *REGIONS, "--uncertainty", "invalid-rate", "counting", "missing-stations",
        "--draws", "300", "--seed", "2020", "--format", "json",
    )  # fmt: skip
    data = json.loads(proc.stdout)
    model = data["provenance"]["model"]
    assert model["uncertainty"] == "missing-stations + counting + invalid-rate"  # applied order
    assert model["layers"] == [
        {"layer": "missing-stations", "n_stations": 61, "imputed_from": ANY_STR},
        {"layer": "counting", "rate": "0.1% (ASSUMPTION)"},
        {"layer": "invalid-rate", "distribution": "uniform on 0%-3.2% (ASSUMPTION)"},
    ]
    assert "invalid_rate" not in data["provenance"]["data"]  # drawn, not assumed fixed
    mc = es.simulate(
        es.datasets.kyrgyzstan_2020_regions(0),
        es.presets.kyrgyzstan_2020().replace(tie_break="lot"),
        300,
        uncertainty=[
            MissingStations(es.datasets.kyrgyzstan_2020_precincts(), 61),
            CountingError(0.001),
            InvalidRate(stats.uniform(0.0, 0.032)),
        ],
        rng=2020,
    )
    assert [r["prob_pass"] for r in data["parties"]] == mc.prob_pass.tolist()
    assert [r["mean_seats"] for r in data["parties"]] == mc.mean_seats.tolist()


class _AnyStr:
    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and bool(other)


ANY_STR = _AnyStr()


@pytest.mark.parametrize(("rate", "passes"), [("0.52%", 1.0), ("0.522%", 0.0)])
def test_simulate_invalid_rate_point_mass_reproduces_the_crossing(
    rate: str, passes: float, cli: Any
) -> None:
    # by hand: Mekenchil's 132,807 votes are >= 7 % of the voters who took part iff the invalid
    # ballots are <= 132,807 / 0.07 - 1,887,345 = 9,897.86, i.e. a rate <= 0.5217 %
    proc = cli(
        "simulate", *REGIONS, "--uncertainty", "invalid-rate", "--invalid-rate-range", rate,
        rate, "--draws", "20", "--seed", "1", "--format", "json",
    )  # fmt: skip
    parties = json.loads(proc.stdout)["parties"]
    assert parties[4]["party"] == "Mekenchil" and parties[4]["prob_pass"] == passes
    layer = json.loads(proc.stdout)["provenance"]["model"]["layers"][0]
    assert "ASSUMPTION" not in layer["distribution"]  # stated by the user


def test_simulate_prints_the_model_once_with_its_assumptions(cli: Any) -> None:
    out = cli(
        "simulate", "--no-regional", "--uncertainty", "swing", "counting", "--swing-regional",
        "0.1", "--draws", "20", "--seed", "3",
    ).stdout  # fmt: skip
    assert out.count("Uncertainty:") == 1 and "Count model" not in out
    line = next(x for x in out.splitlines() if x.startswith("Uncertainty:"))
    assert "swing sd national 0.03, regional 0.1, station 0 (ASSUMPTIONS)" in line
    assert "counting error 0.1% of ballots (ASSUMPTION)" in line
    # none: the reported counts in every draw.  By hand (Hare over the four lists above 7 %):
    # quota 1,279,314 / 120 = 10,660.95; 487,685, 475,372, 174,317, 141,940 votes give
    # 45.75, 44.59, 16.35, 13.31 quotas: floors 45/44/16/13, the two largest remainders add one
    data = json.loads(
        cli(
            "simulate",
            "--no-regional",
            "--uncertainty",
            "none",
            "--draws",
            "5",
            "--seed",
            "1",
            "--format",
            "json",
        ).stdout
    )
    assert [r["mean_seats"] for r in data["parties"][:4]] == [46, 45, 16, 13]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--no-regional", "--counting-rate", "1%", "--uncertainty", "swing"),
         "--counting-rate applies to --uncertainty counting only"),
        (("--no-regional", "--swing-national", "0.1"), "--uncertainty swing only"),
        (("--no-regional", "--invalid-rate-range", "0%", "1%"), "--uncertainty invalid-rate"),
        (("--no-regional", "--uncertainty", "none", "counting"), "cannot be combined"),
        (("--no-regional", "--uncertainty", "swing", "swing"), "swing given twice"),
        (("--no-regional", "--uncertainty", "missing-stations"), "already include the stations"),
        (("--no-regional", "--uncertainty", "swing", "--swing-station", "0.2"),
         "--swing-station needs the bundled polling stations"),
        ((*REGIONS, "--invalid-rate", "1.5%", "--uncertainty", "invalid-rate"), "give one"),
        ((*REGIONS, "--uncertainty", "invalid-rate", "--invalid-rate-range", "2%", "1%"),
         "LO is above HI"),
    ],
)  # fmt: skip
def test_simulate_layer_errors_name_the_option(args: tuple[str, ...], words: str, cli: Any) -> None:
    check_one_line(cli("simulate", *args, "--seed", "1", ok=False), 1, words)


def test_docs_uncertainty_command_line_block_is_a_fresh_run(cli: Any) -> None:
    # docs/uncertainty.md shows a shell run of the layered model: its lines must match a run
    import shlex

    text = (REPO_ROOT / "docs" / "uncertainty.md").read_text("utf-8")
    block = text.split("$ electsim simulate")[1].split("```")[0]
    command, shown = block.split("\n", 1)[0], block.split("\n", 1)[1]
    command += " " + shown.split("\n", 1)[0]  # the continued line
    out = cli("simulate", *shlex.split(command.replace("\\", " "))).stdout
    model = next(x for x in out.splitlines() if x.startswith("Uncertainty:"))
    assert " ".join(model.split()) in " ".join(shown.split())
    for line in shown.strip().splitlines()[-2:]:
        assert line in out.splitlines()
