"""Smoke test of benchmarks/forensics.py: it runs on a small problem and writes its results.
No time is ever asserted."""

from __future__ import annotations

import json
from pathlib import Path

from _support import REPO_ROOT, run_script

BENCHMARKS = REPO_ROOT / "benchmarks"


def test_forensics_benchmark_writes_results(tmp_path: Path) -> None:
    out = tmp_path / "forensics.json"
    proc = run_script(
        BENCHMARKS / "forensics.py",
        "--datasets",
        "20",
        "--levels",
        "2",
        "--workers",
        "1",
        "--chunk",
        "4",
        "--out",
        str(out),
        timeout=300,
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["parameters"]["stations"] == 2413
    assert report["parameters"]["levels"] == [0.002, 0.1]
    detectors = report["results"]["detectors"]
    assert len(detectors) == 7
    # size on 20 null data sets: a multiple of 1/20
    assert all((20 * d["size"]).is_integer() for d in detectors.values())
    # gross stuffing (f_i = 0.1, f_e = 0.01 of 2,413 stations: about 24 stations pushed to
    # about 100 % turnout for Birimdik) always shows among the extreme stations
    assert detectors["extreme_stations"]["power"]["0.1"] == 1.0
    assert report["results"]["seconds"] > 0 and "written to" in proc.stdout
