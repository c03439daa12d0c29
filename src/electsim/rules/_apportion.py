"""One apportionment with per-party caps, shared by the alliance and majority rules."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..apportion import Method, TieRecord

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def apportion_capped(
    votes: IntArray,
    seats: IntArray,
    eligible: BoolArray,
    method: Method,
    cap: IntArray | None,
    tie_break: str,
    rng: np.random.Generator | None,
) -> tuple[IntArray, BoolArray, list[TieRecord]]:
    """``method`` with per-party caps ``cap (N, P)``: a party above its cap keeps the cap and
    the method re-runs among the others with the seats left, until nobody exceeds a cap.

    Returns ``(alloc (N, P), capped (N, P), ties)``; ties carry ``round r: `` in their stage
    when a cap forced a re-run (ties of superseded rounds are dropped).
    """
    N, P = votes.shape
    capped = np.zeros((N, P), dtype=bool)
    a, ties = method(votes, seats, eligible, tie_break, rng)
    if cap is None or not (a > cap).any():
        return a, capped, list(ties)
    active = eligible.copy()
    fixed = np.zeros((N, P), dtype=np.int64)
    out = np.zeros((N, P), dtype=np.int64)
    left = seats.astype(np.int64).copy()
    records: list[TieRecord] = []
    pending = np.arange(N)
    for rnd in range(P + 1):
        over = a > cap[pending]
        done: BoolArray = np.asarray(~over.any(axis=1), dtype=bool)
        for t in ties:
            if done[t.row]:
                row = int(pending[t.row])
                stage = f"round {rnd}: {t.stage}"
                records.append(
                    TieRecord(row, t.contenders, t.n_seats, t.winners, t.resolution, stage)
                )
        out[pending[done]] = fixed[pending[done]] + a[done]
        rows = pending[~done]
        if rows.size == 0:
            break
        o = over[~done]
        fixed[rows] += np.where(o, cap[rows], 0)
        capped[rows] |= o
        active[rows] &= ~o
        left[rows] -= np.where(o, cap[rows], 0).sum(axis=1)
        pending = rows
        a, ties = method(votes[pending], left[pending], active[pending], tie_break, rng)
    return out, capped, records
