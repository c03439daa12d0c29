"""Draws per second and peak memory of a perturbed Monte Carlo of the 2020 regional election.

What it measures
----------------
``electsim.simulate.simulate`` with ``--n`` draws (default 10^6) of the Kyrgyz 2020 election by
region (``kyrgyzstan_2020_regions("1.5%")``: 10 regions x 16 parties, against all, invalid):

1. counts: Dirichlet-multinomial around each region's observed shares, with the regional
   concentrations estimated from the 2,413 polling stations
   (``estimate_concentration(precincts, level="region")``);
2. perturbation: turnout buying for Birimdik, ``VoteBuying(party="Birimdik",
   strategy="turnout", budget_som=50_000_000, assumed_turnout=0.565, mode="sample")``
   (defaults otherwise; abstainers from the CEC's 56.5 % national turnout, an assumption);
3. allocation: the 2020 law (``presets.kyrgyzstan_2020()``, ties by lot).

Two runs: one process (``executor=None``) and a process pool of ``--workers`` (default 2), both
with ``chunk_size=--chunk`` (default 16,384) and the same seed; the script checks that both give
identical seats.  Wall time by ``time.perf_counter``.  Memory: the peak resident set of this
process (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) after the serial run and of the largest
worker (``RUSAGE_CHILDREN``) after the pool run, plus a ``tracemalloc`` peak of the serial engine
over ``--mem-n`` draws (default 100,000; numpy reports its allocations to tracemalloc) and the
size of the kept outputs (seats int16 + eligible bool + tied bool = 33 bytes per draw here).

Output: ``benchmarks/results/montecarlo.json`` (``--out``) with ``machine``, ``parameters``,
``results`` and ``summary``; a printed table.  Times are never asserted.

Run::

    python benchmarks/montecarlo.py [--n 1000000] [--workers 2] [--chunk 16384] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from _machine import machine_info

import electsim as es
from electsim.manipulation import VoteBuying
from electsim.simulate import DirichletMultinomial, estimate_concentration, simulate

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "montecarlo.json"
SEED = 20201004


def _maxrss_mib(who: int) -> float:
    # ru_maxrss is in KiB on Linux (bytes on macOS)
    scale = 1 if platform.system() == "Darwin" else 1024
    return resource.getrusage(who).ru_maxrss * scale / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=16_384)
    parser.add_argument("--mem-n", type=int, default=100_000)
    parser.add_argument("--budget", type=int, default=50_000_000)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()

    election = es.datasets.kyrgyzstan_2020_regions("1.5%")
    system = es.presets.kyrgyzstan_2020().replace(tie_break="lot")
    alpha = estimate_concentration(es.datasets.kyrgyzstan_2020_precincts(), level="region")
    model = DirichletMultinomial(alpha)
    buy = VoteBuying(
        party="Birimdik",
        strategy="turnout",
        budget_som=args.budget,
        assumed_turnout=0.565,
        mode="sample",
    )
    kw: dict[str, Any] = dict(uncertainty=model, perturbation=buy, rng=SEED, chunk_size=args.chunk)

    simulate(election, system, 2 * 1024, **kw)  # warm-up
    t0 = time.perf_counter()
    serial = simulate(election, system, args.n, **kw)
    t_serial = time.perf_counter() - t0
    rss_serial = _maxrss_mib(resource.RUSAGE_SELF)

    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        simulate(election, system, 2 * 1024, executor=pool, **kw)  # start the workers
        t0 = time.perf_counter()
        pooled = simulate(election, system, args.n, executor=pool, **kw)
        t_pool = time.perf_counter() - t0
    rss_child = _maxrss_mib(resource.RUSAGE_CHILDREN)
    identical = bool(
        np.array_equal(serial.seats, pooled.seats)
        and np.array_equal(serial.eligible, pooled.eligible)
    )

    mem_n = min(args.mem_n, args.n)
    tracemalloc.start()
    simulate(election, system, mem_n, **kw)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    kept = serial.seats.nbytes + serial.eligible.nbytes + serial.tied.nbytes

    names = election.party_names
    summary = {
        "mean_seats": dict(zip(names, serial.mean_seats.round(3).tolist(), strict=True)),
        "prob_pass": dict(zip(names, serial.prob_pass.round(4).tolist(), strict=True)),
        "prob_pro_government_two_thirds": serial.prob_majority("pro-government", "two_thirds"),
        "draws_with_ties": serial.n_ties,
    }
    results = {
        "serial": {
            "seconds": t_serial,
            "draws_per_second": args.n / t_serial,
            "peak_rss_mib": rss_serial,
        },
        "pool": {
            "workers": args.workers,
            "seconds": t_pool,
            "draws_per_second": args.n / t_pool,
            "peak_rss_worker_mib": rss_child,
        },
        "identical_serial_and_pool": identical,
        "tracemalloc_peak_mib": {"draws": mem_n, "peak": peak / 2**20},
        "kept_outputs_mib": kept / 2**20,
    }
    report = {
        "machine": machine_info(),
        "parameters": {
            "n": args.n,
            "chunk_size": args.chunk,
            "seed_block": 1024,
            "seed": SEED,
            "uncertainty": "DirichletMultinomial(estimate_concentration(precincts, "
            "level='region'))",
            "perturbation": f"VoteBuying('Birimdik', 'turnout', budget_som={args.budget}, "
            "assumed_turnout=0.565, mode='sample')",
            "system": str(system),
        },
        "results": results,
        "summary": summary,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    print(f"{args.n:,} perturbed draws of the 2020 regional election (DM counts + vote buying)")
    print(f"{'run':<22}{'seconds':>10}{'draws/s':>12}{'peak RSS MiB':>14}")
    print(f"{'one process':<22}{t_serial:>10.1f}{args.n / t_serial:>12,.0f}{rss_serial:>14.0f}")
    print(
        f"{f'{args.workers}-worker pool':<22}{t_pool:>10.1f}{args.n / t_pool:>12,.0f}"
        f"{rss_child:>14.0f}"
    )
    print(f"identical results serial vs pool: {identical}")
    print(
        f"tracemalloc peak over {mem_n:,} draws: {peak / 2**20:.1f} MiB; "
        f"kept outputs: {kept / 2**20:.1f} MiB"
    )
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
