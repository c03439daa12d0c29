"""Throughput of electsim's seat allocation: elections per second on random Kyrgyz-like elections.

What it measures
----------------
On ``--n`` (default 10^5) random elections shaped like Kyrgyzstan 2020 (9 regions x 16 parties,
~1.9 M ballots each; see :func:`make_elections`):

(a) national allocation, 16 parties, 120 seats, for Hare largest remainder and D'Hondt:

    * ``<method> kernel``: the batch kernel alone, ``es.get_method(name)(votes (N, 16),
      seats (N,), eligible (N, 16) all True, "lowest_index", None)``;
    * ``<method> allocate 7%``: the full :func:`electsim.allocate` on a national-only batch
      ``Election`` (``R = 1``) with a 7 % threshold of ballots, no cap;

(b) ``kyrgyz allocate``: the full 2020 rules (:func:`electsim.presets.kyrgyzstan_2020`: 7 % of
    ballots nationally, 0.7 % in each of the 9 regions, Hare, cap 65) with
    ``tie_break="lowest_index"``, via :func:`electsim.allocate` on the ``(N, 9, 16)`` batch;

(c) ``kyrgyz allocate, cap binds ~3%``: the same rules with the cap lowered to the value at
    which it binds in about 3 % of the batch (:func:`binding_cap`: the cap ``c`` whose share of
    elections with a party above ``c`` under the uncapped rules is closest to 3 %; the cap and
    the share are recorded).  65 seats almost never bind on these data, so (b) alone never
    times the re-allocation of capped elections.

Each is compared with

* the slow exact reference: ``m.reference`` (``Fraction`` arithmetic, one election per call) for
  the kernels, and a plain-Python pipeline (thresholds as ``Fraction`` comparisons, then
  ``m.reference``, then the seat cap re-allocation loop) for ``allocate``.  It runs on a
  subsample of ``--n-reference`` elections (default 2,000) and is extrapolated to ``n``;
* one read pass of the input, ``np.sum`` over the vote tensor (``(N, 16)`` for (a), ``(N, 9,
  16)`` for (b)); ``ratio_to_read_pass`` = time / read-pass time.

Correctness cross-check (not a timing): on the subsample, and on every election in which the
batch code reported a tie, the batch result must equal the reference seat for seat
(``mismatches``, must be 0) and report a tie exactly when the reference does
(``tie_mismatches``).

Timing: ``time.perf_counter``, one warm-up call, then the best of ``--repeats`` (default 5) runs.
The references are timed over a single pass by default (``--reference-repeats 1``): they are
10^3-10^4 times slower (the D'Hondt reference alone takes ~45 s for 2,000 elections), and a pass
over 2,000 elections already averages out timer noise.  The machine (platform, CPU model, cores,
load average before/after, numpy/scipy/python/electsim versions, date, git commit) is recorded.

Targets (reported, never asserted): Hare kernel >= 2 M elections/s, D'Hondt kernel >= 1 M/s on
2 cores; the full Kyrgyz rules within 20x one read pass of the input, also when the cap binds
in ~3 % of the batch.

Output: ``benchmarks/results/allocation.json`` (``--out``) -- ``machine``, ``parameters``,
``results`` (a list of ``{benchmark, n, seconds, per_second, ratio_to_read_pass, ...}``) and
``cross_checks`` -- and a printed table.

Run::

    python benchmarks/allocation.py [--n 100000] [--repeats 5] [--n-reference 2000] [--out PATH]

The ``AllocationSuite`` class exposes the same measurements in asv style (``time_*``,
``track_*``).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from _machine import machine_info
from numpy.typing import NDArray

import electsim as es

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_OUT = RESULTS_DIR / "allocation.json"
REPO = Path(__file__).resolve().parents[1]

SEATS = 120
TIE_BREAK = "lowest_index"
DEFAULT_SEED = 20201004
DEFAULT_CONCENTRATION = 200.0
DEFAULT_BALLOTS = 1_900_000
#: Relative half-width of the uniform spread of total ballots per election.
BALLOT_SPREAD = 0.05
#: Elections generated per chunk (bounds memory; the data depend on the seed only).
GEN_CHUNK = 20_000

#: Share of the batch in which the cap of scenario (c) should bind.
CAP_BINDING_SHARE = 0.03
CAP_CASE = "kyrgyz allocate, cap binds ~3%"

TARGETS: dict[str, tuple[str, Callable[[dict[str, Any]], bool]]] = {
    "hare kernel": (">= 2,000,000/s", lambda r: r["per_second"] >= 2_000_000),
    "dhondt kernel": (">= 1,000,000/s", lambda r: r["per_second"] >= 1_000_000),
    "kyrgyz allocate": ("<= 20x read pass", lambda r: r["ratio_to_read_pass"] <= 20),
    CAP_CASE: ("<= 20x read pass", lambda r: r["ratio_to_read_pass"] <= 20),
}


# ------------------------------------------------------------------------------------ machine


# --------------------------------------------------------------------------------------- data
@dataclass(frozen=True)
class Synthetic:
    """A batch of random elections.

    Attributes
    ----------
    votes : int64 ``(N, R, P)``; against_all, invalid : int64 ``(N, R)``
    parties : the 16 Kyrgyz 2020 parties; regions : the 9 regions of the regional threshold
    """

    votes: IntArray
    against_all: IntArray
    invalid: IntArray
    parties: tuple[es.Party, ...]
    regions: tuple[es.Region, ...]

    @property
    def n(self) -> int:
        return int(self.votes.shape[0])

    def national_votes(self) -> IntArray:
        """``(N, P)``, C-contiguous."""
        return np.ascontiguousarray(self.votes.sum(axis=1))

    def national_election(self) -> es.Election:
        """The batch as national-only data (``R = 1``)."""
        return es.Election(
            self.votes.sum(axis=1)[:, None, :],
            against_all=self.against_all.sum(axis=1)[:, None],
            invalid=self.invalid.sum(axis=1)[:, None],
            parties=self.parties,
        )

    def regional_election(self) -> es.Election:
        """The batch with its 9 regions (all in the regional threshold)."""
        return es.Election(
            self.votes,
            against_all=self.against_all,
            invalid=self.invalid,
            parties=self.parties,
            regions=self.regions,
        )


def make_elections(
    n: int,
    *,
    seed: int = DEFAULT_SEED,
    concentration: float = DEFAULT_CONCENTRATION,
    ballots: int = DEFAULT_BALLOTS,
) -> Synthetic:
    """``n`` random elections around the 2020 result, 9 regions x 16 parties.

    * Total ballots per election: uniform integer in ``ballots * (1 +- 0.05)``.
    * Split over the 9 regions (Bishkek city ... Chui) by a multinomial draw with the regions'
      shares of valid ballots in Kloop's precinct count (the 45 stations abroad left out).
    * In each region, the shares of the 16 parties, against all and invalid are drawn from
      ``Dirichlet(concentration * s)``, ``s`` = the CEC national shares of 5 Oct 2020 (votes,
      against all 35,714 and invalid 31,823 over the 1,990,753 voters who took part); counts
      are a multinomial draw of the region's ballots.  With ``concentration = 200`` small
      parties vary a lot between regions, so the regional 0.7 % test bites, and Butun
      Kyrgyzstan and Mekenchil straddle 7 %.

    Deterministic for a given ``seed`` (``np.random.default_rng``; generated in chunks of
    :data:`GEN_CHUNK`).
    """
    national = es.datasets.kyrgyzstan_2020()
    regional = es.datasets.kyrgyzstan_2020_regions(invalid_rate=0)
    flagged = [i for i, r in enumerate(regional.regions) if r.in_regional_threshold]
    size = regional.valid[flagged].astype(np.float64)
    weights = size / size.sum()
    counts = np.concatenate(
        [
            national.votes.reshape(-1),
            national.national_against_all.reshape(-1),
            national.national_invalid.reshape(-1),
        ]
    ).astype(np.float64)
    shares = counts / counts.sum()
    P, R = national.n_parties, len(flagged)
    rng = np.random.default_rng(seed)
    out = np.empty((n, R, P + 2), dtype=np.int64)
    lo, hi = round(ballots * (1 - BALLOT_SPREAD)), round(ballots * (1 + BALLOT_SPREAD))
    for start in range(0, n, GEN_CHUNK):
        m = min(GEN_CHUNK, n - start)
        totals = rng.integers(lo, hi, size=m, endpoint=True)
        per_region = rng.multinomial(totals, weights)  # (m, R)
        p = rng.dirichlet(concentration * shares, size=(m, R))  # (m, R, P + 2)
        out[start : start + m] = rng.multinomial(per_region, p)
    return Synthetic(
        votes=np.ascontiguousarray(out[..., :P]),
        against_all=np.ascontiguousarray(out[..., P]),
        invalid=np.ascontiguousarray(out[..., P + 1]),
        parties=national.parties,
        regions=tuple(regional.regions[i] for i in flagged),
    )


# ---------------------------------------------------------------------------------- reference
def _passes(votes: int, base: int, threshold: es.Threshold) -> bool:
    need = threshold.rate * base  # exact Fraction
    return votes >= need if threshold.inclusive else votes > need


def reference_allocate(
    votes: Sequence[Sequence[int]],
    against_all: Sequence[int],
    invalid: Sequence[int],
    system: es.ElectoralSystem,
    in_regional: Sequence[bool],
) -> tuple[list[int], int]:
    """One election, plain Python and exact: ``(seats, number of ties)``.

    ``votes[r][p]``; thresholds compare ``votes >= rate * base`` as ``Fraction``; the method's
    ``reference`` allocates among eligible parties; a party above the cap keeps the cap and the
    remaining seats are re-allocated among the other eligible parties, until nobody exceeds it
    (the documented :class:`electsim.SeatCap` policy ``"reallocate"``).
    """
    P = len(votes[0])
    party_r = [sum(row) for row in votes]
    valid_r = [t + a for t, a in zip(party_r, against_all, strict=True)]
    ballots_r = [v + i for v, i in zip(valid_r, invalid, strict=True)]
    bases = {"party_votes": party_r, "valid": valid_r, "ballots": ballots_r}
    nat = [sum(votes[r][p] for r in range(len(votes))) for p in range(P)]
    eligible = [True] * P
    if system.national is not None:
        t = system.national
        base = sum(bases[t.base])
        eligible = [e and _passes(v, base, t) for e, v in zip(eligible, nat, strict=True)]
    if system.regional is not None:
        t = system.regional
        for r, flagged in enumerate(in_regional):
            if flagged:
                b = bases[t.base][r]
                eligible = [e and _passes(votes[r][p], b, t) for p, e in enumerate(eligible)]
    method = system.method
    assert method.reference is not None
    cap = system.cap.max_seats if system.cap is not None else None
    fixed = [0] * P
    active = list(eligible)
    left = system.seats
    n_ties = 0
    while True:
        alloc, ties = method.reference(nat, left, active, system.tie_break, None)
        n_ties += len(ties)
        over = [cap is not None and a > cap for a in alloc]
        if not any(over):
            return [f + a for f, a in zip(fixed, alloc, strict=True)], n_ties
        assert cap is not None
        for p in range(P):
            if over[p]:
                fixed[p] = cap
                active[p] = False
                left -= cap


def binding_cap(
    election: es.Election, law: es.ElectoralSystem, share: float = CAP_BINDING_SHARE
) -> tuple[int, float]:
    """The cap that binds in the share of ``election``'s batch closest to ``share``.

    Under ``law`` without its cap, ``m_i`` = the largest party's seats in election ``i``; a cap
    ``c`` binds where ``m_i > c``.  Returns ``(c, fraction of elections with m_i > c)``.
    """
    top = es.allocate(election, law.replace(cap=None)).seats.max(axis=-1).ravel()
    caps = np.arange(1, int(top.max()) + 1) if top.size and top.max() > 0 else np.array([1])
    shares = (top[None, :] > caps[:, None]).mean(axis=1)
    best = int(np.argmin(np.abs(shares - share)))
    return int(caps[best]), float(shares[best])


# ------------------------------------------------------------------------------------- timing
def best_time(fn: Callable[[], object], repeats: int, warmup: bool = True) -> float:
    """Best wall time of ``repeats`` calls of ``fn`` (after one untimed warm-up call)."""
    if warmup:
        fn()
    best = float("inf")
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


class BatchOut(NamedTuple):
    """Seats ``(N, P)`` of a batch run, the rows with a tie and the rows where the cap bit."""

    seats: IntArray
    tie_rows: set[int]
    capped_rows: set[int]


@dataclass(frozen=True)
class Case:
    """One batch benchmark: how to run it on the whole batch and how to check one election."""

    name: str
    input_kind: str  # "national" or "regional": which read pass it is compared with
    run: Callable[[], BatchOut]
    reference: Callable[[int], tuple[list[int], int]]  # election index -> seats, n ties


def _kernel_out(alloc: IntArray, ties: Sequence[es.apportion.TieRecord]) -> BatchOut:
    return BatchOut(alloc, {t.row for t in ties}, set())


def _allocation_out(a: es.Allocation) -> BatchOut:
    capped = np.flatnonzero(a.capped.any(axis=-1))
    return BatchOut(a.seats, {t.index[0] for t in a.ties}, {int(i) for i in capped})


def build_cases(data: Synthetic) -> tuple[list[Case], dict[str, Any]]:
    """The benchmarks of (a), (b) and (c), and their inputs (kept alive for the read passes)."""
    vn = data.national_votes()
    n = data.n
    seats = np.full(n, SEATS, dtype=np.int64)
    everyone = np.ones(vn.shape, dtype=bool)
    e_nat = data.national_election()
    e_reg = data.regional_election()
    # the references read plain-Python rows, converted per election (~10 us, inside the timing)
    aa_nat = data.against_all.sum(axis=1)
    inv_nat = data.invalid.sum(axis=1)
    all_p = [True] * vn.shape[1]
    cases: list[Case] = []
    for name in ("hare", "dhondt"):
        m = es.get_method(name)
        ref = m.reference
        assert ref is not None

        def run_kernel(m: es.apportion.Method = m) -> BatchOut:
            return _kernel_out(*m(vn, seats, everyone, TIE_BREAK, None))

        def ref_kernel(i: int, ref: Any = ref) -> tuple[list[int], int]:
            alloc, ties = ref(vn[i].tolist(), SEATS, all_p, TIE_BREAK, None)
            return alloc, len(ties)

        cases.append(Case(f"{name} kernel", "national", run_kernel, ref_kernel))

        sys_nat = es.ElectoralSystem(
            SEATS,
            name,
            national=es.Threshold(Fraction(7, 100), base="ballots"),
            tie_break=TIE_BREAK,
        )

        def run_nat(s: es.ElectoralSystem = sys_nat) -> BatchOut:
            return _allocation_out(es.allocate(e_nat, s))

        def ref_nat(i: int, s: es.ElectoralSystem = sys_nat) -> tuple[list[int], int]:
            return reference_allocate(
                [vn[i].tolist()], [int(aa_nat[i])], [int(inv_nat[i])], s, [False]
            )

        cases.append(Case(f"{name} allocate 7%", "national", run_nat, ref_nat))

    law = es.presets.kyrgyzstan_2020().replace(tie_break=TIE_BREAK)
    flags = [r.in_regional_threshold for r in data.regions]

    def run_kg() -> BatchOut:
        return _allocation_out(es.allocate(e_reg, law))

    def ref_kg(i: int) -> tuple[list[int], int]:
        return reference_allocate(
            data.votes[i].tolist(),
            data.against_all[i].tolist(),
            data.invalid[i].tolist(),
            law,
            flags,
        )

    cases.append(Case("kyrgyz allocate", "regional", run_kg, ref_kg))

    cap, share = binding_cap(e_reg, law)
    law_cap = law.replace(cap=cap)

    def run_cap() -> BatchOut:
        return _allocation_out(es.allocate(e_reg, law_cap))

    def ref_cap(i: int) -> tuple[list[int], int]:
        return reference_allocate(
            data.votes[i].tolist(),
            data.against_all[i].tolist(),
            data.invalid[i].tolist(),
            law_cap,
            flags,
        )

    cases.append(Case(CAP_CASE, "regional", run_cap, ref_cap))
    inputs = {
        "national": vn,
        "regional": e_reg.votes,
        "e_nat": e_nat,
        "e_reg": e_reg,
        "cap": {"cap": cap, "binding_share": share},
    }
    return cases, inputs


def _time_batch(case: Case, repeats: int) -> tuple[float, BatchOut]:
    """Best time of the batch run, and its output."""
    last: list[BatchOut] = []

    def timed() -> None:
        last[:] = [case.run()]

    return best_time(timed, repeats), last[0]


def _time_reference(
    case: Case, n_sub: int, repeats: int
) -> tuple[float, dict[int, tuple[list[int], int]]]:
    """Best time of the reference over elections ``0 .. n_sub - 1``, and its outputs."""
    out: dict[int, tuple[list[int], int]] = {}

    def timed() -> None:
        for i in range(n_sub):
            out[i] = case.reference(i)

    for i in range(min(n_sub, 5)):  # warm-up
        case.reference(i)
    return best_time(timed, repeats, warmup=False), out


def run_benchmarks(
    data: Synthetic, *, repeats: int, n_reference: int, reference_repeats: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Time every case, its reference and the read passes; cross-check batch vs reference."""
    n = data.n
    cases, inputs = build_cases(data)
    results: list[dict[str, Any]] = []
    # The read pass is re-measured just before each benchmark and each ratio uses that
    # measurement, so a ratio compares two timings taken under the same machine load; the
    # "read pass" rows report the best of all of them.
    read_best: dict[str, float] = {"national": float("inf"), "regional": float("inf")}

    def read_pass(kind: str) -> float:
        t = best_time(functools.partial(np.sum, inputs[kind]), repeats)
        read_best[kind] = min(read_best[kind], t)
        return t

    rp = read_pass("regional")
    t_build = best_time(data.regional_election, repeats)
    results.append(
        {
            "benchmark": "Election(...) construction (N, 9, 16)",
            "n": n,
            "seconds": t_build,
            "per_second": n / t_build,
            "ratio_to_read_pass": t_build / rp,
            "read_pass": "regional",
            "read_pass_seconds": rp,
        }
    )
    checks: list[dict[str, Any]] = []
    n_sub = min(n, n_reference)
    for case in cases:
        rp = read_pass(case.input_kind)
        t, out = _time_batch(case, repeats)
        batch_seats, batch_ties, batch_capped = out
        t_ref, ref_out = _time_reference(case, n_sub, reference_repeats)
        # also check every election with a tie or where the cap bit (checked, not timed)
        for i in sorted(batch_ties | batch_capped):
            if i not in ref_out:
                ref_out[i] = case.reference(i)
        mismatches = [i for i, (s, _) in ref_out.items() if list(batch_seats[i]) != s]
        tie_mismatches = [i for i, (_, k) in ref_out.items() if (k > 0) != (i in batch_ties)]
        check = {
            "benchmark": case.name,
            "n_checked": len(ref_out),
            "n_subsample": n_sub,
            "n_tie_elections_checked": len(batch_ties),
            "n_capped_elections_checked": len(batch_capped),
            "mismatches": len(mismatches),
            "tie_mismatches": len(tie_mismatches),
            "first_mismatches": sorted(mismatches)[:5],
        }
        checks.append(check)
        row: dict[str, Any] = {
            "benchmark": case.name,
            "n": n,
            "seconds": t,
            "per_second": n / t,
            "ratio_to_read_pass": t / rp,
            "read_pass": case.input_kind,
            "read_pass_seconds": rp,
            "ties": len(batch_ties),
            "capped_elections": len(batch_capped),
            "mismatches": len(mismatches),
            "tie_mismatches": len(tie_mismatches),
        }
        if case.name == CAP_CASE:
            row.update(inputs["cap"])
        if case.name in TARGETS:
            text, ok = TARGETS[case.name]
            row["target"] = text
            row["meets_target"] = bool(ok(row))
        results.append(row)
        t_ext = t_ref * n / n_sub
        results.append(
            {
                "benchmark": f"{case.name} - reference",
                "n": n,
                "seconds": t_ext,
                "per_second": n_sub / t_ref,
                "ratio_to_read_pass": t_ext / rp,
                "read_pass": case.input_kind,
                "read_pass_seconds": rp,
                "extrapolated_from": {"n": n_sub, "seconds": t_ref},
                "speedup_of_batch": t_ext / t,
            }
        )
    reads = [
        {
            "benchmark": f"read pass {kind} np.sum {tuple(inputs[kind].shape)}",
            "n": n,
            "seconds": read_best[kind],
            "per_second": n / read_best[kind],
            "ratio_to_read_pass": 1.0,
        }
        for kind in ("national", "regional")
    ]
    return reads + results, checks


def format_table(results: Sequence[dict[str, Any]], checks: Sequence[dict[str, Any]]) -> str:
    """A plain-text table of the results and the cross-checks."""
    head = (
        f"{'benchmark':<42} {'n':>8} {'seconds':>10} {'elections/s':>13} {'x read':>8} "
        f"{'target':<18}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        extra = ""
        if "target" in r:
            extra = f"{r['target']} {'met' if r['meets_target'] else 'MISSED'}"
        elif "extrapolated_from" in r:
            extra = f"(from {r['extrapolated_from']['n']:,})"
        lines.append(
            f"{r['benchmark']:<42} {r['n']:>8,} {r['seconds']:>10.4f} {r['per_second']:>13,.0f} "
            f"{r['ratio_to_read_pass']:>8.1f} {extra:<18}"
        )
    lines.append("")
    lines.append("cross-check, batch vs exact reference (must be 0):")
    for c in checks:
        lines.append(
            f"  {c['benchmark']:<20} checked {c['n_checked']:>6,} elections "
            f"({c['n_tie_elections_checked']} with ties, {c['n_capped_elections_checked']} "
            f"capped): mismatches {c['mismatches']}, "
            f"tie-report mismatches {c['tie_mismatches']}"
        )
    return "\n".join(lines)


# -------------------------------------------------------------------------------- asv suite
class AllocationSuite:
    """asv-style entry points over 10^4 random elections (same generator as the script)."""

    timeout = 600.0

    def setup(self) -> None:
        self.data = make_elections(10_000)
        self.cases = {c.name: c for c in build_cases(self.data)[0]}

    def time_hare_kernel(self) -> None:
        self.cases["hare kernel"].run()

    def time_dhondt_kernel(self) -> None:
        self.cases["dhondt kernel"].run()

    def time_kyrgyz_allocate(self) -> None:
        self.cases["kyrgyz allocate"].run()

    def time_kyrgyz_allocate_cap_binds(self) -> None:
        self.cases[CAP_CASE].run()

    def track_kyrgyz_mismatches(self) -> int:
        """Elections among the first 500 where allocate differs from the exact reference."""
        case = self.cases["kyrgyz allocate"]
        seats = case.run().seats
        return sum(list(seats[i]) != case.reference(i)[0] for i in range(500))


# -------------------------------------------------------------------------------------- main
def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Elections per second of electsim's allocation on random Kyrgyz-like data."
    )
    parser.add_argument("--n", type=int, default=100_000, help="elections (default %(default)s)")
    parser.add_argument(
        "--repeats", type=int, default=5, help="timed runs, best kept (default %(default)s)"
    )
    parser.add_argument(
        "--n-reference",
        type=int,
        default=2_000,
        help="elections run through the slow reference (default %(default)s)",
    )
    parser.add_argument(
        "--reference-repeats",
        type=int,
        default=1,
        help="timed passes of the reference (default %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--concentration", type=float, default=DEFAULT_CONCENTRATION)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON (default %(default)s)")
    args = parser.parse_args(argv)
    for flag in ("n", "repeats", "n_reference", "reference_repeats"):
        if getattr(args, flag) < 1:
            parser.error(f"--{flag.replace('_', '-')} must be at least 1")

    machine = machine_info()
    t0 = time.perf_counter()
    data = make_elections(args.n, seed=args.seed, concentration=args.concentration)
    t_gen = time.perf_counter() - t0
    results, checks = run_benchmarks(
        data,
        repeats=args.repeats,
        n_reference=args.n_reference,
        reference_repeats=args.reference_repeats,
    )
    machine["load_average_after"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    report = {
        "machine": machine,
        "parameters": {
            "n": args.n,
            "repeats": args.repeats,
            "n_reference": min(args.n, args.n_reference),
            "reference_repeats": args.reference_repeats,
            "seed": args.seed,
            "concentration": args.concentration,
            "ballots": DEFAULT_BALLOTS,
            "regions": [r.name for r in data.regions],
            "parties": [p.short for p in data.parties],
            "seats": SEATS,
            "tie_break": TIE_BREAK,
            "generation_seconds": t_gen,
        },
        "results": results,
        "cross_checks": checks,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    dirty = " (src modified)" if machine["git_src_dirty"] else ""
    print(
        f"{machine['cpu_model']}, {machine['cpu_usable']} of {machine['cpu_count']} cores, "
        f"load {machine['load_average']} -> {machine['load_average_after']}; "
        f"python {machine['python']}, numpy {machine['numpy']}, electsim {machine['electsim']} "
        f"@ {(machine['git_commit'] or '?')[:10]}{dirty}"
    )
    print(
        f"{args.n:,} random elections (9 regions x 16 parties, ~1.9 M ballots, seed {args.seed}); "
        f"best of {args.repeats}; references on {min(args.n, args.n_reference):,} elections, "
        f"extrapolated; ties broken by {TIE_BREAK!r}\n"
    )
    print(format_table(results, checks))
    print(f"\nwrote {args.out}")
    bad = sum(c["mismatches"] + c["tie_mismatches"] for c in checks)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
