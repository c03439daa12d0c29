r"""Largest-remainder (quota) methods: Hare, Droop, Hagenbach-Bischoff, Imperiali.

:func:`largest_remainder` builds any of them with the quota rounded as a law writes it
(``rounding="floor"``, ``"ceil"``, ``"round_half_up"``, ``"plus_one"``); rounded quotas are
whole numbers ``Q >= 1`` and the arithmetic below applies with ``v_i // Q`` and ``v_i % Q``.

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
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from ..errors import UnknownMethodError
from ._base import (
    Method,
    ParametrizedMethod,
    TieRecord,
    _normalise,
    blocked,
    get_method,
    register,
    register_factory,
    resolve_tie,
)
from ._select import select_top

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

__all__ = ["QUOTAS", "ROUNDINGS", "QuotaRule", "largest_remainder", "quota_of"]

#: registered quota method name -> description
QUOTAS: dict[str, str] = {
    "hare": "Hare quota q = V / S (Hamilton, largest remainder)",
    "droop": "Droop quota q = floor(V / (S + 1)) + 1",
    "hagenbach_bischoff": "Hagenbach-Bischoff quota q = V / (S + 1)",
    "imperiali_quota": "Imperiali quota q = V / (S + 2)",
}

Rounding = Literal["exact", "floor", "ceil", "round_half_up", "plus_one"]

#: How a law turns ``V / (S + k)`` into the quota (see :func:`largest_remainder`).
ROUNDINGS: tuple[str, ...] = ("exact", "floor", "ceil", "round_half_up", "plus_one")

_ROUNDING_TEXT = {
    "exact": "V/(S+{k})",
    "floor": "floor(V/(S+{k}))",
    "ceil": "ceil(V/(S+{k}))",
    "round_half_up": "floor(V/(S+{k}) + 1/2)",
    "plus_one": "floor(V/(S+{k})) + 1",
}


def _round_int(V: Any, D: Any, rounding: str) -> Any:
    """``V / D`` rounded by ``rounding`` (integers or integer arrays, ``V >= 0``, ``D >= 1``)."""
    if rounding == "floor":
        return V // D
    if rounding == "ceil":
        return -(-V // D)
    if rounding == "plus_one":
        return V // D + 1
    return (2 * V + D) // (2 * D)  # round_half_up


@dataclass(frozen=True)
class QuotaRule:
    """A quota ``q = V / (S + offset)``, exact or rounded to a whole number ``Q >= 1``.

    Attributes
    ----------
    offset : int
        0 Hare, 1 Droop / Hagenbach-Bischoff, 2 Imperiali.
    rounding : str
        One of :data:`ROUNDINGS`.
    """

    offset: int
    rounding: str

    def quota(self, V: int, S: int) -> Fraction:
        """The exact quota for ``V > 0`` votes and ``S > 0`` seats."""
        if self.rounding == "exact":
            return Fraction(V, S + self.offset)
        return Fraction(max(1, _round_int(V, S + self.offset, self.rounding)))

    def formula(self) -> str:
        text = _ROUNDING_TEXT[self.rounding].format(k=self.offset)
        text = text.replace("(S+0)", "S")
        return text if self.rounding == "exact" else f"max(1, {text})"


_RULES: dict[str, QuotaRule] = {
    "hare": QuotaRule(0, "exact"),
    "droop": QuotaRule(1, "plus_one"),
    "hagenbach_bischoff": QuotaRule(1, "exact"),
    "imperiali_quota": QuotaRule(2, "exact"),
}


def quota_of(name: str | QuotaRule, V: int, S: int) -> Fraction:
    """The exact quota of ``V`` votes for ``S`` seats (``V`` and ``S`` positive).

    ``name`` is a registered quota method or a :class:`QuotaRule`.

    >>> quota_of("hare", 1_279_314, 120), quota_of("droop", 100, 9)
    (Fraction(213219, 20), Fraction(11, 1))
    """
    rule = name if isinstance(name, QuotaRule) else _RULES[name]
    return rule.quota(V, S)


def _quota_parts(
    rule: QuotaRule, v: IntArray, S: IntArray, V: IntArray
) -> tuple[IntArray, IntArray]:
    """Integer parts and integer remainders (comparable within a row), vectorised."""
    safe_V = np.where(V > 0, V, 1)
    D = S + rule.offset
    if rule.rounding == "exact":
        num = v * D[:, None]
        return num // safe_V[:, None], num % safe_V[:, None]
    q = np.maximum(_round_int(safe_V, np.maximum(D, 1), rule.rounding), 1)
    return v // q[:, None], v % q[:, None]


#: Relative screening margin of the float fast path (float64 error is below 1e-13 here).
_EPS = 1e-9


def _kernel_int(
    rule: QuotaRule,
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
    whole, rem = _quota_parts(rule, v, S, V)
    whole = np.where((np.asarray(S) > 0)[:, None], whole, 0).astype(np.int64)
    k = np.asarray(S - whole.sum(axis=1)).astype(np.int64)
    has_votes = v > 0
    n_cand = has_votes.sum(axis=1)
    out = whole.copy()
    ties: list[TieRecord] = []
    idx = np.flatnonzero((k >= 0) & (k <= n_cand))
    if idx.size and rem.dtype != object:
        # sort-based selection; only rows with equal remainders at the cut go to select_top
        key = np.where(has_votes[idx], rem[idx], -1)
        srt = np.sort(key, axis=1)
        kk = k[idx]
        r = np.arange(idx.size)
        kth = srt[r, np.clip(P - kk, 0, P - 1)]
        nxt = np.where(kk < P, srt[r, np.clip(P - kk - 1, 0, P - 1)], -1)
        clear = (kk == 0) | (kth > nxt)
        out[idx[clear]] += (key[clear] >= kth[clear, None]) & (kk[clear] > 0)[:, None]
        idx = idx[~clear]
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
        alloc, t = _reference(rule, v[n].tolist(), int(S[n]), [True] * P, tie_break, rng)
        out[n] = alloc
        ties += [
            TieRecord(int(rows[n]), x.contenders, x.n_seats, x.winners, x.resolution, x.stage)
            for x in t
        ]
    return out, ties


def _fast_rows(
    rule: QuotaRule, v: IntArray, S: IntArray, V: IntArray
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
    m = (S + rule.offset).astype(np.float64)
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


def _make_kernel(rule: QuotaRule):  # type: ignore[no-untyped-def]
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
        if rule.rounding == "exact" and N and vmax * (smax + 2) < 2**53 and smax < 1000:
            out, bad = _fast_rows(rule, v, S, V)
            exact = np.flatnonzero(bad)
        else:
            out = np.zeros((N, P), dtype=np.int64)
            exact = np.arange(N)
        ties: list[TieRecord] = []
        if exact.size:
            alloc, ties = _kernel_int(rule, v[exact], S[exact], tie_break, rng, exact)
            out[exact] = alloc
        return out, ties

    return kernel


def _reference(
    rule: QuotaRule,
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
    q = rule.quota(V, seats)
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


def _make_reference(rule: QuotaRule):  # type: ignore[no-untyped-def]
    def reference(
        votes: Sequence[int],
        seats: int,
        eligible: Sequence[bool],
        tie_break: str,
        rng: np.random.Generator | None,
    ) -> tuple[list[int], list[TieRecord]]:
        return _reference(rule, votes, seats, eligible, tie_break, rng)

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
            kernel=blocked(_make_kernel(_RULES[_name])),
            reference=_make_reference(_RULES[_name]),
            description=_desc + ", largest remainders",
            aliases=_ALIASES[_name],
            spec=_RULES[_name],
        )
    )


# --------------------------------------------------------------------------- parametrised
#: quota name accepted by :func:`largest_remainder` -> offset k in V / (S + k)
_BASES = {"hare": 0, "droop": 1, "hagenbach_bischoff": 1, "imperiali": 2, "imperiali_quota": 2}
_CANONICAL_BASE = {0: "hare", 1: "droop", 2: "imperiali"}


def largest_remainder(quota: str = "hare", rounding: str | None = None) -> Method:
    r"""Largest remainder with a quota as written in law, exact or rounded to a whole number.

    Every party gets ``floor(v_i / q)`` seats, the seats left go to the largest remainders
    ``v_i - q floor(v_i / q)`` (equal remainders competing for the last seats are a tie,
    resolved by the tie policy and reported).  The quota is ``V / (S + k)`` (``V`` the votes of
    the parties in the round, ``S`` its seats) rounded as follows:

    =================  ===============================  ======================================
    ``rounding``       quota ``q``                      note
    =================  ===============================  ======================================
    ``exact``          ``V / (S + k)``                  the textbook quotas (Hare, H-B, Imperiali)
    ``floor``          ``floor(V / (S + k))``           "rounded down", "fraction disregarded"
    ``ceil``           ``ceil(V / (S + k))``            "rounded up"
    ``round_half_up``  ``floor(V / (S + k) + 1/2)``     "rounded to a whole number"
    ``plus_one``       ``floor(V / (S + k)) + 1``       the classical Droop quota
    =================  ===============================  ======================================

    with ``k = 0`` for ``quota="hare"``, 1 for ``"droop"`` and ``"hagenbach_bischoff"`` (the
    same base ``V / (S + 1)``: they differ only in the default rounding) and 2 for
    ``"imperiali"``.  A rounded quota is at least 1 (``max(1, ...)``: only a house with more
    seats than votes would round it to 0).  The classical Droop quota
    ``floor(V / (S + 1)) + 1`` is the default for ``quota="droop"``; it is, for example, the
    quota of the Irish single-transferable-vote elections.  The Czech Chamber of Deputies
    (Act No. 247/1995 Coll. as amended in 2021) divides each region's votes by its seats
    plus 2 and rounds to a whole number: that quota is
    ``largest_remainder("imperiali", "round_half_up").spec.quota(V, S)``.  The Czech first
    scrutiny awards only the whole quotas and passes the remainders to a national second
    scrutiny (a tier rule); this method is the single-tier version, which gives the seats
    left by largest remainders within the region.

    Consistency with the other quota methods (whatever the rounding):

    * *Over-allocation* (a small quota, e.g. Imperiali or a quota rounded down, gives more
      integer parts than seats): seats are taken back one at a time from the seat holders with
      the *smallest* remainders, a tie there resolved by the policy (which picks who keeps a
      seat); if more must go than there are holders, the round repeats.  Laws that instead
      recompute with a larger quota are not modelled.
    * *Under-allocation* beyond the parties with votes (a large quota, e.g. rounded up, in a
      tiny electorate): the remainder order is cycled, one seat per party per round.
    * Parties without votes never get a seat; a house of 0 seats or a round without votes
      gives none.

    Parameters
    ----------
    quota : {"hare", "droop", "hagenbach_bischoff", "imperiali"}, default "hare"
        ``"imperiali_quota"`` is accepted for ``"imperiali"``.
    rounding : {"exact", "floor", "ceil", "round_half_up", "plus_one"}, optional
        Default ``"plus_one"`` for ``"droop"``, ``"exact"`` for the others.

    Returns
    -------
    Method
        The registered method when the parameters are one (``"hare"``, ``"droop"``,
        ``"hagenbach_bischoff"``, ``"imperiali_quota"``), else a
        :class:`~electsim.apportion.ParametrizedMethod` named e.g.
        ``"largest_remainder(quota=imperiali, rounding=round_half_up)"``.  Its batch kernel
        is exact integer arithmetic (``v // Q``, ``v % Q``) vectorised over the batch; the
        exact rounding uses the float-screened kernel of the registered quota methods.

    Raises
    ------
    UnknownMethodError
        If ``quota`` or ``rounding`` is not one of the names above.

    References
    ----------
    Pukelsheim, F. (2017). *Proportional Representation*, 2nd ed., ch. 5. Springer.
    https://doi.org/10.1007/978-3-319-64707-4
    Balinski, M. L. & Young, H. P. (2001). *Fair Representation*, 2nd ed. Brookings.

    Examples
    --------
    >>> largest_remainder("droop").name, largest_remainder("droop", "exact").name
    ('droop', 'hagenbach_bischoff')
    >>> czech = largest_remainder("imperiali", "round_half_up")
    >>> czech.name
    'largest_remainder(quota=imperiali, rounding=round_half_up)'

    Votes 91, 464, 93 for 5 seats: the exact quota 648/7 = 92.57 gives integer parts
    0, 5, 1 (one too many: the smallest remainder, the third party's, gives its seat back);
    the rounded quota 93 gives 0, 4 (remainder 92), 1 -- exactly the 5 seats:

    >>> import numpy as np
    >>> votes, seats, ok = np.array([[91, 464, 93]]), np.array([5]), np.ones((1, 3), bool)
    >>> get_method("imperiali_quota")(votes, seats, ok)[0], czech(votes, seats, ok)[0]
    (array([[0, 5, 0]]), array([[0, 4, 1]]))
    """
    if not isinstance(quota, str) or _normalise(quota) not in _BASES:
        raise UnknownMethodError(
            f"quota={quota!r} is unknown; use one of {', '.join(sorted(_BASES))}"
        )
    base = _normalise(quota)
    if rounding is None:
        rounding = "plus_one" if base == "droop" else "exact"
    if not isinstance(rounding, str) or _normalise(rounding) not in ROUNDINGS:
        raise UnknownMethodError(
            f"rounding={rounding!r} is unknown; use one of {', '.join(ROUNDINGS)}"
        )
    rule = QuotaRule(_BASES[base], _normalise(rounding))
    for name, known in _RULES.items():
        if known == rule:
            return get_method(name)
    label = _CANONICAL_BASE[rule.offset]
    return ParametrizedMethod(
        name=f"largest_remainder(quota={label}, rounding={rule.rounding})",
        family="quota",
        kernel=blocked(_make_kernel(rule)),
        reference=_make_reference(rule),
        description=f"quota q = {rule.formula()}, largest remainders",
        params=(("quota", label), ("rounding", rule.rounding)),
        spec=rule,
    )


register_factory("largest_remainder", largest_remainder, ("quota", "rounding"))
for _name in QUOTAS:
    register_factory(_name, largest_remainder, ("rounding",), {"quota": _name})
