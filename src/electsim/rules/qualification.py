"""Qualification rules beyond one threshold: thresholds per list kind and alternative routes.

* :class:`ByKind` -- a threshold whose rate depends on how many parties stand on a list
  (:attr:`electsim.Party.members`): e.g. Slovakia's 5 % for a party, 7 % for a coalition of two
  or three parties and 10 % for a coalition of four or more.  Usable wherever a
  :class:`~electsim.Threshold` is (``ElectoralSystem(national=ByKind(...))``, ``regional=``).
* Alternatives -- a list that fails the thresholds still qualifies if it meets any of them
  (``ElectoralSystem(alternatives=(...))``):

  - :class:`DistrictShare` -- at least a given share of the votes in at least one region;
  - :class:`Exempt` -- named lists exempt from every threshold (parties of national
    minorities in Germany and Poland).

Every test is exact (integer ``votes >= votes_needed(base, rate)``) and batched.  See
``docs/rules_single.md`` for the laws these model and their sources.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from .._exact import RateLike, votes_needed
from ..election import Election, Party, lookup_index
from ..errors import ElectsimError, MissingDataError
from ..system import Base, BaseScope, Threshold, scoped_base

__all__ = [
    "Alternative",
    "ByKind",
    "DistrictSeats",
    "DistrictShare",
    "Exempt",
    "alternative_qualification",
    "threshold_need",
]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, init=False)
class ByKind:
    """A threshold whose rate depends on the number of parties on the list.

    Parameters
    ----------
    rates : mapping int -> rate
        ``{k: rate}``: a list with :attr:`~electsim.Party.members` ``>= k`` needs the rate of
        the largest key ``k <= members``.  The key 1 (a single party) is required.  Rates are
        anything :class:`~electsim.Threshold` accepts (``"5%"``, ``Fraction(1, 20)``, ...).
    base : {"ballots", "valid", "party_votes", "registered"}
        What every rate is a share of; see :data:`electsim.system.BASES`.  Default
        ``"ballots"``, as for :class:`~electsim.Threshold`.
    inclusive : bool
        ``True`` (default): a list with exactly ``rate * base`` votes passes.
    base_scope : {"own", "national"}
        As for :class:`~electsim.Threshold`: as a regional threshold, ``"national"`` counts
        the base once for the whole country (the same need in every region).

    Notes
    -----
    Slovakia (National Council; Act No. 180/2014 Coll. on elections): 5 % of the valid
    votes for a party, 7 % for a coalition of two or three parties, 10 % for a coalition of
    four or more -- ``ByKind({1: "5%", 2: "7%", 4: "10%"}, base="valid")``.  The Czech
    Republic's Chamber of Deputies used 5 %, 10 %, 15 % and 20 % for lists of 1, 2, 3 and 4+
    parties until the Constitutional Court annulled that progression in February 2021
    (Pl. ÚS 44/17); the 2021 amendment set 5 %, 8 % for two parties and 11 % for three or more
    -- ``ByKind({1: "5%", 2: "8%", 3: "11%"}, base="valid")``.

    Examples
    --------
    >>> t = ByKind({1: "5%", 2: "7%", 4: "10%"}, base="valid")
    >>> [t.for_members(m).percent for m in (1, 2, 3, 4, 9)]
    ['5%', '7%', '7%', '10%', '10%']
    >>> t
    ByKind({1: '5%', 2: '7%', 4: '10%'}, base='valid')
    >>> t.needed([10_000], [1, 3]).tolist()
    [[500, 700]]
    """

    thresholds: tuple[tuple[int, Threshold], ...]
    base: Base
    inclusive: bool
    base_scope: BaseScope = "own"  # class default: objects pickled before the option load

    def __init__(
        self,
        rates: Mapping[int, RateLike],
        base: Base = "ballots",
        inclusive: bool = True,
        base_scope: BaseScope = "own",
    ) -> None:
        if not isinstance(rates, Mapping) or not rates:
            raise ElectsimError(
                f"ByKind rates={rates!r} must be a non-empty mapping {{members: rate}}, "
                "e.g. {1: '5%', 2: '7%', 4: '10%'}"
            )
        items: list[tuple[int, Threshold]] = []
        for k, rate in rates.items():
            if isinstance(k, np.integer):
                k = int(k)
            if isinstance(k, bool) or not isinstance(k, int) or k < 1:
                raise ElectsimError(
                    f"ByKind rates: key {k!r} must be a number of parties on the list (int >= 1)"
                )
            items.append((k, Threshold(rate, base, inclusive, base_scope)))
        items.sort(key=lambda kv: kv[0])
        if items[0][0] != 1:
            raise ElectsimError(
                "ByKind rates must have the key 1 (the rate for a single party); got keys "
                f"{[k for k, _ in items]}"
            )
        object.__setattr__(self, "thresholds", tuple(items))
        object.__setattr__(self, "base", base)
        object.__setattr__(self, "inclusive", inclusive)
        object.__setattr__(self, "base_scope", base_scope)

    @property
    def rates(self) -> dict[int, Fraction]:
        """``{k: rate}`` as exact fractions."""
        return {k: t.rate for k, t in self.thresholds}

    @property
    def rate(self) -> Fraction:
        """The rate of a single-party list (key 1), for displays that show one rate."""
        return self.thresholds[0][1].rate

    @property
    def percent(self) -> str:
        """``'5%/7%/10%'``: the rates in key order."""
        return "/".join(t.percent for _, t in self.thresholds)

    def for_members(self, members: int) -> Threshold:
        """The :class:`~electsim.Threshold` for a list of ``members`` parties."""
        if isinstance(members, bool) or not isinstance(members, int | np.integer) or members < 1:
            raise ElectsimError(f"members={members!r} must be an integer >= 1")
        chosen = self.thresholds[0][1]
        for k, t in self.thresholds:
            if k <= members:
                chosen = t
        return chosen

    def needed(self, base: Any, members: Sequence[int]) -> IntArray:
        """Fewest votes each list needs: ``(*base.shape, P)`` int64, exact.

        Parameters
        ----------
        base : array_like of int, any shape
            The threshold base (e.g. ``(N,)`` national or ``(N, R)`` regional).
        members : sequence of int, length ``P``
            Parties on each list.
        """
        b = np.asarray(base, dtype=np.int64)
        which = [self._slot(int(m)) for m in members]
        per_kind = np.stack(
            [votes_needed(b, t.rate, t.inclusive) for _, t in self.thresholds], axis=-1
        )
        return np.asarray(per_kind[..., which], dtype=np.int64)

    def _slot(self, members: int) -> int:
        slot = 0
        for j, (k, _) in enumerate(self.thresholds):
            if k <= members:
                slot = j
        return slot

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}: {t.percent!r}" for k, t in self.thresholds)
        extra = "" if self.inclusive else ", inclusive=False"
        if self.base_scope != "own":
            extra += f", base_scope={self.base_scope!r}"
        return f"ByKind({{{inner}}}, base={self.base!r}{extra})"

    def __str__(self) -> str:
        op = ">=" if self.inclusive else ">"
        parts = [
            f"{t.percent} ({'party' if k == 1 else f'{k}+ parties'})" for k, t in self.thresholds
        ]
        return f"{op} {', '.join(parts)} of {scoped_base(self.base, self.base_scope)}"


def threshold_need(threshold: Threshold | ByKind, base: Any, parties: Sequence[Party]) -> IntArray:
    """Fewest votes each list needs under ``threshold``: ``(*base.shape, P)`` int64, exact.

    A plain :class:`~electsim.Threshold` gives the same need to every list; a :class:`ByKind`
    reads :attr:`~electsim.Party.members`.

    >>> from electsim import Party, Threshold
    >>> ps = [Party("A"), Party("B", members=2)]
    >>> threshold_need(Threshold("5%"), [1000], ps).tolist()
    [[50, 50]]
    >>> threshold_need(ByKind({1: "5%", 2: "8%"}), [1000], ps).tolist()
    [[50, 80]]
    """
    if isinstance(threshold, ByKind):
        return threshold.needed(base, [p.members for p in parties])
    need = votes_needed(np.asarray(base, dtype=np.int64), threshold.rate, threshold.inclusive)
    return np.repeat(need[..., None], len(parties), axis=-1)


@runtime_checkable
class Alternative(Protocol):
    """An alternative route to qualification: ``qualifies(election) -> (*batch, P)`` bool."""

    def qualifies(self, election: Election, *, party_total: IntArray | None = None) -> BoolArray:
        """Which lists qualify by this route, ``(*batch, P)``."""
        ...


@dataclass(frozen=True, init=False)
class DistrictShare:
    """Qualify with at least ``rate`` of the votes in at least one region (district).

    Parameters
    ----------
    rate : rate
        ``"12%"`` etc. (anything :class:`~electsim.Threshold` accepts).
    base : {"ballots", "valid", "party_votes", "registered"}
        The base, computed in each region.  Default ``"ballots"`` as for ``Threshold``.
    inclusive : bool
        ``True`` (default): exactly ``rate`` of the region's base is enough.

    Notes
    -----
    Only regions with ``in_regional_threshold=True`` count (a unit such as "abroad" or the
    single national unit of national-only data is no district); an election without such a
    region raises :class:`~electsim.errors.MissingDataError` rather than reading the national
    share as a district share.

    In a single-tier :class:`~electsim.ElectoralSystem` a list passing this test takes part in
    the whole national allocation.  That is *not* Sweden's rule: there (Vallagen 2005:837,
    ch. 14) a party below 4 % nationally with at least 12 % of the votes in a constituency
    shares only in the fixed seats *of that constituency* and never in the adjustment seats.
    :meth:`passes_by_region` gives the per-district test a district system needs for that.

    Examples
    --------
    >>> from electsim import Election
    >>> e = Election([[50, 30, 20], [90, 5, 5]], parties="ABC", regions=["N", "S"])
    >>> DistrictShare("25%", base="valid").qualifies(e).tolist()
    [True, True, False]
    """

    threshold: Threshold

    def __init__(self, rate: RateLike, base: Base = "ballots", inclusive: bool = True) -> None:
        object.__setattr__(self, "threshold", Threshold(rate, base, inclusive))

    def passes_by_region(
        self, election: Election, *, party_total: IntArray | None = None
    ) -> BoolArray:
        """``(*batch, R, P)``: the list reaches the rate in that region (unflagged: False)."""
        flagged = np.array([r.in_regional_threshold for r in election.regions], dtype=bool)
        if not flagged.any():
            raise MissingDataError(
                f"{self!r} needs regions (districts) in the election; it has none flagged "
                "in_regional_threshold (national-only data)"
            )
        t = self.threshold
        base_r = election.base(t.base, national=False, party_total=party_total)
        need = votes_needed(base_r, t.rate, t.inclusive)
        out = election.votes >= need[..., None]
        return np.asarray(out & flagged[:, None], dtype=bool)

    def qualifies(self, election: Election, *, party_total: IntArray | None = None) -> BoolArray:
        """``(*batch, P)``: the list reaches the rate in at least one flagged region."""
        return np.asarray(
            self.passes_by_region(election, party_total=party_total).any(axis=-2), dtype=bool
        )

    def __repr__(self) -> str:
        t = self.threshold
        extra = "" if t.inclusive else ", inclusive=False"
        return f"DistrictShare({t.percent!r}, base={t.base!r}{extra})"

    def __str__(self) -> str:
        return f"{self.threshold} in at least one region"


@dataclass(frozen=True, init=False)
class Exempt:
    """Lists exempt from every threshold, named (or indexed) per election.

    Parameters
    ----------
    parties : iterable of str or int
        Party names, short codes or column indices; resolved per election by
        :func:`electsim.election.lookup_index` (exact, then case-insensitive).
    reason : str, optional
        Why (shown in descriptions), e.g. ``"national minority"``.

    Notes
    -----
    Germany: parties of national minorities are exempt from the 5 % clause of the
    Bundeswahlgesetz (the SSW of the Danish and Frisian minority in Schleswig-Holstein).
    Poland: election committees of national-minority organisations may be exempted from the
    5 % threshold (Electoral Code, art. 197 § 1).  An exempt list still needs votes to win a
    seat.

    Examples
    --------
    >>> from electsim import Election
    >>> e = Election([900, 80, 20], parties=["CDU", "SSW", "X"])
    >>> Exempt(["ssw"]).qualifies(e).tolist()
    [False, True, False]
    """

    parties: tuple[str | int, ...]
    reason: str

    def __init__(self, parties: Iterable[str | int], reason: str = "") -> None:
        if isinstance(parties, str | int):
            raise ElectsimError(
                f"Exempt(parties={parties!r}) takes a list of names, e.g. Exempt(['SSW'])"
            )
        items = tuple(parties)
        if not items:
            raise ElectsimError("Exempt(parties=...) needs at least one party")
        object.__setattr__(self, "parties", items)
        object.__setattr__(self, "reason", str(reason))

    def indices(self, election: Election) -> tuple[int, ...]:
        """The exempt parties' column indices in ``election`` (unknown names raise)."""
        names = election.party_names
        shorts = [p.short for p in election.parties]
        return tuple(sorted({lookup_index(names, k, "party", shorts) for k in self.parties}))

    def qualifies(self, election: Election, *, party_total: IntArray | None = None) -> BoolArray:
        """``(*batch, P)``: True for the exempt lists."""
        mask = np.zeros(election.n_parties, dtype=bool)
        mask[list(self.indices(election))] = True
        return np.broadcast_to(mask, (*election.batch_shape, election.n_parties)).copy()

    def __repr__(self) -> str:
        extra = f", reason={self.reason!r}" if self.reason else ""
        return f"Exempt({list(self.parties)!r}{extra})"

    def __str__(self) -> str:
        why = f" ({self.reason})" if self.reason else ""
        return f"exempt: {', '.join(map(str, self.parties))}{why}"


@dataclass(frozen=True)
class DistrictSeats:
    """Qualify for an upper tier with at least ``seats`` seats won in the lower (district) tier.

    Austria's *Grundmandat*: a list with one seat won in a regional constituency takes part in
    the later scrutinies even below 4 % nationally (Nationalrats-Wahlordnung 1992, § 100);
    Germany's three direct mandates and New Zealand's electorate seat are the same idea in
    mixed systems (:class:`~electsim.rules.MMPSystem`, ``alternative_district_seats``).  It
    counts seats of a lower tier, so it is accepted by :class:`~electsim.rules.LevellingSystem`
    only (a single tier or a district system has no lower tier; they refuse it).

    Examples
    --------
    >>> DistrictSeats(1)
    DistrictSeats(1)
    >>> str(DistrictSeats(3))
    '>= 3 lower-tier seats'
    """

    seats: int

    def __post_init__(self) -> None:
        k = self.seats
        if isinstance(k, np.integer):
            object.__setattr__(self, "seats", int(k))
        if isinstance(self.seats, bool) or not isinstance(self.seats, int) or self.seats < 1:
            raise ElectsimError(f"DistrictSeats(seats={k!r}) must be an integer >= 1")

    def __repr__(self) -> str:
        return f"DistrictSeats({self.seats})"

    def __str__(self) -> str:
        return f">= {self.seats} lower-tier seat{'s' if self.seats != 1 else ''}"


def check_alternatives(alternatives: Any, *, lower_tier: bool = False) -> tuple[Any, ...]:
    """Validate ``alternatives=``: a tuple of alternative rules.

    ``lower_tier=True`` (upper tiers) also accepts :class:`DistrictSeats`, which only a rule
    book with a lower tier can evaluate.
    """
    if alternatives is None:
        return ()
    if isinstance(alternatives, DistrictShare | Exempt | DistrictSeats):
        alternatives = (alternatives,)
    try:
        items = tuple(alternatives)
    except TypeError:
        raise ElectsimError(
            f"alternatives={alternatives!r} must be a sequence of DistrictShare / Exempt"
        ) from None
    for a in items:
        if isinstance(a, DistrictSeats):
            if not lower_tier:
                raise ElectsimError(
                    f"alternatives: {a!r} counts seats won in a lower tier; use it on a "
                    "LevellingSystem (mixed systems: MMPSystem(alternative_district_seats=k))"
                )
            continue
        if not isinstance(a, Alternative):
            raise ElectsimError(
                f"alternatives: {a!r} is not an alternative qualification (use DistrictShare, "
                "Exempt, or an object with qualifies(election) -> (*batch, P) bool)"
            )
    return items


def alternative_qualification(
    election: Election,
    alternatives: Sequence[Alternative],
    *,
    party_total: IntArray | None = None,
) -> BoolArray:
    """``(*batch, P)``: the lists that meet at least one alternative (False if none given).

    Parameters
    ----------
    election : Election
    alternatives : sequence of Alternative
    party_total : int array ``(*batch, R)``, optional
        Precomputed party-vote totals per region (saves a pass over the votes).
    """
    out = np.zeros((*election.batch_shape, election.n_parties), dtype=bool)
    for alt in alternatives:
        q = np.asarray(alt.qualifies(election, party_total=party_total), dtype=bool)
        if q.shape != out.shape:
            raise ElectsimError(
                f"alternative {alt!r} returned shape {q.shape}; expected {out.shape}"
            )
        out |= q
    return out
