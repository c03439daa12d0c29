"""Simulated risk-limiting audits of the 2020 parliament: time, memory, risk and workload.

What it measures
----------------
``electsim.audit.simulate`` on the CEC's national figures of 5 Oct 2020 under the 2020 law
(``presets.kyrgyzstan_2020().replace(regional=None)``: 120 seats, Hare, 7 % of ballots, cap
65; 32 assertions), ALPHA at risk limit 5 %, ``--audits`` audits per scenario (default 10,000),
vectorised over audits, on a process pool of ``--workers`` (default 2):

1. polling, the true election = the reported one (workload: ballots examined, P(full count));
2. comparison, the true election = the reported one;
3. comparison, the worst case: 2,588 of Butun Kyrgyzstan's ballots were really invalid (the
   smallest change that flips the outcome: Butun Kyrgyzstan falls below 7 %) -- the empirical
   risk, with a 95 % Clopper-Pearson interval, must not exceed 5 %;
4. polling, the same worst case;
5. comparison, the opposite story: 2,588 ballots reported invalid were really Butun
   Kyrgyzstan's (restored, the true parliament is 46/44/16/14): P(the audit confirms the
   reported 46/45/16/13) is its risk here;
6. batch-level comparison with polling stations as batches (Kloop's 2,413 station tallies,
   full 2020 law, 1.5 % invalid ballots ASSUMED, PPS by error bound, at most 50,000 draws),
   ``--batch-audits`` audits (default 1,000), the true stations = the reported ones;
7. the same, the smallest flip of its closest assertion: 1,319 of the assumed invalid
   ballots, in the 51 stations with most of them, were really Mekenchil's, which then passes
   7 % (one vote over).  Every audit that misses those stations' errors runs on; the risk is
   far below 5 % because a PPS sample of thousands of draws almost surely hits one of them.
   Every audit runs to the budget, so this scenario is the slow one.

Sampling with replacement from the category counts, checkpoints every 1 % of the sample (see
``electsim.audit._simulate``).  Wall time by ``time.perf_counter``; memory: peak resident set of
this process and of the largest worker, and the CPU seconds of the workers and of this process
(``resource.getrusage``); the load average before and after (the machine may be shared: on a
loaded machine the CPU seconds say more than the wall time).

Output: ``benchmarks/results/audit.json`` (``--out``) with ``machine``, ``parameters``,
``results``; a printed table.  Times are never asserted.

Run::

    python benchmarks/audit.py [--audits 10000] [--workers 2] [--out PATH]
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
from typing import Any

import numpy as np
from _machine import machine_info

import electsim as es
from electsim import audit

DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "audit.json"
SEED = 20201004


def _maxrss_mib(who: int) -> float:
    scale = 1 if platform.system() == "Darwin" else 1024
    return resource.getrusage(who).ru_maxrss * scale / 2**20


def flipped(e: es.Election) -> es.Election:
    """Butun Kyrgyzstan's 2,588 ballots moved to invalid: it falls below 7 % of ballots."""
    i = e.party_index("Butun Kyrgyzstan")
    v = e.votes.copy()
    v[0, i] -= 2588
    return e.replace(votes=v, invalid=e.invalid + 2588)


def restored(e: es.Election) -> es.Election:
    """2,588 invalid ballots given to Butun Kyrgyzstan: one seat moves from MKK to BUT."""
    i = e.party_index("Butun Kyrgyzstan")
    v = e.votes.copy()
    v[0, i] += 2588
    return e.replace(votes=v, invalid=e.invalid - 2588)


def mekenchil_passes(pr: es.PrecinctResults) -> es.PrecinctResults:
    """1,319 assumed-invalid ballots, in the stations with most of them, were Mekenchil's."""
    i = pr.party_index("Mekenchil")
    v, inv = pr.votes.copy(), np.asarray(pr.invalid).copy()
    need = 1319
    for k in np.argsort(-inv, kind="stable"):
        take = min(need, int(inv[k]))
        v[k, i] += take
        inv[k] -= take
        need -= take
        if need == 0:
            break
    return pr.replace(votes=v, invalid=inv)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--audits", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch-audits", type=int, default=1_000)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()

    e = es.datasets.kyrgyzstan_2020()
    law = es.presets.kyrgyzstan_2020().replace(regional=None)
    A = audit.assertions(e, law)
    worst = flipped(e)
    load_before = list(os.getloadavg())
    stations, _ = audit.station_categories(es.datasets.kyrgyzstan_2020_precincts(), "1.5%")
    full_law = es.presets.kyrgyzstan_2020()
    design = audit.batch_design(stations, full_law)
    scenarios: list[tuple[str, str, Any]] = [
        ("polling, truth = report", "polling", None),
        ("comparison, truth = report", "comparison", None),
        ("comparison, worst case (BUT -2,588)", "comparison", worst),
        ("polling, worst case (BUT -2,588)", "polling", worst),
        ("comparison, 2,588 invalid restored to BUT", "comparison", restored(e)),
        ("batch (stations, PPS), truth = report", "batch", None),
        ("batch (stations, PPS), worst case (MKC passes)", "batch", mekenchil_passes(stations)),
    ]
    results: list[dict[str, Any]] = []

    def cpu_children() -> float:
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        return ru.ru_utime + ru.ru_stime

    for label, kind, true in scenarios:
        t0, c0 = time.perf_counter(), cpu_children()
        with ProcessPoolExecutor(args.workers) as pool:  # one pool per scenario: its CPU time
            if kind == "batch":
                r = audit.simulate(
                    stations,
                    full_law,
                    args.batch_audits,
                    true=true,
                    kind="batch",
                    rng=SEED,
                    executor=pool,
                    chunk_size=128,
                    seed_block=64,
                    design=design,
                    max_draws=50_000,
                )
            else:
                r = audit.simulate(
                    e,
                    law,
                    args.audits,
                    true=true,
                    kind=kind,
                    rng=SEED,
                    executor=pool,
                    chunk_size=1024,
                    seed_block=512,
                    assertion_set=A,
                )
        wall, cpu = time.perf_counter() - t0, cpu_children() - c0
        d = r.to_dict()
        d.update(
            scenario=label,
            wall_s=round(wall, 2),
            cpu_s_workers=round(cpu, 2),
            audits_per_s=round(r.n / wall, 1),
        )
        results.append(d)
        risk = "" if r.risk is None else f" risk {r.risk:.4f} {d['risk_ci95']}"
        print(
            f"{label:<42} {wall:7.1f} s wall {cpu:7.1f} s CPU  P(confirm) {r.p_confirm:.4f}  "
            f"full count {r.p_full_count:.4f}  median ballots "
            f"{float(np.median(r.ballots)):,.0f}{risk}",
            flush=True,
        )
    total = sum(r["wall_s"] for r in results)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    me = resource.getrusage(resource.RUSAGE_SELF)
    out = {
        "machine": machine_info(),
        "parameters": {
            "audits": args.audits,
            "workers": args.workers,
            "risk_limit": 0.05,
            "test": "alpha",
            "seed": SEED,
            "assertions": len(A),
            "ballots": A.n_ballots,
            "sampling": "with replacement, checkpoints every 1 %",
            "batch_audits": args.batch_audits,
            "batch": "2,413 stations, full 2020 law, 1.5 % invalid assumed, pps_error, "
            "max 50,000 draws",
        },
        "results": results,
        "summary": {
            "total_wall_s": round(total, 1),
            "cpu_s_workers": round(kids.ru_utime + kids.ru_stime, 1),
            "cpu_s_main": round(me.ru_utime + me.ru_stime, 1),
            "load_average_before": load_before,
            "load_average_after": list(os.getloadavg()),
            "peak_rss_main_mib": round(_maxrss_mib(resource.RUSAGE_SELF), 1),
            "peak_rss_worker_mib": round(_maxrss_mib(resource.RUSAGE_CHILDREN), 1),
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(
        f"total {total:.1f} s wall, {out['summary']['cpu_s_workers']:.1f} s CPU in the workers, "
        f"for {len(results) - 2} x {args.audits:,} + 2 x {args.batch_audits:,} audits; "
        f"wrote {args.out}"
    )


if __name__ == "__main__":
    main()
