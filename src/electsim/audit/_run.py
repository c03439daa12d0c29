"""Running a real audit: feed the ballots as they are drawn, read the p-values and the verdict."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._display import HTMLReprMixin
from ..election import Election, PrecinctResults
from ..errors import ElectsimError, UnknownNameError
from ..system import ElectoralSystem
from ._assertions import AssertionSet, assertions
from ._batch import BatchDesign, batch_design
from ._plan import (
    KINDS,
    batch_setup,
    check_batch_args,
    check_kind_test,
    comparison_scale,
    test_setup,
)
from ._sequential import TESTS

__all__ = ["Audit"]


class Audit(HTMLReprMixin):
    """A risk-limiting audit in progress (ballots drawn without replacement).

    Parameters
    ----------
    election, system
        The *reported* counts and the rules; the audit checks ``allocate(election, system)``.
        Batch audits take the stations' reported tallies (``PrecinctResults``).
    risk_limit : float
    kind : {"comparison", "polling", "batch"}
    test : {"alpha", "kaplan_wald", "kaplan_markov", "kaplan_kolmogorov"}
    error_rate : float
        Used only to choose default test parameters, as in :func:`plan` (fixed before the
        first draw).
    max_ballots : int, optional
        Escalate to a full hand count once this many ballots have been examined without
        confirmation (default: never before all ``N``).
    sampling, invalid_rate, max_draws, design
        Batch audits only, as in :func:`plan` (``max_draws``: draws before escalating,
        default the number of stations).
    **test_params
        As in :func:`plan`.

    Notes
    -----
    Ballots are given as category indices or labels (see :attr:`labels`; e.g.
    ``"Birimdik"``, ``"invalid"``, or ``"Osh city: Birimdik"`` with regions).  Polling:
    :meth:`observe` takes the paper ballots; comparison: :meth:`observe` takes
    ``cvr=..., paper=...`` pairs.  After every call, :attr:`pvalues` holds each assertion's
    running p-value and :attr:`status` is ``"stop"`` (every assertion confirmed at the risk
    limit: the reported allocation stands), ``"continue"`` or ``"escalate"`` (the budget
    ``max_ballots`` is spent: count every ballot by hand).  Kaplan-Markov assumes sampling
    with replacement; the others use the without-replacement null means.

    Batch audits: draw stations with :meth:`draw` (with replacement, by the design's
    probabilities), count them by hand and give :meth:`observe` ``stations=...`` (indices or
    station ids, in the order drawn, repeats included) and ``tallies=...`` (per station: the
    votes of each party, against all, invalid).  A station drawn again is counted once; giving
    a different hand count for it is an error.

    Examples
    --------
    >>> from electsim import Election, ElectoralSystem, Threshold
    >>> e = Election([610, 290, 100], parties="ABC")
    >>> audit = Audit(e, ElectoralSystem(2, "dhondt"), kind="comparison")
    >>> audit.observe(cvr=["A"] * 60, paper=["A"] * 60).status
    'continue'
    """

    assertions: AssertionSet
    pvalues: NDArray[np.float64]
    max_ballots: int
    max_draws: int
    _setup: list[tuple[float, int | None, dict[str, Any]]]

    def __init__(
        self,
        election: Election | PrecinctResults,
        system: ElectoralSystem,
        risk_limit: float = 0.05,
        *,
        kind: str = "comparison",
        test: str = "alpha",
        error_rate: float = 0.0001,
        max_ballots: int | None = None,
        assertion_set: AssertionSet | None = None,
        sampling: str = "pps_error",
        invalid_rate: Any = None,
        max_draws: int | None = None,
        design: BatchDesign | None = None,
        **test_params: Any,
    ) -> None:
        check_kind_test(kind, test, risk_limit)
        check_batch_args(election, kind, sampling, max_draws)
        self.kind, self.test, self.risk_limit = kind, test, float(risk_limit)
        self.design: BatchDesign | None = None
        self._x: list[NDArray[np.float64]] = []  # per call: (K, n) scores
        self._tallies: dict[int, NDArray[np.int64]] = {}  # batch: station -> hand count
        self.max_draws = 0
        if kind == "batch":
            assert isinstance(election, PrecinctResults)
            if max_ballots is not None:
                raise ElectsimError("batch audits take max_draws, not max_ballots")
            self.design = design or batch_design(
                election,
                system,
                sampling=sampling,
                invalid_rate=invalid_rate,
                assertion_set=assertion_set,
            )
            self.assertions = self.design.assertions
            self.max_draws = self.design.n_stations if max_draws is None else int(max_draws)
            self._setup = batch_setup(self.design, test, test_params, float(error_rate))
            self.max_ballots = self.assertions.n_ballots
            self.pvalues = np.ones(len(self.assertions))
            return
        assert isinstance(election, Election)
        self.assertions = assertions(election, system) if assertion_set is None else assertion_set
        N = self.assertions.n_ballots
        if max_ballots is not None and (
            isinstance(max_ballots, bool)
            or not isinstance(max_ballots, int | np.integer)
            or not 1 <= max_ballots <= N
        ):
            raise ElectsimError(f"max_ballots={max_ballots!r} must be an integer in [1, {N}]")
        self.max_ballots = N if max_ballots is None else int(max_ballots)
        self._setup = [
            test_setup(a, kind, test, self.assertions.counts, test_params, float(error_rate))
            for a in self.assertions
        ]
        self._H = self.assertions.scores
        self._den = np.array([comparison_scale(a)[1] for a in self.assertions])
        self.pvalues = np.ones(len(self.assertions))

    @property
    def labels(self) -> tuple[str, ...]:
        """The category labels ballots may be given by."""
        return self.assertions.labels

    @property
    def n_examined(self) -> int:
        """Ballots examined so far (batch audits: draws of stations, repeats included)."""
        return int(sum(x.shape[1] for x in self._x))

    @property
    def n_stations_counted(self) -> int:
        """Batch audits: distinct stations counted by hand so far (else 0)."""
        return len(self._tallies) if self.design is not None else 0

    @property
    def n_ballots_counted(self) -> int:
        """Ballots counted by hand so far (batch audits: of the distinct stations)."""
        if self.design is None:
            return self.n_examined
        return int(sum(int(self.design.sizes[k]) for k in self._tallies))

    def draw(self, n: int, rng: int | np.random.Generator | None = None) -> NDArray[np.intp]:
        """Batch audits: ``n`` station indices drawn with replacement by the design's
        probabilities (use a public, verifiable seed, e.g. from dice)."""
        if self.design is None:
            raise ElectsimError("draw() is for batch audits")
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
            raise ElectsimError(f"n={n!r} must be a positive integer")
        gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        p = self.design.probabilities
        return np.asarray(gen.choice(p.size, size=int(n), p=p / p.sum()), dtype=np.intp)

    def _codes(self, ballots: ArrayLike, what: str) -> NDArray[np.intp]:
        arr = np.asarray(ballots).reshape(-1)
        C = len(self.labels)
        if arr.dtype.kind in "iu":
            if arr.size and (arr.min() < 0 or arr.max() >= C):
                raise ElectsimError(f"{what}: category indices must be in [0, {C})")
            return arr.astype(np.intp)
        index = {lab: i for i, lab in enumerate(self.labels)}
        try:
            return np.array([index[str(b)] for b in arr], dtype=np.intp)
        except KeyError as exc:
            raise UnknownNameError(
                f"{what}: unknown ballot category {exc.args[0]!r}; categories are "
                f"{', '.join(self.labels[:6])}, ..."
            ) from None

    def observe(
        self,
        ballots: ArrayLike | None = None,
        *,
        cvr: ArrayLike | None = None,
        paper: ArrayLike | None = None,
        stations: ArrayLike | None = None,
        tallies: ArrayLike | None = None,
    ) -> Audit:
        """Add drawn ballots (polling: ``ballots``; comparison: ``cvr`` and ``paper``; batch:
        ``stations`` and their hand-counted ``tallies``)."""
        if self.design is not None:
            return self._observe_batch(ballots, cvr, paper, stations, tallies)
        if stations is not None or tallies is not None:
            raise ElectsimError("stations/tallies are for batch audits (kind='batch')")
        if self.kind == "polling":
            if ballots is None or cvr is not None or paper is not None:
                raise ElectsimError("a polling audit observes paper ballots: observe(ballots)")
            x = self._H[:, self._codes(ballots, "ballots")]
        else:
            if ballots is not None or cvr is None or paper is None:
                raise ElectsimError(
                    "a comparison audit observes pairs: observe(cvr=..., paper=...)"
                )
            c, p = self._codes(cvr, "cvr"), self._codes(paper, "paper")
            if c.size != p.size:
                raise ElectsimError(f"cvr has {c.size} ballots, paper {p.size}")
            u = self.assertions.upper[:, None]
            x = (1 - (self._H[:, c] - self._H[:, p]) / u) / self._den[:, None]
        if self.n_examined + x.shape[1] > self.assertions.n_ballots:
            raise ElectsimError("more ballots observed than were cast")
        self._x.append(x)
        allx = np.concatenate(self._x, axis=1)
        fn = TESTS[self.test]
        pv = np.ones(len(self.assertions))
        if allx.shape[1]:
            for k, (u_k, n_pop, kw) in enumerate(self._setup):
                pv[k] = fn(allx[k], u=u_k, N=n_pop, **kw)[-1]
        self.pvalues = pv
        return self

    def _observe_batch(
        self,
        ballots: ArrayLike | None,
        cvr: ArrayLike | None,
        paper: ArrayLike | None,
        stations: ArrayLike | None,
        tallies: ArrayLike | None,
    ) -> Audit:
        D = self.design
        assert D is not None
        if stations is None or tallies is None or (ballots, cvr, paper) != (None, None, None):
            raise ElectsimError(
                "a batch audit observes hand counts: observe(stations=..., tallies=...)"
            )
        idx = D.station_index(stations)
        audited = D.audited_counts(idx, tallies)
        if self.n_examined + idx.size > self.max_draws:
            raise ElectsimError(
                f"more draws than max_draws={self.max_draws}: escalate to a full hand count"
            )
        seen = dict(self._tallies)
        for k, row in zip(idx.tolist(), audited, strict=True):
            if k in seen and not np.array_equal(seen[k], row):
                raise ElectsimError(f"station index {k} was already counted with other tallies")
            seen[k] = row
        self._tallies = seen
        self._x.append(D.scores(idx, audited))
        allx = np.concatenate(self._x, axis=1)
        fn = TESTS[self.test]
        self.pvalues = np.array(
            [fn(allx[k], u=u_k, N=None, **kw)[-1] for k, (u_k, _, kw) in enumerate(self._setup)]
        )
        return self

    @property
    def confirmed(self) -> NDArray[np.bool_]:
        """Per assertion: p-value at or below the risk limit."""
        return np.asarray(self.pvalues <= self.risk_limit)

    @property
    def status(self) -> str:
        """``"stop"``, ``"continue"`` or ``"escalate"`` (to a full hand count)."""
        if self.confirmed.all():
            return "stop"
        if self.n_examined >= (self.max_draws if self.design is not None else self.max_ballots):
            return "escalate"
        return "continue"

    def __str__(self) -> str:
        done = (
            f"{self.n_examined:,} ballots examined"
            if self.design is None
            else f"{self.n_examined:,} draws, {self.n_stations_counted:,} stations and "
            f"{self.n_ballots_counted:,} ballots counted"
        )
        lines = [
            f"{KINDS[self.kind].split(':')[0].capitalize()} audit ({self.test}), risk limit "
            f"{100 * self.risk_limit:g}%: {done} -> {self.status.upper()}",
            f"{'Assertion':<64}  {'p-value':>8}",
        ]
        order = np.argsort(-self.pvalues, kind="stable")
        for k in order:
            d = self.assertions[int(k)].description
            d = d if len(d) <= 64 else d[:63] + "…"
            lines.append(f"{d:<64}  {self.pvalues[k]:>8.4f}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"Audit(kind={self.kind!r}, test={self.test!r}, examined={self.n_examined}, "
            f"status={self.status!r})"
        )
