"""Smoke test of benchmarks/mixed.py: it runs and writes its results (no time is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "mixed.py"


def test_mixed_benchmark_runs(tmp_path: Path) -> None:
    out = tmp_path / "mixed.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-W",
            "error",
            str(SCRIPT),
            "--draws",
            "20",
            "--repeat",
            "1",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["machine"]["cpu_count"] >= 1
    cases = {r["case"] for r in data["results"]}
    assert cases == {"parallel 54 + 36", "MMP 90, 36 districts, keep"}
    assert all(r["layers"] == 20 and r["candidates"] == 469 for r in data["results"])
