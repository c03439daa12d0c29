r"""Largest-remainder (quota) methods: Hare, Droop, Hagenbach-Bischoff, Imperiali.

Each party first gets the integer part of ``v_i / q``; the seats left go to the largest
remainders.  All arithmetic is exact: with ``q = V / m`` (Hare ``m = S``, Hagenbach-Bischoff
``m = S + 1``, Imperiali ``m = S + 2``) the quotient is ``floor(v_i m / V)`` and remainders are the
integers ``v_i m mod V``, compared directly because they share the denominator ``V``; the Droop
quota is the integer ``floor(V / (S + 1)) + 1``.

Rules where practice differs (documented choices):

* ``V`` is the sum of the votes of the *eligible* parties (those that passed every threshold),
  as in Art. 64(3) of Kyrgyzstan's election law ("sum of votes of qualifying lists / 120").
* Over-allocation (Hagenbach-Bischoff, Imperiali: the integer parts exceed ``S``): seats are
  taken back one at a time from the parties with the *smallest* remainders among those holding a
  seat (the Italian practice for the Imperiali quota).
* More seats left than parties with votes (Droop with a tiny electorate): the remainder order is
  cycled, one seat per party per round.
* A party without votes never gets a seat; eligible parties that all have zero votes get none.
* Equal remainders competing for the last seat(s) are a tie, resolved by the tie policy and
  reported.

References
----------
Balinski, M. L. & Young, H. P. (2001). *Fair Representation*, 2nd ed. Brookings.
Pukelsheim, F. (2017). *Proportional Representation*, 2nd ed., ch. 5. Springer.
https://doi.org/10.1007/978-3-319-64707-4
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from ._base import Method, TieRecord, blocked, register, resolve_tie
from ._select import select_top

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

__all__ = ["QUOTAS", "quota_of"]

#: quota name -> (integer m in q = V/m as a function of S, or None for Droop), description
QUOTAS: dict[str, str] = {
    "hare": "Hare quota q = V / S (Hamilton, largest remainder)",
    "droop": "Droop quota q = floor(V / (S + 1)) + 1",
    "hagenbach_bischoff": "Hagenbach-Bischoff quota q = V / (S + 1)",
    "imperiali_quota": "Imperiali quota q = V / (S + 2)",
}

_M_OFFSET = {"hare": 0, "hagenbach_bischoff": 1, "imperiali_quota": 2}


def quota_of(name: str, V: int, S: int) -> Fraction:
    """The exact quota of ``V`` votes for ``S`` seats (``V`` and ``S`` positive).

    >>> quota_of("hare", 1_279_314, 120), quota_of("droop", 100, 9)
    (Fraction(213219, 20), Fraction(11, 1))
    """
    if name == "droop":
        return Fraction(V // (S + 1) + 1)
    return Fraction(V, S + _M_OFFSET[name])


def _quota_parts(name: str, v: IntArray, S: IntArray, V: IntArray) -> tuple[IntArray, IntArray]:
    """Integer parts and integer remainders (comparable within a row), vectorised."""
    safe_V = np.where(V > 0, V, 1)
    if name == "droop":
        q = safe_V // (S + 1) + 1
        return v // q[:, None], v % q[:, None]
    m = S + _M_OFFSET[name]
    num = v * m[:, None]
    return num // safe_V[:, None], num % safe_V[:, None]


#: Relative screening margin of the float fast path (float64 error is below 1e-13 here).
_EPS = 1e-9


def _kernel_int(
    name: str,
    v: IntArray,
    S: IntArray,
    tie_break: str,
    rng: np.random.Generator | None,
    rows: IntArray,
) -> tuple[IntArray, list[TieRecord]]:
    """Exact integer largest remainder on rows of eligible-masked votes ``v``."""
    P = v.shape[1]
    V = v.sum(axis=1)
    if v.size and int(V.max()) * (int(S.max()) + 2) >= 2**62:
        # products v * (S + 2) could overflow int64: exact Python integers (slow, rare)
        v = v.astype(object)
        V = v.sum(axis=1)
        S = S.astype(object)
    whole, rem = _quota_parts(name, v, S, V)
    whole = whole.astype(np.int64)
    k = np.asarray(S - whole.sum(axis=1)).astype(np.int64)
    has_votes = v > 0
    n_cand = has_votes.sum(axis=1)
    out = whole.copy()
    ties: list[TieRecord] = []
    idx = np.flatnonzero((k >= 0) & (k <= n_cand))
    if idx.size:
        chosen, t = select_top(
            rem[idx], has_votes[idx], k[idx], v[idx], tie_break, rng, "remainder", rows[idx]
        )
        out[idx] += chosen
        ties += t
    holders = (whole > 0).sum(axis=1)
    over = np.flatnonzero((k < 0) & (-k <= holders))
    if over.size:
        # take -k seats back from the smallest remainders among seat holders
        r_o = rem[over]
        chosen, t = select_top(
            r_o.max(axis=1, keepdims=True) - r_o,
            whole[over] > 0,
            -k[over],
            v[over],
            tie_break,
            rng,
            "overallocation",
            rows[over],
            lose=True,
        )
        out[over] -= chosen
        ties += t
    for n in np.flatnonzero((k > n_cand) | ((k < 0) & (-k > holders))):
        # more seats than parties with votes (or than holders): the exact reference cycles
        alloc, t = _reference(name, v[n].tolist(), int(S[n]), [True] * P, tie_break, rng)
        out[n] = alloc
        ties += [
            TieRecord(int(rows[n]), x.contenders, x.n_seats, x.winners, x.resolution, x.stage)
            for x in t
        ]
    return out, ties


def _fast_rows(
    name: str, v: IntArray, S: IntArray, V: IntArray
) -> tuple[IntArray, NDArray[np.bool_]]:
    """Float screen: the allocation of every row it can certify, and which rows it could not.

    ``x = v m / V`` is computed in float64 (``v`` and ``m`` exact, relative error below
    3e-16, so absolute error below 1e-12 for houses under 1000 seats).  A row is certified
    when no quotient lies within ``_EPS`` of an integer and the k-th and (k+1)-th largest
    fractional parts differ by more than ``_EPS`` (no tie or near-tie at the last seat); then
    floor and ranking are exactly those of integer arithmetic.  Other rows return ``True`` in
    the mask and are recomputed exactly.
    """
    N, P = v.shape
    m = (S + _M_OFFSET[name]).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(V > 0, m / V, 0.0)
    x = v * scale[:, None]
    q = np.floor(x)
    frac = x - q
    whole = q.astype(np.int64)
    k = S - whole.sum(axis=1)
    near_int = (frac < _EPS) | (frac > 1 - _EPS)
    bad = (near_int & (v > 0)).any(axis=1) | (k < 0) | (k >= P)
    key = np.where(v > 0, frac, -1.0)
    srt = np.sort(key, axis=1)
    r = np.arange(N)
    kc = np.clip(k, 1, P - 1) if P > 1 else np.ones_like(k)
    kth = srt[r, P - kc]
    nxt = srt[r, P - kc - 1] if P > 1 else np.full(N, -1.0)
    bad |= (k > 0) & ((kth < 0) | (kth - nxt < _EPS))
    chosen = (key >= kth[:, None]) & (k > 0)[:, None]
    return whole + chosen, bad


def _make_kernel(name: str):  # type: ignore[no-untyped-def]
    def kernel(
        votes: IntArray,
        seats: IntArray,
        eligible: BoolArray,
        tie_break: str,
        rng: np.random.Generator | None,
    ) -> tuple[IntArray, list[TieRecord]]:
        N, P = votes.shape
        v = votes if eligible.all() else np.where(eligible, votes, 0)
        V = v.sum(axis=1)
        S = np.where(V > 0, seats, 0).astype(np.int64)
        vmax = int(V.max()) if N else 0
        smax = int(S.max()) if N else 0
        if name != "droop" and N and vmax * (smax + 2) < 2**53 and smax < 1000:
            out, bad = _fast_rows(name, v, S, V)
            exact = np.flatnonzero(bad)
        else:
            out = np.zeros((N, P), dtype=np.int64)
            exact = np.arange(N)
        ties: list[TieRecord] = []
        if exact.size:
            alloc, ties = _kernel_int(name, v[exact], S[exact], tie_break, rng, exact)
            out[exact] = alloc
        return out, ties

    return kernel


def _reference(
    name: str,
    votes: Sequence[int],
    seats: int,
    eligible: Sequence[bool],
    tie_break: str,
    rng: np.random.Generator | None,
) -> tuple[list[int], list[TieRecord]]:
    """Exact largest remainder with ``Fraction`` quotas, one election."""
    v = [int(x) if e else 0 for x, e in zip(votes, eligible, strict=True)]
    P = len(v)
    V = sum(v)
    if V == 0 or seats == 0:
        return [0] * P, []
    q = quota_of(name, V, seats)
    quot = [Fraction(x) / q for x in v]
    alloc = [int(x) for x in quot]  # floor (non-negative)
    rem = [x - a for x, a in zip(quot, alloc, strict=True)]
    ties: list[TieRecord] = []
    left = seats - sum(alloc)
    reduced: set[int] = set()
    while left < 0:  # over-allocation: smallest remainders among seat holders give one back
        holders = [i for i in range(P) if alloc[i] > 0 and i not in reduced]
        if not holders:
            reduced.clear()
            continue
        low = min(rem[i] for i in holders)
        group = [i for i in holders if rem[i] == low]
        if len(group) <= -left:
            losers: tuple[int, ...] = tuple(group)
        else:  # the policy picks who KEEPS a seat, so it favours the same parties as elsewhere
            n_keep = len(group) + left
            keepers, how = resolve_tie(group, n_keep, v, tie_break, rng)
            losers = tuple(i for i in group if i not in keepers)
            ties.append(TieRecord(0, tuple(group), n_keep, keepers, how, "overallocation"))
        for i in losers:
            alloc[i] -= 1
        reduced.update(group)
        left += len(losers)
    with_votes = sum(1 for x in v if x > 0)
    if left >= with_votes:
        # whole rounds of the cycle give every party with votes one seat each, tie-free:
        # done at once, so a huge house does not loop seat by seat
        rounds = left // with_votes
        alloc = [a + rounds if x > 0 else a for a, x in zip(alloc, v, strict=True)]
        left -= rounds * with_votes
    while left > 0:
        pool = [i for i in range(P) if v[i] > 0]
        while left > 0 and pool:
            best = max(rem[i] for i in pool)
            group = [i for i in pool if rem[i] == best]
            if len(group) <= left:
                winners: tuple[int, ...] = tuple(group)
            else:
                winners, how = resolve_tie(group, left, v, tie_break, rng)
                ties.append(TieRecord(0, tuple(group), left, winners, how, "remainder"))
            for i in winners:
                alloc[i] += 1
            left -= len(winners)
            pool = [i for i in pool if i not in group]
    return alloc, ties


def _make_reference(name: str):  # type: ignore[no-untyped-def]
    def reference(
        votes: Sequence[int],
        seats: int,
        eligible: Sequence[bool],
        tie_break: str,
        rng: np.random.Generator | None,
    ) -> tuple[list[int], list[TieRecord]]:
        return _reference(name, votes, seats, eligible, tie_break, rng)

    return reference


_ALIASES = {
    "hare": ("largest_remainder", "hamilton", "hare_niemeyer", "vinton"),
    "droop": (),
    "hagenbach_bischoff": (),
    "imperiali_quota": (),
}

for _name, _desc in QUOTAS.items():
    register(
        Method(
            name=_name,
            family="quota",
            kernel=blocked(_make_kernel(_name)),
            reference=_make_reference(_name),
            description=_desc + ", largest remainders",
            aliases=_ALIASES[_name],
        )
    )
