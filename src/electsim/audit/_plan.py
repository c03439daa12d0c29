r"""Audit kinds, per-draw scores and sample-size planning.

Kinds
-----
``"polling"`` (ballot polling): a sampled paper ballot scores the assorter :math:`h` of its
category.  ``"comparison"`` (ballot-level comparison): a sampled paper ballot is compared with
its cast-vote record (CVR); with the overstatement :math:`\omega = h(\mathrm{CVR}) -
h(\mathrm{paper})` it scores Stark's (2020) comparison assorter

.. math::  B = \frac{1 - \omega/u}{2 - v/u}, \qquad v = 2\bar h - 1 \text{ (reported margin)},

which lies in :math:`[0, 2/(2 - v/u)]` and has mean > 1/2 exactly when the assertion holds.
``"batch"`` (batch-level comparison, polling stations as batches): a sampled station's hand
count is compared with its reported tally (``electsim.audit._batch``); stations are drawn
with replacement, and sizes count *draws* (with the expected stations and ballots to count).

Planning
--------
Sample sizes are computed on a deterministic sample, the first ``n`` at which the test's
p-value reaches the risk limit (sampling without replacement from the ``N`` ballots, except
for Kaplan-Markov, which needs replacement):

* ``initial`` -- the sample looks exactly like the report: comparison, no discrepancy (every
  draw scores :math:`1/(2 - v/u)`); polling, the reported ballots in a perfectly interleaved
  order (category ``c``'s ``m``-th ballot at position :math:`(m - 1/2)/p_c`, a permutation of
  the reported population).
* ``expected`` -- the same with errors at rate ``error_rate``: draws ``k`` with
  :math:`\lfloor k r + 1/2 \rfloor > \lfloor (k - 1) r + 1/2 \rfloor` (the first at
  :math:`1/(2r)`, then every :math:`1/r`) score 0, the assorter's minimum (comparison: a
  maximal overstatement, e.g. a CVR vote for the assertion's winner whose paper ballot is
  for its loser).  ASSUMPTION: ``error_rate = 0.0001`` (one maximal overstatement per
  10,000 ballots); try 0 to 0.001.

A size equal to ``N`` means the deterministic sample never reached the risk limit: a full hand
count.  These are planning figures; :func:`electsim.audit.simulate` gives the distribution.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._display import HTMLReprMixin
from ..election import Election, PrecinctResults
from ..errors import ElectsimError, UnknownMethodError
from ..system import ElectoralSystem
from ._assertions import Assertion, AssertionSet, assertions
from ._batch import SAMPLINGS, BatchDesign, batch_design
from ._sequential import TESTS, log_terms

__all__ = ["KINDS", "AssertionPlan", "AuditPlan", "plan", "plans"]

#: Audit kinds and what a sampled ballot is compared with.
KINDS: dict[str, str] = {
    "polling": "ballot polling: the paper ballot alone",
    "comparison": "ballot-level comparison: the paper ballot against its cast-vote record",
    "batch": "batch-level comparison: a polling station's hand count against its reported tally",
}


def check_kind_test(kind: str, test: str, risk_limit: float) -> None:
    """Validate the names and the risk limit."""
    if kind not in KINDS:
        raise UnknownMethodError(f"kind={kind!r} is unknown; use one of {sorted(KINDS)}")
    if test not in TESTS:
        raise UnknownMethodError(f"test={test!r} is unknown; use one of {sorted(TESTS)}")
    if isinstance(risk_limit, bool) or not isinstance(risk_limit, int | float | np.floating):
        raise ElectsimError(f"risk_limit={risk_limit!r} must be a number in (0, 1)")
    if not 0 < float(risk_limit) < 1:
        raise ElectsimError(f"risk_limit={risk_limit!r} must be in (0, 1)")


def comparison_scale(a: Assertion) -> tuple[float, float]:
    """``(u, denominator 2 - v/u)`` of an assertion's comparison assorter (floats)."""
    return float(a.upper), float(2 - a.diluted_margin)


def planning_distribution(
    a: Assertion, kind: str, counts: NDArray[np.int64], error_rate: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per-draw scores and their probabilities when the sample looks like the report.

    Polling: the assorter values of the categories with the reported shares.  Comparison:
    the no-discrepancy score ``1/(2 - v/u)`` with probability ``1 - error_rate`` and 0 (a
    maximal overstatement) with probability ``error_rate``.
    """
    if kind == "polling":
        c = np.asarray(counts, dtype=float)
        return a.h, c / c.sum()
    b0 = 1.0 / comparison_scale(a)[1]
    return np.array([b0, 0.0]), np.array([1.0 - error_rate, error_rate])


def kelly_bet(x: NDArray[np.float64], p: NDArray[np.float64], t: float = 0.5) -> float:
    r"""The growth-rate-optimal bet :math:`\lambda^*` for draws ``x`` with probabilities ``p``.

    Maximises :math:`\sum_k p_k \log(1 + \lambda (x_k - t))` over
    :math:`0 \le \lambda \le 0.99/t` (Kelly 1956; the "betting" view of these tests, Waudby-Smith
    & Ramdas 2023).  Used only to choose default test parameters from the *reported* counts,
    before any ballot is drawn, so the tests stay valid.

    >>> round(kelly_bet(np.array([1.0, 0.0]), np.array([0.6, 0.4])), 6)  # 2p - 1 over t = 1/2
    0.4
    """
    from scipy.optimize import minimize_scalar  # type: ignore[import-untyped]

    keep = p > 0
    x, p = x[keep], p[keep]
    hi = 0.99 / t

    def neg(lam: float) -> float:
        return -float(np.sum(p * np.log1p(lam * (x - t))))

    if float(np.sum(p * (x - t))) <= 0:
        return 0.0
    res = minimize_scalar(neg, bounds=(0.0, hi), method="bounded", options={"xatol": 1e-10})
    return float(res.x)


def test_setup(
    a: Assertion,
    kind: str,
    test: str,
    counts: NDArray[np.int64],
    params: dict[str, Any],
    error_rate: float,
) -> tuple[float, int | None, dict[str, Any]]:
    """Upper bound, population size (None = with replacement) and test parameters.

    Parameters not given are chosen from the reported counts (see :func:`default_params`).
    """
    N = int(np.asarray(counts).sum())
    u = float(a.upper) if kind == "polling" else 2.0 / comparison_scale(a)[1]
    kw = default_params(a, kind, test, counts, error_rate)
    kw.update(params)
    n_pop = None if test == "kaplan_markov" else N
    return u, n_pop, kw


def default_params(
    a: Assertion, kind: str, test: str, counts: NDArray[np.int64], error_rate: float
) -> dict[str, Any]:
    r"""Default test parameters of one assertion, from the reported counts only.

    With :math:`\lambda^*` = :func:`kelly_bet` on :func:`planning_distribution` (``t = 1/2``):
    Kaplan-Wald ``gamma = lambda* t``; Kaplan-Markov and Kaplan-Kolmogorov
    ``gamma = 1/lambda* - t`` (their term is :math:`1 + (x - t)/(t + \gamma)`); ALPHA,
    polling: ``eta0`` = the reported assorter mean, ``d = 100`` (SHANGRLA's defaults);
    ALPHA, comparison: ``eta0 = t + lambda* t (u - t)`` (the ALPHA bet equal to
    :math:`\lambda^*`) and ``d = 10,000`` (ASSUMPTION: the sample mean of a comparison audit is
    close to the no-discrepancy score, which would shrink the bet to almost nothing; a large
    ``d`` keeps it).
    """
    x, p = planning_distribution(a, kind, counts, error_rate)
    u = float(a.upper) if kind == "polling" else 2.0 / comparison_scale(a)[1]
    return bet_params(test, x, p, u, polling_mean=float(a.mean) if kind == "polling" else None)


def bet_params(
    test: str,
    x: NDArray[np.float64],
    p: NDArray[np.float64],
    u: float,
    *,
    polling_mean: float | None = None,
) -> dict[str, Any]:
    """Test parameters from the Kelly bet on draws ``x`` with probabilities ``p`` (see
    :func:`default_params`); ``polling_mean`` selects ALPHA's polling defaults."""
    t = 0.5
    lam = kelly_bet(x, p, t)
    if lam <= 0:
        lam = 1e-6  # the assertion does not hold as reported: no power anyway
    if test == "kaplan_wald":
        return {"gamma": min(1.0, lam * t)}
    if test in ("kaplan_markov", "kaplan_kolmogorov"):
        return {"gamma": max(1e-9, 1.0 / lam - t)}
    if polling_mean is not None:
        return {"eta0": min(max(polling_mean, t + 1e-9), u), "d": 100.0}
    return {"eta0": min(t + lam * t * (u - t), u), "d": 10_000.0}


def batch_setup(
    design: BatchDesign, test: str, params: dict[str, Any], error_rate: float
) -> list[tuple[float, int | None, dict[str, Any]]]:
    """Per assertion of a batch audit: the score's upper bound, ``None`` (sampling with
    replacement) and the test parameters (defaults from the Kelly bet on the no-error score
    ``1/(2 - 2M/c)`` with probability ``1 - error_rate`` and 0 with ``error_rate``)."""
    out: list[tuple[float, int | None, dict[str, Any]]] = []
    probs = np.array([1.0 - error_rate, error_rate])
    for u, den in zip(design.upper, design.denominators, strict=True):
        kw = bet_params(test, np.array([1.0 / den, 0.0]), probs, float(u))
        kw.update(params)
        out.append((float(u), None, kw))
    return out


def check_batch_args(
    election: Election | PrecinctResults, kind: str, sampling: str, max_draws: int | None
) -> None:
    """Validate the input type for the kind, the sampling design and ``max_draws``."""
    if kind == "batch" and not isinstance(election, PrecinctResults):
        raise ElectsimError(
            "kind='batch' audits polling stations: give PrecinctResults (station tallies), "
            f"not {type(election).__name__}"
        )
    if kind != "batch" and isinstance(election, PrecinctResults):
        raise ElectsimError(
            f"kind={kind!r} takes an Election; use kind='batch' for station tallies or "
            "precincts.to_election(...)"
        )
    if sampling not in SAMPLINGS:
        raise UnknownMethodError(
            f"sampling={sampling!r} is unknown; use one of {sorted(SAMPLINGS)}"
        )
    if max_draws is not None and (
        isinstance(max_draws, bool) or not isinstance(max_draws, int | np.integer) or max_draws < 1
    ):
        raise ElectsimError(f"max_draws={max_draws!r} must be a positive integer")
    if max_draws is not None and max_draws > 10**8:
        raise ElectsimError(f"max_draws={max_draws} is too large (at most 100,000,000)")


def interleaved_order(counts: NDArray[np.int64]) -> NDArray[np.intp]:
    """Categories of the ``N`` reported ballots in a perfectly interleaved order.

    Category ``c``'s ``m``-th ballot (``m = 1..n_c``) sits at :math:`(m - 1/2)/n_c`; ties by
    category index.

    >>> interleaved_order(np.array([2, 1, 1])).tolist()
    [0, 1, 2, 0]
    """
    c = np.asarray(counts, dtype=np.int64)
    cats = np.repeat(np.arange(c.size), c)
    m = np.arange(cats.size) - np.repeat(np.cumsum(c) - c, c)  # 0-based rank within category
    pos = (m + 0.5) / c[cats]
    return cats[np.lexsort((cats, pos))]


def first_rejection(
    x: Callable[[int, int], NDArray[np.float64]],
    size: int,
    test: str,
    u: float,
    N: int | None,
    risk_limits: Sequence[float],
    kw: dict[str, Any],
) -> list[int | None]:
    """For each risk limit, the first sample size at which the test rejects (or None).

    ``x(start, stop)`` returns draws ``start..stop-1`` of the sequence (length ``size``).  The
    test runs over chunks of growing length (1,024 doubling up to 2**18) carrying its state,
    so the cost is that of the sequence up to the answer plus at most one chunk.
    """
    targets = [math.log(1 / a) for a in risk_limits]
    found: list[int | None] = [None] * len(targets)
    S0, j0, logT0, best = 0.0, 0, 0.0, 0.0
    chunk = 1024
    while j0 < size and any(f is None for f in found):
        stop = min(size, j0 + chunk)
        xs = x(j0, stop)
        with np.errstate(invalid="ignore"):
            logT = logT0 + np.cumsum(log_terms(test, xs, u=u, N=N, S0=S0, j0=j0, **kw))
        logT = np.where(np.isnan(logT), np.inf, logT)
        run = np.maximum(np.maximum.accumulate(logT), best)
        for i, target in enumerate(targets):
            if found[i] is None and run[-1] >= target:
                found[i] = j0 + int(np.argmax(run >= target)) + 1
        S0 += float(xs.sum())
        j0 = stop
        logT0, best = float(logT[-1]), float(run[-1])
        chunk = min(2 * chunk, 2**18)
    return found


def error_positions(size: int, rate: float) -> NDArray[np.bool_]:
    """Draws ``k = 1..size`` that are errors at rate ``rate`` (see the module docstring).

    >>> np.flatnonzero(error_positions(12, 0.25)).tolist()   # draws 2, 6, 10
    [1, 5, 9]
    """
    k = np.arange(1, size + 1)
    return np.asarray(np.floor(k * rate + 0.5) > np.floor((k - 1) * rate + 0.5))


@dataclass(frozen=True)
class AssertionPlan:
    """Planned sample sizes of one assertion (``None``: not confirmed before a full count)."""

    assertion: Assertion
    initial: int | None
    expected: int | None


@dataclass(frozen=True)
class AuditPlan(HTMLReprMixin):
    """Sample sizes of a risk-limiting audit of a reported allocation.

    Attributes
    ----------
    assertions : AssertionSet
    kind, test : str
    risk_limit, error_rate : float
    test_params : dict
    rows : tuple of AssertionPlan
        One per assertion, in the order of ``assertions``.
    """

    assertions: AssertionSet
    kind: str
    test: str
    risk_limit: float
    error_rate: float
    test_params: dict[str, Any] = field(default_factory=dict)
    rows: tuple[AssertionPlan, ...] = ()
    design: BatchDesign | None = None
    max_draws: int = 0

    @property
    def n_ballots(self) -> int:
        """Ballots cast ``N``."""
        return self.assertions.n_ballots

    def _size(self, v: int | None) -> int:
        if v is None:
            return self.max_draws if self.design is not None else self.n_ballots
        return v

    def _ballots(self, draws: int, full: bool) -> int:
        if self.design is None:
            return draws
        if full:
            return self.n_ballots
        return math.ceil(float(self.design.expected_ballots(draws)) - 1e-9)

    @property
    def initial_ballots(self) -> int:
        """Ballots to count by hand if the sample matches the report.  Batch audits: the
        expected ballots of the distinct stations in :attr:`initial` draws (rounded up);
        ``N`` for a full hand count.  Other kinds: :attr:`initial`."""
        full = any(r.initial is None for r in self.rows)
        return self._ballots(self.initial, full)

    @property
    def expected_ballots(self) -> int:
        """As :attr:`initial_ballots`, at the stated error rate."""
        return self._ballots(self.expected, self.full_count)

    @property
    def initial_stations(self) -> float | None:
        """Batch audits: expected distinct stations in :attr:`initial` draws (else None)."""
        if self.design is None:
            return None
        return float(self.design.expected_stations(self.initial))

    @property
    def expected_stations(self) -> float | None:
        """Batch audits: expected distinct stations in :attr:`expected` draws (else None)."""
        if self.design is None:
            return None
        return float(self.design.expected_stations(self.expected))

    @property
    def initial(self) -> int:
        """Ballots to examine when the sample looks like the report (the largest of the
        assertions' sizes: they are tested on the same sample); ``N`` = full hand count."""
        return max((self._size(r.initial) for r in self.rows), default=0)

    @property
    def expected(self) -> int:
        """Ballots to examine at the stated error rate (``N`` = full hand count)."""
        return max((self._size(r.expected) for r in self.rows), default=0)

    @property
    def driver(self) -> Assertion:
        """The assertion that sets the expected size."""
        return max(
            self.rows, key=lambda r: (self._size(r.expected), self._size(r.initial))
        ).assertion

    @property
    def full_count(self) -> bool:
        """Whether the plan (at the stated error rate) ends in a full hand count."""
        return any(r.expected is None for r in self.rows)

    def to_records(self) -> list[dict[str, Any]]:
        """One record per assertion: its :meth:`Assertion.to_record` plus the sizes."""
        out = []
        for r in self.rows:
            rec = r.assertion.to_record()
            rec.update(
                audit_kind=self.kind,
                test=self.test,
                risk_limit=self.risk_limit,
                error_rate=self.error_rate,
                initial=self._size(r.initial),
                expected=self._size(r.expected),
                full_count=r.expected is None,
            )
            out.append(rec)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The plan as plain Python (summary and per-assertion records)."""
        return {
            "system": str(self.assertions.allocation.system),
            "ballots": self.n_ballots,
            "kind": self.kind,
            "test": self.test,
            "risk_limit": self.risk_limit,
            "error_rate": self.error_rate,
            "test_params": {k: float(v) for k, v in self.test_params.items()},
            "initial": self.initial,
            "expected": self.expected,
            "full_count": self.full_count,
            "driver": self.driver.description,
            **(
                {}
                if self.design is None
                else {
                    "sampling": self.design.sampling,
                    "stations": self.design.n_stations,
                    "max_draws": self.max_draws,
                    "initial_stations": self.initial_stations,
                    "expected_stations": self.expected_stations,
                    "initial_ballots": self.initial_ballots,
                    "expected_ballots": self.expected_ballots,
                }
            ),
            "assertions": self.to_records(),
        }

    def to_json(self, **kwargs: Any) -> str:
        """:meth:`to_dict` as JSON (``kwargs`` go to :func:`json.dumps`)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    def __str__(self) -> str:
        N = self.n_ballots
        width = 64
        head = (
            f"{'Assertion':<{width}}  {'diluted':>8}  {'initial':>10}  "
            f"{'at ' + format(100 * self.error_rate, 'g') + '% err':>12}"
        )
        lines = [
            f"{KINDS[self.kind].split(':')[0].capitalize()} audit ({self.test}), risk limit "
            f"{100 * self.risk_limit:g}%, of {self.assertions.allocation.system} "
            f"({N:,} ballots)",
            head,
            "-" * len(head),
        ]

        def fmt(v: int | None) -> str:
            return "full count" if v is None else f"{v:,}"

        rows = sorted(self.rows, key=lambda r: -self._size(r.expected))
        for r in rows:
            d = r.assertion.description
            d = d if len(d) <= width else d[: width - 1] + "…"
            lines.append(
                f"{d:<{width}}  {100 * float(r.assertion.diluted_margin):>7.3f}%  "
                f"{fmt(r.initial):>10}  {fmt(r.expected):>12}"
            )
        lines.append("-" * len(head))
        if self.design is not None:
            lines[0] = lines[0].replace(
                "ballots)",
                f"ballots, {self.design.n_stations:,} stations, {self.design.sampling} sampling "
                "with replacement; sizes in draws)",
            )
            tail = " = FULL HAND COUNT" if self.full_count else ""
            lines.append(
                f"Audit size: {self.initial:,} draws, about {self.initial_stations:,.0f} stations "
                f"and {self.initial_ballots:,} ballots if the hand counts match the report; "
                f"{self.expected:,} draws ({self.expected_ballots:,} ballots) at "
                f"{100 * self.error_rate:g}% errors{tail}"
            )
            lines.append(f"Driven by: {self.driver.description}")
            return "\n".join(lines)
        lines.append(
            f"Audit size: {self.initial:,} ballots ({100 * self.initial / N:.2f}%) if the sample "
            f"matches the report; {self.expected:,} ({100 * self.expected / N:.2f}%) at "
            f"{100 * self.error_rate:g}% errors" + (" = FULL HAND COUNT" if self.full_count else "")
        )
        lines.append(f"Driven by: {self.driver.description}")
        return "\n".join(lines)


def plan(
    election: Election | PrecinctResults,
    system: ElectoralSystem,
    risk_limit: float = 0.05,
    *,
    kind: str = "comparison",
    test: str = "alpha",
    error_rate: float = 0.0001,
    assertion_set: AssertionSet | None = None,
    sampling: str = "pps_error",
    invalid_rate: Any = None,
    max_draws: int | None = None,
    design: BatchDesign | None = None,
    **test_params: Any,
) -> AuditPlan:
    r"""Plan a risk-limiting audit of ``allocate(election, system)``.

    Parameters
    ----------
    election : Election or PrecinctResults
        The reported counts (one election); station tallies (``PrecinctResults``) for
        ``kind="batch"``.
    system : ElectoralSystem
        The rules.
    risk_limit : float
        The largest chance of confirming a wrong allocation, in (0, 1).
    kind : {"comparison", "polling", "batch"}
    test : {"alpha", "kaplan_wald", "kaplan_markov", "kaplan_kolmogorov"}
    error_rate : float
        Rate of draws that score the minimum, 0, in the ``expected`` size (ASSUMPTION:
        0.0001; try 0 to 0.001).  Batch audits: draws of a station whose taint is the largest
        the design allows.
    assertion_set : AssertionSet, optional
        Precomputed ``assertions(election, system)`` (of the aggregated stations for batches).
    sampling : {"pps_error", "pps_size", "uniform"}
        Batch audits only: how stations are drawn (with replacement; see
        ``electsim.audit._batch``).
    invalid_rate : rate, optional
        Batch audits only: ASSUMPTION for station tallies without invalid ballots.
    max_draws : int, optional
        Batch audits only: draws before escalating to a full hand count (default: the number
        of stations ``K``).
    design : BatchDesign, optional
        Batch audits only: a precomputed :func:`electsim.audit.batch_design`.
    **test_params
        Passed to the test (``eta0``, ``d`` for ALPHA; ``gamma`` for the Kaplan tests).

    Returns
    -------
    AuditPlan
        For batch audits the sizes are *draws*; :attr:`AuditPlan.initial_ballots` and
        :attr:`AuditPlan.expected_ballots` give the ballots to count by hand.

    Examples
    --------
    >>> from electsim import Election, ElectoralSystem, Threshold
    >>> e = Election([6_000, 3_000, 600], against_all=[200], invalid=[200], parties="ABC")
    >>> p = plan(e, ElectoralSystem(10, "hare", national=Threshold("7%")), 0.05)
    >>> p.driver.description, p.initial
    ('C fails >= 7% of ballots nationally', 301)
    """
    return plans(
        election,
        system,
        [risk_limit],
        kind=kind,
        test=test,
        error_rate=error_rate,
        assertion_set=assertion_set,
        sampling=sampling,
        invalid_rate=invalid_rate,
        max_draws=max_draws,
        design=design,
        **test_params,
    )[0]


def plans(
    election: Election | PrecinctResults,
    system: ElectoralSystem,
    risk_limits: Sequence[float],
    *,
    kind: str = "comparison",
    test: str = "alpha",
    error_rate: float = 0.0001,
    assertion_set: AssertionSet | None = None,
    sampling: str = "pps_error",
    invalid_rate: Any = None,
    max_draws: int | None = None,
    design: BatchDesign | None = None,
    **test_params: Any,
) -> tuple[AuditPlan, ...]:
    """:func:`plan` at several risk limits in one pass over each assertion's sample.

    >>> from electsim import Election, ElectoralSystem, Threshold
    >>> e = Election([6_000, 3_000, 600], against_all=[200], invalid=[200], parties="ABC")
    >>> [p.initial for p in plans(e, ElectoralSystem(10, "hare", national=Threshold("7%")),
    ...                           [0.1, 0.05, 0.01])]
    [232, 301, 463]
    """
    if isinstance(risk_limits, str) or not isinstance(risk_limits, Sequence) or not risk_limits:
        raise ElectsimError(f"risk_limits={risk_limits!r} must be a non-empty sequence")
    for r in risk_limits:
        check_kind_test(kind, test, r)
    if isinstance(error_rate, bool) or not 0 <= float(error_rate) < 1:
        raise ElectsimError(f"error_rate={error_rate!r} must be in [0, 1)")
    check_batch_args(election, kind, sampling, max_draws)
    if kind == "batch":
        assert isinstance(election, PrecinctResults)
        return _batch_plans(
            election,
            system,
            risk_limits,
            test,
            float(error_rate),
            assertion_set,
            sampling,
            invalid_rate,
            max_draws,
            design,
            test_params,
        )
    assert isinstance(election, Election)
    A = assertions(election, system) if assertion_set is None else assertion_set
    N = A.n_ballots
    order = interleaved_order(A.counts) if kind == "polling" else np.zeros(0, dtype=np.intp)
    err = error_positions(N, float(error_rate))
    rows: list[list[AssertionPlan]] = [[] for _ in risk_limits]
    for a in A:
        u, n_pop, kw = test_setup(a, kind, test, A.counts, test_params, float(error_rate))
        if not a.holds:
            for row in rows:
                row.append(AssertionPlan(a, None, None))
            continue
        h, b0 = a.h, 1.0 / comparison_scale(a)[1]

        def clean(
            i: int, j: int, h: NDArray[np.float64] = h, b0: float = b0
        ) -> NDArray[np.float64]:
            return h[order[i:j]] if kind == "polling" else np.full(j - i, b0)

        _append_plans(rows, a, clean, err, N, test, u, n_pop, risk_limits, kw)
    return tuple(
        AuditPlan(A, kind, test, float(r), float(error_rate), dict(test_params), tuple(row))
        for r, row in zip(risk_limits, rows, strict=True)
    )


def _append_plans(
    rows: list[list[AssertionPlan]],
    a: Any,
    clean: Callable[[int, int], NDArray[np.float64]],
    err: NDArray[np.bool_],
    size: int,
    test: str,
    u: float,
    n_pop: int | None,
    risk_limits: Sequence[float],
    kw: dict[str, Any],
) -> None:
    """Sample sizes of one assertion at every risk limit, without errors (scores ``clean``)
    and with the assumed errors at positions ``err`` (those draws score 0), appended to
    ``rows`` (one row per risk limit)."""

    def dirty(i: int, j: int) -> NDArray[np.float64]:
        return np.where(err[i:j], 0.0, clean(i, j))

    n0 = first_rejection(clean, size, test, u, n_pop, risk_limits, kw)
    n1 = n0 if not err.any() else first_rejection(dirty, size, test, u, n_pop, risk_limits, kw)
    for r, row in enumerate(rows):
        row.append(AssertionPlan(a, n0[r], n1[r]))


def _batch_plans(
    precincts: PrecinctResults,
    system: ElectoralSystem,
    risk_limits: Sequence[float],
    test: str,
    error_rate: float,
    assertion_set: AssertionSet | None,
    sampling: str,
    invalid_rate: Any,
    max_draws: int | None,
    design: BatchDesign | None,
    test_params: dict[str, Any],
) -> tuple[AuditPlan, ...]:
    """Batch-level comparison plans: the no-error draw scores ``1/(2 - 2M/c)``, with
    replacement (the same deterministic samples as for ballot-level comparison)."""
    D = (
        batch_design(
            precincts,
            system,
            sampling=sampling,
            invalid_rate=invalid_rate,
            assertion_set=assertion_set,
        )
        if design is None
        else design
    )
    A = D.assertions
    size = D.n_stations if max_draws is None else int(max_draws)
    err = error_positions(size, error_rate)
    rows: list[list[AssertionPlan]] = [[] for _ in risk_limits]
    for a, (u, _, kw), den in zip(
        A, batch_setup(D, test, test_params, error_rate), D.denominators, strict=True
    ):
        if not a.holds:
            for row in rows:
                row.append(AssertionPlan(a, None, None))
            continue

        def clean(i: int, j: int, x0: float = 1.0 / float(den)) -> NDArray[np.float64]:
            return np.full(j - i, x0)

        _append_plans(rows, a, clean, err, size, test, u, None, risk_limits, kw)
    return tuple(
        AuditPlan(A, "batch", test, float(r), error_rate, dict(test_params), tuple(row), D, size)
        for r, row in zip(risk_limits, rows, strict=True)
    )


def lindeman_stark_sample_size(
    diluted_margin: float, risk_limit: float, *, gamma: float = 1.03905, exact: bool = False
) -> int:
    r"""Initial sample size of a ballot-level comparison audit with no discrepancies.

    Lindeman & Stark (2012), "A Gentle Introduction to Risk-limiting Audits", IEEE Security &
    Privacy 10(5), 42-49, for the "super-simple" method of Stark (2010):
    :math:`n = \lceil -2\gamma \log(\alpha) / \mu \rceil` with the diluted margin :math:`\mu`
    (smallest margin in votes / ballots) and the error inflation :math:`\gamma = 1.03905`.
    ``exact=True`` gives the smallest ``n`` with :math:`(1 - \mu/(2\gamma))^n \le \alpha`, the
    rule the formula approximates (it equals Kaplan-Markov on the comparison assorter with
    the upper bound inflated by :math:`\gamma`).

    >>> lindeman_stark_sample_size(0.05, 0.10), lindeman_stark_sample_size(0.05, 0.10, exact=True)
    (96, 95)
    """
    mu, a = float(diluted_margin), float(risk_limit)
    if not 0 < mu <= 1:
        raise ElectsimError(f"diluted_margin={diluted_margin!r} must be in (0, 1]")
    if not 0 < a < 1:
        raise ElectsimError(f"risk_limit={risk_limit!r} must be in (0, 1)")
    if not gamma > 0.5:
        raise ElectsimError(f"gamma={gamma!r} must exceed 1/2")
    if exact:
        return math.ceil(math.log(a) / math.log(1 - mu / (2 * gamma)))
    return math.ceil(-2 * gamma * math.log(a) / mu)
