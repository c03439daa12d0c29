"""Time of the exact threshold breakpoints (and of an exhaustive manipulation path) for 2020.

What it measures
----------------
* :func:`electsim.sensitivity.breakpoints.threshold_steps` over 0-15 % on the 2020 data: the
  CEC's national figures (bases ``ballots`` and ``valid``), the precinct count aggregated to
  regions (1.5 % invalid assumed; national threshold varied with the 0.7 % regional threshold
  held fixed; and the regional threshold over 0-3 %).  Target (issue 4): *well under a second*.
  Each case is run ``--repeat`` times; the median and the minimum wall times are reported.
* :func:`~electsim.sensitivity.breakpoints.path_steps` along ``t`` ballots added for Mekenchil
  (``t = 0 .. 10^6``, every integer, CEC data): elections per second of the exhaustive scan.

The 2020 rules throughout (120 seats, Hare, cap 65), ties by ``lowest_index``.

Output
------
``benchmarks/results/breakpoints.json`` (``--out``): the machine (platform, CPU model from
``/proc/cpuinfo``, cores, numpy version, git commit, load average) and one record per case
(pieces, breakpoints, seconds).  A table is printed.

Run::

    python benchmarks/breakpoints.py [--repeat 20] [--path-t-max 1000000] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _machine import machine_info

import electsim as es
from electsim.sensitivity.breakpoints import add_path, path_steps, threshold_steps

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "benchmarks" / "results" / "breakpoints.json"
TARGET_SECONDS = 1.0


def timed(fn: Callable[[], Any], repeat: int) -> tuple[Any, list[float]]:
    """Run ``fn`` ``repeat`` times; its last result and every wall time."""
    times = []
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return out, times


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--path-t-max", type=int, default=1_000_000)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)

    law = es.presets.kyrgyzstan_2020().replace(tie_break="lowest_index")
    cec = es.datasets.kyrgyzstan_2020()
    regional = es.datasets.kyrgyzstan_2020_regions("1.5%")
    cases: list[tuple[str, Callable[[], Any]]] = [
        (
            "CEC national, national 0-15 %, base ballots",
            lambda: threshold_steps(cec, law.replace(regional=None), base="ballots"),
        ),
        (
            "CEC national, national 0-15 %, base valid",
            lambda: threshold_steps(cec, law.replace(regional=None), base="valid"),
        ),
        (
            "regions (1.5 % invalid), national 0-15 %, base ballots, 0.7 % regional",
            lambda: threshold_steps(regional, law, base="ballots"),
        ),
        (
            "regions (1.5 % invalid), regional 0-3 %, base ballots, no national",
            lambda: threshold_steps(
                regional, law.replace(national=None), which="regional", hi="3%"
            ),
        ),
    ]
    records: list[dict[str, Any]] = []
    for label, fn in cases:
        f, times = timed(fn, args.repeat)
        records.append(
            {
                "case": label,
                "kind": "threshold_steps",
                "pieces": len(f.pieces),
                "breakpoints": [str(b) for b in f.breakpoints],
                "median_seconds": statistics.median(times),
                "min_seconds": min(times),
                "repeat": args.repeat,
                "target": f"< {TARGET_SECONDS} s",
                "target_met": statistics.median(times) < TARGET_SECONDS,
            }
        )
    s_nat = law.replace(regional=None)
    g, ptimes = timed(
        lambda: path_steps(cec, s_nat, add_path(cec, "Mekenchil"), args.path_t_max), 1
    )
    records.append(
        {
            "case": f"CEC national, t = 0..{args.path_t_max:,} ballots added for Mekenchil",
            "kind": "path_steps",
            "evaluated": g.evaluated,
            "changes": len(g.changes),
            "first_change": g.changes[0].t if g.changes else None,
            "median_seconds": ptimes[0],
            "min_seconds": ptimes[0],
            "elections_per_second": g.evaluated / ptimes[0],
            "repeat": 1,
        }
    )
    machine = machine_info()
    result: dict[str, Any] = {"machine": machine, "results": records}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    print(f"Exact step functions, 2020 data -- {machine['cpu_model']}")
    head = f"{'case':<74} {'pieces':>7} {'median ms':>10} {'min ms':>8}  target"
    print(head)
    print("-" * len(head))
    for r in records:
        n = r.get("pieces", r.get("changes"))
        ok = "" if "target_met" not in r else ("met" if r["target_met"] else "MISSED")
        print(
            f"{r['case']:<74} {n:>7} {1000 * r['median_seconds']:>10.1f} "
            f"{1000 * r['min_seconds']:>8.1f}  {ok}"
        )
    last = records[-1]
    print(
        f"path scan: {last['evaluated']:,} elections, {last['changes']} changes, first at "
        f"t = {last['first_change']:,}; {last['elections_per_second']:,.0f} elections/s"
    )
    print(f"written to {args.out}")
    return result


if __name__ == "__main__":
    main()
