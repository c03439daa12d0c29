"""Mixed systems: single-member districts won by plurality, plus a list tier.

Two ways of combining the tiers, both batched over ``(*batch)`` and exact (integer votes,
integer seats, no floats in any decision):

* :class:`ParallelSystem` -- the list tier and the districts are counted separately and added
  (Kyrgyzstan 2021: 54 list seats + 36 single-member districts; Japan, Russia).
* :class:`MMPSystem` -- mixed-member proportional: the list tier sets each qualified party's
  proportional total and district seats are subtracted from it (New Zealand, Germany), with the
  handling of overhang seats as an option.

District results are a :class:`DistrictContests`; :func:`district_winners` decides each
district by plurality, with "against all" able to win (the seat is then unfilled and a new
election is needed, as in two Bishkek districts in November 2021).

Because a mixed election has two kinds of data (list votes and district contests), the mixed
rule books take the contests as a keyword: ``system.allocate(election, districts=contests)``
(or :func:`allocate_mixed`).  :func:`electsim.allocate` dispatches a rule book to
``system.allocate(election, rng=rng)``: give it a :class:`MixedElection` bundling both
(``electsim.allocate(MixedElection(election, contests), system)``); a bare ``Election``
without ``districts`` raises a :class:`~electsim.errors.MissingDataError` saying how to pass
them.
"""

from __future__ import annotations

import abc
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._display import HTMLReprMixin
from .._exact import as_count_array
from ..allocate import Allocation, Tie, allocate
from ..apportion import TIE_POLICIES, TieRecord, resolve_tie
from ..election import Election, ElectionResult, ReadOnlyArrays
from ..errors import (
    ElectsimError,
    MissingDataError,
    ShapeMismatchError,
    TieError,
    UnknownMethodError,
    UnknownNameError,
)
from ..stages import apportion, eligibility
from ..system import MAX_SEATS, ElectoralSystem

__all__ = [
    "INDEPENDENT",
    "CapTie",
    "ContestTie",
    "DistrictContests",
    "DistrictResult",
    "MMPSystem",
    "MixedAllocation",
    "MixedElection",
    "ParallelSystem",
    "allocate_mixed",
    "district_winners",
]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Party index of a candidate who stands for no party list.
INDEPENDENT = -1

#: ``DistrictResult.winner`` of a district whose seat stays empty.
UNFILLED = -1

Overhang = Literal["keep", "level", "cap"]
OVERHANG_POLICIES: dict[str, str] = {
    "keep": "district seats above the proportional entitlement are kept; the house grows "
    "(New Zealand)",
    "level": "levelling seats are added until every party's proportional share covers its "
    "district seats (Germany 2013-2021, on national totals)",
    "cap": "a party never has more seats than its proportional entitlement: its weakest "
    "district winners get no seat and those districts stay empty (Germany 2023 law)",
}


def _frozen(a: ArrayLike, dtype: Any = np.int64) -> NDArray[Any]:
    out = np.array(a, dtype=dtype)
    out.setflags(write=False)
    return out


def _rng(rng: int | np.random.Generator | None) -> np.random.Generator | None:
    if rng is None or isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool) and int(rng) >= 0:
        return np.random.default_rng(int(rng))
    raise ElectsimError(f"rng={rng!r} must be None, a non-negative int seed or a numpy Generator")


def _check_tie_break(tie_break: str) -> None:
    if tie_break not in TIE_POLICIES:
        raise UnknownMethodError(
            f"tie_break={tie_break!r} is unknown; use one of {', '.join(TIE_POLICIES)}"
        )


# ----------------------------------------------------------------------------- data
@dataclass(frozen=True, eq=False, init=False)
class DistrictContests(HTMLReprMixin, ReadOnlyArrays):
    """Candidate results in single-member districts, batched.

    Parameters
    ----------
    districts : sequence of str
        District names (``D``, unique).
    district : sequence of int or str, length ``C``
        The district of each candidate (index into ``districts`` or its name).
    party : sequence of int or None, length ``C``
        Each candidate's party: an index into the parties of the :class:`~electsim.Election`
        the contests are allocated with, or ``None`` / :data:`INDEPENDENT` (``-1``) for an
        independent.  At most one candidate per party and district.
    votes : int array ``(*batch, C)``
        Candidate votes.
    against_all : int array ``(*batch, D)``, optional
        "Against all" votes per district (zeros when omitted).
    candidates : sequence of str, optional
        Candidate names (default ``"<district> #k"``).

    Attributes
    ----------
    districts, candidates : tuple of str
    district, party : int64 arrays ``(C,)``
    votes : int64 array ``(*batch, C)``; against_all : int64 array ``(*batch, D)``

    Examples
    --------
    >>> d = DistrictContests(["North", "South"], [0, 0, 1, 1], [0, 1, 0, None],
    ...                      votes=[50, 40, 30, 35], against_all=[5, 40])
    >>> d.n_districts, d.n_candidates, d.batch_shape
    (2, 4, ())
    """

    districts: tuple[str, ...]
    candidates: tuple[str, ...]
    district: IntArray
    party: IntArray
    votes: IntArray
    against_all: IntArray

    def __init__(
        self,
        districts: Sequence[str],
        district: Sequence[int | str],
        party: Sequence[int | None],
        votes: ArrayLike,
        against_all: ArrayLike | None = None,
        candidates: Sequence[str] | None = None,
    ) -> None:
        names = tuple(districts)
        if not names or any(not isinstance(n, str) or not n.strip() for n in names):
            raise ElectsimError("districts must be a non-empty sequence of non-empty names")
        if len(set(names)) != len(names):
            raise UnknownNameError("districts contains a duplicate name")
        D = len(names)
        lookup = {n: i for i, n in enumerate(names)}
        dist: list[int] = []
        for k, x in enumerate(district):
            if isinstance(x, str):
                if x not in lookup:
                    raise UnknownNameError(f"district[{k}]={x!r} is not one of the districts")
                dist.append(lookup[x])
            elif isinstance(x, int | np.integer) and not isinstance(x, bool) and 0 <= x < D:
                dist.append(int(x))
            else:
                raise ElectsimError(f"district[{k}]={x!r} must be a district name or 0..{D - 1}")
        C = len(dist)
        parties: list[int] = []
        for k, p in enumerate(party):
            if p is None:
                parties.append(INDEPENDENT)
            elif isinstance(p, int | np.integer) and not isinstance(p, bool) and p >= -1:
                parties.append(int(p))
            else:
                raise ElectsimError(
                    f"party[{k}]={p!r} must be a party index >= 0, or None/-1 for an independent"
                )
        if len(parties) != C:
            raise ShapeMismatchError(f"party has {len(parties)} entries, district has {C}")
        seen: set[tuple[int, int]] = set()
        for k, (d, p) in enumerate(zip(dist, parties, strict=True)):
            if p >= 0 and (d, p) in seen:
                raise ElectsimError(
                    f"candidate {k}: party {p} has two candidates in district {names[d]!r}"
                )
            seen.add((d, p))
        v = as_count_array(votes, "votes")
        if v.ndim == 0 or v.shape[-1] != C:
            raise ShapeMismatchError(f"votes must have shape (*batch, {C}), got {v.shape}")
        batch = v.shape[:-1]
        if against_all is None:
            a = np.zeros((*batch, D), dtype=np.int64)
        else:
            a = as_count_array(against_all, "against_all")
        if a.shape != (*batch, D):
            raise ShapeMismatchError(
                f"against_all must have shape {(*batch, D)} (batch of votes, districts), "
                f"got {a.shape}"
            )
        if candidates is None:
            counter = [0] * D
            cand = []
            for d in dist:
                counter[d] += 1
                cand.append(f"{names[d]} #{counter[d]}")
            cnames = tuple(cand)
        else:
            cnames = tuple(str(c) for c in candidates)
            if len(cnames) != C:
                raise ShapeMismatchError(f"candidates has {len(cnames)} names, expected {C}")
        object.__setattr__(self, "districts", names)
        object.__setattr__(self, "candidates", cnames)
        object.__setattr__(self, "district", _frozen(dist))
        object.__setattr__(self, "party", _frozen(parties))
        a.setflags(write=False)
        v.setflags(write=False)
        object.__setattr__(self, "votes", v)
        object.__setattr__(self, "against_all", a)

    @property
    def n_districts(self) -> int:
        """``D``."""
        return len(self.districts)

    @property
    def n_candidates(self) -> int:
        """``C``."""
        return len(self.candidates)

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """Leading batch dimensions of ``votes``."""
        return tuple(self.votes.shape[:-1])

    def replace(self, **changes: Any) -> DistrictContests:
        """A copy with some fields changed (``votes``, ``against_all``, ...), re-validated."""
        allowed = {"districts", "district", "party", "votes", "against_all", "candidates"}
        unknown = set(changes) - allowed
        if unknown:
            raise ElectsimError(f"replace() got unknown field(s) {sorted(unknown)}")
        current: dict[str, Any] = {
            "districts": self.districts,
            "district": self.district.tolist(),
            "party": self.party.tolist(),
            "votes": self.votes,
            "against_all": self.against_all,
            "candidates": self.candidates,
        }
        current.update(changes)
        return DistrictContests(**current)

    def __str__(self) -> str:
        return f"DistrictContests: {self.n_districts} districts, {self.n_candidates} candidates" + (
            f", batch shape {self.batch_shape}" if self.batch_shape else ""
        )

    def __repr__(self) -> str:
        return (
            f"DistrictContests(n_districts={self.n_districts}, "
            f"n_candidates={self.n_candidates}, batch_shape={self.batch_shape})"
        )


@dataclass(frozen=True)
class ContestTie:
    """An exact tie for first place in a district, and how it was decided.

    Attributes
    ----------
    index : tuple of int
        Batch index (``()`` for one election).
    district : str
    contenders : tuple of int
        Candidate indices with equal, highest votes.
    winner : int
        The candidate who got the seat.
    resolution : str
        The tie policy that decided (``"lowest_index"``: the candidate listed first).
    """

    index: tuple[int, ...]
    district: str
    contenders: tuple[int, ...]
    winner: int
    resolution: str

    def __str__(self) -> str:
        at = f" in election {self.index}" if self.index else ""
        return (
            f"tie{at} in district {self.district!r} among candidates {list(self.contenders)}; "
            f"seat to candidate {self.winner} by {self.resolution}"
        )


@dataclass(frozen=True, eq=False)
class DistrictResult(ReadOnlyArrays):
    """Winners of single-member districts (see :func:`district_winners`).

    Attributes
    ----------
    contests : DistrictContests
    winner : int64 array ``(*batch, D)``
        Winning candidate index, or ``-1`` when the seat is unfilled.
    winner_party : int64 array ``(*batch, D)``
        The winner's party index, ``-1`` for an independent, ``-2`` for an unfilled seat.
    against_all_won : bool array ``(*batch, D)``
        "Against all" had more votes than the leading candidate: unfilled, new election needed.
    unfilled : bool array ``(*batch, D)``
        No seat filled: against all won, or no candidate had a vote.
    ties : tuple of ContestTie
    """

    contests: DistrictContests
    winner: IntArray
    winner_party: IntArray
    against_all_won: BoolArray
    unfilled: BoolArray
    ties: tuple[ContestTie, ...]

    def seats_by_party(self, n_parties: int) -> IntArray:
        """District seats per party ``(*batch, n_parties)`` (independents not counted)."""
        wp = self.winner_party
        batch = wp.shape[:-1]
        N = int(np.prod(batch)) if batch else 1
        width = n_parties + 2  # columns: unfilled (-2), independent (-1), parties
        key = wp.reshape(N, -1) + 2 + width * np.arange(N)[:, None]
        counts = np.bincount(key.ravel(), minlength=N * width).reshape(N, width)
        return np.ascontiguousarray(counts[:, 2:]).reshape((*batch, n_parties))

    @property
    def independents(self) -> IntArray:
        """Seats won by independents ``(*batch,)``."""
        return np.asarray((self.winner_party == INDEPENDENT).sum(axis=-1), dtype=np.int64)


def district_winners(
    contests: DistrictContests,
    *,
    tie_break: str = "raise",
    rng: int | np.random.Generator | None = None,
) -> DistrictResult:
    """Plurality winners of single-member districts, with "against all" able to win.

    In each district the candidate with the most votes wins.  If "against all" has *more*
    votes than the leading candidate, the seat stays unfilled and a new election is needed
    (Kyrgyz law for single-member districts, 2021; e.g. two Bishkek districts in November 2021).
    A tie between "against all" and the leader is not "more": the leader wins (ASSUMPTION: the
    law's "more votes than" is read literally; no ruling on a tie was found).  A district in
    which no candidate has a vote is unfilled too.  Exact ties for first place are decided by
    ``tie_break`` and reported.

    Parameters
    ----------
    contests : DistrictContests
    tie_break : {"raise", "lowest_index", "most_votes", "lot"}
        ``"raise"`` (default) refuses to guess (:class:`~electsim.errors.TieError`);
        ``"lowest_index"`` gives the seat to the candidate listed first; ``"most_votes"`` is the
        same here (tied candidates have equal votes) and says so; ``"lot"`` draws with ``rng``.
    rng : None, int or numpy.random.Generator
        Used only for ``tie_break="lot"`` (required then, if a tie occurs).

    Returns
    -------
    DistrictResult

    Examples
    --------
    >>> d = DistrictContests(["North", "South"], [0, 0, 1, 1], [0, 1, 0, None],
    ...                      votes=[50, 40, 30, 35], against_all=[5, 40])
    >>> r = district_winners(d)
    >>> r.winner.tolist(), r.winner_party.tolist(), r.against_all_won.tolist()
    ([0, -1], [0, -2], [False, True])
    """
    if not isinstance(contests, DistrictContests):
        raise ElectsimError(f"contests must be DistrictContests, got {type(contests).__name__}")
    _check_tie_break(tie_break)
    gen = _rng(rng)
    batch = contests.batch_shape
    N = int(np.prod(batch)) if batch else 1
    C, D = contests.n_candidates, contests.n_districts
    votes = contests.votes.reshape(N, C)
    # candidates sorted by district (stable: within a district in listing order), then
    # segment reductions over each district's candidates: no padding, no (N, D, K) copy
    order = np.argsort(contests.district, kind="stable")
    counts = np.bincount(contests.district, minlength=D)
    busy = counts > 0
    starts = (np.cumsum(counts) - counts)[busy]
    top = np.full((N, D), -1, dtype=np.int64)
    first = np.zeros((N, D), dtype=np.int64)
    n_top = np.zeros((N, D), dtype=np.int64)
    if C:
        in_order = bool((order == np.arange(C)).all())
        vs = votes if in_order else np.take(votes, order, axis=1)
        top_b = np.maximum.reduceat(vs, starts, axis=1)
        eq = vs == np.repeat(top_b, counts[busy], axis=1)
        pos = np.where(eq, np.arange(C), C)
        top[:, busy] = top_b
        first[:, busy] = order[np.minimum.reduceat(pos, starts, axis=1)]
        n_top[:, busy] = np.add.reduceat(eq, starts, axis=1, dtype=np.int64)
    against = contests.against_all.reshape(N, D)
    aa_won = (against > top) & (against > 0)
    unfilled = (top <= 0) | (against > top)
    winner = np.where(unfilled, UNFILLED, first)
    ties: list[ContestTie] = []
    for n, d in zip(*np.nonzero((n_top > 1) & ~unfilled), strict=True):
        n, d = int(n), int(d)
        row = order[contests.district[order] == d]
        cont = tuple(sorted(int(c) for c in row[votes[n, row] == top[n, d]]))
        won, how = resolve_tie(cont, 1, votes[n], tie_break, gen)
        if tie_break == "most_votes":
            how = "most_votes, then lowest_index"
        winner[n, d] = won[0]
        index = tuple(int(x) for x in np.unravel_index(n, batch)) if batch else ()
        ties.append(ContestTie(index, contests.districts[d], cont, int(won[0]), how))
    if ties and tie_break == "raise":
        more = f" (and {len(ties) - 1} more)" if len(ties) > 1 else ""
        raise TieError(
            f"{ties[0]}{more}. The tie policy is 'raise': choose tie_break='lowest_index' or "
            "'lot' (with rng)"
        )
    party_ext = np.concatenate([contests.party, [-2]])
    wp = party_ext[np.where(winner < 0, C, winner)]
    return DistrictResult(
        contests=contests,
        winner=_frozen(winner.reshape((*batch, D))),
        winner_party=_frozen(wp.reshape((*batch, D))),
        against_all_won=_frozen(aa_won.reshape((*batch, D)), bool),
        unfilled=_frozen(unfilled.reshape((*batch, D)), bool),
        ties=tuple(ties),
    )


@dataclass(frozen=True)
class MixedElection:
    """List votes and district contests of one mixed election (or batch), bundled.

    ``electsim.allocate(MixedElection(election, contests), system)`` then works through the
    generic rule-book dispatch, which passes only the first argument on; it is the same as
    ``system.allocate(election, districts=contests)``.

    Parameters
    ----------
    election : Election
        The list votes.
    districts : DistrictContests
        The single-member district contests (party indices into ``election.parties``).
    """

    election: Election
    districts: DistrictContests

    def __post_init__(self) -> None:
        if not isinstance(self.election, Election):
            raise ElectsimError(f"election must be an Election, got {type(self.election).__name__}")
        if not isinstance(self.districts, DistrictContests):
            raise ElectsimError(
                f"districts must be DistrictContests, got {type(self.districts).__name__}"
            )


# ----------------------------------------------------------------------------- results
@dataclass(frozen=True, eq=False)
class MixedAllocation(HTMLReprMixin, ElectionResult):
    """Seats of a mixed system: list tier + single-member districts.

    All arrays have the batch shape in front.

    Attributes
    ----------
    election : Election
        The list votes.
    system : ParallelSystem or MMPSystem
    districts : DistrictResult
        Winners, unfilled districts, district ties.
    seats : int64 array ``(*batch, P)``
        Total seats per party (list + district; without independents).
    list_seats : int64 array ``(*batch, P)``
        Seats from the list tier: the list-tier allocation (parallel) or the list seats that
        top up the district seats (MMP: ``seats - district_seats``).
    district_seats : int64 array ``(*batch, P)``
        District seats won by each party's candidates (before any ``"cap"`` removal).
    entitlement : int64 array ``(*batch, P)``
        MMP: the proportional allocation among qualified parties (after levelling);
        parallel: equal to ``list_seats``.
    qualified : bool array ``(*batch, P)``
        Passed the list tier's thresholds (or, MMP, the alternative district-seat test).
    overhang : int64 array ``(*batch, P)``
        MMP: district seats above the entitlement (``"keep"``: kept; ``"cap"``: not awarded;
        ``"level"``: what remains after levelling, only for parties without list votes).
        Zero for a parallel system.
    levelling : int64 array ``(*batch,)``
        Seats added by ``overhang="level"``.
    independents : int64 array ``(*batch,)``
        District seats won by independents (not in ``seats``).
    unfilled : int64 array ``(*batch,)``
        Seats left empty: districts without a winner (against all, no votes) + list seats
        nobody could take (no qualified party with votes).  Districts whose winner is denied
        the seat under ``overhang="cap"`` are in ``capped_districts`` instead: their seats
        were never part of the house.
    house : int64 array ``(*batch,)``
        ``seats.sum(-1) + independents + unfilled``: the size of the chamber.
    ties : tuple of Tie, ContestTie and CapTie
        Every tie met in the list tier, in the districts and (``overhang="cap"``) at the cut
        of the overhang cap.
    capped_districts : bool array ``(*batch, D)``
        MMP ``overhang="cap"``: districts whose winner got no seat (counted in ``unfilled``).
    list_allocation : Allocation or None
        The list tier's own result (parallel systems).
    """

    election: Election
    system: ParallelSystem | MMPSystem
    districts: DistrictResult
    seats: IntArray
    list_seats: IntArray
    district_seats: IntArray
    entitlement: IntArray
    qualified: BoolArray
    overhang: IntArray
    levelling: IntArray
    independents: IntArray
    unfilled: IntArray
    ties: tuple[Tie | ContestTie | CapTie, ...]
    capped_districts: BoolArray
    list_allocation: Allocation | None = None

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """Leading batch dimensions."""
        return tuple(self.seats.shape[:-1])

    @property
    def house(self) -> IntArray:
        """Chamber size ``(*batch,)``: party seats + independents + unfilled."""
        return np.asarray(self.seats.sum(axis=-1) + self.independents + self.unfilled)

    def by_party(self, index: Any = None) -> dict[str, int]:
        """``{party name: total seats}`` of one election."""
        i = self._one(index)
        return {p.name: int(s) for p, s in zip(self.election.parties, self.seats[i], strict=True)}

    def to_records(self, index: Any = None) -> list[dict[str, Any]]:
        """One plain-Python record per party of one election (JSON-serialisable).

        Keys: ``party``, ``short``, ``votes`` (national list votes), ``qualified``,
        ``entitlement``, ``district_seats``, ``list_seats``, ``overhang``, ``seats``.
        """
        i = self._one(index)
        votes = self.election.national_votes[i]
        return [
            {
                "party": p.name,
                "short": p.short,
                "votes": int(votes[k]),
                "qualified": bool(self.qualified[i][k]),
                "entitlement": int(self.entitlement[i][k]),
                "district_seats": int(self.district_seats[i][k]),
                "list_seats": int(self.list_seats[i][k]),
                "overhang": int(self.overhang[i][k]),
                "seats": int(self.seats[i][k]),
            }
            for k, p in enumerate(self.election.parties)
        ]

    def district_records(self, index: Any = None) -> list[dict[str, Any]]:
        """One record per district: ``district``, ``winner`` (name or None), ``party``
        (name, ``"independent"`` or None), ``votes`` (winner's), ``against_all``, ``status``
        (``"won"``, ``"against all"``, ``"no votes"``, ``"capped"``)."""
        i = self._one(index)
        c = self.districts.contests
        out = []
        for d, name in enumerate(c.districts):
            w = int(self.districts.winner[i][d])
            aa = int(c.against_all[i][d])
            if w < 0:
                status = "against all" if self.districts.against_all_won[i][d] else "no votes"
                out.append(
                    {
                        "district": name,
                        "winner": None,
                        "party": None,
                        "votes": None,
                        "against_all": aa,
                        "status": status,
                    }
                )
                continue
            p = int(c.party[w])
            pname = "independent" if p < 0 else self.election.parties[p].name
            capped = bool(self.capped_districts[i][d])
            out.append(
                {
                    "district": name,
                    "winner": c.candidates[w],
                    "party": pname,
                    "votes": int(c.votes[i][w]),
                    "against_all": aa,
                    "status": "capped" if capped else "won",
                }
            )
        return out

    def table(self, index: Any = None) -> str:
        """A table of one election: votes, qualified, (MMP: entitlement), district seats, list
        seats, (MMP: overhang), total."""
        i = self._one(index)
        recs = self.to_records(index)
        width = max(12, *(min(len(r["party"]), 30) for r in recs))
        mmp = isinstance(self.system, MMPSystem)  # entitlement and overhang are MMP notions
        cols = [("entitlement", "Entitl.", 7)] if mmp else []
        cols += [("district_seats", "District", 8), ("list_seats", "List", 4)]
        cols += [("overhang", "Overh.", 6)] if mmp else []
        totals = {
            "entitlement": self.entitlement,
            "district_seats": self.district_seats,
            "list_seats": self.list_seats,
            "overhang": self.overhang,
        }
        head = f"{'Party':<{width}}  {'Votes':>11}  {'Qual.':<5}  " + "  ".join(
            f"{label:>{w}}" for _, label, w in cols
        )
        head += f"  {'Seats':>5}"
        title = self.election.name or "Election"
        if i:
            title += f" [{', '.join(map(str, i))}]"
        lines = [f"{title} -- {self.system}", head, "-" * len(head)]
        for r in recs:
            name = r["party"] if len(r["party"]) <= 30 else r["party"][:29] + "…"
            cells = "  ".join(f"{r[key]:>{w}}" for key, _, w in cols)
            lines.append(
                f"{name:<{width}}  {r['votes']:>11,}  {'yes' if r['qualified'] else 'no':<5}  "
                f"{cells}  {r['seats']:>5}"
            )
        lines.append("-" * len(head))
        cells = "  ".join(f"{int(totals[key][i].sum()):>{w}}" for key, _, w in cols)
        lines.append(
            f"{'Total':<{width}}  {int(self.election.national_votes[i].sum()):>11,}  {'':<5}  "
            f"{cells}  {int(self.seats[i].sum()):>5}"
        )
        c = self.districts.contests
        aa = [c.districts[d] for d in np.nonzero(self.districts.against_all_won[i])[0]]
        extra = [
            f"Independents: {int(self.independents[i])}",
            f"Unfilled seats: {int(self.unfilled[i])}"
            + (f" (against all won in {', '.join(aa)}: new elections needed)" if aa else ""),
            f"House: {int(self.house[i])}",
        ]
        if int(self.levelling[i]):
            extra.append(f"Levelling seats: {int(self.levelling[i])}")
        lines.append("; ".join(extra))
        for t in self.ties:
            if t.index == i:
                lines.append(str(t))
        return "\n".join(lines)

    def __str__(self) -> str:
        if not self.batch_shape:
            return self.table()
        n = int(np.prod(self.batch_shape))
        if n == 0:
            return f"MixedAllocation of 0 elections -- {self.system}"
        mean = self.seats.reshape(n, -1).mean(axis=0)
        lines = [
            f"MixedAllocation of {n} elections (batch shape {self.batch_shape}) -- {self.system}",
            f"{'Party':<24}  {'mean seats':>10}",
        ]
        for p, m in zip(self.election.parties, mean, strict=True):
            lines.append(f"{p.name[:24]:<24}  {m:>10.2f}")
        lines.append(
            f"mean independents {self.independents.mean():.2f}; "
            f"mean unfilled {self.unfilled.mean():.2f}; ties: {len(self.ties)}"
        )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"MixedAllocation(batch_shape={self.batch_shape}, system={str(self.system)!r})"


# ----------------------------------------------------------------------------- systems
def _check_list_tier(list_tier: Any) -> ElectoralSystem:
    if not isinstance(list_tier, ElectoralSystem):
        raise ElectsimError(f"list_tier must be an ElectoralSystem, got {type(list_tier).__name__}")
    return list_tier


def _check_n_districts(n: Any) -> int:
    if isinstance(n, np.integer):
        n = int(n)
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_SEATS:
        raise ElectsimError(f"n_districts={n!r} must be an integer between 0 and {MAX_SEATS:,}")
    return n


def _prepare(
    election: Any, districts: Any, system: ParallelSystem | MMPSystem
) -> tuple[Election, DistrictContests]:
    """Validate and broadcast the list votes and the contests to one batch shape."""
    if isinstance(election, MixedElection):
        if districts is not None:
            raise ElectsimError("districts given twice: in the MixedElection and as districts=")
        election, districts = election.election, election.districts
    if not isinstance(election, Election):
        raise ElectsimError(f"election must be an Election, got {type(election).__name__}")
    if districts is None:
        raise MissingDataError(
            f"{type(system).__name__} needs the district contests: call "
            "system.allocate(election, districts=contests), "
            "allocate_mixed(election, contests, system) or "
            "electsim.allocate(MixedElection(election, contests), system)"
        )
    if not isinstance(districts, DistrictContests):
        raise ElectsimError(f"districts must be DistrictContests, got {type(districts).__name__}")
    if districts.n_districts != system.n_districts:
        raise ShapeMismatchError(
            f"the system has n_districts={system.n_districts} but the contests have "
            f"{districts.n_districts} districts"
        )
    P = election.n_parties
    bad = districts.party[districts.party >= P]
    if bad.size:
        raise ShapeMismatchError(
            f"districts: party index {int(bad[0])} is out of range for the election's {P} parties"
        )
    eb, db = election.batch_shape, districts.batch_shape
    if eb == db:
        return election, districts
    try:
        batch = np.broadcast_shapes(eb, db)
    except ValueError as exc:
        raise ShapeMismatchError(
            f"the election's batch shape {eb} and the contests' {db} do not broadcast"
        ) from exc
    if eb != batch:
        assert election.against_all is not None and election.invalid is not None
        R = election.n_regions
        election = Election(
            np.broadcast_to(election.votes, (*batch, R, P)),
            np.broadcast_to(election.against_all, (*batch, R)),
            np.broadcast_to(election.invalid, (*batch, R)),
            None
            if election.registered is None
            else np.broadcast_to(election.registered, (*batch, R)),
            election.parties,
            election.regions,
            election.name,
            election.source,
        )
    if db != batch:
        C, D = districts.n_candidates, districts.n_districts
        districts = districts.replace(
            votes=np.broadcast_to(districts.votes, (*batch, C)),
            against_all=np.broadcast_to(districts.against_all, (*batch, D)),
        )
    return election, districts


_R = TypeVar("_R", bound="_MixedRules")


class _MixedRules(abc.ABC):
    """What the mixed rule books share: a one-line ``str`` and a validated ``replace``."""

    name: str

    @abc.abstractmethod
    def describe(self) -> str:
        """One line summarising the rules."""

    def __str__(self) -> str:
        return f"{self.name}: {self.describe()}" if self.name else self.describe()

    def replace(self: _R, **changes: Any) -> _R:
        """A variant with some rules changed, re-validated: ``s.replace(tie_break="lot")``."""
        names = {f.name for f in dataclasses.fields(self)}  # type: ignore[arg-type]
        unknown = set(changes) - names
        if unknown:
            raise ElectsimError(
                f"replace() got unknown rule(s) {sorted(unknown)}; rules are {sorted(names)}"
            )
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]


@dataclass(frozen=True)
class ParallelSystem(_MixedRules):
    """A parallel (mixed-member majoritarian) system: list seats + district seats, added.

    The list tier is allocated on the list votes exactly as :func:`electsim.allocate` does
    (thresholds, cap, method, ties); each single-member district is won by plurality
    (:func:`district_winners`).  A party's total is its list seats plus its district seats;
    seats won by independents are reported separately (``MixedAllocation.independents``).
    Districts where "against all" wins, or without votes, are unfilled.

    Parameters
    ----------
    list_tier : ElectoralSystem
        The list tier (Kyrgyzstan 2021: 54 seats, 5 % + 0.5 % per region).
    n_districts : int
        Number of single-member districts (Kyrgyzstan 2021: 36).
    tie_break : {"raise", "lowest_index", "most_votes", "lot"}
        Ties for first place in a district (the list tier keeps its own ``tie_break``).
    name, source : str

    Examples
    --------
    >>> from electsim import ElectoralSystem, Threshold
    >>> s = ParallelSystem(ElectoralSystem(4, "hare", national=Threshold("10%")), 2)
    >>> e = Election([55, 30, 15], parties="ABC")
    >>> d = DistrictContests(["d1", "d2"], [0, 0, 1, 1], [1, 2, 2, None],
    ...                      votes=[10, 20, 30, 5])
    >>> r = s.allocate(e, districts=d)
    >>> r.seats.tolist(), r.list_seats.tolist(), r.district_seats.tolist()
    ([2, 1, 3], [2, 1, 1], [0, 0, 2])
    """

    list_tier: ElectoralSystem
    n_districts: int
    tie_break: str = "raise"
    name: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        _check_list_tier(self.list_tier)
        object.__setattr__(self, "n_districts", _check_n_districts(self.n_districts))
        _check_tie_break(self.tie_break)

    @property
    def seats(self) -> int:
        """House size: list seats + districts."""
        return self.list_tier.seats + self.n_districts

    def describe(self) -> str:
        """One line summarising the rules."""
        return (
            f"parallel: {self.list_tier.seats} list seats ({self.list_tier.describe()}) + "
            f"{self.n_districts} single-member districts (plurality, against all can win)"
        )

    def allocate(
        self,
        election: Election | MixedElection,
        *,
        districts: DistrictContests | None = None,
        rng: int | np.random.Generator | None = None,
    ) -> MixedAllocation:
        """Allocate both tiers; see :func:`allocate_mixed`."""
        election, districts = _prepare(election, districts, self)
        gen = _rng(rng)
        lst = allocate(election, self.list_tier, rng=gen)
        dres = district_winners(districts, tie_break=self.tie_break, rng=gen)
        P = election.n_parties
        dseats = dres.seats_by_party(P)
        zeros = np.zeros_like(dseats)
        unfilled = np.asarray(lst.unfilled + dres.unfilled.sum(axis=-1), dtype=np.int64)
        return MixedAllocation(
            election=election,
            system=self,
            districts=dres,
            seats=_frozen(lst.seats + dseats),
            list_seats=lst.seats,
            district_seats=_frozen(dseats),
            entitlement=lst.seats,
            qualified=lst.eligible,
            overhang=_frozen(zeros),
            levelling=_frozen(np.zeros(election.batch_shape, dtype=np.int64)),
            independents=_frozen(dres.independents),
            unfilled=_frozen(unfilled),
            ties=(*lst.ties, *dres.ties),
            capped_districts=_frozen(np.zeros(dres.unfilled.shape, dtype=bool), bool),
            list_allocation=lst,
        )


@dataclass(frozen=True)
class MMPSystem(_MixedRules):
    """Mixed-member proportional: district seats are compensated by list seats.

    Steps, exact and batched (the New Zealand rule, Electoral Act 1993 ss. 191-192):

    1. District winners by plurality (:func:`district_winners`).
    2. Qualification: a party qualifies if it passes the list tier's thresholds
       (``list_tier.national`` / ``list_tier.regional``, by
       :func:`electsim.stages.eligibility`) **or** wins at least
       ``alternative_district_seats`` districts (New Zealand: 1 electorate, s. 191(4);
       Germany: 3 direct mandates, BWahlG s. 6(3)).
    3. Seats won by independents and by parties that do not qualify are deducted from
       ``list_tier.seats`` (NZ s. 191(5)-(6)), and so are districts left without a winner
       (against all won; ASSUMPTION: the seat is held back for the repeat election, which
       fills it as a district seat): ``S' = S - deducted``.
    4. ``S'`` seats are apportioned among qualified parties by ``list_tier.method`` on the
       national list votes (:func:`electsim.stages.apportion`): the *entitlement* ``E_p``.
    5. Overhang -- a qualified party with more district seats ``d_p`` than ``E_p``:

       * ``"keep"`` (New Zealand): the party keeps ``d_p``, others keep ``E_p``; the house
         grows by the overhang (``max(E_p, d_p)``; NZ 2008: 122 seats);
       * ``"level"`` (Germany 2013-2021 style, on national totals): ``S'`` is raised one
         seat at a time to the smallest ``S'' >= S'`` at which every qualified party with list
         votes has ``E_p(S'') >= d_p``; the ``S'' - S'`` levelling seats are reported.
         (The German law levels on per-Land minimum seat numbers; this option levels on
         national district seats only.)  A qualified party without list votes cannot be
         levelled; its district seats stay as overhang.  Refused above ``max_house``;
       * ``"cap"`` (Germany, 2023 law, "Zweitstimmendeckung"): a party never has more than
         ``E_p``; its ``d_p - E_p`` district winners with the lowest share of their district's
         votes (candidate votes + against all; exact fractions; equal shares at the cut are
         decided by ``tie_break`` and reported as a :class:`CapTie` -- German law draws lots)
         get no seat, and those districts stay unfilled.  (The German law applies
         this per Land list; this option applies it to national totals.)

    Parameters
    ----------
    list_tier : ElectoralSystem
        Its ``seats`` is the *total* house size before overhang (NZ: 120), its thresholds
        (per-kind thresholds and alternatives included) and method are used; a seat cap,
        alliances, a majority clause and candidate limits (``Party.candidates``) are refused,
        because the compensation does not model them.  Ties in step 4 follow
        ``list_tier.tie_break``.
    n_districts : int
        Number of single-member districts (NZ 2008: 70).
    overhang : {"keep", "level", "cap"}
    alternative_district_seats : int or None
        ``k``: winning ``k`` districts qualifies a party (None: no alternative).
    tie_break : str
        Ties for first place in a district.
    max_house : int or None
        Under ``"level"``: the most seats apportioned proportionally (``S''``; default
        ``2 * list_tier.seats``); levelling beyond it raises an
        :class:`~electsim.errors.ElectsimError` instead of growing without bound.
    name, source : str

    Examples
    --------
    >>> from electsim import ElectoralSystem, Threshold
    >>> tier = ElectoralSystem(10, "sainte_lague", national=Threshold("5%"))
    >>> s = MMPSystem(tier, 3, overhang="keep")
    >>> e = Election([50, 40, 10], parties="ABC")
    >>> d = DistrictContests(["d1", "d2", "d3"], [0, 1, 2], [2, 2, 2], votes=[9, 9, 9])
    >>> r = s.allocate(e, districts=d)
    >>> r.entitlement.tolist(), r.seats.tolist(), r.overhang.tolist()
    ([5, 4, 1], [5, 4, 3], [0, 0, 2])
    """

    list_tier: ElectoralSystem
    n_districts: int
    overhang: Overhang = "keep"
    alternative_district_seats: int | None = None
    tie_break: str = "raise"
    max_house: int | None = None
    name: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        _check_list_tier(self.list_tier)
        if self.list_tier.cap is not None:
            raise ElectsimError(
                "list_tier has a seat cap; MMPSystem does not combine a cap with compensation "
                "(use list_tier.replace(cap=None))"
            )
        for rule, value in (
            ("alliances", self.list_tier.alliances),
            ("majority_clause", self.list_tier.majority_clause),
        ):
            if value:
                raise ElectsimError(
                    f"list_tier has {rule}={value!r}; MMPSystem's compensation does not model "
                    f"it (use list_tier.replace({rule}=...) to drop it, or a ParallelSystem)"
                )
        object.__setattr__(self, "n_districts", _check_n_districts(self.n_districts))
        if self.overhang not in OVERHANG_POLICIES:
            raise UnknownMethodError(
                f"overhang={self.overhang!r} is unknown; use one of {sorted(OVERHANG_POLICIES)}"
            )
        k = self.alternative_district_seats
        if isinstance(k, np.integer):
            k = int(k)
            object.__setattr__(self, "alternative_district_seats", k)
        if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 1):
            raise ElectsimError(
                f"alternative_district_seats={k!r} must be a positive integer or None"
            )
        _check_tie_break(self.tie_break)
        m = self.max_house
        if m is None:
            m = 2 * self.list_tier.seats
        if isinstance(m, bool) or not isinstance(m, int | np.integer) or not 0 <= m <= MAX_SEATS:
            raise ElectsimError(f"max_house={m!r} must be an integer between 0 and {MAX_SEATS:,}")
        object.__setattr__(self, "max_house", int(m))

    @property
    def seats(self) -> int:
        """Nominal house size (before overhang and levelling)."""
        return self.list_tier.seats

    def describe(self) -> str:
        """One line summarising the rules."""
        alt = (
            f" or >= {self.alternative_district_seats} district seat(s)"
            if self.alternative_district_seats
            else ""
        )
        return (
            f"MMP: {self.list_tier.describe()}{alt}; {self.n_districts} single-member "
            f"districts compensated; overhang: {self.overhang}"
        )

    def allocate(
        self,
        election: Election | MixedElection,
        *,
        districts: DistrictContests | None = None,
        rng: int | np.random.Generator | None = None,
    ) -> MixedAllocation:
        """Allocate with compensation; see the class docstring and :func:`allocate_mixed`."""
        election, districts = _prepare(election, districts, self)
        limited = [p.name for p in election.parties if p.candidates is not None]
        if limited:
            raise ElectsimError(
                f"parties {limited} have candidate limits (Party.candidates); MMPSystem's "
                "compensation does not model list limits: drop them or use a ParallelSystem"
            )
        gen = _rng(rng)
        batch = election.batch_shape
        N = int(np.prod(batch)) if batch else 1
        P = election.n_parties
        tier = self.list_tier
        passes = eligibility(election, tier).eligible.reshape(N, P)
        dres = district_winners(districts, tie_break=self.tie_break, rng=gen)
        d = dres.seats_by_party(P).reshape(N, P)
        qualified = passes.copy()
        if self.alternative_district_seats is not None:
            qualified |= d >= self.alternative_district_seats
        indep = dres.independents.reshape(N)
        vacant = dres.unfilled.reshape(N, -1).sum(axis=1)
        deducted = indep + vacant + np.where(qualified, 0, d).sum(axis=1)
        base_seats = np.maximum(tier.seats - deducted, 0)
        votes = election.national_votes.reshape(N, P)
        ent, records = self._apportion(votes, base_seats, qualified, gen)
        levelling = np.zeros(N, dtype=np.int64)
        if self.overhang == "level":
            ent, records, levelling = self._level(
                votes, base_seats, qualified, d, ent, records, gen
            )
        ties = _ties(records, election, batch)
        if ties and tier.tie_break == "raise":
            raise TieError(
                f"{ties[0]}. The list tier's tie policy is 'raise': choose another with "
                "list_tier.replace(tie_break=...)"
            )
        dq = np.where(qualified, d, 0)
        over = np.maximum(dq - ent, 0)
        capped = np.zeros((N, districts.n_districts), dtype=bool)
        cap_ties: list[CapTie] = []
        if self.overhang == "cap":
            seats = np.where(qualified, ent, d)
            if over.any():
                capped, cap_ties = _weakest_winners(
                    dres, districts, over, election.party_names, self.tie_break, gen
                )
                if cap_ties and self.tie_break == "raise":
                    raise TieError(
                        f"{cap_ties[0]}. The tie policy is 'raise': choose another with "
                        "replace(tie_break=...) (German law draws lots)"
                    )
        else:
            seats = np.where(qualified, np.maximum(ent, d), d)
        unfilled = vacant + (base_seats + levelling - ent.sum(axis=1))
        list_seats = seats - np.where(qualified, np.minimum(d, seats), d)

        def shaped(a: NDArray[Any], *tail: int) -> NDArray[Any]:
            return _frozen(np.asarray(a).reshape((*batch, *tail)), a.dtype)

        return MixedAllocation(
            election=election,
            system=self,
            districts=dres,
            seats=shaped(seats, P),
            list_seats=shaped(list_seats, P),
            district_seats=shaped(d, P),
            entitlement=shaped(ent, P),
            qualified=shaped(qualified, P),
            overhang=shaped(over, P),
            levelling=shaped(levelling),
            independents=shaped(indep),
            unfilled=shaped(unfilled),
            ties=(*ties, *dres.ties, *cap_ties),
            capped_districts=shaped(capped, districts.n_districts),
        )

    def _apportion(
        self,
        votes: IntArray,
        seats: IntArray,
        qualified: BoolArray,
        rng: np.random.Generator | None,
    ) -> tuple[IntArray, list[TieRecord]]:
        """The list tier's method via :func:`electsim.stages.apportion`.  Under ``"raise"`` the
        ties are collected (lowest index) and raised by the caller only if they are final: a
        house size superseded by levelling decides no seat."""
        tier = self.list_tier
        policy = "lowest_index" if tier.tie_break == "raise" else tier.tie_break
        a = apportion(votes, seats, qualified, tier.method, tie_break=policy, rng=rng)
        return np.array(a.seats, dtype=np.int64), list(a.ties)

    def _level(
        self,
        votes: IntArray,
        base_seats: IntArray,
        qualified: BoolArray,
        d: IntArray,
        ent: IntArray,
        records: list[TieRecord],
        rng: np.random.Generator | None,
    ) -> tuple[IntArray, list[TieRecord], IntArray]:
        """Raise the house one seat at a time, per row, until the district seats are covered."""
        target = qualified & (votes > 0)
        ent = ent.copy()
        house = base_seats.copy()
        short: BoolArray = np.asarray(((ent < d) & target).any(axis=1), dtype=bool)
        kept: dict[int, list[TieRecord]] = {}  # ties of superseded house sizes are dropped
        for r in records:
            if not short[r.row]:
                kept.setdefault(r.row, []).append(r)
        pending = np.nonzero(short)[0]
        while pending.size:
            house[pending] += 1
            if int(house[pending].max()) > int(self.max_house or 0):
                raise ElectsimError(
                    f"overhang='level' needs a house above max_house={self.max_house}; "
                    "raise max_house or choose overhang='keep'/'cap'"
                )
            a, recs = self._apportion(votes[pending], house[pending], qualified[pending], rng)
            ent[pending] = a
            ok: BoolArray = np.asarray(~((a < d[pending]) & target[pending]).any(axis=1))
            for r in recs:
                if ok[r.row]:
                    row = int(pending[r.row])
                    kept.setdefault(row, []).append(dataclasses.replace(r, row=row))
            pending = pending[~ok]
        levelling = house - base_seats
        out = [r for row in sorted(kept) for r in kept[row]]
        return ent, out, levelling


def _ties(records: list[TieRecord], election: Election, batch: tuple[int, ...]) -> list[Tie]:
    return [
        Tie(
            index=tuple(int(x) for x in np.unravel_index(r.row, batch)) if batch else (),
            contenders=r.contenders,
            parties=tuple(election.parties[c].name for c in r.contenders),
            n_seats=r.n_seats,
            winners=r.winners,
            resolution=r.resolution,
            stage="list tier: " + r.stage,
        )
        for r in sorted(records, key=lambda r: r.row)
    ]


@dataclass(frozen=True)
class CapTie:
    """Equal vote shares at the cut of the ``"cap"`` overhang rule: which of a party's district
    winners lose their seat was decided by the tie policy.

    Attributes
    ----------
    index : tuple of int
        Batch index (``()`` for one election).
    party : str
    districts : tuple of str
        The districts whose winners had the same, deciding vote share.
    denied : tuple of str
        Those whose winners lose the seat.
    resolution : str
        The tie policy that decided (``"lowest_index"``: the districts listed first keep it).
    """

    index: tuple[int, ...]
    party: str
    districts: tuple[str, ...]
    denied: tuple[str, ...]
    resolution: str

    def __str__(self) -> str:
        at = f" in election {self.index}" if self.index else ""
        return (
            f"tie{at} under the overhang cap: {self.party}'s winners in "
            f"{', '.join(self.districts)} have equal vote shares; denied "
            f"{', '.join(self.denied)} by {self.resolution}"
        )


def _weakest_winners(
    res: DistrictResult,
    c: DistrictContests,
    remove: IntArray,
    parties: Sequence[str],
    tie_break: str,
    rng: np.random.Generator | None,
) -> tuple[BoolArray, list[CapTie]]:
    """Mark, per party, the ``remove`` district winners with the lowest vote share.

    The share is the winner's votes over the district's candidate votes + against all, compared
    exactly (Python ints and Fractions).  Equal shares at the cut are a tie, decided by
    ``tie_break`` (the districts it picks keep their seat) and reported.  Runs only for the
    (rare) parties and elections with overhang.
    """
    batch = c.batch_shape
    N = int(np.prod(batch)) if batch else 1
    D = c.n_districts
    out = np.zeros((N, D), dtype=bool)
    rem = remove.reshape(N, -1)
    win = res.winner.reshape(N, D)
    wp = res.winner_party.reshape(N, D)
    votes = c.votes.reshape(N, -1)
    against = c.against_all.reshape(N, D)
    members = [np.nonzero(c.district == k)[0].tolist() for k in range(D)]
    ties: list[CapTie] = []

    def share(n: int, k: int) -> Fraction:
        total = sum(int(votes[n, j]) for j in members[k]) + int(against[n, k])
        return Fraction(int(votes[n, win[n, k]]), total)

    for n, p in zip(*np.nonzero(rem > 0), strict=True):
        n, p = int(n), int(p)
        ds = sorted((k for k in range(D) if wp[n, k] == p), key=lambda k: share(n, k))
        r = int(rem[n, p])
        cut = share(n, ds[r - 1])
        below = [k for k in ds if share(n, k) < cut]
        group = [k for k in ds if share(n, k) == cut]
        deny = below + group
        if len(below) + len(group) > r:  # the cut falls inside equal shares: a tie
            keep, how = resolve_tie(
                group,
                len(below) + len(group) - r,
                [int(votes[n, win[n, k]]) if k in group else 0 for k in range(D)],
                tie_break,
                rng,
            )
            deny = below + [k for k in group if k not in keep]
            idx = tuple(int(x) for x in np.unravel_index(n, batch)) if batch else ()
            ties.append(
                CapTie(
                    idx,
                    parties[p],
                    tuple(c.districts[k] for k in group),
                    tuple(c.districts[k] for k in group if k not in keep),
                    how,
                )
            )
        out[n, deny] = True
    return out.reshape((*batch, D)), ties


def allocate_mixed(
    election: Election,
    districts: DistrictContests,
    system: ParallelSystem | MMPSystem,
    *,
    rng: int | np.random.Generator | None = None,
) -> MixedAllocation:
    """Allocate a mixed system: list votes ``election`` + single-member ``districts``.

    Same as ``system.allocate(election, districts=districts, rng=rng)``.  The batch shapes of
    ``election`` and ``districts`` must be equal or broadcast (e.g. one list vote with a batch
    of synthetic district layers).  ``rng`` is normalised once and used by the list tier
    first, then by district ties (``tie_break="lot"`` only).

    Returns
    -------
    MixedAllocation
    """
    if not isinstance(system, ParallelSystem | MMPSystem):
        raise ElectsimError(
            f"system must be a ParallelSystem or MMPSystem, got {type(system).__name__}"
        )
    return system.allocate(election, districts=districts, rng=rng)
