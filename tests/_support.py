"""Helpers shared by test files in every directory of the suite (see tests/README.md).

Importable as ``_support`` from any test file: ``pythonpath = ["tests"]`` in the pytest
configuration (pyproject.toml) puts this folder on ``sys.path``.  Fixtures live in
``conftest.py``; this module holds what a test imports: paths of the repository, a runner for
scripts, Hypothesis strategies and statistical checks used by more than one file.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
from hypothesis import strategies as st

import electsim as es

#: The repository checkout (the folder holding ``pyproject.toml``), wherever a test file sits.
REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = REPO_ROOT / "examples"
BENCHMARKS = REPO_ROOT / "benchmarks"
DOCS = REPO_ROOT / "docs"

#: Two-sided 99.9 % normal quantile.
Z999 = 3.2905


def run_script(
    script: Path | str, *args: str, timeout: float = 120, warnings_as_errors: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run a Python script with this interpreter as a user would; assert that it exits 0.

    ``warnings_as_errors`` passes ``-W error`` (pytest's ``filterwarnings = error``).
    """
    flags = ["-W", "error"] if warnings_as_errors else []
    proc = subprocess.run(
        [sys.executable, *flags, str(script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


# ------------------------------------------------------------------ statistical checks
def binomial_ok(successes: int, n: int, p: float) -> bool:
    """|p_hat - p| within the 99.9 % normal interval of a Binomial(n, p) proportion."""
    return abs(successes / n - p) <= Z999 * math.sqrt(p * (1 - p) / n)


def ci_check(samples: np.ndarray, expected: float, se: float, z: float = 5.0) -> bool:
    """Does the mean of ``samples`` lie within ``z`` standard errors of ``expected``?"""
    return bool(abs(float(np.mean(samples)) - expected) <= z * se)


# ------------------------------------------------------------------ Hypothesis strategies
@st.composite
def small_elections(
    draw: st.DrawFn,
    *,
    regions: tuple[int, int] = (1, 3),
    parties: tuple[int, int] = (2, 7),
    max_votes: int = 300,
    max_other: int = 20,
    max_absent: int = 400,
    registered: bool | None = True,
    names: str = "parties",
) -> es.Election:
    """One small election ``(R, P)`` from plain lists, the form the manipulation tests share.

    ``regions`` and ``parties`` bound R and P; party votes are drawn in ``[0, max_votes]``,
    against-all and invalid ballots in ``[0, max_other]`` per region.  ``registered``: True
    adds ``[0, max_absent]`` abstainers to each region's ballots, False gives no registered
    voters, None draws which of the two.  ``names``: "parties" names the parties ``P0, P1, ...``,
    "both" also the regions ``R0, R1, ...``, "none" keeps the defaults.
    """
    R = draw(st.integers(*regions))
    P = draw(st.integers(*parties))
    votes = draw(
        st.lists(
            st.lists(st.integers(0, max_votes), min_size=P, max_size=P), min_size=R, max_size=R
        )
    )
    aa = draw(st.lists(st.integers(0, max_other), min_size=R, max_size=R))
    inv = draw(st.lists(st.integers(0, max_other), min_size=R, max_size=R))
    reg = None
    if registered if registered is not None else draw(st.booleans()):
        extra = draw(st.lists(st.integers(0, max_absent), min_size=R, max_size=R))
        reg = [sum(v) + a + i + x for v, a, i, x in zip(votes, aa, inv, extra, strict=True)]
    kw: dict[str, list[str]] = {}
    if names in ("parties", "both"):
        kw["parties"] = [f"P{k}" for k in range(P)]
    if names == "both":
        kw["regions"] = [f"R{r}" for r in range(R)]
    return es.Election(votes, aa, inv, reg, **kw)
