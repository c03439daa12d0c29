"""The apportionment step of a single-tier rule book with alliances, list limits and a majority
clause: what :func:`electsim.allocate` runs when a system or its lists use any of them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._rng import LotRng
from ..apportion import Method, TieRecord
from ..election import Party
from ..stages import Apportionment, Eligibility
from ..system import MAX_SEATS, ElectoralSystem
from ._apportion import apportion_capped
from .alliances import AllianceOutcome, apportion_alliances, resolve_alliances
from .majority import MajorityOutcome, apply_majority_clause

__all__ = ["SingleTierOutcome", "apportion_single_tier", "list_limits", "uses_single_rules"]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def list_limits(parties: Sequence[Party], system: ElectoralSystem) -> IntArray | None:
    """Per-list seat limits ``(P,)``: ``min(cap, candidates)``; ``None`` if no list is limited.

    >>> from electsim import ElectoralSystem, Party
    >>> list_limits([Party("A", candidates=3), Party("B")], ElectoralSystem(10, "hare", cap=5))
    array([3, 5])
    """
    cap = system.cap.max_seats if system.cap is not None else None
    if cap is None and all(p.candidates is None for p in parties):
        return None
    big = MAX_SEATS + 1 if cap is None else cap
    return np.array(
        [big if p.candidates is None else min(big, p.candidates) for p in parties],
        dtype=np.int64,
    )


def uses_single_rules(parties: Sequence[Party], system: ElectoralSystem) -> bool:
    """Whether the apportionment needs :func:`apportion_single_tier` (alliances, a majority
    clause or candidate limits) rather than the plain method-with-cap step."""
    return (
        bool(system.alliances)
        or system.majority_clause is not None
        or any(p.candidates is not None for p in parties)
    )


@dataclass(frozen=True)
class SingleTierOutcome:
    """What the single-tier rules did (arrays ``(N, ...)``, flat batch).

    Attributes
    ----------
    seats : int64 ``(N, P)``
    capped : bool ``(N, P)``
        Lists held at their limit (seat cap or candidates).
    limited : bool ``(N, P)``
        Lists held at their *candidate* limit below the seat cap (a subset of ``capped``).
    active : bool ``(N, P)``
        The lists of the final method round (for quotas/averages in ``explain``); all False
        with alliances (two levels: see ``alliance``).
    round_seats : int64 ``(N,)``
        Seats distributed in that round.
    ties : list of TieRecord
    alliance : AllianceOutcome or None
    alliance_labels : tuple of str
        Group labels (alliances first), empty without alliances.
    majority : MajorityOutcome or None
    unfilled : int64 ``(N,)``
    method : Method
    """

    seats: IntArray
    capped: BoolArray
    limited: BoolArray
    active: BoolArray
    round_seats: IntArray
    ties: list[TieRecord]
    alliance: AllianceOutcome | None
    alliance_labels: tuple[str, ...]
    majority: MajorityOutcome | None
    unfilled: IntArray
    method: Method

    def apportionment(
        self, batch: tuple[int, ...], parties: tuple[str, ...], rng: Any
    ) -> Apportionment:
        """The outcome as the apportionment stage's result (batch shape restored)."""
        from ..stages import _frozen

        P = self.seats.shape[1]
        house = self.seats.sum(axis=1) + self.unfilled

        def shape(x: NDArray[Any], *tail: int) -> NDArray[Any]:
            return _frozen(np.ascontiguousarray(x).reshape((*batch, *tail)))

        return Apportionment(
            seats=shape(self.seats, P),
            capped=shape(self.capped, P),
            unfilled=shape(house - self.seats.sum(axis=1)),
            ties=tuple(self.ties),
            final_active=shape(self.active, P),
            final_seats=shape(self.round_seats),
            method=self.method,
            parties=parties,
            lot_seed=rng.seed if isinstance(rng, LotRng) else None,
        )


def apportion_single_tier(
    votes: IntArray,
    eligible: BoolArray,
    system: ElectoralSystem,
    parties: Sequence[Party],
    rng: Any,
) -> SingleTierOutcome:
    """Alliances (if any), per-list limits, then the majority clause (if any), batched.

    Parameters
    ----------
    votes : int64 ``(N, P)``
        National votes of every list.
    eligible : bool ``(N, P)``
        Lists that qualified.
    system : ElectoralSystem
    parties : sequence of Party
    rng : numpy Generator or None
        For ``tie_break="lot"``.
    """
    N, P = votes.shape
    seats = np.full(N, system.seats, dtype=np.int64)
    limits = list_limits(parties, system)
    cap = None if limits is None else np.broadcast_to(limits, (N, P))
    alliance = None
    labels: tuple[str, ...] = ()
    if system.alliances:
        group, labels = resolve_alliances(parties, system.alliances)
        alliance = apportion_alliances(
            votes,
            seats,
            eligible,
            group,
            labels,
            system.method,
            inner_method=system.alliance_method,
            cap=cap,
            tie_break=system.tie_break,
            rng=rng,
        )
        alloc, capped, ties = alliance.seats, alliance.capped, list(alliance.ties)
        active = np.zeros((N, P), dtype=bool)
        round_seats = np.zeros(N, dtype=np.int64)
    else:
        alloc, capped, ties = apportion_capped(
            votes, seats, eligible, system.method, cap, system.tie_break, rng
        )
        active = eligible & ~capped
        round_seats = seats - np.where(capped, alloc, 0).sum(axis=1)
    majority = None
    if system.majority_clause is not None:
        majority = apply_majority_clause(
            votes,
            alloc,
            seats,
            active,
            round_seats,
            system.method,
            cap=cap,
            tie_break=system.tie_break,
            rng=rng,
        )
        alloc = majority.seats
        ties += majority.ties
    sys_cap = system.cap.max_seats if system.cap is not None else MAX_SEATS + 1
    cand = np.array(
        [MAX_SEATS + 1 if p.candidates is None else p.candidates for p in parties], dtype=np.int64
    )
    limited = capped & (cand < sys_cap)[None, :]
    return SingleTierOutcome(
        alloc,
        capped,
        limited,
        active,
        round_seats,
        sorted(ties, key=lambda t: t.row),
        alliance,
        labels,
        majority,
        seats - alloc.sum(axis=1),
        system.method,
    )


@dataclass(frozen=True)
class SingleTierReport:
    """What the single-tier rules did in an :class:`~electsim.Allocation` (batch shape in front).

    Attributes
    ----------
    by_alternative : bool ``(*batch, P)``
        Lists eligible only through an alternative qualification (they failed a threshold).
    limited : bool ``(*batch, P)``
        Lists held at their candidate limit.
    alliance_labels : tuple of str
        Groups of the alliance step, alliances first (``"A+B"``); empty without alliances.
    alliance_seats : int64 ``(*batch, G)`` or None
        Seats won by each group.
    alliance_votes : int64 ``(*batch, G)`` or None
        Votes each group took part with (its eligible members' votes).
    n_alliances : int
        How many of the groups are alliances.
    majority_gainer, majority_loser : int64 ``(*batch,)`` or None
        The list that received the majority-clause seat and the list that gave it up (-1: no
        transfer); None without a majority clause.
    """

    by_alternative: BoolArray
    limited: BoolArray
    alliance_labels: tuple[str, ...]
    alliance_seats: IntArray | None
    alliance_votes: IntArray | None
    n_alliances: int
    majority_gainer: IntArray | None
    majority_loser: IntArray | None

    @classmethod
    def build(
        cls,
        system: ElectoralSystem,
        batch: tuple[int, ...],
        eligibility: Eligibility,
        outcome: SingleTierOutcome | None,
    ) -> SingleTierReport:
        """Reshape the flat outcome to the batch shape, read-only."""
        by_alternative = eligibility.eligible & ~(
            eligibility.passes_national & eligibility.passes_regional
        )

        def shape(a: NDArray[Any]) -> NDArray[Any]:
            out = a.reshape((*batch, *a.shape[1:]))
            out.setflags(write=False)
            return out

        P = by_alternative.shape[-1]
        limited = (
            outcome.limited
            if outcome is not None
            else np.zeros(by_alternative.reshape(-1, P).shape, dtype=bool)
        )
        al = outcome.alliance if outcome is not None else None
        maj = outcome.majority if outcome is not None else None
        return cls(
            by_alternative=shape(by_alternative.reshape(-1, P)),
            limited=shape(limited),
            alliance_labels=outcome.alliance_labels if outcome is not None else (),
            alliance_seats=None if al is None else shape(al.group_seats),
            alliance_votes=None if al is None else shape(al.group_votes),
            n_alliances=len(system.alliances),
            majority_gainer=None if maj is None else shape(maj.gainer),
            majority_loser=None if maj is None else shape(maj.loser),
        )

    def lines(self, index: tuple[int, ...], names: Sequence[str]) -> list[str]:
        """Readable lines for one election (used by ``Allocation.table``)."""
        out: list[str] = []
        alt = [n for n, f in zip(names, self.by_alternative[index], strict=True) if f]
        if alt:
            out.append(f"Qualified by an alternative rule: {', '.join(alt)}")
        if self.alliance_seats is not None:
            seats = self.alliance_seats[index]
            parts = [f"{self.alliance_labels[g]} {int(seats[g])}" for g in range(self.n_alliances)]
            out.append(f"Alliance seats (then divided within): {'; '.join(parts)}")
        lim = [n for n, f in zip(names, self.limited[index], strict=True) if f]
        if lim:
            out.append(f"Held at their number of candidates: {', '.join(lim)}")
        if self.majority_gainer is not None and self.majority_loser is not None:
            g, lo = int(self.majority_gainer[index]), int(self.majority_loser[index])
            if g >= 0:
                out.append(
                    f"Majority clause: {names[g]} (more than half of the votes) takes a seat "
                    f"from {names[lo]} (last residual seat)"
                )
        return out

    def record(self, index: tuple[int, ...], p: int) -> dict[str, Any]:
        """Extra per-party keys for ``Allocation.to_records``/``explain``."""
        rec: dict[str, Any] = {
            "by_alternative": bool(self.by_alternative[index][p]),
            "limited": bool(self.limited[index][p]),
        }
        if self.majority_gainer is not None and self.majority_loser is not None:
            g, lo = int(self.majority_gainer[index]), int(self.majority_loser[index])
            rec["majority_clause"] = 1 if p == g else (-1 if p == lo else 0)
        return rec
