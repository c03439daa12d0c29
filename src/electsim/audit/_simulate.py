r"""Simulated audits: draw samples from a stated *true* election and run the audit end to end.

Model
-----
The reported counts give the assertions and the tests' parameters (as in a real audit); the
*true* election (same number of ballots ``N``) gives what the auditors see.  Polling: a drawn
ballot's category has the true shares.  Comparison: the ``N`` CVRs have the reported
categories and the paper ballots the true ones; ballots are paired category by category (as
many as possible agree; the surplus CVRs of each over-reported category are paired, in
category order, with the paper ballots of the under-reported ones), so every discrepancy is an
overstatement or understatement of some assertion.

Sampling is **with replacement** from these category counts (at 2020 scale, ``N`` = 1,990,753,
the difference from sampling without replacement is negligible for samples of a few percent,
and it keeps thousands of audits of up to ``N`` draws tractable); the tests then use the null
mean ``t = 1/2`` throughout.  The test statistic is updated for every draw, but checked for
the stopping rule only at *checkpoints*: after every draw for the first 100 draws, then after
blocks of ``ceil(growth * n)`` draws (``growth = 1 %``); ALPHA's estimate
:math:`\eta` is held fixed within a block (it stays predictable, so the test stays valid).
Checking less often can only lower the risk and raise the sample size (by at most ~1 %).
Draw types that none of a block's still-open assertions can tell apart are merged before
drawing (the same distribution, fewer categories to draw).  An
audit that has not confirmed every assertion after ``max_ballots`` draws (default ``N``)
escalates to a full hand count, which reveals the true outcome.

Batch-level comparison (``kind="batch"``): the draw types are the polling stations (merged
when they score alike), drawn with the design's probabilities (with replacement, as in a real
batch audit here); the number examined counts draws of stations, and
:attr:`AuditSimulation.ballots` the expected ballots of the distinct stations drawn.

Reproducibility: audits come in seed blocks of ``seed_block``; block ``b`` draws from
``np.random.SeedSequence(entropy, spawn_key=(b,))``, and a block's draws depend only on its own
audits, so results are identical for every ``chunk_size`` and executor.
"""

from __future__ import annotations

import json
import math
import sys
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._display import HTMLReprMixin
from ..allocate import allocate
from ..election import Election, PrecinctResults
from ..errors import ElectsimError
from ..system import ElectoralSystem
from ._assertions import AssertionSet, assertions, ballot_categories
from ._batch import BatchDesign, batch_design, station_categories
from ._plan import KINDS, batch_setup, check_batch_args, check_kind_test, default_params

__all__ = ["AuditSimulation", "simulate"]

_T = 0.5
_EPS = float(np.finfo(float).eps)


@dataclass(frozen=True)
class _Spec:
    """Everything a chunk needs (picklable)."""

    x: NDArray[np.float64]  # (K, Q) score of each assertion for each draw type
    p: NDArray[np.float64]  # (Q,) draw-type probabilities
    u: NDArray[np.float64]  # (K,) upper bounds the test uses
    test: str
    params: tuple[dict[str, Any], ...]
    log_alpha: float  # log(1 / risk_limit)
    max_ballots: int
    growth: float


def _schedule(max_ballots: int, growth: float) -> NDArray[np.int64]:
    """Checkpoints: 1..100, then blocks of ceil(growth * n), up to max_ballots."""
    pts = list(range(1, min(100, max_ballots) + 1))
    n = pts[-1]
    while n < max_ballots:
        n = min(max_ballots, n + max(1, math.ceil(growth * n)))
        pts.append(n)
    return np.array(pts, dtype=np.int64)


def _coefs(
    spec: _Spec, k: NDArray[np.intp], S: NDArray[np.float64], j: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Each test's term is a0 + a1 x; coefficients per active (audit, assertion) pair."""
    u = spec.u[k]
    if spec.test == "alpha":
        eta0 = np.array([q["eta0"] for q in spec.params])[k]
        d = np.array([q["d"] for q in spec.params])[k]
        c = (eta0 - _T) / 2
        eta = np.maximum((d * eta0 + S) / (d + j), _T + c / np.sqrt(d + j))
        eta = np.minimum(eta, u * (1 - _EPS))
        return (u - eta) / (u - _T), (eta - _T) / (_T * (u - _T))
    g = np.array([q["gamma"] for q in spec.params])[k]
    if spec.test == "kaplan_wald":
        return 1 - g, g / _T
    return g / (_T + g), 1 / (_T + g)  # Kaplan-Markov = Kaplan-Kolmogorov with replacement


def _run_block(spec: _Spec, n: int, seed: np.random.SeedSequence) -> NDArray[np.int64]:
    """Simulate ``n`` audits; returns (n, 2): ballots examined, confirmed (0/1)."""
    rng = np.random.default_rng(seed)
    K, Q = spec.x.shape
    checkpoints = _schedule(spec.max_ballots, spec.growth)
    # each assertion scores only a few distinct values: count draws per distinct value
    uniq = [np.unique(spec.x[k]) for k in range(K)]
    D = max(len(v) for v in uniq)
    X = np.zeros((K, D))
    G = np.zeros((Q, K, D), dtype=np.int64)
    for k, vals in enumerate(uniq):
        X[k, : len(vals)] = vals
        G[np.arange(Q), k, np.searchsorted(vals, spec.x[k])] = 1
    # active (audit, assertion) pairs
    aud = np.repeat(np.arange(n), K)
    ass = np.tile(np.arange(K), n)
    S = np.zeros(aud.size)
    logT = np.zeros(aud.size)
    open_left = np.full(n, K)  # assertions not yet confirmed, per audit
    examined = np.full(n, spec.max_ballots, dtype=np.int64)
    confirmed = np.zeros(n, dtype=np.int64)
    live = np.ones(n, dtype=bool)
    done_at = 0
    part_key = b""
    p_part: NDArray[np.float64] = spec.p
    G_part: NDArray[np.int64] = G.reshape(Q, -1)
    for cp in checkpoints:
        b = int(cp) - done_at
        ids = np.flatnonzero(live)
        if ids.size == 0:
            break
        ks, kpos = np.unique(ass, return_inverse=True)
        key = ks.tobytes()
        if key != part_key:  # draw types the open assertions cannot tell apart are merged
            part_key = key
            _, first, part = np.unique(spec.x[ks].T, axis=0, return_index=True, return_inverse=True)
            mass = np.bincount(part.reshape(-1), weights=spec.p, minlength=first.size)
            p_part = np.clip(mass / mass.sum(), 0.0, 1.0).astype(float)
            G_part = G[first][:, ks, :].reshape(first.size, -1)
        counts = rng.multinomial(b, p_part, size=ids.size)  # (A_live, parts)
        # draws per distinct score of each open assertion (integer matmul: numpy's own loop,
        # no BLAS threads)
        per_value = (counts @ G_part).reshape(ids.size, ks.size, D)
        row = np.full(n, -1)
        row[ids] = np.arange(ids.size)
        cnt = per_value[row[aud], kpos].astype(float)  # (M, D)
        xk = X[ass]  # (M, D)
        a0, a1 = _coefs(spec, ass, S, np.full(S.shape, float(done_at)))
        with np.errstate(divide="ignore"):
            lt = np.log(np.maximum(a0[:, None] + a1[:, None] * xk, 0.0))
        with np.errstate(invalid="ignore"):
            inc = np.where(cnt > 0, cnt * lt, 0.0).sum(axis=1)
        logT += inc
        S += (cnt * xk).sum(axis=1)
        done_at = int(cp)
        hit = logT >= spec.log_alpha
        if hit.any():
            np.subtract.at(open_left, aud[hit], 1)
            keep = ~hit
            aud, ass, S, logT = aud[keep], ass[keep], S[keep], logT[keep]
            newly = live & (open_left == 0)
            examined[newly] = done_at
            confirmed[newly] = 1
            live &= ~newly
            if not live.any():
                break
    return np.stack([examined, confirmed], axis=1)


def _run_chunk(spec: _Spec, entropy: int, blocks: list[tuple[int, int]]) -> NDArray[np.int64]:
    """Top-level (picklable) task: the seed blocks ``(block index, audits)``."""
    return np.concatenate(
        [_run_block(spec, n, np.random.SeedSequence(entropy, spawn_key=(b,))) for b, n in blocks]
    )


def _coupling(rep: NDArray[np.int64], true: NDArray[np.int64]) -> list[tuple[int, int, int]]:
    """(cvr category, paper category, ballots): agreement first, then surplus -> deficit."""
    pairs = [(c, c, int(min(a, b))) for c, (a, b) in enumerate(zip(rep, true, strict=True))]
    surplus = [[c, int(a - b)] for c, (a, b) in enumerate(zip(rep, true, strict=True)) if a > b]
    deficit = [[c, int(b - a)] for c, (a, b) in enumerate(zip(rep, true, strict=True)) if b > a]
    i = 0
    for c, need in deficit:
        while need > 0:
            take = min(need, surplus[i][1])
            pairs.append((surplus[i][0], c, take))
            surplus[i][1] -= take
            need -= take
            if surplus[i][1] == 0:
                i += 1
    return [p for p in pairs if p[2] > 0]


def _clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    from scipy.stats import beta  # type: ignore[import-untyped]

    a = (1 - level) / 2
    lo = 0.0 if k == 0 else float(beta.ppf(a, k, n - k + 1))
    hi = 1.0 if k == n else float(beta.ppf(1 - a, k + 1, n - k))
    return lo, hi


@dataclass(frozen=True)
class AuditSimulation(HTMLReprMixin):
    """Simulated audits of a reported allocation against a stated true election.

    Attributes
    ----------
    assertions : AssertionSet
    kind, test : str
    risk_limit : float
    outcome_correct : bool
        Whether the true election's allocation equals the reported one.
    examined : int64 array ``(n,)``
        Ballots examined by each audit (``max_ballots`` for a full hand count).
    confirmed : bool array ``(n,)``
        The audit confirmed the reported allocation (every assertion's p-value reached the
        risk limit before ``max_ballots``).
    max_ballots : int
        Batch audits: the draws before a full hand count (``max_draws``).
    u_factor : float
        1 except in negative controls.
    design : BatchDesign or None
        Batch audits: the design; :attr:`examined` then counts *draws* of stations and
        :attr:`ballots` the ballots counted by hand.
    """

    assertions: AssertionSet
    kind: str
    test: str
    risk_limit: float
    outcome_correct: bool
    examined: NDArray[np.int64]
    confirmed: NDArray[np.bool_]
    max_ballots: int
    u_factor: float = 1.0
    design: BatchDesign | None = None

    @property
    def ballots(self) -> NDArray[np.float64]:
        """Ballots counted by hand per audit.  Ballot-level kinds: :attr:`examined`.  Batch
        audits: the *expected* ballots of the distinct stations in the audit's draws,
        :math:`\\sum_k n_k (1 - (1 - \\pi_k)^n)`, or ``N`` after a full hand count."""
        if self.design is None:
            return self.examined.astype(float)
        exp = self.design.expected_ballots(self.examined)
        return np.where(self.confirmed, exp, float(self.assertions.n_ballots))

    @property
    def n(self) -> int:
        """Number of simulated audits."""
        return int(self.examined.size)

    @property
    def p_confirm(self) -> float:
        """Share of audits that confirmed the reported allocation."""
        return float(self.confirmed.mean())

    @property
    def p_full_count(self) -> float:
        """Share of audits that escalated to a full hand count."""
        return 1.0 - self.p_confirm

    @property
    def risk(self) -> float | None:
        """P(confirm) when the reported allocation is wrong (``None`` when it is right)."""
        return None if self.outcome_correct else self.p_confirm

    def risk_interval(self, level: float = 0.95) -> tuple[float, float] | None:
        """Clopper-Pearson interval of :attr:`risk` (``None`` when the outcome is right)."""
        if self.outcome_correct:
            return None
        return _clopper_pearson(int(self.confirmed.sum()), self.n, level)

    def quantiles(self, q: Any = (0.1, 0.5, 0.9)) -> NDArray[np.float64]:
        """Quantiles of the ballots examined."""
        return np.quantile(self.examined, q)

    def to_dict(self) -> dict[str, Any]:
        """Summary as plain Python."""
        ci = self.risk_interval()
        q_ = (0.1, 0.5, 0.9)
        q = self.quantiles(q_)
        return {
            "kind": self.kind,
            "test": self.test,
            "risk_limit": self.risk_limit,
            "audits": self.n,
            "ballots": self.assertions.n_ballots,
            "outcome_correct": self.outcome_correct,
            "p_confirm": self.p_confirm,
            "risk": self.risk,
            "risk_ci95": None if ci is None else list(ci),
            "p_full_count": self.p_full_count,
            "mean_examined": float(self.examined.mean()),
            "examined_q10_q50_q90": [float(v) for v in q],
            "u_factor": self.u_factor,
            **(
                {}
                if self.design is None
                else {
                    "sampling": self.design.sampling,
                    "stations": self.design.n_stations,
                    "mean_ballots": float(self.ballots.mean()),
                    "ballots_q10_q50_q90": [float(v) for v in np.quantile(self.ballots, q_)],
                }
            ),
        }

    def to_json(self, **kwargs: Any) -> str:
        """:meth:`to_dict` as JSON."""
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    def __str__(self) -> str:
        d = self.to_dict()
        N = self.assertions.n_ballots
        q = d["examined_q10_q50_q90"]
        lines = [
            f"{self.n:,} simulated {KINDS[self.kind].split(':')[0]} audits ({self.test}), "
            f"risk limit {100 * self.risk_limit:g}%, {N:,} ballots",
            f"true outcome {'= reported' if self.outcome_correct else 'DIFFERS from reported'}",
        ]
        if self.outcome_correct:
            lines.append(f"P(confirm)            {self.p_confirm:.4f}")
        else:
            lo, hi = d["risk_ci95"]
            lines.append(f"risk = P(confirm)     {self.p_confirm:.4f}  (95% CI {lo:.4f}-{hi:.4f})")
        what = "ballots examined " if self.design is None else "station draws    "
        lines += [
            f"P(full hand count)    {self.p_full_count:.4f}",
            f"{what}     mean {d['mean_examined']:,.0f}; 10/50/90%: "
            f"{q[0]:,.0f} / {q[1]:,.0f} / {q[2]:,.0f}",
        ]
        if self.design is not None:
            b = d["ballots_q10_q50_q90"]
            lines[0] += f", {self.design.n_stations:,} stations ({self.design.sampling})"
            lines.append(
                f"ballots hand counted  mean {d['mean_ballots']:,.0f}; 10/50/90%: "
                f"{b[0]:,.0f} / {b[1]:,.0f} / {b[2]:,.0f} (expected given the draws)"
            )
        if self.u_factor != 1.0:
            lines.append(f"NEGATIVE CONTROL: upper bounds multiplied by {self.u_factor:g}")
        return "\n".join(lines)


def simulate(
    election: Election | PrecinctResults,
    system: ElectoralSystem,
    n: int,
    *,
    true: Election | PrecinctResults | None = None,
    risk_limit: float = 0.05,
    kind: str = "comparison",
    test: str = "alpha",
    error_rate: float = 0.0001,
    max_ballots: int | None = None,
    rng: int | np.random.Generator | None = None,
    chunk_size: int = 4096,
    seed_block: int = 512,
    growth: float = 0.01,
    executor: Executor | None = None,
    progress: bool = False,
    u_factor: float = 1.0,
    assertion_set: AssertionSet | None = None,
    sampling: str = "pps_error",
    invalid_rate: Any = None,
    max_draws: int | None = None,
    design: BatchDesign | None = None,
    **test_params: Any,
) -> AuditSimulation:
    r"""Simulate ``n`` risk-limiting audits of ``allocate(election, system)``.

    Parameters
    ----------
    election, system
        The reported counts and the rules (they define the assertions and the test
        parameters, exactly as in :func:`plan`).
    n : int
        Number of audits.
    true : Election, optional
        The true election (same parties, regions and number of ballots); default the reported
        one.  E.g. the 2,588 invalidated Butun Kyrgyzstan ballots restored, or a worst case
        that flips the outcome by one vote.
    risk_limit, kind, test, error_rate, **test_params
        As in :func:`plan`.
    max_ballots : int, optional
        Ballots examined before escalating to a full hand count (default ``N``).
    rng : None, int or Generator
    chunk_size : int
        Audits per task (a multiple of ``seed_block`` is used).
    seed_block : int
        Audits per seed block (part of the seed: changing it changes the draws).
    growth : float
        Checkpoint spacing after the first 100 draws (see the module docstring).
    executor : concurrent.futures.Executor, optional
    progress : bool
        Progress on stderr.
    sampling, invalid_rate, max_draws, design
        Batch audits (``kind="batch"``; ``election`` and ``true`` are ``PrecinctResults``
        with the same stations and ballots per station), as in :func:`plan`.  Stations are
        drawn with replacement by the design's probabilities; ``max_draws`` (default the
        number of stations) replaces ``max_ballots``; the true stations' invalid ballots, if
        unknown, get the same ``invalid_rate``.  Memory grows with the number of *distinct*
        station scores (stations without error all score alike).
    u_factor : float
        NEGATIVE CONTROLS ONLY (comparison and batch audits): build the comparison assorter
        with the upper bound :math:`u` multiplied by this factor and clip its values to the
        range that bound implies, as a naive audit would.  With ``u_factor < 1`` a maximal
        overstatement would score below 0 and is clipped to 0, so the mean is inflated and the
        risk exceeds the risk limit.  (The tests' martingales are linear in the score, so the
        bound itself matters only through such clipping.)  Batch audits: :math:`c` is
        multiplied instead.

    Returns
    -------
    AuditSimulation

    Examples
    --------
    >>> from electsim import Election, ElectoralSystem, Threshold
    >>> e = Election([6_000, 3_000, 600], against_all=[200], invalid=[200], parties="ABC")
    >>> s = ElectoralSystem(10, "hare", national=Threshold("7%"))
    >>> r = simulate(e, s, 200, kind="comparison", rng=1)
    >>> r.outcome_correct, r.p_confirm
    (True, 1.0)
    """
    check_kind_test(kind, test, risk_limit)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ElectsimError(f"n={n!r} must be a positive integer")
    for name, v in (("chunk_size", chunk_size), ("seed_block", seed_block)):
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 1:
            raise ElectsimError(f"{name}={v!r} must be a positive integer")
    if not 0 < growth <= 1:
        raise ElectsimError(f"growth={growth!r} must be in (0, 1]")
    if not (np.isfinite(u_factor) and u_factor > 0):
        raise ElectsimError(f"u_factor={u_factor!r} must be positive")
    if u_factor != 1.0 and kind == "polling":
        raise ElectsimError(
            "u_factor (a negative control) applies to comparison and batch audits only"
        )
    check_batch_args(election, kind, sampling, max_draws)
    if kind == "batch":
        if max_ballots is not None:
            raise ElectsimError("batch audits take max_draws, not max_ballots")
        assert isinstance(election, PrecinctResults)
        D = design or batch_design(
            election,
            system,
            sampling=sampling,
            invalid_rate=invalid_rate,
            assertion_set=assertion_set,
        )
        if not D.assertions.all_hold:
            raise ElectsimError(
                "some assertion does not hold on the reported counts: no audit can confirm "
                "this allocation"
            )
        x, p, u, mb, correct = _batch_spec(D, system, true, invalid_rate, u_factor, max_draws)
        params = [kw for _, _, kw in batch_setup(D, test, test_params, float(error_rate))]
        return _finish(
            D.assertions, kind, test, risk_limit, x, p, u, params, mb, growth, n, rng,
            chunk_size, seed_block, executor, progress, correct, u_factor, D,
        )  # fmt: skip
    assert isinstance(election, Election)
    A = assertions(election, system) if assertion_set is None else assertion_set
    N = A.n_ballots
    if not A.all_hold:
        raise ElectsimError(
            "some assertion does not hold on the reported counts (a tie or a party exactly at "
            "a threshold): no audit can confirm this allocation"
        )
    true_e = election if true is None else true
    if not isinstance(true_e, Election) or isinstance(true_e, PrecinctResults):
        raise ElectsimError(f"true must be an Election, got {type(true_e).__name__}")
    if true_e.party_names != election.party_names or true_e.region_names != election.region_names:
        raise ElectsimError("true must have the same parties and regions as the reported election")
    _, tcounts = ballot_categories(true_e)
    if int(tcounts.sum()) != N:
        raise ElectsimError(
            f"true has {int(tcounts.sum()):,} ballots, the report {N:,}: the ballot manifest "
            "fixes N (move ballots between categories instead)"
        )
    mb = N if max_ballots is None else max_ballots
    if isinstance(mb, bool) or not isinstance(mb, int | np.integer) or not 1 <= mb <= N:
        raise ElectsimError(f"max_ballots={max_ballots!r} must be an integer in [1, N={N}]")
    sys_true = system.replace(tie_break="lowest_index") if system.tie_break == "raise" else system
    correct = bool(np.array_equal(allocate(true_e, sys_true, rng=0).seats, A.allocation.seats))
    H = A.scores  # (K, C)
    if kind == "polling":
        x = H
        p = tcounts / N
        u = A.upper.copy()
    else:
        pairs = _coupling(A.counts, tcounts)
        cv = np.array([c for c, _, _ in pairs])
        pa = np.array([q for _, q, _ in pairs])
        w = np.array([k for _, _, k in pairs], dtype=float)
        ua = A.upper[:, None] * u_factor
        vm = np.array([float(a.margin) for a in A])[:, None]
        den = 2 - vm / ua
        x = np.clip((1 - (H[:, cv] - H[:, pa]) / ua) / den, 0.0, 2 / den)
        p = w / N
        u = 2 / den[:, 0]
    params = []
    for a in A:
        kw = default_params(a, kind, test, A.counts, float(error_rate))
        kw.update(test_params)
        params.append(kw)
    return _finish(
        A, kind, test, risk_limit, x, p, u, params, int(mb), growth, n, rng,
        chunk_size, seed_block, executor, progress, correct, u_factor, None,
    )  # fmt: skip


def _finish(
    A: AssertionSet,
    kind: str,
    test: str,
    risk_limit: float,
    x: NDArray[np.float64],
    p: NDArray[np.float64],
    u: NDArray[np.float64],
    params: list[dict[str, Any]],
    mb: int,
    growth: float,
    n: int,
    rng: int | np.random.Generator | None,
    chunk_size: int,
    seed_block: int,
    executor: Executor | None,
    progress: bool,
    correct: bool,
    u_factor: float,
    design: BatchDesign | None,
) -> AuditSimulation:
    """Run the audits of a prepared specification (draw-type scores ``x``, probabilities
    ``p``, bounds ``u``, test parameters) and collect the results."""
    per_audit = x.shape[0] * x.shape[1] * 8 * 8  # bytes of the (pairs x types) temporaries
    if int(seed_block) * per_audit > 2**31:
        raise ElectsimError(
            f"seed_block={seed_block} needs about {int(seed_block) * per_audit / 2**30:.1f} GiB "
            f"per block for {x.shape[0]} assertions; use at most {2**31 // per_audit}"
        )
    if int(n) > 100_000_000:
        raise ElectsimError(f"n={n} audits: at most 100,000,000 (results are kept per audit)")
    spec = _Spec(
        x=np.ascontiguousarray(x, dtype=float),
        p=p / p.sum(),
        u=u,
        test=test,
        params=tuple(params),
        log_alpha=math.log(1 / risk_limit),
        max_ballots=int(mb),
        growth=float(growth),
    )
    entropy = _entropy(rng)
    blocks = [(b, min(seed_block, n - b * seed_block)) for b in range(-(-n // seed_block))]
    per_chunk = max(1, chunk_size // seed_block)
    chunks = [blocks[i : i + per_chunk] for i in range(0, len(blocks), per_chunk)]
    results: list[NDArray[np.int64]] = []
    done = 0
    if executor is None:
        for ch in chunks:
            results.append(_run_chunk(spec, entropy, ch))
            done += sum(k for _, k in ch)
            if progress:
                sys.stderr.write(f"\r{done:,}/{n:,} audits")
    else:
        futures = [executor.submit(_run_chunk, spec, entropy, ch) for ch in chunks]
        for f, ch in zip(futures, chunks, strict=True):
            results.append(f.result())
            done += sum(k for _, k in ch)
            if progress:
                sys.stderr.write(f"\r{done:,}/{n:,} audits")
    if progress:
        sys.stderr.write("\n")
    out = np.concatenate(results)
    return AuditSimulation(
        assertions=A,
        kind=kind,
        test=test,
        risk_limit=float(risk_limit),
        outcome_correct=correct,
        examined=out[:, 0],
        confirmed=out[:, 1].astype(bool),
        max_ballots=int(mb),
        u_factor=float(u_factor),
        design=design,
    )


def _batch_spec(
    D: BatchDesign,
    system: ElectoralSystem,
    true: Election | PrecinctResults | None,
    invalid_rate: Any,
    u_factor: float,
    max_draws: int | None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], int, bool]:
    """Draw types of a batch audit: the distinct score columns of the stations (with their
    summed probabilities), the score bounds, the draw budget and whether the truth agrees."""
    if true is None:
        tcounts = D.counts
        tpr = D.precincts
    else:
        if not isinstance(true, PrecinctResults):
            raise ElectsimError(
                f"true must be PrecinctResults for a batch audit, got {type(true).__name__}"
            )
        if (
            true.party_names != D.precincts.party_names
            or tuple(r.name for r in true.regions) != tuple(r.name for r in D.precincts.regions)
            or true.n_stations != D.n_stations
            or not np.array_equal(true.region, D.precincts.region)
        ):
            raise ElectsimError("true must have the reported stations, parties and regions")
        tpr, tcounts = station_categories(true, invalid_rate if true.invalid is None else None)
        if not np.array_equal(tcounts.sum(axis=1), D.sizes):
            raise ElectsimError(
                "true must have each station's reported number of ballots (the ballot "
                "manifest); move ballots between categories instead"
            )
    sys_true = system.replace(tie_break="lowest_index") if system.tie_break == "raise" else system
    correct = bool(
        np.array_equal(
            allocate(tpr.to_election(), sys_true, rng=0).seats, D.assertions.allocation.seats
        )
    )
    K = D.n_stations
    x_all = D.scores(np.arange(K), tcounts, u_factor=u_factor)  # (A, K)
    cols, inv = np.unique(x_all.T, axis=0, return_inverse=True)
    p = np.bincount(inv.reshape(-1), weights=D.probabilities, minlength=cols.shape[0]).astype(float)
    x = np.ascontiguousarray(cols.T)
    per_block = x.shape[0] * x.shape[1] ** 2 * 8
    if per_block > 2**31:
        raise ElectsimError(
            f"{x.shape[1]:,} distinct station scores over {x.shape[0]} assertions need about "
            f"{per_block / 2**30:.1f} GiB; simulate fewer stations with errors"
        )
    u = np.maximum(D.score_upper(u_factor), x.max(axis=1))
    mb = K if max_draws is None else int(max_draws)
    return x, p, u, mb, correct


def _entropy(rng: int | np.random.Generator | None) -> int:
    from ..simulate import _entropy as entropy

    return entropy(rng)
