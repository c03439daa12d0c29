"""Throughput of district and two-tier allocation on batches of random elections.

What it measures
----------------
On ``--n`` (default 10^4) random elections per system:

* ``spain-like districts``: 52 districts, 12 lists, 350 seats (magnitudes by
  :class:`electsim.rules.Magnitudes` as in Spain: 1 seat each for two districts, 2 minimum for
  the others, the other 248 by Hare on a fixed synthetic population), D'Hondt in every
  district with a 3 % district threshold of valid votes -- via
  :meth:`electsim.rules.DistrictSystem.allocate` on the ``(N, 52, 12)`` batch;
* ``norway-like levelling``: 19 districts, 10 lists, 150 district seats by modified
  Sainte-Laguë (1.4) + 19 levelling seats (one per district), 4 % nationally, pure
  Sainte-Laguë, Norway's relative-quotient placement -- via
  :meth:`electsim.rules.LevellingSystem.allocate` on the ``(N, 19, 10)`` batch;
* ``czech-like second scrutiny``: 14 regions, 8 lists, 200 seats, rounded Imperiali quota,
  pooled leftovers -- via :meth:`electsim.rules.RemainderSystem.allocate`.

Each is compared with one read pass of the input (``np.sum`` over the vote tensor):
``ratio_to_read_pass`` = time / read-pass time.  Cross-check (not a timing): the batch result
equals the one-by-one results on ``--n-check`` elections (``mismatches`` must be 0), so the
batched path never depends on its neighbours.

Data: per election, a Dirichlet(``concentration * s``) draw of list shares per district around
fixed national shares ``s`` (Zipf-like, 1/rank), district electorates proportional to the
magnitudes, multinomial counts; deterministic for a seed.  Timing: ``time.perf_counter``, one
warm-up call, best of ``--repeats`` (default 3).  The machine is recorded
(``benchmarks/_machine.py``).

Output: ``benchmarks/results/districts.json`` (``--out``) and a printed table.

Run::

    python benchmarks/districts.py [--n 10000] [--repeats 3] [--n-check 50] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from _machine import machine_info

import electsim as es
from electsim.rules import DistrictSystem, LevellingSystem, Magnitudes, RemainderSystem

DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "districts.json"
DEFAULT_SEED = 20191110
TIE_BREAK = "lowest_index"


def make_votes(
    n: int, weights: np.ndarray, P: int, voters: int, seed: int, concentration: float = 300.0
) -> np.ndarray:
    """``(n, D, P)`` int64 votes: districts sized by ``weights``, shares around 1/rank."""
    rng = np.random.default_rng(seed)
    s = 1.0 / np.arange(1, P + 1)
    s /= s.sum()
    D = len(weights)
    per_d = np.maximum((voters * np.asarray(weights) / np.sum(weights)).astype(np.int64), 100)
    p = rng.dirichlet(concentration * s, size=(n, D))
    return rng.multinomial(np.broadcast_to(per_d, (n, D)), p).astype(np.int64)


def systems() -> dict[str, tuple[Any, int, int, int]]:
    """name -> (system, districts, lists, voters)."""
    pop = {f"D{i:02d}": int(100_000 * (1 + (i * 37) % 50)) for i in range(50)}
    pop["Ceuta"], pop["Melilla"] = 85_000, 87_000
    spain = DistrictSystem(
        Magnitudes(350, pop, "hare", 2, {"Ceuta": 1, "Melilla": 1}),
        "dhondt",
        district_threshold=es.Threshold("3%", base="valid"),
        tie_break=TIE_BREAK,
    )
    nor_mags = np.array([8, 18, 19, 6, 5, 7, 6, 5, 3, 5, 13, 15, 3, 7, 9, 4, 8, 5, 4])
    norway = LevellingSystem(
        DistrictSystem(nor_mags, "modified_sainte_lague", tie_break=TIE_BREAK),
        np.ones(19, dtype=np.int64),
        es.Threshold("4%", base="valid"),
        tie_break=TIE_BREAK,
    )
    cz_mags = np.array([23, 25, 14, 11, 5, 13, 11, 10, 10, 10, 23, 12, 11, 22])
    czech = RemainderSystem(cz_mags, es.Threshold("5%", base="valid"), tie_break=TIE_BREAK)
    return {
        "spain-like districts": (spain, 52, 12, 24_000_000),
        "norway-like levelling": (norway, 19, 10, 3_000_000),
        "czech-like second scrutiny": (czech, 14, 8, 5_400_000),
    }


def district_names(name: str, D: int) -> list[str]:
    if name.startswith("spain"):
        return [f"D{i:02d}" for i in range(50)] + ["Ceuta", "Melilla"]
    return [f"R{i}" for i in range(D)]


def best_time(fn: Callable[[], object], repeats: int) -> float:
    """Best wall time of ``repeats`` calls (after one untimed warm-up)."""
    fn()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def run(
    n: int, repeats: int, n_check: int, seed: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    results, checks = [], []
    for k, (name, (system, D, P, voters)) in enumerate(systems().items()):
        regions = district_names(name, D)
        if isinstance(system, DistrictSystem):
            weights = system.resolve_magnitudes(
                es.Election(np.ones((D, P), dtype=int), regions=regions)
            )
        else:
            weights = np.asarray(
                system.lower.magnitudes
                if isinstance(system, LevellingSystem)
                else system.magnitudes
            )
        votes = make_votes(n, weights, P, voters, seed + k)
        election = es.Election(votes, regions=regions)
        t_read = best_time(lambda: np.sum(votes), repeats)  # noqa: B023 (called right here)
        t = best_time(lambda: system.allocate(election), repeats)  # noqa: B023
        results.append(
            {
                "benchmark": name,
                "n": n,
                "districts": D,
                "lists": P,
                "seconds": t,
                "per_second": n / t,
                "read_pass_seconds": t_read,
                "ratio_to_read_pass": t / t_read,
            }
        )
        batch = system.allocate(election)
        m = min(n, n_check)
        mismatches = sum(
            int((system.allocate(election.select(i)).seats != batch.seats[i]).any())
            for i in range(m)
        )
        checks.append({"benchmark": name, "checked": m, "mismatches": mismatches})
    return results, checks


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Elections per second of district/tier systems.")
    parser.add_argument("--n", type=int, default=10_000, help="elections (default %(default)s)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs (default %(default)s)")
    parser.add_argument("--n-check", type=int, default=50, help="one-by-one cross-checks")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON (default %(default)s)")
    args = parser.parse_args(argv)
    for flag in ("n", "repeats", "n_check"):
        if getattr(args, flag) < 1:
            parser.error(f"--{flag.replace('_', '-')} must be at least 1")
    machine = machine_info()
    results, checks = run(args.n, args.repeats, args.n_check, args.seed)
    machine["load_average_after"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    report = {
        "machine": machine,
        "parameters": {
            "n": args.n,
            "repeats": args.repeats,
            "n_check": args.n_check,
            "seed": args.seed,
            "tie_break": TIE_BREAK,
        },
        "results": results,
        "cross_checks": checks,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"{'benchmark':<28}  {'n':>7}  {'elections/s':>12}  {'x read pass':>11}")
    for r in results:
        rate, ratio = r["per_second"], r["ratio_to_read_pass"]
        print(f"{r['benchmark']:<28}  {r['n']:>7}  {rate:>12,.0f}  {ratio:>11.0f}")
    for c in checks:
        print(f"cross-check {c['benchmark']}: {c['mismatches']} mismatches in {c['checked']}")
    return 0 if all(c["mismatches"] == 0 for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
