"""Power curves of every forensic detector on the 2020 station geometry: time, memory, size.

What it measures
----------------
``electsim.forensics.power`` with all seven detectors against Klimek-style ballot stuffing
for Birimdik (``forensics.SCENARIOS_2020``' ``stuffing``: incremental share ``f_i`` at
``--levels`` levels from 0.002 to 0.1, extreme share ``f_e = f_i / 10``), ``--datasets``
(default 1,000) clean data sets per level drawn from ``NullModel.fit(precincts,
turnout="56.5%", invalid_rate="1.5%")`` on the 2,413 stations of 2020 (turnout and invalid
ballots are stated ASSUMPTIONS: the station file has neither), p-values calibrated on the
null (leave one out).

One run in a process pool of ``--workers`` (default 2) with ``chunk_size=--chunk`` (default
100), after a warm-up.  Wall time by ``time.perf_counter``; the 1-minute load average before
and after (the machine may be shared); CPU seconds of this process and its workers
(``getrusage``, including the small warm-up in the workers; divided by the workers: the wall
time to expect on idle cores); peak resident memory of this process and of the largest worker
(``getrusage``).  The size of every detector is checked against the central
99 % binomial interval at alpha = 0.05 (the negative control on ``--datasets`` null sets).

Output: ``benchmarks/results/forensics.json`` (``--out``) with ``machine``, ``parameters``,
``results`` (seconds, memory, size and power per detector and level, the minimum level with
80 % power); a printed table.  Times are never asserted.

Run::

    python benchmarks/forensics.py [--datasets 1000] [--levels 10] [--workers 2] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from _machine import machine_info
from scipy import stats

import electsim as es
from electsim import forensics as fz

DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "forensics.json"
SEED = 20201004
SCENARIO = "ballot stuffing (f_i; f_e = f_i/10)"


def _maxrss_mib(who: int) -> float:
    scale = 1 if platform.system() == "Darwin" else 1024
    return resource.getrusage(who).ru_maxrss * scale / 2**20


def _cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        r = resource.getrusage(who)
        total += r.ru_utime + r.ru_stime
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=1000)
    parser.add_argument("--levels", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=100)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()

    pr = es.datasets.kyrgyzstan_2020_precincts()
    null = fz.NullModel.fit(pr, turnout="56.5%", invalid_rate="1.5%")
    factory = fz.SCENARIOS_2020[SCENARIO][0]
    levels = np.round(np.geomspace(0.002, 0.1, args.levels), 4)
    kw = {"rng": SEED, "chunk_size": args.chunk}

    load_before = os.getloadavg()[0]
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        fz.power(None, null, factory, levels[:1], 20, executor=pool, **kw)  # warm-up
        cpu0 = _cpu_seconds()
        t0 = time.perf_counter()
        res = fz.power(None, null, factory, levels, args.datasets, executor=pool, **kw)
        seconds = time.perf_counter() - t0
    cpu = _cpu_seconds() - cpu0  # workers are counted once they have exited
    load_after = os.getloadavg()[0]
    rss_self = _maxrss_mib(resource.RUSAGE_SELF)
    rss_child = _maxrss_mib(resource.RUSAGE_CHILDREN)

    lo, hi = (stats.binom.ppf([0.005, 0.995], args.datasets, 0.05) / args.datasets).tolist()
    per_detector = {}
    for d, name in enumerate(res.detectors):
        per_detector[name] = {
            "size": float(res.size[d]),
            "size_within_99pct_binomial_interval": bool(lo <= res.size[d] <= hi),
            "power": dict(
                zip(map(str, levels.tolist()), res.power[d].round(4).tolist(), strict=True)
            ),
            "min_level_80pct_power": res.min_level[name],
        }
    report = {
        "machine": machine_info(),
        "parameters": {
            "datasets": args.datasets,
            "levels": levels.tolist(),
            "workers": args.workers,
            "chunk_size": args.chunk,
            "seed": SEED,
            "stations": pr.n_stations,
            "detectors": list(res.detectors),
            "null": str(null),
            "manipulation": "BallotStuffing('Birimdik', incremental=level, extreme=level/10)",
        },
        "results": {
            "seconds": seconds,
            "cpu_seconds_all_processes": cpu,
            "cpu_bound_seconds_on_idle_workers": cpu / args.workers,
            "datasets_per_second": args.datasets * (len(levels) + 1) / seconds,
            "load_average_1min_before_after": [load_before, load_after],
            "peak_rss_mib_main": rss_self,
            "peak_rss_mib_largest_worker": rss_child,
            "size_interval_99pct": [lo, hi],
            "detectors": per_detector,
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    print(
        f"{len(res.detectors)} detectors x {len(levels)} levels x {args.datasets:,} data sets "
        f"on {pr.n_stations:,} stations: {seconds:.1f} s with {args.workers} workers, "
        f"{cpu:.0f} CPU s (= {cpu / args.workers:.0f} s on {args.workers} idle cores) "
        f"(load average {load_before:.1f} -> {load_after:.1f}); peak RSS main "
        f"{rss_self:.0f} MiB, worker {rss_child:.0f} MiB"
    )
    print(res)
    print(
        f"size within the 99 % binomial interval [{lo:.3f}, {hi:.3f}]: "
        + ", ".join(
            f"{k}: {v['size_within_99pct_binomial_interval']}" for k, v in per_detector.items()
        )
    )
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
