"""The apportionment step of a single-tier rule book with alliances, list limits and a majority
clause: what :func:`electsim.allocate` runs when a system or its lists use any of them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..apportion import TieRecord
from ..election import Party
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
    )
