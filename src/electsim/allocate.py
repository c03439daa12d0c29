"""Seat allocation: thresholds, seat cap, apportionment method and tie policy, batched."""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._display import HTMLReprMixin
from ._exact import votes_needed
from .apportion import TieRecord
from .apportion.divisor import DIVISORS
from .apportion.quota import QUOTAS, quota_of
from .election import Election, freeze_arrays
from .errors import (
    ElectsimError,
    ElectsimWarning,
    MissingDataError,
    TieError,
    UnseededLotWarning,
)
from .rules.qualification import ByKind, alternative_qualification, threshold_need
from .rules.single import SingleTierReport, apportion_single_tier, uses_single_rules
from .system import ElectoralSystem

__all__ = ["Allocation", "Tie", "allocate"]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


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
        ``"round r: remainder"`` etc.; round > 0 only when a seat cap forced a re-allocation.
    """

    index: tuple[int, ...]
    contenders: tuple[int, ...]
    parties: tuple[str, ...]
    n_seats: int
    winners: tuple[int, ...]
    resolution: str
    stage: str

    def __str__(self) -> str:
        at = f" in election {self.index}" if self.index else ""
        won = ", ".join(self.parties[self.contenders.index(w)] for w in self.winners)
        return (
            f"tie{at} ({self.stage}): {self.n_seats} seat(s) among {', '.join(self.parties)}; "
            f"given to {won} by {self.resolution}"
        )


@dataclass(frozen=True, eq=False)
class Allocation(HTMLReprMixin):
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
        What the single-tier rules did (:mod:`electsim.rules`): lists qualified by an
        alternative rule, lists held at their number of candidates, seats per alliance, the
        majority-clause transfer.  ``table()`` prints it; ``to_records()``/``explain()`` add
        per-party keys when a system or its lists use these rules.
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

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickled arrays are read-only again, like the original's."""
        freeze_arrays(state)
        self.__dict__.update(state)

    # ---------------------------------------------------------------- views
    @property
    def votes(self) -> IntArray:
        """National party votes ``(*batch, P)``."""
        return self.election.national_votes

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """Leading batch dimensions."""
        return self.election.batch_shape

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

    def _one(self, index: Any) -> tuple[Any, ...]:
        if not self.batch_shape:
            if index not in (None, ()):
                raise ElectsimError("this allocation is not batched; omit index")
            return ()
        if index is None:
            raise ElectsimError(
                f"this allocation has batch shape {self.batch_shape}; pass index= to pick one"
            )
        idx = index if isinstance(index, tuple) else (index,)
        if len(idx) != len(self.batch_shape):
            raise ElectsimError(f"index={index!r} must address all batch axes {self.batch_shape}")
        out = []
        for i, n in zip(idx, self.batch_shape, strict=True):
            if isinstance(i, bool) or not isinstance(i, int | np.integer) or not -n <= int(i) < n:
                raise ElectsimError(
                    f"index={index!r} is out of range for the batch shape {self.batch_shape}"
                )
            out.append(int(i) % n)
        return tuple(out)

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
        (ineligible or capped) have only their seats.
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
                if m.name in QUOTAS:
                    q = quota_of(m.name, V, S)
                    quot = Fraction(v) / q
                    row.update(quota=q, quotient=quot, whole=int(quot), remainder=quot - int(quot))
                elif m.name in DIVISORS:
                    spec = DIVISORS[m.name]
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


def _normalise_rng(rng: int | np.random.Generator | None) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        if int(rng) < 0:
            raise ElectsimError(f"rng={rng!r} must be a non-negative int seed")
        return np.random.default_rng(int(rng))
    raise ElectsimError(f"rng={rng!r} must be None, an int seed or a numpy Generator")


class _LotRng:
    """The generator of ``tie_break="lot"`` when no ``rng`` was given: it draws a seed only if a
    lot is actually drawn, so untied allocations stay deterministic and silent."""

    def __init__(self) -> None:
        self.seed: int | None = None
        self._gen: np.random.Generator | None = None

    def choice(self, *args: Any, **kwargs: Any) -> Any:
        if self._gen is None:
            self.seed = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
            self._gen = np.random.default_rng(self.seed)
        return self._gen.choice(*args, **kwargs)


def allocate(
    election: Election,
    system: ElectoralSystem,
    *,
    rng: int | np.random.Generator | None = None,
) -> Allocation:
    """Allocate seats under ``system`` for one election or a batch of elections.

    Steps, vectorised over the batch: (1) the national threshold on national votes; (2) the
    regional threshold in every region with ``in_regional_threshold``; (3) the method among
    eligible parties, with ``V`` = the sum of their votes; (4) the seat cap, re-allocating among
    the others until nobody exceeds it; (5) ties resolved by ``system.tie_break`` and reported.

    Parameters
    ----------
    election : Election
        Votes ``(*batch, R, P)``.
    system : ElectoralSystem
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
    """
    if not isinstance(election, Election):
        raise ElectsimError(f"election must be an Election, got {type(election).__name__}")
    if not isinstance(system, ElectoralSystem):
        raise ElectsimError(f"system must be an ElectoralSystem, got {type(system).__name__}")
    gen: Any = None
    if rng is not None:
        gen = _normalise_rng(rng)
    elif system.tie_break == "lot":
        gen = _LotRng()

    batch = election.batch_shape
    N = int(np.prod(batch)) if batch else 1
    R, P = election.n_regions, election.n_parties
    votes = election.votes.reshape(N, R, P)
    vnat = np.einsum("nrp->np", votes)  # einsum: much faster than sum over a short axis

    # per-region totals computed once; every base derives from them
    party_r = np.einsum("nrp->nr", votes).reshape((*batch, R))  # computed once for all bases

    national_base: IntArray | None = None
    if system.national is not None:
        t = system.national
        national_base = election.base(t.base, party_total=party_r).reshape(N)
        if isinstance(t, ByKind):  # rules: one rate per kind of list
            pass_nat = vnat >= threshold_need(t, national_base, election.parties)
        else:
            need = votes_needed(national_base, t.rate, t.inclusive)
            pass_nat = vnat >= need[:, None]
    else:
        pass_nat = np.ones((N, P), dtype=bool)

    failed = np.zeros((N, R, P), dtype=bool)
    regional_skipped = False
    if system.regional is not None:
        flagged = np.array([r.in_regional_threshold for r in election.regions], dtype=bool)
        if not flagged.any():
            msg = (
                "the system has a regional threshold but the election has no region in the "
                "regional test (national-only data)"
            )
            if system.missing_regions == "raise":
                raise MissingDataError(
                    msg + "; use regional data, drop the rule with system.replace(regional=None)"
                    ", or set missing_regions='skip' to skip it with a flag"
                )
            warnings.warn(
                msg + "; the regional threshold was SKIPPED", ElectsimWarning, stacklevel=2
            )
            regional_skipped = True
        else:
            t = system.regional
            base_r = election.base(t.base, national=False, party_total=party_r)
            if isinstance(t, ByKind):  # rules: one rate per kind of list
                need_rp = threshold_need(t, base_r.reshape(N, R), election.parties)
                need_rp[:, ~flagged] = 0
                failed = votes < need_rp
            else:
                need_r = votes_needed(base_r.reshape(N, R), t.rate, t.inclusive)
                need_r[:, ~flagged] = 0  # units outside the regional test: nothing needed
                failed = votes < need_r[:, :, None]
    if R < 256:  # count failed regions in uint8 (fast); any() on the region axis is slow
        pass_reg: BoolArray = np.einsum("nrp->np", failed.view(np.uint8)) == 0
    else:
        pass_reg = np.asarray(~failed.any(axis=1), dtype=bool)
    eligible = pass_nat & pass_reg
    by_alt = np.zeros((N, P), dtype=bool)
    if system.alternatives:  # rules: alternative qualification
        alt = alternative_qualification(election, system.alternatives, party_total=party_r)
        by_alt = alt.reshape(N, P) & ~eligible
        eligible = eligible | by_alt

    single = None
    if uses_single_rules(election.parties, system):  # rules: alliances, limits, majority
        single = apportion_single_tier(vnat, eligible, system, election.parties, gen)
        alloc, capped, active, seats_left = (
            single.seats,
            single.capped,
            single.active,
            single.round_seats,
        )
        records = single.ties
    else:
        alloc, capped, active, seats_left, records = _apportion_with_cap(
            vnat, eligible, system, gen
        )
    unfilled = system.seats - alloc.sum(axis=1)

    def shape(a: NDArray[Any], *tail: int) -> NDArray[Any]:
        out = a.reshape((*batch, *tail))
        out.setflags(write=False)
        return out

    ties = tuple(
        Tie(
            index=tuple(int(x) for x in np.unravel_index(r.row, batch)) if batch else (),
            contenders=r.contenders,
            parties=tuple(election.parties[c].name for c in r.contenders),
            n_seats=r.n_seats,
            winners=r.winners,
            resolution=r.resolution,
            stage=r.stage,
        )
        for r in sorted(records, key=lambda r: r.row)
    )
    if ties and system.tie_break == "raise":
        more = f" (and {len(ties) - 1} more)" if len(ties) > 1 else ""
        raise TieError(
            f"{ties[0]}{more}. The tie policy is 'raise': choose tie_break='lowest_index', "
            "'most_votes' or 'lot' (with rng) via system.replace(tie_break=...)"
        )
    lot_seed = gen.seed if isinstance(gen, _LotRng) else None
    if lot_seed is not None:
        warnings.warn(
            f"tie_break='lot' drew lots without an rng; the seed used was {lot_seed} "
            "(Allocation.lot_seed): pass rng= to make the result reproducible",
            UnseededLotWarning,
            stacklevel=2,
        )
    return Allocation(
        election=election,
        system=system,
        seats=shape(alloc, P),
        passes_national=shape(pass_nat, P),
        passes_regional=shape(pass_reg, P),
        failed_regions=shape(failed, R, P),
        eligible=shape(eligible, P),
        capped=shape(capped, P),
        unfilled=shape(unfilled.astype(np.int64)),
        national_base=None if national_base is None else shape(national_base),
        ties=ties,
        regional_skipped=regional_skipped,
        _final_active=shape(active, P),
        _final_seats=shape(seats_left),
        lot_seed=lot_seed,
        rules=SingleTierReport.build(system, batch, by_alt, single),
    )


def _apportion_with_cap(
    vnat: IntArray,
    eligible: BoolArray,
    system: ElectoralSystem,
    rng: np.random.Generator | None,
) -> tuple[IntArray, BoolArray, BoolArray, IntArray, list[TieRecord]]:
    """Run the method, then re-run among uncapped parties while anybody exceeds the cap.

    Ties of a round that is superseded (because a party exceeded the cap) are reported only
    when they were decisive: when a contender would exceed the cap with the tied seat and not
    without it, so that the tie decided who was capped.
    """
    N, P = vnat.shape
    method = system.method
    seats_left = np.full(N, system.seats, dtype=np.int64)
    capped = np.zeros((N, P), dtype=bool)
    cap = system.cap.max_seats if system.cap is not None else None
    a, ties = method(vnat, seats_left, eligible, system.tie_break, rng)
    if cap is None or not (a > cap).any():  # the common case: one round, no copies
        prefix = "round 0: " if cap is not None else ""
        first = [
            TieRecord(t.row, t.contenders, t.n_seats, t.winners, t.resolution, prefix + t.stage)
            for t in ties
        ]
        return a, capped, eligible, seats_left, first
    active = eligible.copy()
    fixed = np.zeros((N, P), dtype=np.int64)
    out = np.zeros((N, P), dtype=np.int64)
    records: list[TieRecord] = []
    pending = np.arange(N)
    for rnd in range(P + 1):
        over = a > cap
        done: BoolArray = np.asarray(~over.any(axis=1), dtype=bool)
        for t in ties:
            row = int(pending[t.row])
            stage = f"round {rnd}: {t.stage}"
            if not done[t.row]:
                with_seat = [int(a[t.row, c]) + (c not in t.winners) for c in t.contenders]
                if cap + 1 not in with_seat:
                    continue  # superseded and not decisive: it decided no seat
                stage += " (decided who is capped)"
            records.append(TieRecord(row, t.contenders, t.n_seats, t.winners, t.resolution, stage))
        rows_done = pending[done]
        out[rows_done] = fixed[rows_done] + a[done]
        rows_over = pending[~done]
        if rows_over.size == 0:
            break
        o = over[~done]
        fixed[rows_over] += np.where(o, cap, 0)
        capped[rows_over] |= o
        active[rows_over] &= ~o
        seats_left[rows_over] -= cap * o.sum(axis=1)
        pending = rows_over
        a, ties = method(vnat[pending], seats_left[pending], active[pending], system.tie_break, rng)
    return out, capped, active, seats_left, records
