"""Majority clauses: rules that correct an allocation in favour of a list with a majority of votes.

``"dutch"`` -- the Netherlands' Kieswet, art. P 9 (in practice decisive in municipal councils):
a list that received *more than half* of the votes cast for all lists but *not more than half*
of the seats gets one more seat; that seat is taken from the list that won the last residual
seat (a tie for that role is decided by lot -- here by the system's tie policy, and reported).

How "the last residual seat" is read for each method family:

* largest remainder (any quota rule ``method.spec``, exact or rounded, e.g.
  ``largest_remainder("imperiali", "round_half_up")``): the residual seat given to the smallest
  remainder; with no residual seat at all (every list an exact multiple of the quota) nothing
  is transferred;
* divisor methods (any divisor sequence ``method.spec``, e.g.
  ``sainte_lague(first_divisor="1.2")``): the seat won at the lowest average ``v / d(s - 1)``,
  i.e. the last seat in highest-averages order.  Under D'Hondt this is always a residual seat
  of the Dutch procedure (full quotas first, then highest averages), because a list's averages
  after its full seats are below the quota.

Only the lists of the final allocation round take part (a list held at a seat cap or at its
candidate limit got no residual seat).  The clause runs after those limits: a majority list
already at its limit gets no extra seat.  If the list that won the last residual seat is the
majority list itself, the literal rule moves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..apportion import Method, TieRecord, resolve_tie
from ..apportion.divisor import DivisorSpec
from ..apportion.quota import QuotaRule
from ..errors import ElectsimError, UnknownMethodError

__all__ = ["MajorityOutcome", "apply_majority_clause", "check_majority_clause", "last_seat_key"]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def check_majority_clause(clause: Any, method: Method, alliances: Any) -> str | None:
    """Validate ``ElectoralSystem(majority_clause=...)``."""
    from ..system import MAJORITY_CLAUSES

    if clause is None:
        return None
    if clause not in MAJORITY_CLAUSES:
        raise UnknownMethodError(
            f"majority_clause={clause!r} is unknown; use one of {sorted(MAJORITY_CLAUSES)} or None"
        )
    if not isinstance(method.spec, QuotaRule | DivisorSpec):
        raise ElectsimError(
            f"majority_clause={clause!r} needs a largest-remainder or divisor method to know "
            f"which list won the last residual seat; method {method.name!r} is neither"
        )
    if alliances:
        raise ElectsimError(
            "majority_clause cannot be combined with alliances (the Netherlands abolished "
            "list combinations in 2017; electsim does not guess how the two would interact)"
        )
    return str(clause)


def last_seat_key(
    method: Method, votes: list[int], seats: list[int], active: list[bool], round_seats: int
) -> dict[int, tuple[int, Fraction]]:
    """Priority of each list's last *residual* seat in one election (lower = won later).

    Only lists in the final round (``active``) holding a residual seat appear.  Exact
    (``Fraction``).

    >>> from electsim.apportion import get_method
    >>> last_seat_key(get_method("hare"), [52, 25, 23], [5, 3, 2], [True] * 3, 10)
    {1: (0, Fraction(5, 1))}
    >>> sorted(last_seat_key(get_method("dhondt"), [52, 25, 23], [6, 2, 2], [True] * 3, 10))
    [0, 1, 2]
    """
    out: dict[int, tuple[int, Fraction]] = {}
    V = sum(v for v, a in zip(votes, active, strict=True) if a)
    if V == 0 or round_seats == 0:
        return out
    spec = method.spec
    if isinstance(spec, QuotaRule):
        q = spec.quota(V, round_seats)
        for p, (v, s, a) in enumerate(zip(votes, seats, active, strict=True)):
            whole = int(Fraction(v) / q)
            if a and s > whole:
                out[p] = (0, Fraction(v) - whole * q)
        return out
    if not isinstance(spec, DivisorSpec):
        raise ElectsimError(f"method {method.name!r} is neither a quota nor a divisor method")
    for p, (v, s, a) in enumerate(zip(votes, seats, active, strict=True)):
        if a and s > 0:
            out[p] = spec.key(v, s - 1)
    return out


@dataclass(frozen=True)
class MajorityOutcome:
    """What :func:`apply_majority_clause` did, per election.

    Attributes
    ----------
    seats : int64 ``(N, P)``
        Seats after the clause.
    gainer, loser : int64 ``(N,)``
        The list that received the extra seat and the list that gave it up (``-1``: no
        transfer).
    majority : int64 ``(N,)``
        The list with more than half of the votes cast for all lists (``-1``: none).
    ties : list of TieRecord
        Ties for "the list that won the last residual seat" (stage ``"majority clause: ..."``):
        the tie policy picks the lists that *keep* their seat (``winners``), as it picks the
        winners of any tie; the one left out gives up the seat.  With ``"lowest_index"`` that
        is the highest-indexed tied list, as if the tied seats had been handed out in index
        order.
    """

    seats: IntArray
    gainer: IntArray
    loser: IntArray
    majority: IntArray
    ties: list[TieRecord]


def apply_majority_clause(
    votes: IntArray,
    seats: IntArray,
    house: IntArray,
    active: BoolArray,
    round_seats: IntArray,
    method: Method,
    *,
    cap: IntArray | None = None,
    tie_break: str = "raise",
    rng: np.random.Generator | None = None,
) -> MajorityOutcome:
    """The Dutch majority clause on a batch of allocations.

    Parameters
    ----------
    votes : int64 ``(N, P)``
        Votes of every list (the clause compares with the votes cast for *all* lists,
        eligible or not).
    seats : int64 ``(N, P)``
        The allocation.
    house : int64 ``(N,)``
        Seats to be distributed (the clause compares with half of them).
    active : bool ``(N, P)``
        The lists of the allocation's final round (eligible, not held at a limit).
    round_seats : int64 ``(N,)``
        The seats distributed in that final round.
    method : Method
        The method that made the allocation.
    cap : int64 ``(N, P)``, optional
        Per-list limits; a majority list at its limit gets nothing.
    tie_break, rng
        Decide a tie for the last residual seat (the law: by lot).

    Notes
    -----
    The test ``2 v > V`` and ``2 s <= S`` is vectorised; the exact search for the last
    residual seat runs only in the elections where the clause fires.
    """
    N = votes.shape[0]
    total = votes.sum(axis=1)
    maj = 2 * votes > total[:, None]
    has = maj.any(axis=1)
    majority = np.where(has, maj.argmax(axis=1), -1).astype(np.int64)
    out = seats.copy()
    gainer = np.full(N, -1, dtype=np.int64)
    loser = np.full(N, -1, dtype=np.int64)
    ties: list[TieRecord] = []
    rows = np.flatnonzero(has)
    m = majority[rows]
    fires = 2 * seats[rows, m] <= house[rows]
    if cap is not None:
        fires &= seats[rows, m] < cap[rows, m]
    for n in rows[fires].tolist():
        j = int(majority[n])
        keys = last_seat_key(
            method,
            [int(x) for x in votes[n]],
            [int(x) for x in seats[n]],
            [bool(x) for x in active[n]],
            int(round_seats[n]),
        )
        if not keys:
            continue
        low = min(keys.values())
        tied = sorted(p for p, k in keys.items() if k == low)
        if len(tied) > 1:
            keep, how = resolve_tie(tied, len(tied) - 1, [int(x) for x in votes[n]], tie_break, rng)
            stage = "majority clause: who keeps the last residual seat"
            ties.append(TieRecord(n, tuple(tied), len(tied) - 1, keep, how, stage))
            k = next(p for p in tied if p not in keep)
        else:
            k = tied[0]
        if k == j:
            continue
        out[n, k] -= 1
        out[n, j] += 1
        gainer[n], loser[n] = j, k
    return MajorityOutcome(out, gainer, loser, majority, ties)
