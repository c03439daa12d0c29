r"""Assertions: linear conditions on the true counts whose truth implies the reported seats.

Ballot categories
-----------------
A ballot of an election with ``R`` regions and ``P`` parties falls in exactly one of
``C = R (P + 2)`` *categories*: a vote for party ``p`` in region ``r``, "against all" in
``r``, or invalid in ``r``; category ``r (P + 2) + p`` for parties, ``r (P + 2) + P`` for
against all and ``r (P + 2) + P + 1`` for invalid (:func:`ballot_categories`).

From a linear assertion to an assorter
--------------------------------------
Every assertion is a linear inequality :math:`\sum_b g(b) > 0` over the ``N`` ballots, with a
per-ballot score :math:`g` that depends only on the ballot's category (Blom et al. 2021).  With
:math:`a = \min_c g_c < 0` the assorter

.. math::  h(b) = \frac{g(b) - a}{-2a} \in [0, u], \qquad u = \frac{\max_c g_c - a}{-2a},

has mean :math:`\bar h > 1/2` exactly when :math:`\sum_b g(b) > 0` (SHANGRLA, Stark 2020).
The number of ballots ``N`` is known from the ballot manifest, so constants (``K/N`` per ballot)
may appear in :math:`g`.  Everything is an exact :class:`~fractions.Fraction`.

References
----------
Stark, P. B. (2020). Sets of half-average nulls generate risk-limiting audits: SHANGRLA.
*Financial Cryptography Workshops*, LNCS 12063, 319-336. https://arxiv.org/abs/1911.10035
Blom, M., Budurushi, J., Rivest, R. L., Stark, P. B., Stuckey, P. J., Teague, V., Vukcevic, D.
(2021). Assertion-based approaches to auditing complex elections, with application to
party-list proportional elections. *E-Vote-ID 2021*. https://arxiv.org/abs/2107.11903
Stark, P. B. & Teague, V. (2014). Verifiable European elections: risk-limiting audits for
D'Hondt and its relatives. *USENIX JETS* 3(1), 18-39.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction
from math import isqrt
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._display import HTMLReprMixin
from ..allocate import Allocation, allocate
from ..apportion.divisor import DivisorSpec
from ..apportion.quota import QuotaRule
from ..election import Election
from ..errors import ElectsimError
from ..sensitivity.breakpoints import _check_unbatched
from ..system import ElectoralSystem, Threshold, plain_threshold

__all__ = ["Assertion", "AssertionSet", "assertions", "ballot_categories"]

HALF = Fraction(1, 2)
#: bounds ``(lo, hi)`` of a rounded quota ``Q`` around ``V / m``: ``V/m + lo <= Q <= V/m + hi``
#: (``hi = 1`` for every rounding because of the floor ``Q >= 1``: ``max(1, x) <= V/m + 1``)
_QUOTA_BOUNDS = {
    "exact": (Fraction(0), Fraction(0)),
    "floor": (Fraction(-1), Fraction(1)),
    "ceil": (Fraction(0), Fraction(1)),
    "round_half_up": (Fraction(-1, 2), Fraction(1)),
    "plus_one": (Fraction(0), Fraction(1)),
}


def ballot_categories(election: Election) -> tuple[tuple[str, ...], NDArray[np.int64]]:
    """Labels and counts of the ``C = R (P + 2)`` ballot categories of one election.

    >>> from electsim import Election
    >>> ballot_categories(Election([5, 3], against_all=[1], invalid=[2], parties="AB"))
    (('A', 'B', 'against all', 'invalid'), array([5, 3, 1, 2]))
    """
    if election.batch_shape:
        raise ElectsimError(
            f"election has batch shape {election.batch_shape}; audits take one election "
            "(pick one with election.select(i))"
        )
    assert election.against_all is not None and election.invalid is not None
    R = election.n_regions
    names = [p.name for p in election.parties] + ["against all", "invalid"]
    labels: list[str] = []
    for r in range(R):
        prefix = "" if R == 1 else election.regions[r].name + ": "
        labels += [prefix + n for n in names]
    counts = np.concatenate(
        [election.votes, election.against_all[:, None], election.invalid[:, None]], axis=1
    ).reshape(-1)
    return tuple(labels), counts.astype(np.int64)


@dataclass(frozen=True)
class Assertion:
    r"""One assertion: "the mean of the assorter over all ballots exceeds 1/2".

    Attributes
    ----------
    kind : str
        ``"national_above"``, ``"national_below"``, ``"regional_above"``, ``"regional_below"``,
        ``"seat_pair"`` (one party's last seat against another's next seat), ``"quota_floor"``
        (largest remainder: the party deserved all but its last seat), ``"cap_exceeds"`` /
        ``"cap_within"`` (a round of the seat-cap procedure), ``"has_votes"`` / ``"no_votes"``
        (divisor methods with ``d(0) = 0``).
    description : str
        Plain language.
    parties : tuple of str
        The parties it is about (first: the one it favours).
    scores : tuple of Fraction, length ``C``
        The assorter :math:`h` per ballot category (see :func:`ballot_categories`).
    upper : Fraction
        The assorter's upper bound :math:`u`.
    mean : Fraction
        The reported assorter mean :math:`\bar h`.
    slack : Fraction
        :math:`\sum_b g(b)` in the assertion's natural units (votes for threshold and quota
        assertions, averages for divisor assertions); positive iff the assertion holds.
    """

    kind: str
    description: str
    parties: tuple[str, ...]
    scores: tuple[Fraction, ...]
    upper: Fraction
    mean: Fraction
    slack: Fraction

    @property
    def margin(self) -> Fraction:
        r"""The assorter margin :math:`v = 2\bar h - 1` (SHANGRLA)."""
        return 2 * self.mean - 1

    @property
    def diluted_margin(self) -> Fraction:
        r""":math:`v / u`: the margin on the scale of the assorter's range.

        It sets the size of a comparison audit (no-discrepancy score :math:`1/(2 - v/u)`) and
        equals Lindeman & Stark's (2012) diluted margin (vote margin / ballots) for a
        two-candidate plurality contest.
        """
        return self.margin / self.upper

    @property
    def holds(self) -> bool:
        """Whether the assertion holds on the reported counts (mean > 1/2, exactly)."""
        return self.mean > HALF

    @property
    def h(self) -> NDArray[np.float64]:
        """The assorter per category as float64 (for the sequential tests; never decides)."""
        return np.array([float(s) for s in self.scores])

    def mean_of(self, counts: Any) -> Fraction:
        """The exact assorter mean over ballots with these category counts (length ``C``)."""
        c = [int(x) for x in np.asarray(counts).reshape(-1)]
        if len(c) != len(self.scores):
            raise ElectsimError(
                f"counts has {len(c)} categories; the assertion has {len(self.scores)}"
            )
        n = sum(c)
        if n <= 0:
            raise ElectsimError("counts must contain at least one ballot")
        return sum((Fraction(k) * s for k, s in zip(c, self.scores, strict=True)), Fraction(0)) / n

    def to_record(self) -> dict[str, Any]:
        """JSON-ready: kind, description, parties, u, mean, margin, diluted margin (floats)."""
        return {
            "assertion": self.kind,
            "description": self.description,
            "parties": list(self.parties),
            "upper": float(self.upper),
            "mean": float(self.mean),
            "margin": float(self.margin),
            "diluted_margin": float(self.diluted_margin),
            "slack": float(self.slack),
            "holds": self.holds,
        }


@dataclass(frozen=True)
class AssertionSet(HTMLReprMixin):
    """The assertions of a reported allocation, with the ballot categories they score.

    Attributes
    ----------
    assertions : tuple of Assertion
    labels : tuple of str
        Category labels (length ``C``).
    counts : int64 array ``(C,)``
        Reported ballots per category.
    allocation : Allocation
        The reported outcome (from :func:`electsim.allocate`).
    """

    assertions: tuple[Assertion, ...]
    labels: tuple[str, ...]
    counts: NDArray[np.int64]
    allocation: Allocation

    def __len__(self) -> int:
        return len(self.assertions)

    def __iter__(self) -> Any:
        return iter(self.assertions)

    def __getitem__(self, i: int) -> Assertion:
        return self.assertions[i]

    @property
    def n_ballots(self) -> int:
        """Ballots cast (the ballot manifest's total)."""
        return int(self.counts.sum())

    @property
    def scores(self) -> NDArray[np.float64]:
        """Float assorter values ``(K, C)`` of the ``K`` assertions."""
        return np.array([a.h for a in self.assertions]).reshape(len(self.assertions), -1)

    @property
    def upper(self) -> NDArray[np.float64]:
        """Float upper bounds ``(K,)``."""
        return np.array([float(a.upper) for a in self.assertions])

    @property
    def all_hold(self) -> bool:
        """Every assertion holds on the reported counts (else no audit can confirm)."""
        return all(a.holds for a in self.assertions)

    def holds_on(self, counts: Any) -> NDArray[np.bool_]:
        """Exactly, which assertions hold on other category counts of the same ``N`` ballots."""
        c = np.asarray(counts).reshape(-1)
        if int(c.sum()) != self.n_ballots:
            raise ElectsimError(
                f"counts total {int(c.sum())} ballots; the manifest has {self.n_ballots}"
            )
        return np.array([a.mean_of(c) > HALF for a in self.assertions], dtype=bool)

    @property
    def relative_overstatement_bounds(self) -> tuple[Fraction | None, ...]:
        r"""Per assertion, the largest overstatement one ballot can cause, relative to the
        margin: Stark & Teague's (2014) per-ballot bound.

        For an assertion :math:`\sum_b g(b) > 0` it is
        :math:`(\max_c g_c - \min_c g_c) / \sum_b g(b)`; on the assorter scale this is
        :math:`2 / (N \cdot v/u)` with the diluted margin :math:`v/u` (the scale of ``g`` cancels).
        For a divisor-method assertion "winner ``w``'s last seat beats loser ``l``'s first lost
        seat" it is Stark & Teague's :math:`(d_l + d_w)/(d_l T_w - d_w T_l)`.  ``None`` for an
        assertion that does not hold (no bound exists).
        """
        N = self.n_ballots
        return tuple(2 / (N * a.diluted_margin) if a.holds else None for a in self.assertions)

    @property
    def overstatement_bound(self) -> Fraction:
        r"""Stark & Teague's (2014) MICRO upper bound :math:`u`: the largest
        :attr:`relative_overstatement_bounds` (every assertion must hold).

        A ballot-level comparison audit with no discrepancy gains the factor
        :math:`1 - \gamma + \gamma / (1 - 1/(N u))` per ballot under Kaplan-Wald, the same as
        :func:`electsim.audit.kaplan_wald` on the no-discrepancy comparison score
        :math:`1/(2 - v/u_h)` (since :math:`N u = 2/(v/u_h)` for the closest assertion).

        >>> from electsim import Election, ElectoralSystem
        >>> A = assertions(Election([600, 400], parties="AB"), ElectoralSystem(1, "dhondt"))
        >>> A.overstatement_bound   # (1 + 1) / (600 - 400)
        Fraction(1, 100)
        """
        if not self.all_hold:
            raise ElectsimError(
                "some assertion does not hold: the overstatement bound is undefined"
            )
        return max(b for b in self.relative_overstatement_bounds if b is not None)

    def closest(self) -> Assertion:
        """The assertion with the smallest diluted margin."""
        return min(self.assertions, key=lambda a: a.diluted_margin)

    def to_records(self) -> list[dict[str, Any]]:
        """One record per assertion (see :meth:`Assertion.to_record`)."""
        return [a.to_record() for a in self.assertions]

    def to_json(self, **kwargs: Any) -> str:
        """:meth:`to_records` as JSON (``kwargs`` go to :func:`json.dumps`)."""
        return json.dumps(self.to_records(), ensure_ascii=False, **kwargs)

    def __str__(self) -> str:
        width = max([40, *(len(a.description) for a in self.assertions)])
        width = min(width, 78)
        head = f"{'Assertion':<{width}}  {'u':>8}  {'mean':>9}  {'margin':>9}  {'diluted':>9}"
        lines = [
            f"{len(self)} assertions for {self.allocation.system} on {self.n_ballots:,} ballots",
            head,
            "-" * len(head),
        ]
        for a in sorted(self.assertions, key=lambda a: a.diluted_margin):
            d = a.description if len(a.description) <= width else a.description[: width - 1] + "…"
            lines.append(
                f"{d:<{width}}  {float(a.upper):>8.4g}  {float(a.mean):>9.6f}  "
                f"{100 * float(a.margin):>8.4f}%  {100 * float(a.diluted_margin):>8.4f}%"
            )
        return "\n".join(lines)


# --------------------------------------------------------------------------- building blocks
class _Builder:
    """Category indicator vectors of one election, and assertion construction."""

    def __init__(self, election: Election, allocation: Allocation) -> None:
        self.election = election
        self.allocation = allocation
        self.labels, self.counts = ballot_categories(election)
        self.R, self.P = election.n_regions, election.n_parties
        self.C = self.R * (self.P + 2)
        self.N = int(self.counts.sum())
        self.names = [p.name for p in election.parties]

    def zero(self) -> list[Fraction]:
        return [Fraction(0)] * self.C

    def party(self, p: int, region: int | None = None) -> list[Fraction]:
        g = self.zero()
        for r in range(self.R) if region is None else (region,):
            g[r * (self.P + 2) + p] = Fraction(1)
        return g

    def parties(self, mask: Any) -> list[Fraction]:
        g = self.zero()
        for p in np.flatnonzero(np.asarray(mask)):
            for r in range(self.R):
                g[r * (self.P + 2) + int(p)] = Fraction(1)
        return g

    def constant(self, total: Fraction) -> list[Fraction]:
        """A per-ballot constant summing to ``total`` over the ``N`` ballots."""
        return [Fraction(total) / self.N] * self.C

    def base(self, kind: str, region: int | None) -> list[Fraction]:
        """Indicator (or constant) whose sum over ballots is the threshold base."""
        if kind == "registered":
            reg = self.election.registered
            if reg is None:
                raise ElectsimError("base='registered' needs registered voters")
            k = int(reg.sum()) if region is None else int(reg[region])
            return self.constant(Fraction(k))
        g = self.zero()
        extra = {"ballots": 2, "valid": 1, "party_votes": 0}[kind]
        for r in range(self.R) if region is None else (region,):
            for c in range(self.P + extra):
                g[r * (self.P + 2) + c] = Fraction(1)
        return g

    def make(
        self, kind: str, description: str, parties: tuple[str, ...], g: list[Fraction]
    ) -> Assertion:
        lo, hi = min(g), max(g)
        a = lo if lo < 0 else -max(abs(hi), Fraction(1))
        scores = tuple((x - a) / (-2 * a) for x in g)
        upper = (hi - a) / (-2 * a)
        slack = sum(
            (Fraction(int(k)) * x for k, x in zip(self.counts, g, strict=True)), Fraction(0)
        )
        mean = (
            sum(
                (Fraction(int(k)) * s for k, s in zip(self.counts, scores, strict=True)),
                Fraction(0),
            )
            / self.N
        )
        return Assertion(kind, description, parties, scores, upper, mean, slack)


def _lin(*terms: tuple[Fraction | int, list[Fraction]]) -> list[Fraction]:
    n = len(terms[0][1])
    out = [Fraction(0)] * n
    for coef, vec in terms:
        c = Fraction(coef)
        for i in range(n):
            out[i] += c * vec[i]
    return out


def _inv_sqrt_bounds(d2: Fraction, digits: int = 15) -> tuple[Fraction, Fraction]:
    """Rational bounds ``lo <= 1/sqrt(d2) <= hi`` (``d2 > 0``), ``hi - lo = 10**-digits``."""
    # 1/sqrt(p/q) = sqrt(q p) / p
    p, q = d2.numerator, d2.denominator
    scale = 10**digits
    root = isqrt(q * p * scale * scale)
    return Fraction(root, p * scale), Fraction(root + 1, p * scale)


# --------------------------------------------------------------------------- thresholds
def _threshold_assertions(b: _Builder, system: ElectoralSystem) -> list[Assertion]:
    alloc = b.allocation
    e = b.election
    out: list[Assertion] = []
    flagged = [r for r in range(b.R) if e.regions[r].in_regional_threshold]
    national = plain_threshold(system.national, "audit assertions")
    regional = (
        plain_threshold(system.regional, "audit assertions")
        if (system.regional is not None and not alloc.regional_skipped)
        else None
    )

    def base_of(t: Threshold, region: int | None) -> list[Fraction]:
        # a regional threshold on the national base (base_scope="national"): the national base
        return b.base(t.base, None if t.base_scope == "national" else region)

    def above(t: Threshold, p: int, region: int | None) -> Assertion:
        g = _lin((1, b.party(p, region)), (-t.rate, base_of(t, region)))
        where = "nationally" if region is None else f"in {e.regions[region].name}"
        kind = "national_above" if region is None else "regional_above"
        return b.make(kind, f"{b.names[p]} passes {t} {where}", (b.names[p],), g)

    def below(t: Threshold, p: int, region: int | None) -> Assertion:
        g = _lin((t.rate, base_of(t, region)), (-1, b.party(p, region)))
        where = "nationally" if region is None else f"in {e.regions[region].name}"
        kind = "national_below" if region is None else "regional_below"
        return b.make(kind, f"{b.names[p]} fails {t} {where}", (b.names[p],), g)

    for p in range(b.P):
        if alloc.eligible[p]:
            if national is not None:
                out.append(above(national, p, None))
            if regional is not None:
                out += [above(regional, p, r) for r in flagged]
        else:
            reasons: list[Assertion] = []
            if national is not None and not alloc.passes_national[p]:
                reasons.append(below(national, p, None))
            if regional is not None:
                reasons += [below(regional, p, r) for r in flagged if alloc.failed_regions[r, p]]
            # one reason suffices: keep the easiest to confirm
            out.append(max(reasons, key=lambda a: a.diluted_margin))
    return out


# --------------------------------------------------------------------------- seats
class _Round:
    """Claims to seats within one apportionment round (active parties, seats)."""

    def __init__(self, b: _Builder, spec: QuotaRule | DivisorSpec, active: Any, seats: int) -> None:
        self.b, self.spec, self.seats = b, spec, seats
        self.active = np.asarray(active, dtype=bool)
        self.act_vec = b.parties(self.active)

    def _claim_text(self, p: int, n: int) -> str:
        return f"{self.b.names[p]}'s seat {n}"

    def beats(self, i: int, ni: int, j: int, nj: int, kind: str, text: str) -> list[Assertion]:
        """Assertions that party i's claim to its seat ni beats party j's claim to seat nj."""
        b = self.b
        names = (b.names[i], b.names[j])
        spec = self.spec
        if isinstance(spec, QuotaRule):
            return [b.make(kind, text, names, self._quota_g(i, ni, j, nj))]
        di, dj = spec.d_exact(ni - 1), spec.d_exact(nj - 1)
        ei, ej = b.party(i), b.party(j)
        if di == 0 and dj == 0:
            return [b.make(kind, text + " (more votes)", names, _lin((1, ei), (-1, ej)))]
        if di == 0:  # an infinite claim beats a finite one if the party has a vote
            return [self._has_votes(i)]
        if dj == 0:  # a finite claim beats j's first seat only if j has no vote
            return [self._no_votes(j), self._has_votes(i)]
        if spec.squared:
            ci, _ = _inv_sqrt_bounds(di)
            _, cj = _inv_sqrt_bounds(dj)
        else:
            ci, cj = 1 / di, 1 / dj
        return [b.make(kind, text, names, _lin((ci, ei), (-cj, ej)))]

    def _has_votes(self, p: int) -> Assertion:
        b = self.b
        g = _lin((1, b.party(p)), (1, b.constant(Fraction(-1, 2))))
        return b.make("has_votes", f"{b.names[p]} has at least one vote", (b.names[p],), g)

    def _no_votes(self, p: int) -> Assertion:
        b = self.b
        g = _lin((-1, b.party(p)), (1, b.constant(Fraction(1))))
        return b.make("no_votes", f"{b.names[p]} has no vote", (b.names[p],), g)

    def _quota_g(self, i: int, ni: int, j: int, nj: int) -> list[Fraction]:
        """q_i - (ni - 1) > q_j - (nj - 1), i.e. v_i - v_j > (ni - nj) Q, linear in counts.

        With ``m = S + offset`` the quota is ``Q = V/m`` (exact) or a rounding of it within
        ``[V/m + lo, V/m + hi]`` (:data:`_QUOTA_BOUNDS`): the worse end is used, so the
        assertion is sufficient (slightly stronger than needed for a rounded quota).
        """
        b = self.b
        k = ni - nj
        diff = _lin((1, b.party(i)), (-1, b.party(j)))
        return self._quota_linear(diff, k)

    def _quota_linear(self, lhs: list[Fraction], k: int) -> list[Fraction]:
        """Scores of ``lhs > k Q`` for every quota the rule allows: ``m lhs - k V - k m c > 0``
        with ``c`` the upper bound offset if ``k > 0``, else the lower one."""
        spec = self.spec
        assert isinstance(spec, QuotaRule)
        m = self.seats + spec.offset
        lo, hi = _QUOTA_BOUNDS[spec.rounding]
        c = hi if k > 0 else lo
        g = _lin((m, lhs), (-k, self.act_vec))
        if k * c:
            g = _lin((1, g), (-k * m * c, self.b.constant(Fraction(1))))
        return g

    def quota_floor(self, i: int, n: int) -> Assertion:
        """Largest remainder: q_i > n - 1 (party i deserved n - 1 whole seats)."""
        b = self.b
        g = self._quota_linear(b.party(i), n - 1)
        return b.make(
            "quota_floor",
            f"{b.names[i]} deserved all but its last seat ({n - 1} whole quotas)",
            (b.names[i],),
            g,
        )


def _rounds(
    votes: list[int], eligible: Any, system: ElectoralSystem
) -> list[tuple[NDArray[np.bool_], int, NDArray[np.int64]]]:
    """The rounds of the seat-cap procedure: (active parties, seats, unconstrained allocation)."""
    method = system.method
    tie = "lowest_index" if system.tie_break in ("raise", "lot") else system.tie_break
    v = np.array([votes], dtype=np.int64)
    active = np.array(eligible, dtype=bool)
    seats = system.seats
    cap = system.cap.max_seats if system.cap is not None else None
    out = []
    for _ in range(len(votes) + 1):
        a, _ties = method(v, np.array([seats], dtype=np.int64), active[None, :], tie, None)
        a = a[0]
        out.append((active.copy(), seats, a))
        if cap is None or not (a > cap).any():
            break
        over = a > cap
        seats -= cap * int(over.sum())
        active &= ~over
    return out


def _seat_assertions(b: _Builder, system: ElectoralSystem) -> list[Assertion]:
    alloc = b.allocation
    spec = system.method.spec
    if not isinstance(spec, QuotaRule | DivisorSpec):
        raise ElectsimError(
            f"method {system.method.name!r} has no audit assertions; quota and divisor "
            "methods only (registered or parametrised)"
        )
    votes = [int(x) for x in alloc.votes]
    rounds = _rounds(votes, alloc.eligible, system)
    cap = system.cap.max_seats if system.cap is not None else None
    out: list[Assertion] = []
    for r, (active, seats, a) in enumerate(rounds):
        rd = _Round(b, spec, active, seats)
        idx = [int(p) for p in np.flatnonzero(active)]
        tag = f" (cap round {r})" if len(rounds) > 1 else ""
        if r < len(rounds) - 1:
            assert cap is not None
            for A in idx:
                if a[A] > cap:
                    for j in idx:
                        if j != A:
                            out += rd.beats(
                                A,
                                cap + 1,
                                j,
                                int(a[j]) + 1,
                                "cap_exceeds",
                                f"{b.names[A]} wins seat {cap + 1} before {b.names[j]} wins "
                                f"seat {int(a[j]) + 1}{tag}: capped",
                            )
                else:
                    for j in idx:
                        if j != A and a[j] >= 1:
                            out += rd.beats(
                                j,
                                int(a[j]),
                                A,
                                cap + 1,
                                "cap_within",
                                f"{b.names[j]} wins seat {int(a[j])} before {b.names[A]} wins "
                                f"seat {cap + 1}{tag}: not capped",
                            )
            continue
        if isinstance(spec, QuotaRule):
            out += [rd.quota_floor(i, int(a[i])) for i in idx if a[i] >= 2]
        # a party without votes never gets a seat (decisive when it is alone in the round)
        out += [rd._has_votes(i) for i in idx if a[i] >= 1 and len(idx) == 1]
        for i in idx:
            if a[i] < 1:
                continue
            for j in idx:
                if j != i:
                    out += rd.beats(
                        i,
                        int(a[i]),
                        j,
                        int(a[j]) + 1,
                        "seat_pair",
                        f"{b.names[i]} wins its seat {int(a[i])} before {b.names[j]} wins "
                        f"seat {int(a[j]) + 1}{tag}",
                    )
    # the same assertion can arise twice (e.g. "has at least one vote"): keep one
    seen: dict[tuple[Fraction, ...], Assertion] = {}
    for x in out:
        seen.setdefault(x.scores, x)
    return list(seen.values())


# --------------------------------------------------------------------------- public
def assertions(
    election: Election, system: ElectoralSystem, *, allocation: Allocation | None = None
) -> AssertionSet:
    r"""The linear assertions whose truth implies the reported seat allocation.

    Parameters
    ----------
    election : Election
        The *reported* counts of one election (no batch axes).
    system : ElectoralSystem
        The rules; the reported outcome is ``allocate(election, system)``.
    allocation : Allocation, optional
        The reported allocation, if already computed (must be of ``election`` and ``system``).

    Returns
    -------
    AssertionSet

    Notes
    -----
    The set (``V`` = votes of the parties in the apportionment round, ``S`` its seats,
    ``t`` a threshold rate, ``B`` its base):

    * **National threshold**, every party that passes: :math:`v_A > t B`; assorter
      :math:`h = b_A/(2t)` when the base is all ballots (invalid and "against all" ballots
      score 0).  With base ``valid``/``party_votes`` ballots outside the base score 1/2
      (SHANGRLA's supermajority assorter); with ``registered`` the base is a known constant.
    * **Regional threshold**, every region of the test, for every eligible party: the same
      in the region (ballots of other regions score 1/2).  A party that is *not* eligible gets
      one assertion: the easiest (largest diluted margin) of "fails nationally" and "fails in
      region r" for the regions it failed.
    * **Seats** in the final round, for every party ``i`` with :math:`a_i \ge 1` seats and
      every other party ``j``: ``i``'s claim to its last seat beats ``j``'s claim to one more
      seat.  Largest remainder (quota ``q = V/m``): :math:`q_i - (a_i - 1) > q_j - a_j`, i.e.
      :math:`m (v_i - v_j) - (a_i - a_j - 1) V > 0` (this contains Blom et al.'s pairwise
      remainder assertions between remainder-seat winners and the others, and implies the
      allocation: with :math:`x_k = q_k - a_k`, the allocation is the largest-remainder one
      exactly when :math:`\max_k x_k < \min_{a_i \ge 1} x_i + 1`); plus "deserved all but its
      last seat" :math:`q_i > a_i - 1`.  Divisor methods (Stark & Teague 2014):
      :math:`v_i / d(a_i - 1) > v_j / d(a_j)`.  Any quota rule or divisor sequence works, registered
      or parametrised (``method.spec``).  A rounded quota (Droop's
      :math:`\lfloor V/(S+1) \rfloor + 1`, or ``largest_remainder(quota, rounding)``) is not
      linear in the votes: its bounds :math:`V/m + lo \le q \le V/m + 1` (``lo`` = 0 for
      ``ceil`` and ``plus_one``, -1/2 for ``round_half_up``, -1 for ``floor``) make its
      assertions sufficient (slightly stronger than needed); Huntington-Hill's irrational
      divisors get rational bounds within 1e-15 (also sufficient).
    * **Seat cap**, every round that caps a party: a capped party's claim to seat cap + 1
      beats every other party's next seat; every other party's claim to seat cap + 1 loses
      to every seat holder's last seat.  Together they prove which parties are capped in that
      round; the final round is proven as above.

    Every assertion is strict (mean > 1/2), so an exact tie or a party exactly at an
    inclusive threshold cannot be confirmed by any sample: such an assertion has margin 0.

    Examples
    --------
    >>> from electsim import Election, ElectoralSystem, Threshold
    >>> e = Election([600, 300, 60], against_all=[20], invalid=[20], parties="ABC")
    >>> s = ElectoralSystem(10, "hare", national=Threshold("7%"))
    >>> A = assertions(e, s)
    >>> A.closest().description
    'C fails >= 7% of ballots nationally'
    >>> A.closest().slack   # 7 % of 1,000 ballots minus C's 60 votes
    Fraction(10, 1)
    """
    _check_unbatched(election, system, "assertions")
    if allocation is None:
        allocation = allocate(election, system)
    elif allocation.election is not election or allocation.system != system:
        raise ElectsimError("allocation must be allocate(election, system)")
    if int(allocation.unfilled):
        raise ElectsimError(
            f"the reported allocation leaves {int(allocation.unfilled)} seat(s) unfilled; "
            "no assertions are defined for it"
        )
    b = _Builder(election, allocation)
    if b.N == 0:
        raise ElectsimError("the election has no ballots")
    rounds_final = _rounds([int(x) for x in allocation.votes], allocation.eligible, system)
    final = rounds_final[-1]
    got = np.where(allocation.capped, system.cap.max_seats if system.cap else 0, 0)
    got = got + np.where(final[0], final[2], 0)
    if not np.array_equal(got, allocation.seats):  # pragma: no cover - defensive
        raise ElectsimError("could not reproduce the reported allocation round by round")
    out = _threshold_assertions(b, system) + _seat_assertions(b, system)
    return AssertionSet(tuple(out), b.labels, b.counts, allocation)
