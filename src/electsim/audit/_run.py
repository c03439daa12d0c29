"""Running a real audit: feed the ballots as they are drawn, read the p-values and the verdict."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._display import HTMLReprMixin
from ..election import Election
from ..errors import ElectsimError, UnknownNameError
from ..system import ElectoralSystem
from ._assertions import AssertionSet, assertions
from ._plan import KINDS, check_kind_test, comparison_scale, test_setup
from ._sequential import TESTS

__all__ = ["Audit"]


class Audit(HTMLReprMixin):
    """A risk-limiting audit in progress (ballots drawn without replacement).

    Parameters
    ----------
    election, system
        The *reported* counts and the rules; the audit checks ``allocate(election, system)``.
    risk_limit : float
    kind : {"comparison", "polling"}
    test : {"alpha", "kaplan_wald", "kaplan_markov", "kaplan_kolmogorov"}
    error_rate : float
        Used only to choose default test parameters, as in :func:`plan` (fixed before the
        first draw).
    max_ballots : int, optional
        Escalate to a full hand count once this many ballots have been examined without
        confirmation (default: never before all ``N``).
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

    Examples
    --------
    >>> from electsim import Election, ElectoralSystem, Threshold
    >>> e = Election([610, 290, 100], parties="ABC")
    >>> audit = Audit(e, ElectoralSystem(2, "dhondt"), kind="comparison")
    >>> audit.observe(cvr=["A"] * 60, paper=["A"] * 60).status
    'continue'
    """

    def __init__(
        self,
        election: Election,
        system: ElectoralSystem,
        risk_limit: float = 0.05,
        *,
        kind: str = "comparison",
        test: str = "alpha",
        error_rate: float = 0.0001,
        max_ballots: int | None = None,
        assertion_set: AssertionSet | None = None,
        **test_params: Any,
    ) -> None:
        check_kind_test(kind, test, risk_limit)
        self.assertions = assertions(election, system) if assertion_set is None else assertion_set
        self.kind, self.test, self.risk_limit = kind, test, float(risk_limit)
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
        self._x: list[NDArray[np.float64]] = []  # per call: (K, n) scores
        self.pvalues: NDArray[np.float64] = np.ones(len(self.assertions))

    @property
    def labels(self) -> tuple[str, ...]:
        """The category labels ballots may be given by."""
        return self.assertions.labels

    @property
    def n_examined(self) -> int:
        """Ballots examined so far."""
        return int(sum(x.shape[1] for x in self._x))

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
    ) -> Audit:
        """Add drawn ballots (polling: ``ballots``; comparison: ``cvr`` and ``paper``)."""
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

    @property
    def confirmed(self) -> NDArray[np.bool_]:
        """Per assertion: p-value at or below the risk limit."""
        return np.asarray(self.pvalues <= self.risk_limit)

    @property
    def status(self) -> str:
        """``"stop"``, ``"continue"`` or ``"escalate"`` (to a full hand count)."""
        if self.confirmed.all():
            return "stop"
        if self.n_examined >= self.max_ballots:
            return "escalate"
        return "continue"

    def __str__(self) -> str:
        lines = [
            f"{KINDS[self.kind].split(':')[0].capitalize()} audit ({self.test}), risk limit "
            f"{100 * self.risk_limit:g}%: {self.n_examined:,} ballots examined -> "
            f"{self.status.upper()}",
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
