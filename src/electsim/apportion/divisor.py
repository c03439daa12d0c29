r"""Divisor (highest-averages) methods.

A divisor method with divisor sequence ``d(0) < d(1) < ...`` gives the next seat to the party with
the highest average ``v_i / d(s_i)``; equivalently ``s_i = #{j : v_i / d(j) > lambda}`` for a
common divisor ``lambda``.  Registered methods:

================================  =====================================  ===================
name                              d(s), s = 0, 1, 2, ...                 first divisors
================================  =====================================  ===================
``dhondt`` (Jefferson)            s + 1                                  1, 2, 3
``sainte_lague`` (Webster)        s + 1/2   (as 2s + 1)                  1, 3, 5
``modified_sainte_lague``         1.4 for s = 0, else 2s + 1             1.4, 3, 5
``danish``                        s + 1/3   (as 3s + 1)                  1, 4, 7
``imperiali``                     s + 2                                  2, 3, 4
``adams``                         s                                      0, 1, 2
``dean``                          s (s + 1) / (s + 1/2)                  0, 4/3, 12/5
``huntington_hill``               sqrt(s (s + 1))                        0, 1.414, 2.449
================================  =====================================  ===================

Exactness.  Averages are compared exactly: rational divisors through ``Fraction``;
Huntington-Hill through squares, ``v_i^2 / (s_i (s_i + 1))``.  The batch kernel screens in
float64: it starts from Pukelsheim's estimate ``lambda = V / (S + P (delta - 1/2))``, steps to
the house size by highest averages, and accepts a row only if the certificate
``max_i v_i / d(s_i) < min_i v_i / d(s_i - 1)`` holds with a relative margin of 1e-9 (far above
float64 error).  Rows that fail the margin -- exact ties and near-ties -- are recomputed by the
exact reference, so floats never decide a seat.

Parties without votes never get a seat.  Methods with ``d(0) = 0`` (Adams, Dean,
Huntington-Hill) give every party with votes a seat before any party gets a second one; when
such parties outnumber the seats, the first seats go in order of votes (the limit of
``v / d(0)`` as ``d(0) -> 0+``), and parties with equal votes there are tied.

References
----------
Pukelsheim, F. (2017). *Proportional Representation*, 2nd ed., ch. 4 and 6 (jump-and-step).
https://doi.org/10.1007/978-3-319-64707-4
Balinski, M. L. & Young, H. P. (2001). *Fair Representation*, 2nd ed., Appendix A.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._exact import RateLike, parse_rate
from ..errors import ElectsimError
from ._base import (
    Method,
    ParametrizedMethod,
    TieRecord,
    blocked,
    format_number,
    get_method,
    register,
    register_factory,
    resolve_tie,
)

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

__all__ = ["DIVISORS", "MAX_DELTA", "DivisorSpec", "divisor_method", "sainte_lague"]


@dataclass(frozen=True)
class DivisorSpec:
    """A divisor sequence: float version for screening, exact key for decisions.

    ``key(v, s)`` returns a value whose order is the order of ``v / d(s)``: a ``Fraction``
    (or, for Huntington-Hill, the square).  ``shift`` is ``delta - 1/2`` for the start estimate.
    """

    name: str
    d_float: Callable[[IntArray], FloatArray]
    d_exact: Callable[[int], Fraction]  # d(s) (squared for Huntington-Hill)
    squared: bool
    shift: float
    description: str
    aliases: tuple[str, ...] = ()
    offset: int = 0
    #: ``d(s) = s + d(0)`` for every ``s`` (the kernel's fast certificate relies on it)
    stationary: bool = True
    #: the method's rounding ``x -> #{j >= 0 : d(j) <= x}`` in float64, for the start estimate;
    #: ``None``: derived from ``offset`` (needs ``d(j)`` in ``[j + offset, j + offset + 1]``)
    count: Callable[[FloatArray], NDArray[Any]] | None = None

    @property
    def zero_first(self) -> bool:
        return self.d_exact(0) == 0

    def key(self, v: int, s: int) -> tuple[int, Fraction]:
        """Exact priority of party with ``v`` votes holding ``s`` seats (larger = earlier)."""
        if v == 0:
            return (-1, Fraction(0))
        d = self.d_exact(s)
        if d == 0:
            return (1, Fraction(v))  # infinite average; ordered by votes
        num = Fraction(v * v) if self.squared else Fraction(v)
        return (0, num / d)


def _stationary(
    delta: Fraction,
) -> tuple[Callable[[IntArray], FloatArray], Callable[[int], Fraction]]:
    fd = float(delta)
    return (lambda s: s + fd), (lambda s: s + delta)


def _msl_float(s: IntArray) -> FloatArray:
    return np.where(s == 0, 0.7, s + 0.5)


def _dean_float(s: IntArray) -> FloatArray:
    return s * (s + 1) / (s + 0.5)


def _hh_float(s: IntArray) -> FloatArray:
    return np.sqrt(s * (s + 1.0))


DIVISORS: dict[str, DivisorSpec] = {}


def _add(spec: DivisorSpec) -> None:
    DIVISORS[spec.name] = spec


_add(
    DivisorSpec(
        "dhondt",
        *_stationary(Fraction(1)),
        False,
        0.5,
        "D'Hondt / Jefferson: d(s) = s + 1",
        ("jefferson", "hagenbach_bischoff_divisor"),
    )
)
_add(
    DivisorSpec(
        "sainte_lague",
        *_stationary(Fraction(1, 2)),
        False,
        0.0,
        "Sainte-Laguë / Webster: d(s) = s + 1/2",
        ("webster",),
    )
)
_add(
    DivisorSpec(
        "modified_sainte_lague",
        _msl_float,
        lambda s: Fraction(7, 10) if s == 0 else s + Fraction(1, 2),
        False,
        0.0,
        "modified Sainte-Laguë: divisors 1.4, 3, 5, ... (first divisor 1.4)",
        ("sainte_lague_modified",),
        stationary=False,
    )
)
_add(
    DivisorSpec(
        "danish",
        *_stationary(Fraction(1, 3)),
        False,
        -1 / 6,
        "Danish: divisors 1, 4, 7, ... (d(s) = s + 1/3)",
    )
)
_add(
    DivisorSpec(
        "imperiali",
        *_stationary(Fraction(2)),
        False,
        1.5,
        "Imperiali divisors 2, 3, 4, ... (d(s) = s + 2)",
        ("imperiali_divisor",),
        1,
    )
)
_add(
    DivisorSpec(
        "adams",
        *_stationary(Fraction(0)),
        False,
        -0.5,
        "Adams (smallest divisors): d(s) = s",
        ("smallest_divisors",),
    )
)
_add(
    DivisorSpec(
        "dean",
        _dean_float,
        lambda s: Fraction(s * (s + 1)) / (s + Fraction(1, 2)),
        False,
        0.0,
        "Dean (harmonic mean): d(s) = s(s+1)/(s+1/2)",
        stationary=False,
    )
)
_add(
    DivisorSpec(
        "huntington_hill",
        _hh_float,
        lambda s: Fraction(s * (s + 1)),
        True,
        0.0,
        "Huntington-Hill (equal proportions): d(s) = sqrt(s(s+1))",
        ("equal_proportions", "hill"),
        stationary=False,
    )
)

_MARGIN = 1e-9


def _averages(v: FloatArray, s: IntArray, spec: DivisorSpec) -> FloatArray:
    """Float ``v / d(s)`` (``v`` already 0 for ineligible parties).

    Where ``d(s) = 0`` (first seat of Adams, Dean, Huntington-Hill): ``+inf`` if ``v > 0``,
    else 0.  Parties without votes have average 0 and never win a seat, because a row is only
    allocated when some party has votes.
    """
    d = spec.d_float(s)
    if not spec.zero_first:
        return v / d
    with np.errstate(divide="ignore", invalid="ignore"):
        a = v / d
    return np.where(v > 0, a, 0.0)


def _reference_spec(
    spec: DivisorSpec,
    votes: Sequence[int],
    seats: int,
    eligible: Sequence[bool],
    tie_break: str,
    rng: np.random.Generator | None,
) -> tuple[list[int], list[TieRecord]]:
    """Exact sequential highest averages, one election."""
    v = [int(x) if e else 0 for x, e in zip(votes, eligible, strict=True)]
    P = len(v)
    alloc = [0] * P
    ties: list[TieRecord] = []
    pool = [i for i in range(P) if v[i] > 0]
    left = seats if pool else 0
    while left > 0:
        keys = {i: spec.key(v[i], alloc[i]) for i in pool}
        best = max(keys.values())
        group = [i for i in pool if keys[i] == best]
        if len(group) <= left:
            winners: tuple[int, ...] = tuple(group)
        else:
            winners, how = resolve_tie(group, left, v, tie_break, rng)
            stage = "first seat" if best[0] == 1 else "average"
            ties.append(TieRecord(0, tuple(group), left, winners, how, stage))
        for i in winners:
            alloc[i] += 1
        left -= len(winners)
    return alloc, ties


def _exact_fix(
    spec: DivisorSpec,
    votes: Sequence[int],
    seats: int,
    start: Sequence[int],
    tie_break: str,
    rng: np.random.Generator | None,
) -> tuple[list[int], list[TieRecord]]:
    """Exact divisor apportionment of one election, starting from a nearly right ``start``.

    Gives the same allocation and tie record as :func:`_reference_spec` (sequential highest
    averages), in O(P) exact comparisons per step instead of O(S P): first the house size is
    reached by exact highest-average steps, then seats move from the weakest held average to
    the strongest unawarded one until ``max next average <= min held average``; equality there
    is the tie for the last seats, resolved by the policy.
    """
    v = [int(x) for x in votes]
    pool = [i for i in range(len(v)) if v[i] > 0]
    s = [int(x) if v[i] > 0 else 0 for i, x in enumerate(start)]
    if not pool or seats == 0:
        return [0] * len(v), []

    def nxt(i: int) -> tuple[int, Fraction]:
        return spec.key(v[i], s[i])

    def held(i: int) -> tuple[int, Fraction]:
        return spec.key(v[i], s[i] - 1)

    while sum(s) < seats:
        s[max(pool, key=nxt)] += 1
    while sum(s) > seats:
        s[min((i for i in pool if s[i] > 0), key=held)] -= 1
    while True:
        holders = [i for i in pool if s[i] > 0]
        lo_i = max(pool, key=nxt)
        hi_i = min(holders, key=held)
        lo, hi = nxt(lo_i), held(hi_i)
        if lo <= hi:
            break
        s[hi_i] -= 1  # the start was not a divisor apportionment here: move one seat
        s[lo_i] += 1
    if lo < hi:
        return s, []
    m_in = [i for i in holders if held(i) == hi]  # hold a seat at the tied average
    m_out = [i for i in pool if nxt(i) == lo]  # claim one at the same average
    group = sorted(m_in + m_out)
    winners, how = resolve_tie(group, len(m_in), v, tie_break, rng)
    for i in m_in:
        s[i] -= 1
    for i in winners:
        s[i] += 1
    stage = "first seat" if lo[0] == 1 else "average"
    return s, [TieRecord(0, tuple(group), len(m_in), winners, how, stage)]


def _make_kernel(spec: DivisorSpec):  # type: ignore[no-untyped-def]
    stationary = spec.stationary

    def kernel(
        votes: IntArray,
        seats: IntArray,
        eligible: BoolArray,
        tie_break: str,
        rng: np.random.Generator | None,
    ) -> tuple[IntArray, list[TieRecord]]:
        N, P = votes.shape
        vi = votes if eligible.all() else np.where(eligible, votes, 0)
        # work party-major, (P, N): reductions over parties become fast elementwise passes
        vt = np.ascontiguousarray(vi.T).astype(np.float64)
        V = vt.sum(axis=0)
        S = np.where(V > 0, seats, 0).astype(np.float64)
        pos = vt > 0
        # start: s_i = rounding of v_i / lambda, lambda = V / (S + n (delta - 1/2)) (Pukelsheim)
        scale = np.maximum(S + pos.sum(axis=0) * spec.shift, 0.0) / np.maximum(V, 1.0)
        x = vt * scale
        # the method's own rounding, s = #{j >= 0 : d(j) <= x}, so the start is a divisor
        # apportionment of its own house size (d(j) lies in [j + offset, j + offset + 1]).
        # Seat counts are held as float64 (exact integers far below 2**53).
        if spec.count is not None:
            s = spec.count(x)
        else:
            f = np.floor(x) - spec.offset
            s = f + (x >= spec.d_float(np.maximum(f, 0.0)))
        s = np.maximum(s, 0.0) if not spec.zero_first else np.where(pos, np.maximum(s, 1.0), 0.0)
        diff = S - s.sum(axis=0)
        stuck = np.zeros(N, dtype=bool)
        act = np.flatnonzero(diff != 0)
        guard = 0
        while act.size and guard < 4 * P + 8:
            guard += 1
            sa, va, da = s[:, act], vt[:, act], diff[act]
            up = da > 0
            if up.any():
                j = np.argmax(_averages(va[:, up], sa[:, up], spec), axis=0)
                s[j, act[up]] += 1
            dn = ~up
            if dn.any():
                idn, sd = act[dn], sa[:, dn]
                prev = _averages(va[:, dn], np.maximum(sd - 1, 0.0), spec)
                prev = np.where(sd > 0, prev, np.inf)
                j = np.argmin(prev, axis=0)
                movable = np.isfinite(prev[j, np.arange(j.size)])
                s[j[movable], idn[movable]] -= 1
                stuck[idn[~movable]] = True  # only first seats left: exact fix-up decides
            diff = S - s.sum(axis=0)
            act = np.flatnonzero((diff != 0) & ~stuck)
        # certificate: the best unawarded average is below the weakest awarded one, by a margin
        with np.errstate(divide="ignore", invalid="ignore"):
            if stationary and not spec.zero_first:
                d = s + spec.d_float(np.zeros(1))[0]  # type: ignore[arg-type]
                nxt = (vt / d).max(axis=0)
                held_all = vt / (d - 1.0)
            else:
                nxt = _averages(vt, s, spec).max(axis=0)
                held_all = _averages(vt, np.maximum(s - 1.0, 0.0), spec)
            held = np.where(s > 0, held_all, np.inf).min(axis=0)
        ok = ((diff == 0) & (nxt * (1 + _MARGIN) < held)) | (S == 0)
        s[:, S == 0] = 0
        out = np.ascontiguousarray(s.T).astype(np.int64)
        ties: list[TieRecord] = []
        for n in np.flatnonzero(~ok):  # ties and near-ties: exact, from the float estimate
            alloc, t = _exact_fix(spec, vi[n].tolist(), int(S[n]), out[n].tolist(), tie_break, rng)
            out[n] = alloc
            ties += [
                TieRecord(int(n), x.contenders, x.n_seats, x.winners, x.resolution, x.stage)
                for x in t
            ]
        return out, ties

    return kernel


def _make_reference(spec: DivisorSpec):  # type: ignore[no-untyped-def]
    def reference(
        votes: Sequence[int],
        seats: int,
        eligible: Sequence[bool],
        tie_break: str,
        rng: np.random.Generator | None,
    ) -> tuple[list[int], list[TieRecord]]:
        return _reference_spec(spec, votes, seats, eligible, tie_break, rng)

    return reference


def _method(spec: DivisorSpec, params: tuple[tuple[str, Any], ...] | None = None) -> Method:
    """The method of ``spec``: registered (``params=None``) or parametrised."""
    cls, extra = (Method, {}) if params is None else (ParametrizedMethod, {"params": params})
    return cls(
        name=spec.name,
        family="divisor",
        kernel=blocked(_make_kernel(spec)),
        reference=_make_reference(spec),
        description=spec.description,
        aliases=spec.aliases,
        gives_every_party_a_seat=spec.zero_first,
        spec=spec,
        **extra,
    )


for _spec in DIVISORS.values():
    register(_method(_spec))


# --------------------------------------------------------------------------- parametrised
#: (delta, first divisor or None) of the registered stationary-family methods
_NAMED: dict[tuple[Fraction, Fraction | None], str] = {
    (Fraction(1), None): "dhondt",
    (Fraction(1, 2), None): "sainte_lague",
    (Fraction(1, 2), Fraction(7, 10)): "modified_sainte_lague",
    (Fraction(1, 3), None): "danish",
    (Fraction(2), None): "imperiali",
    (Fraction(0), None): "adams",
}

#: Largest ``delta`` accepted by :func:`divisor_method` (Imperiali's 2 is the largest in use).
MAX_DELTA = 100


def _family_spec(delta: Fraction, first: Fraction | None) -> DivisorSpec:
    """The divisor sequence ``d(0) = first`` (default ``delta``), ``d(s) = s + delta``."""
    a = delta if first is None else first
    fd, fa = float(delta), float(a)

    def d_float(s: IntArray) -> FloatArray:
        d = np.asarray(s, dtype=np.float64) + fd
        return np.where(s == 0, fa, d) if first is not None else d

    def d_exact(s: int) -> Fraction:
        return a if s == 0 else s + delta

    def count(x: FloatArray) -> NDArray[Any]:
        # #{j >= 0 : d(j) <= x} = [x >= d(0)] + #{j >= 1 : j + delta <= x}
        return (x >= fa) + np.maximum(np.floor(x - fd), 0.0)

    if delta == Fraction(1, 2):
        name = f"sainte_lague(first_divisor={format_number(2 * a)})"
        desc = f"Sainte-Laguë with first divisor {format_number(2 * a)}: divisors "
        desc += f"{format_number(2 * a)}, 3, 5, ... (d(0) = {format_number(a)}, d(s) = s + 1/2)"
    else:
        tail = "" if first is None else f", first={format_number(first)}"
        name = f"divisor_method(delta={format_number(delta)}{tail})"
        desc = f"divisor method d(0) = {format_number(a)}, d(s) = s + {format_number(delta)}"
    return DivisorSpec(
        name,
        d_float,
        d_exact,
        False,
        float(delta) - 0.5,
        desc,
        stationary=first is None,
        count=count,
    )


#: Numerators and denominators of divisor parameters stay below this bound, so that a
#: method's canonical name (which is how it pickles) is short and reads back exactly.
MAX_PARAMETER_PART = 10**24


def _precise_enough(x: Fraction, name: str, given: Any) -> None:
    if max(abs(x.numerator), x.denominator) >= MAX_PARAMETER_PART:
        raise ElectsimError(
            f"{name}={_short(given)} is too precise: numerator and denominator must be below "
            "10**24 (e.g. '1.2', '7/5')"
        )


def _family(delta: Fraction, first: Fraction | None) -> Method:
    if first == delta:
        first = None
    named = _NAMED.get((delta, first))
    if named is not None:
        return get_method(named)
    spec = _family_spec(delta, first)
    params: tuple[tuple[str, Any], ...]
    if delta == Fraction(1, 2):
        params = (("first_divisor", 2 * (delta if first is None else first)),)
    else:
        params = (("delta", delta),) + ((("first", first),) if first is not None else ())
    return _method(spec, params)


def divisor_method(delta: RateLike, first: RateLike | None = None) -> Method:
    r"""A divisor method with divisors ``d(s) = s + delta`` and an optional first divisor.

    The party with the highest average ``v_i / d(s_i)`` (``s_i`` = seats it already holds)
    gets the next seat; ``d(0) = first`` if given, else ``delta``.  The classical *stationary*
    methods (Pukelsheim 2017) are ``delta`` in ``[0, 1]``: Adams (0), Danish (1/3),
    Sainte-Laguë/Webster (1/2), D'Hondt/Jefferson (1); Imperiali divisors are ``delta = 2``.
    Only the ratios of divisors matter, so ``first`` is on the same scale as ``s + delta``:
    Norway's divisors 1.4, 3, 5, ... are ``delta=1/2, first=0.7`` (the same method as
    ``sainte_lague(first_divisor=1.4)``).

    Parameters
    ----------
    delta : Fraction, Decimal, int, str or float
        ``0 <= delta <= 100``.  Exact: strings such as ``"1/3"`` or ``"0.5"``; a float is read
        through its shortest repr (``0.4`` is exactly 2/5), as in
        ``electsim._exact.parse_rate``; numerator and denominator below ``10**24`` (so that
        the method's name, which is how it pickles, reads back exactly).
    first : same types, optional
        ``d(0)``, with ``0 < first < 1 + delta`` so that the divisors stay positive and
        strictly increasing (``first`` equal to ``delta`` is the plain method).

    Returns
    -------
    Method
        The registered method when the parameters are one (``delta=1`` is ``"dhondt"``,
        ``delta=1/2, first=0.7`` is ``"modified_sainte_lague"``), else a
        :class:`~electsim.apportion.ParametrizedMethod` named e.g.
        ``"divisor_method(delta=0.4, first=0.6)"``.  Batch kernel and exact reference as for
        every divisor method (float screen with a certificate; exact ``Fraction`` decisions).

    Raises
    ------
    ElectsimError
        If ``delta`` or ``first`` is not a number, or out of range (message names it).

    References
    ----------
    Pukelsheim, F. (2017). *Proportional Representation*, 2nd ed. Springer.
    https://doi.org/10.1007/978-3-319-64707-4
    Balinski, M. L. & Young, H. P. (2001). *Fair Representation*, 2nd ed. Brookings.

    Examples
    --------
    >>> divisor_method(delta=1).name
    'dhondt'
    >>> divisor_method(delta="1/2", first="0.7") == sainte_lague(first_divisor="1.4")
    True
    >>> m = divisor_method(delta="0.4")
    >>> m.name
    'divisor_method(delta=0.4)'
    """
    d = parse_rate(delta, "delta", allow_above_one=True)
    _precise_enough(d, "delta", delta)
    if d > MAX_DELTA:
        raise ElectsimError(
            f"delta={_short(delta)} must be in [0, {MAX_DELTA}] (Imperiali's 2 is the largest "
            "in use; larger values only approach winner-takes-all)"
        )
    a = None if first is None else parse_rate(first, "first", allow_above_one=True)
    if a is not None:
        _precise_enough(a, "first", first)
    if a is not None and not 0 < a < 1 + d:
        raise ElectsimError(
            f"first={_short(first)} must be in (0, {format_number(1 + d)}): the divisors "
            f"first, 1 + delta, 2 + delta, ... must be positive and strictly increasing"
        )
    return _family(d, a)


def sainte_lague(first_divisor: RateLike = 1) -> Method:
    r"""Sainte-Laguë (Webster) with a chosen first divisor: divisors ``f, 3, 5, 7, ...``.

    The pure method (``f = 1``) divides by 1, 3, 5, ...; raising the first divisor makes a
    party's first seat dearer, which shields the largest parties against the smallest ones.
    Laws: ``f = 1.4`` for the district seats of the Norwegian Storting (Election Act) and,
    until 2014, of the Swedish Riksdag; ``f = 1.2`` in Sweden since the 2018 elections
    (Elections Act 2005:837 as amended).  On the ``s + 1/2`` scale of
    :func:`divisor_method` this is ``delta = 1/2, first = f / 2``.

    Parameters
    ----------
    first_divisor : Fraction, Decimal, int, str or float, default 1
        ``0 < f < 3``: the divisors must stay positive and strictly increasing (``f < 3``,
        the second divisor).  ``f <= 2`` keeps the first signpost in ``[0, 1]``, as in
        Pukelsheim's definition of divisor methods; ``2 < f < 3`` is still a well-defined
        highest-averages method and is accepted.  Read exactly (``"1.4"``, ``Fraction(7, 5)``,
        ``Decimal("1.4")``; a float through its shortest repr, so ``1.4`` is exactly 7/5),
        with numerator and denominator below ``10**24``.

    Returns
    -------
    Method
        ``"sainte_lague"`` for ``f = 1``, ``"modified_sainte_lague"`` for ``f = 1.4`` (the
        registered objects), else a :class:`~electsim.apportion.ParametrizedMethod` named
        ``"sainte_lague(first_divisor=f)"``.

    Raises
    ------
    ElectsimError
        If ``first_divisor`` is not a number or not in ``(0, 3)``.

    References
    ----------
    Pukelsheim, F. (2017). *Proportional Representation*, 2nd ed. Springer.
    https://doi.org/10.1007/978-3-319-64707-4
    Balinski, M. L. & Young, H. P. (2001). *Fair Representation*, 2nd ed. Brookings.

    Examples
    --------
    >>> sainte_lague(first_divisor="1.4").name
    'modified_sainte_lague'
    >>> sweden = sainte_lague(first_divisor="1.2")
    >>> sweden
    Method('sainte_lague(first_divisor=1.2)', family='divisor')
    >>> from fractions import Fraction
    >>> sweden == sainte_lague(Fraction(6, 5)) == sainte_lague(1.2)
    True

    Votes 10000, 6300, 2500 for 5 seats: the third party's 2500 / 1.2 = 2083 beats the
    largest party's third average 10000 / 5 = 2000, but 2500 / 1.4 = 1786 does not:

    >>> import numpy as np
    >>> votes, seats, ok = np.array([[10000, 6300, 2500]]), np.array([5]), np.ones((1, 3), bool)
    >>> sweden(votes, seats, ok)[0], sainte_lague("1.4")(votes, seats, ok)[0]
    (array([[2, 2, 1]]), array([[3, 2, 0]]))
    """
    f = parse_rate(first_divisor, "first_divisor", allow_above_one=True)
    _precise_enough(f, "first_divisor", first_divisor)
    if not 0 < f < 3:
        raise ElectsimError(
            f"first_divisor={_short(first_divisor)} must be in (0, 3): the divisors "
            "first_divisor, 3, 5, ... must be positive and strictly increasing"
        )
    return _family(Fraction(1, 2), f / 2)


def _short(x: Any) -> str:
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


register_factory("sainte_lague", sainte_lague, ("first_divisor",))
register_factory("divisor_method", divisor_method, ("delta", "first"))
