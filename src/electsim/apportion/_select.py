"""Vectorised "give k more seats to the k best claims" with exact tie detection."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ._base import TieRecord, resolve_tie

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def select_top(
    key: IntArray,
    candidate: BoolArray,
    k: IntArray,
    votes: IntArray,
    tie_break: str,
    rng: np.random.Generator | None,
    stage: str,
    rows: IntArray | None = None,
    lose: bool = False,
) -> tuple[BoolArray, list[TieRecord]]:
    """Mark the ``k[n]`` candidates with the largest integer ``key`` in each row.

    Keys are exact non-negative integers comparable within a row (e.g. remainders over a common
    denominator).  Requires ``0 <= k <= number of candidates`` in every row.  A tie exists in a
    row when the k-th and (k+1)-th largest candidate keys are equal; the tied candidates' seats
    are then given by ``tie_break`` and the tie recorded.

    Parameters
    ----------
    key : (N, P) int64, candidate : (N, P) bool, k : (N,) int64, votes : (N, P) int64
    rows : (N,) int64, optional
        The original row numbers to report in tie records (default ``arange(N)``).
    lose : bool
        ``True`` when being chosen means *losing* a seat (over-allocation): the tie policy
        then picks who keeps one (so ``"lowest_index"`` still favours the lowest index), and the
        tie record lists the keepers as winners of the ``len(contenders) - k`` seats kept.

    Returns
    -------
    chosen : (N, P) bool
    ties : list of TieRecord
    """
    N, P = key.shape
    if N == 0:
        return np.zeros((0, P), dtype=bool), []
    masked = np.where(candidate, key, np.int64(-1))
    # stable sort of -key: equal keys keep index order, so the lowest index comes first
    order = np.argsort(-masked, axis=1, kind="stable")
    ranked = np.take_along_axis(masked, order, axis=1)
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(P), (N, P)), axis=1)
    chosen = (rank < k[:, None]) & candidate
    ties: list[TieRecord] = []
    kk = np.clip(k, 1, P - 1) if P > 1 else np.zeros_like(k)
    if P > 1:
        r = np.arange(N)
        last_in = ranked[r, kk - 1]
        first_out = ranked[r, kk]
        tied = (k >= 1) & (k < P) & (first_out >= 0) & (last_in == first_out)
        for n in np.flatnonzero(tied):
            val = last_in[n]
            cont = np.flatnonzero(candidate[n] & (key[n] == val))
            above = int((candidate[n] & (key[n] > val)).sum())
            n_seats = int(k[n]) - above
            if lose:
                n_keep = len(cont) - n_seats
                keepers, how = resolve_tie(cont.tolist(), n_keep, votes[n].tolist(), tie_break, rng)
                chosen[n, cont] = True
                chosen[n, list(keepers)] = False
                n_seats, winners = n_keep, keepers
            else:
                winners, how = resolve_tie(
                    cont.tolist(), n_seats, votes[n].tolist(), tie_break, rng
                )
                chosen[n, cont] = False
                chosen[n, list(winners)] = True
            row = int(n if rows is None else rows[n])
            ties.append(TieRecord(row, tuple(int(c) for c in cont), n_seats, winners, how, stage))
    return chosen, ties
