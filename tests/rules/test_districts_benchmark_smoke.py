"""Smoke test of benchmarks/districts.py: it runs, writes its results, and the batched results
equal the one-by-one results.  No time is ever asserted (DESIGN.md §8)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def test_districts_benchmark_runs_and_cross_checks(tmp_path: Path) -> None:
    out = tmp_path / "districts.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-W",
            "error",
            str(BENCHMARKS / "districts.py"),
            *("--n", "200", "--repeats", "1", "--n-check", "5", "--out", str(out)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert {"machine", "parameters", "results", "cross_checks"} <= set(report)
    assert "cpu_model" in report["machine"] and "git_commit" in report["machine"]
    names = {r["benchmark"] for r in report["results"]}
    assert names == {"spain-like districts", "norway-like levelling", "czech-like second scrutiny"}
    for r in report["results"]:
        assert r["n"] == 200 and r["per_second"] > 0 and r["ratio_to_read_pass"] > 0
    assert [c["mismatches"] for c in report["cross_checks"]] == [0, 0, 0]
