"""examples/kyrgyz_systems.py runs and prints hand-checkable rows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kyrgyz_systems.py"


def test_kyrgyz_systems_example_rows() -> None:
    proc = subprocess.run(
        [sys.executable, str(EXAMPLE), "--draws", "10"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    # 2020 law on the CEC figures: the published 46/45/16/13
    assert "Kyrgyzstan 2020 (list PR)                      120    46    45    16    13 " in out
    # 2007 rules by hand: 5 % of 3,523,554 registered = 176,177.7 votes; only BRM (487,685)
    # and MKK (475,372) pass; Hare 90: 45.575 / 44.425 -> 45 + 44, the last seat to BRM
    assert "Kyrgyzstan 2007 (list PR)                       90    46    44     0     0 " in out
    # 2010: same two lists, 120 seats: 60.77 / 59.23 -> 61 / 59 (cap 65 not binding)
    assert "Kyrgyzstan 2010 (list PR)                      120    61    59     0     0 " in out
    assert "Kyrgyzstan 2021 parallel (synthetic SMDs)       90 " in out
    assert "MMP reform 90" in out
