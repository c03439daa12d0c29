"""Smoke test of benchmarks/audit.py: it runs, writes its results, and the worst-case risk it
reports is consistent with the risk limit.  No time is ever asserted (DESIGN.md §8)."""

from __future__ import annotations

import json
from pathlib import Path

from _support import REPO_ROOT, run_script

BENCHMARKS = REPO_ROOT / "benchmarks"


def test_audit_benchmark_runs_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "audit.json"
    run_script(
        BENCHMARKS / "audit.py",
        "--audits",
        "60",
        "--workers",
        "1",
        "--batch-audits",
        "8",
        "--out",
        str(out),
        timeout=300,
    )
    d = json.loads(out.read_text(encoding="utf-8"))
    assert {"machine", "parameters", "results", "summary"} <= set(d)
    assert d["parameters"]["ballots"] == 1_990_753 and d["parameters"]["assertions"] == 32
    res = {r["scenario"]: r for r in d["results"]}
    assert len(res) == 7
    ok = res["comparison, truth = report"]
    assert ok["outcome_correct"] and ok["p_confirm"] == 1.0  # no discrepancy: always confirms
    assert res["batch (stations, PPS), truth = report"]["p_confirm"] == 1.0
    assert res["batch (stations, PPS), truth = report"]["stations"] == 2413
    for name in (
        "comparison, worst case (BUT -2,588)",
        "polling, worst case (BUT -2,588)",
        "batch (stations, PPS), worst case (MKC passes)",
    ):
        r = res[name]
        assert not r["outcome_correct"]
        assert r["risk_ci95"][0] <= 0.05  # the data do not contradict risk <= 5 %
    assert d["summary"]["load_average_before"] is not None
