"""Time of the mixed systems on batches of synthetic district layers.

What it measures
----------------
The 2021 parallel system (54 list seats + 36 single-member districts) and an MMP variant
(90 seats, 5 % or one district, overhang kept) on the CEC's 2020 list votes with ``N``
synthetic district layers (:func:`electsim.datasets.synthetic_districts`, 469 candidates),
vectorised over layers and districts.  Reported: median wall time over ``--repeat`` runs,
layers per second, and the ratio to one read pass of the candidate-vote tensor
(``votes.sum()``), the floor any method must pay.  Generating the layers is not timed.

Output
------
``benchmarks/results/mixed.json`` (``--out``): the machine and one record per case.

Run::

    python benchmarks/mixed.py [--draws 1000 10000] [--repeat 5] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from _machine import machine_info

import electsim as es
from electsim.rules import MMPSystem, ParallelSystem

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "benchmarks" / "results" / "mixed.json"


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)

    cec = es.datasets.kyrgyzstan_2020()
    tier = es.presets.kyrgyzstan_2021_list_tier().replace(regional=None)
    systems = {
        "parallel 54 + 36": ParallelSystem(tier, 36, tie_break="lowest_index"),
        "MMP 90, 36 districts, keep": MMPSystem(
            tier.replace(seats=90, tie_break="lowest_index"),
            36,
            alternative_district_seats=1,
            tie_break="lowest_index",
        ),
    }
    results = []
    for n in args.draws:
        layer = es.datasets.synthetic_districts(n_draws=n, rng=2021)
        reads = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            layer.votes.sum()
            reads.append(time.perf_counter() - t0)
        read = statistics.median(reads)
        for name, system in systems.items():
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                r = system.allocate(cec, districts=layer)
                times.append(time.perf_counter() - t0)
            med = statistics.median(times)
            results.append(
                {
                    "case": name,
                    "layers": n,
                    "candidates": layer.n_candidates,
                    "seconds_median": med,
                    "seconds_min": min(times),
                    "layers_per_second": n / med,
                    "ratio_to_read_pass": med / read if read > 0 else None,
                    "mean_seats_first_party": float(r.seats[:, 0].mean()),
                }
            )
    out = {"machine": machine_info(), "results": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"{'case':<28} {'layers':>7} {'seconds':>9} {'layers/s':>10} {'x read':>8}")
    for r in results:
        ratio = r["ratio_to_read_pass"]
        print(
            f"{r['case']:<28} {r['layers']:>7} {r['seconds_median']:>9.4f} "
            f"{r['layers_per_second']:>10.0f} {ratio if ratio is None else round(ratio):>8}"
        )
    return out


if __name__ == "__main__":
    main()
