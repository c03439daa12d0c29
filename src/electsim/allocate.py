"""Seat allocation: thresholds, seat cap, apportionment method and tie policy, batched."""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypeVar, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._display import HTMLReprMixin
from ._rng import LotRng, RngLike, normalise_rng
from .apportion.divisor import DivisorSpec
from .apportion.quota import QuotaRule
from .election import Election, ElectionResult
from .errors import ElectsimError, ShapeMismatchError, TieError, UnseededLotWarning
from .rules.qualification import ByKind
from .rules.single import SingleTierReport, apportion_single_tier, uses_single_rules
from .stages import (
    RATE_DENOMINATOR,
    SupportsAllocate,
    _AllocatesTo,
    _apportion,
    _eligibility,
)
from .system import ElectoralSystem

__all__ = ["Allocation", "Tie", "allocate"]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
R = TypeVar("R")


@dataclass(frozen=True)
class Tie:
    """A tie for the last seat(s): ``n_seats`` seats among ``contenders`` with equal claims.

    Attributes
    ----------
    index : tuple of int
        Batch index of the election (``()`` for a single election).
    contenders : tuple of int
        Party indices with exactly equal remainders / averages.
    parties : tuple of str
        Their names.
    n_seats : int
        Seats to split among them (fewer than the contenders).
    winners : tuple of int
        Who got them.
    resolution : str
        The policy that decided.
    stage : str
        ``"remainder"``, ``"average"``, ... (see :class:`~electsim.apportion.TieRecord`), with
        ``" (decided who is capped)"`` for a tie of a superseded round that decided the cap.
    round : int
        The seat-cap round: 0 = the first run of the method, r > 0 = the r-th re-allocation
        after parties were held to the cap.
    """

    index: tuple[int, ...]
    contenders: tuple[int, ...]
    parties: tuple[str, ...]
    n_seats: int
    winners: tuple[int, ...]
    resolution: str
    stage: str
    round: int = 0

    def __str__(self) -> str:
        at = f" in election {self.index}" if self.index else ""
        won = ", ".join(self.parties[self.contenders.index(w)] for w in self.winners)
        where = f"round {self.round}: {self.stage}" if self.round else self.stage
        return (
            f"tie{at} ({where}): {self.n_seats} seat(s) among {', '.join(self.parties)}; "
            f"given to {won} by {self.resolution}"
        )


@dataclass(frozen=True, eq=False)
class Allocation(HTMLReprMixin, ElectionResult):
    """The result of :func:`allocate`: seats and everything that explains them.

    All arrays have the election's batch shape in front.

    Attributes
    ----------
    election : Election
    system : ElectoralSystem
    seats : int64 array ``(*batch, P)``
    passes_national : bool array ``(*batch, P)``
        Passed the national threshold (all True without one).
    passes_regional : bool array ``(*batch, P)``
        Passed the threshold in every region of the regional test (all True without one).
    failed_regions : bool array ``(*batch, R, P)``
        ``True`` where a party failed the regional threshold in that region.
    eligible : bool array ``(*batch, P)``
        Passed every threshold (parties with zero votes can be eligible and get no seat).
    capped : bool array ``(*batch, P)``
        Held to the seat cap.
    unfilled : int64 array ``(*batch,)``
        Seats left empty: nobody eligible, all eligible votes zero, or every eligible party
        capped.  Not an exception, so batch work goes on; see also ``no_party_eligible``.
    national_base : int64 array ``(*batch,)`` or None
        The national threshold's base count.
    ties : tuple of Tie
        Every tie met, however it was resolved.
    regional_skipped : bool
        ``True`` when a regional threshold was set but skipped (``missing_regions="skip"``).
    rules : SingleTierReport or None
        What the single-tier rules did (:mod:`electsim.rules`; None when none is used): lists
        qualified by an alternative rule, lists held at their number of candidates, seats per
        alliance, the majority-clause transfer.  ``table()`` prints it; ``to_records()`` and
        ``explain()`` add per-party keys when a system or its lists use these rules.
    lot_seed : int or None
        The seed drawn when ``tie_break="lot"`` had to draw lots and no ``rng`` was given
        (``allocate(..., rng=lot_seed)`` repeats the result); ``None`` otherwise.

    In a notebook an allocation renders as the table ``str()`` prints.
    """

    election: Election
    system: ElectoralSystem
    seats: IntArray
    passes_national: BoolArray
    passes_regional: BoolArray
    failed_regions: BoolArray
    eligible: BoolArray
    capped: BoolArray
    unfilled: IntArray
    national_base: IntArray | None
    ties: tuple[Tie, ...]
    regional_skipped: bool
    _final_active: BoolArray
    _final_seats: IntArray
    lot_seed: int | None = None
    rules: SingleTierReport | None = None

    # ---------------------------------------------------------------- views

    @property
    def no_party_eligible(self) -> BoolArray:
        """``(*batch,)``: no party passed the thresholds (no seats allocated)."""
        return np.asarray(~self.eligible.any(axis=-1), dtype=bool)

    @property
    def tied(self) -> BoolArray:
        """``(*batch,)``: whether the election met a tie."""
        out = np.zeros(self.batch_shape, dtype=bool)
        for t in self.ties:
            out[t.index] = True
        return out

    def by_party(self, index: Any = None) -> dict[str, int]:
        """``{party name: seats}`` of one election (all parties, in column order)."""
        i = self._one(index)
        return {p.name: int(s) for p, s in zip(self.election.parties, self.seats[i], strict=True)}

    def to_records(self, index: Any = None) -> list[dict[str, Any]]:
        """One plain-Python record per party of one election (JSON-serialisable).

        Keys: ``party``, ``short``, ``bloc``, ``votes``, ``share_of_base`` (float, or None without
        a national threshold), ``passes_national``, ``passes_regional``, ``failed_regions``
        (region names), ``eligible``, ``capped``, ``seats``.
        """
        i = self._one(index)
        e = self.election
        base = None if self.national_base is None else int(self.national_base[i])
        out = []
        for p in range(e.n_parties):
            v = int(self.votes[i][p])
            fails = [e.regions[r].name for r in range(e.n_regions) if self.failed_regions[i][r, p]]
            out.append(
                {
                    "party": e.parties[p].name,
                    "short": e.parties[p].short,
                    "bloc": e.parties[p].bloc,
                    "votes": v,
                    "share_of_base": (v / base if base else None),
                    "passes_national": bool(self.passes_national[i][p]),
                    "passes_regional": bool(self.passes_regional[i][p]),
                    "failed_regions": fails,
                    "eligible": bool(self.eligible[i][p]),
                    "capped": bool(self.capped[i][p]),
                    "seats": int(self.seats[i][p]),
                    **(self.rules.record(i, p) if self._rules_used and self.rules else {}),
                }
            )
        return out

    @property
    def _rules_used(self) -> bool:
        s = self.system
        return bool(
            s.alternatives
            or s.alliances
            or s.majority_clause
            or any(p.candidates is not None for p in self.election.parties)
        )

    def to_dict(self, index: Any = None) -> dict[str, Any]:
        """One election's result as plain Python: rules, parties, ties, unfilled seats."""
        i = self._one(index)
        return {
            "election": self.election.name,
            "system": str(self.system),
            "seats": self.system.seats,
            "national_base": None if self.national_base is None else int(self.national_base[i]),
            "parties": self.to_records(index),
            "unfilled": int(self.unfilled[i]),
            "regional_skipped": self.regional_skipped,
            "lot_seed": self.lot_seed,
            "ties": [
                {
                    "parties": list(t.parties),
                    "n_seats": t.n_seats,
                    "winners": [self.election.parties[w].name for w in t.winners],
                    "resolution": t.resolution,
                    "stage": t.stage,
                    "round": t.round,
                }
                for t in self.ties
                if t.index == i
            ],
        }

    def to_json(self, index: Any = None, **kwargs: Any) -> str:
        """:meth:`to_dict` as a JSON string (``kwargs`` go to :func:`json.dumps`)."""
        return json.dumps(self.to_dict(index), ensure_ascii=False, **kwargs)

    def explain(self, index: Any = None) -> list[dict[str, Any]]:
        """Exact quotas and remainders (quota methods) or averages (divisor methods).

        For one election, per party in the final allocation round (after any cap):
        quota methods give ``quota`` (the exact quota ``q``, a ``Fraction``), ``quotient``
        (``v / q``), ``whole`` (its integer part) and ``remainder``; divisor methods give
        ``last_average`` (the average at which the party's last seat was won) and
        ``next_average`` (its claim to one more seat) -- ``Fraction`` values, or squared
        values labelled ``*_squared`` for Huntington-Hill.  Parties not in the final round
        (ineligible or capped) have only their seats.  Read from the method's exact rule
        (``method.spec``), so parametrised methods such as
        ``sainte_lague(first_divisor="1.2")`` or ``largest_remainder("imperiali",
        "round_half_up")`` (whose ``quota`` is then the whole number the law uses) are
        explained too; custom methods give only seats.
        """
        i = self._one(index)
        e = self.election
        active = self._final_active[i]
        S = int(self._final_seats[i])
        votes = [int(x) for x in self.votes[i]]
        V = sum(v for v, a in zip(votes, active, strict=True) if a)
        m = self.system.method
        rows: list[dict[str, Any]] = []
        for p in range(e.n_parties):
            row: dict[str, Any] = {"party": e.parties[p].name, "seats": int(self.seats[i][p])}
            if self._rules_used and self.rules is not None:
                row.update(self.rules.record(i, p))
            if active[p] and V > 0 and S > 0:
                v = votes[p]
                spec = m.spec
                if isinstance(spec, QuotaRule):
                    q = spec.quota(V, S)
                    quot = Fraction(v) / q
                    row.update(quota=q, quotient=quot, whole=int(quot), remainder=quot - int(quot))
                elif isinstance(spec, DivisorSpec):
                    s = int(self.seats[i][p])
                    suffix = "_squared" if spec.squared else ""
                    row["next_average" + suffix] = _avg(spec.key(v, s))
                    row["last_average" + suffix] = _avg(spec.key(v, s - 1)) if s > 0 else None
            rows.append(row)
        return rows

    # -------------------------------------------------------------- display
    def table(self, index: Any = None) -> str:
        """A readable table of one election: votes, % of the threshold base, passes?, seats."""
        i = self._one(index)
        e = self.election
        sysm = self.system
        recs = self.to_records(index)
        base_kind = sysm.national.base if sysm.national is not None else "valid"
        base = (
            int(e.base(base_kind)[i])
            if base_kind != "registered" or e.registered is not None
            else 0
        )
        for r in recs:
            if len(r["party"]) > 30:
                r["party"] = r["party"][:29] + "…"
        width = max(12, *(len(r["party"]) for r in recs))
        head = f"{'Party':<{width}}  {'Votes':>11}  {'% ' + base_kind:>10}  {'Passes':<24}  Seats"
        lines = []
        title = e.name or "Election"
        if i:
            title += f" [{', '.join(map(str, i))}]"
        lines.append(f"{title} -- {sysm}")
        lines.append(head)
        lines.append("-" * len(head))
        for r in recs:
            pct = f"{100 * r['votes'] / base:.2f}" if base else "-"
            if r["eligible"]:
                status = "yes" + (" (capped)" if r["capped"] else "")
                if r.get("by_alternative"):
                    status = "yes (alternative)"
                if r.get("limited"):
                    status = "yes (list full)"
            else:
                why = []
                if not r["passes_national"]:
                    why.append("national")
                if not r["passes_regional"]:
                    n = len(r["failed_regions"])
                    why.append(f"{n} region{'s' if n != 1 else ''}")
                status = "no: " + ", ".join(why)
            lines.append(
                f"{r['party']:<{width}}  {r['votes']:>11,}  {pct:>10}  {status:<24}  "
                f"{r['seats']:>5}"
            )
        lines.append("-" * len(head))
        total = int(self.seats[i].sum())
        lines.append(
            f"{'Total':<{width}}  {int(self.votes[i].sum()):>11,}  {'':>10}  {'':<24}  {total:>5}"
        )
        if isinstance(sysm.national, ByKind):
            lines.append(f"National threshold {sysm.national}: base {base:,} ({base_kind})")
        elif sysm.national is not None:
            lines.append(
                f"National threshold {sysm.national}: base {base:,} "
                f"({base_kind}), i.e. {float(sysm.national.rate * base):,.1f} votes"
            )
        if sysm.regional is not None:
            if self.regional_skipped:
                lines.append("Regional threshold SKIPPED: the election has no regional breakdown")
            else:
                lines.append(
                    f"Regional threshold {sysm.regional} in each of "
                    f"{sum(r.in_regional_threshold for r in e.regions)} regions"
                )
        if self._rules_used and self.rules is not None:
            lines += self.rules.lines(i, e.party_names)
        if int(self.unfilled[i]):
            lines.append(f"Unfilled seats: {int(self.unfilled[i])}")
        for t in self.ties:
            if t.index == i:
                lines.append(str(t))
        if self.lot_seed is not None:
            lines.append(f"Lots drawn without an rng; seed used: {self.lot_seed}")
        return "\n".join(lines)

    def __str__(self) -> str:
        if not self.batch_shape:
            return self.table()
        n = int(np.prod(self.batch_shape))
        if n == 0:
            return (
                f"Allocation of 0 elections (batch shape {self.batch_shape}) -- {self.system}\n"
                "(empty batch: no seats to show)"
            )
        mean = self.seats.reshape(n, -1).mean(axis=0)
        p_elig = self.eligible.reshape(n, -1).mean(axis=0)
        lines = [
            f"Allocation of {n} elections (batch shape {self.batch_shape}) -- {self.system}",
            f"{'Party':<24}  {'mean seats':>10}  {'P(eligible)':>11}",
        ]
        for p, m_, q in zip(self.election.parties, mean, p_elig, strict=True):
            lines.append(f"{p.name:<24}  {m_:>10.2f}  {q:>11.3f}")
        lines.append(
            f"ties: {len(self.ties)}; elections with unfilled seats: "
            f"{int((self.unfilled > 0).sum())}"
        )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Allocation(batch_shape={self.batch_shape}, system={str(self.system)!r})"


def _avg(key: tuple[int, Fraction]) -> Fraction | float:
    flag, val = key
    if flag == 1:
        return float("inf")
    return val


@overload
def allocate(
    election: Election,
    system: ElectoralSystem,
    *,
    rng: RngLike = None,
    national_rate: ArrayLike | None = None,
) -> Allocation: ...


@overload
def allocate(election: Any, system: _AllocatesTo[R], *, rng: RngLike = None) -> R: ...


def allocate(
    election: Any,
    system: ElectoralSystem | SupportsAllocate,
    *,
    rng: RngLike = None,
    national_rate: ArrayLike | None = None,
) -> Any:
    """Allocate seats under ``system`` for one election or a batch of elections.

    Steps, vectorised over the batch: (1) the national threshold on national votes; (2) the
    regional threshold in every region with ``in_regional_threshold``; (3) the method among
    eligible parties, with ``V`` = the sum of their votes; (4) the seat cap, re-allocating among
    the others until nobody exceeds it; (5) ties resolved by ``system.tie_break`` and reported.
    Steps (1)-(2) are the public stage :func:`electsim.stages.eligibility`, steps (3)-(5)
    :func:`electsim.stages.apportion`.

    Any other rule book (districts, tiers, mixed systems: an object with ``.seats`` and
    ``.allocate(election, rng=)``, see :class:`~electsim.stages.SupportsAllocate`) is run by
    its own ``allocate`` method, which returns its own result type.

    Parameters
    ----------
    election : Election
        Votes ``(*batch, R, P)``.
    system : ElectoralSystem or SupportsAllocate
    national_rate : array_like, optional
        One national threshold rate per election, shape broadcastable to the batch shape
        (``Fraction``/``Decimal``/``str`` exact, float arrays quantised to :math:`10^{-6}`; see
        :func:`electsim.stages.eligibility`), replacing ``system.national.rate``.  Only for an
        :class:`ElectoralSystem` with a national threshold.
    rng : None, int or numpy.random.Generator
        Used only by ``tie_break="lot"``; ties are drawn in batch order.  Validated whatever
        the policy.  With ``tie_break="lot"`` and no ``rng``, a seed is drawn the first time a
        lot is needed: the result then carries it (``Allocation.lot_seed``) and an
        :class:`~electsim.errors.UnseededLotWarning` names it.

    Returns
    -------
    Allocation

    Raises
    ------
    TieError
        If ``system.tie_break == "raise"`` and any tie occurred (the message lists it).
    MissingDataError
        A regional threshold on an election without regions (unless
        ``system.missing_regions == "skip"``), or a ``"registered"`` base without registered
        voters.

    Notes
    -----
    Degenerate cases are results, not errors: when nobody passes, when the eligible parties
    have no votes, or when every eligible party is capped, the seats left are counted in
    ``Allocation.unfilled``.  A party with zero votes never gets a seat.

    Examples
    --------
    The five largest lists of Kyrgyzstan 2020; the other eleven lists' 507,626 votes are folded
    into ``against_all`` for brevity (they win nothing either way):

    >>> from electsim import Election, ElectoralSystem, Threshold
    >>> e = Election([487_685, 475_372, 174_317, 141_940, 136_276], against_all=[543_340],
    ...              invalid=[31_823], parties="ABCDE")
    >>> s = ElectoralSystem(120, "hare", national=Threshold("7%"))   # 7 % of 1,990,753 ballots
    >>> allocate(e, s).seats.tolist()
    [46, 45, 16, 13, 0]

    The same votes on a batch of two, at 7 % and 6.8 % (Mekenchil, E, passes the lower one):

    >>> two = e.replace(votes=[e.votes] * 2, against_all=[[543_340]] * 2, invalid=[[31_823]] * 2)
    >>> allocate(two, s, national_rate=["7%", "6.8%"]).seats.tolist()
    [[46, 45, 16, 13, 0], [41, 40, 15, 12, 12]]
    """
    if not isinstance(system, ElectoralSystem):
        if national_rate is not None:
            raise ElectsimError(
                f"national_rate applies to an ElectoralSystem only, not to {type(system).__name__}"
            )
        if isinstance(system, SupportsAllocate):
            return system.allocate(election, rng=rng)
        raise ElectsimError(
            f"system must be an ElectoralSystem or a rule book with .allocate(election, rng=) "
            f"and .seats (electsim.stages.SupportsAllocate), got {type(system).__name__}"
        )
    if not isinstance(election, Election):
        raise ElectsimError(f"election must be an Election, got {type(election).__name__}")
    gen: Any = None
    if rng is not None:
        gen = normalise_rng(rng)
    elif system.tie_break == "lot":
        gen = LotRng()

    el = _eligibility(election, system, national_rate, RATE_DENOMINATOR, stacklevel=3)
    if el.batch_shape != election.batch_shape:
        raise ShapeMismatchError(
            f"national_rate widens the batch shape {election.batch_shape} to {el.batch_shape}; "
            "allocate() needs at most one rate per election (use electsim.eligibility() and "
            "electsim.stages.apportion() to apply many rates to one election)"
        )
    batch = election.batch_shape
    N = int(np.prod(batch)) if batch else 1
    P = election.n_parties
    single = None
    if uses_single_rules(election.parties, system):  # rules: alliances, list limits, majority
        single = apportion_single_tier(
            el.votes.reshape(N, P), el.eligible.reshape(N, P), system, election.parties, gen
        )
        ap = single.apportionment(batch, election.party_names, gen)
    else:
        ap = _apportion(
            np.ascontiguousarray(el.votes.reshape(N, P)),
            np.full(N, system.seats, dtype=np.int64),
            np.ascontiguousarray(el.eligible.reshape(N, P)),
            system.method,
            system.cap.max_seats if system.cap is not None else None,
            system.tie_break,
            gen,
            batch,
            election.party_names,
        )
    ties = tuple(
        Tie(
            index=tuple(int(x) for x in np.unravel_index(r.row, batch)) if batch else (),
            contenders=r.contenders,
            parties=tuple(election.parties[c].name for c in r.contenders),
            n_seats=r.n_seats,
            winners=r.winners,
            resolution=r.resolution,
            stage=r.stage,
            round=r.round,
        )
        for r in ap.ties
    )
    if ties and system.tie_break == "raise":
        more = f" (and {len(ties) - 1} more)" if len(ties) > 1 else ""
        raise TieError(
            f"{ties[0]}{more}. The tie policy is 'raise': choose tie_break='lowest_index', "
            "'most_votes' or 'lot' (with rng) via system.replace(tie_break=...)"
        )
    if ap.lot_seed is not None:
        warnings.warn(
            f"tie_break='lot' drew lots without an rng; the seed used was {ap.lot_seed} "
            "(Allocation.lot_seed): pass rng= to make the result reproducible",
            UnseededLotWarning,
            stacklevel=2,
        )
    return Allocation(
        election=election,
        system=system,
        seats=ap.seats,
        passes_national=el.passes_national,
        passes_regional=el.passes_regional,
        failed_regions=el.failed_regions,
        eligible=el.eligible,
        capped=ap.capped,
        unfilled=ap.unfilled,
        national_base=el.national_base,
        ties=ties,
        regional_skipped=el.regional_skipped,
        _final_active=ap.final_active,
        _final_seats=ap.final_seats,
        lot_seed=ap.lot_seed,
        rules=(
            SingleTierReport.build(system, batch, el, single)
            if single is not None or system.alternatives
            else None
        ),
    )
