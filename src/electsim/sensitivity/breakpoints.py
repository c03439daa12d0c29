"""Exact step functions: the parliament as a function of a threshold rate or a manipulation.

Seats are step functions of the rules and of the counts, so a grid of rates or intensities can
miss exactly the steps a user needs.  This module computes the steps themselves:

* :func:`threshold_steps` -- the composition as an exact step function of the national or the
  regional threshold rate over ``[lo, hi]``: every interval of rates, with exact
  :class:`~fractions.Fraction` endpoints, its seats and the parties eligible on it;
* :func:`path_steps` -- the composition as an exact step function of an integer manipulation
  intensity ``t`` along a path (:func:`switch_path`, :func:`add_path`, :func:`remove_path`, or
  any callable ``t -> Election``): the integer points where the seats change.

Why the threshold steps are exact
---------------------------------
With ``rate = num / den``, party ``p`` passes the national threshold iff
``v_p * den >= num * B`` (inclusive) or ``>`` (strict), ``B`` the national base count.  For
``B > 0`` this is ``rate <= c_p`` (inclusive) or ``rate < c_p`` (strict) with the *critical rate*
``c_p = v_p / B``.  For the regional threshold the party must pass in every tested region ``r``,
i.e. ``rate <= min_r v_rp / B_r`` (regions with ``B_r = 0`` do not depend on the rate).  The
allocation depends on the rate only through the set of eligible parties, so it is constant
between consecutive critical rates; at a critical rate itself the inclusive/strict rule decides
which side the point belongs to.  :func:`threshold_steps` therefore evaluates the eligible set
on the elementary pieces ``[p0], (p0, p1), [p1], ..., [pm]`` (``p_i`` the critical rates inside
``[lo, hi]`` and the two ends), exactly with integers, and calls :func:`~electsim.allocate` once
per distinct eligible set (at most ``2P + 1`` calls, never one per rate).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from electsim._display import HTMLReprMixin
from electsim._exact import RateLike, parse_rate
from electsim.allocate import allocate
from electsim.election import Election
from electsim.errors import ElectsimError, ShapeMismatchError, TieError, UnknownMethodError
from electsim.system import BASES, ElectoralSystem, Threshold

__all__ = [
    "ChangePoint",
    "IntegerStepFunction",
    "Path",
    "Piece",
    "StepFunction",
    "add_path",
    "path_steps",
    "remove_path",
    "switch_path",
    "threshold_steps",
]

IntArray = NDArray[np.int64]
Which = Literal["national", "regional"]


# --------------------------------------------------------------------------- threshold steps
@dataclass(frozen=True)
class Piece:
    """One interval of rates on which the parliament is constant.

    Attributes
    ----------
    lo, hi : Fraction
        Exact endpoints (rates as fractions of the base, not percentages), ``lo <= hi``.
    lo_closed, hi_closed : bool
        Whether each endpoint belongs to the piece (``lo == hi`` only for a closed point).
    seats : tuple of int
        Seats per party (column order of the election).
    eligible : tuple of bool
        Parties eligible (passing every threshold) at *every* rate of the piece.  When pieces
        with identical seats but different eligible sets are merged (``merge=True``), this is
        the eligible set at the piece's upper end (eligibility only shrinks as the rate grows).
    """

    lo: Fraction
    hi: Fraction
    lo_closed: bool
    hi_closed: bool
    seats: tuple[int, ...]
    eligible: tuple[bool, ...]

    def __contains__(self, rate: object) -> bool:
        if not isinstance(rate, Fraction | int):
            return False
        r = Fraction(rate)
        above = r > self.lo or (self.lo_closed and r == self.lo)
        below = r < self.hi or (self.hi_closed and r == self.hi)
        return above and below

    def interval(self, digits: int = 6) -> str:
        """The interval in percent, e.g. ``'(6.845405%, 7.130000%]'``."""
        a = "[" if self.lo_closed else "("
        b = "]" if self.hi_closed else ")"
        return f"{a}{_pct(self.lo, digits)}, {_pct(self.hi, digits)}{b}"


def _pct(x: Fraction, digits: int) -> str:
    return f"{float(x * 100):.{digits}f}%"


@dataclass(frozen=True)
class StepFunction(HTMLReprMixin):
    """The parliament as an exact step function of a threshold rate (see :func:`threshold_steps`).

    Attributes
    ----------
    pieces : tuple of Piece
        Consecutive, disjoint, covering ``[lo, hi]``, in increasing rate order.
    parties, shorts : tuple of str
        Party names and short codes (column order).
    which : {"national", "regional"}
        The threshold varied.
    base : str
        Its base (``"ballots"``, ``"valid"``, ...).
    inclusive : bool
        Its rule at the critical rates.
    lo, hi : Fraction
        The range of rates.
    critical : tuple of Fraction or None
        Each party's critical rate ``c_p`` (``None`` if its eligibility does not depend on the
        rate, e.g. a zero base); it passes iff ``rate <= c_p`` (inclusive) or ``rate < c_p``.
    system : ElectoralSystem
        The system whose other rules were held fixed.
    seconds : float
        Wall time of the computation (descriptive).
    colors : tuple of str or None
        The parties' plot colours (for :func:`electsim.plotting.step_plot`).
    """

    pieces: tuple[Piece, ...]
    parties: tuple[str, ...]
    shorts: tuple[str, ...]
    which: Which
    base: str
    inclusive: bool
    lo: Fraction
    hi: Fraction
    critical: tuple[Fraction | None, ...]
    system: ElectoralSystem = field(repr=False)
    seconds: float = field(default=0.0, compare=False)
    colors: tuple[str | None, ...] = field(default=(), compare=False, repr=False)

    @property
    def breakpoints(self) -> tuple[Fraction, ...]:
        """The rates where the seats change (the inner endpoints of the pieces), increasing."""
        out: list[Fraction] = []
        for p in self.pieces[:-1]:
            if not out or out[-1] != p.hi:
                out.append(p.hi)
        return tuple(out)

    def at(self, rate: RateLike) -> Piece:
        """The piece containing ``rate`` (exact; ``"7%"``, ``Fraction(7, 100)``, 0.07 ...).

        Raises
        ------
        ElectsimError
            If ``rate`` lies outside ``[lo, hi]``.
        """
        r = parse_rate(rate, "rate")
        for p in self.pieces:
            if r in p:
                return p
        raise ElectsimError(
            f"rate={rate!r} is outside the range [{_pct(self.lo, 6)}, {_pct(self.hi, 6)}] "
            "of this step function"
        )

    def seats_at(self, rate: RateLike) -> tuple[int, ...]:
        """Seats per party at ``rate`` (shortcut for ``at(rate).seats``)."""
        return self.at(rate).seats

    def to_records(self) -> list[dict[str, Any]]:
        """One plain-Python record per piece.

        Keys: ``lo``, ``hi`` (exact ``Fraction``), ``lo_closed``, ``hi_closed``, ``lo_percent``,
        ``hi_percent`` (floats, descriptive), ``seats`` (``{short code: seats}``), ``eligible``
        (short codes of the eligible parties).
        """
        return [
            {
                "lo": p.lo,
                "hi": p.hi,
                "lo_closed": p.lo_closed,
                "hi_closed": p.hi_closed,
                "lo_percent": float(p.lo * 100),
                "hi_percent": float(p.hi * 100),
                "seats": dict(zip(self.shorts, p.seats, strict=True)),
                "eligible": [s for s, e in zip(self.shorts, p.eligible, strict=True) if e],
            }
            for p in self.pieces
        ]

    def _digits(self) -> int:
        ends = sorted({p.lo for p in self.pieces} | {p.hi for p in self.pieces})
        for d in range(4, 13):
            texts = [_pct(x, d) for x in ends]
            if len(set(texts)) == len(texts):
                return d
        return 12

    def __str__(self) -> str:
        d = self._digits()
        shown = [i for i in range(len(self.parties)) if any(p.seats[i] for p in self.pieces)]
        rows = [(p.interval(d), [str(p.seats[i]) for i in shown]) for p in self.pieces]
        w0 = max(len("rate"), *(len(r[0]) for r in rows))
        widths = [max(3, len(self.shorts[i])) for i in shown]
        rule = ">=" if self.inclusive else ">"
        head = f"{'rate':<{w0}}  " + " ".join(
            f"{self.shorts[i]:>{w}}" for i, w in zip(shown, widths, strict=True)
        )
        lines = [
            f"Seats as a function of the {self.which} threshold ({rule} rate of {self.base}), "
            f"{_pct(self.lo, 2)} to {_pct(self.hi, 2)}: {len(self.pieces)} piece(s)",
            head,
            "-" * len(head),
        ]
        for interval, cells in rows:
            lines.append(
                f"{interval:<{w0}}  "
                + " ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True))
            )
        hidden = len(self.parties) - len(shown)
        if hidden:
            lines.append(
                f"({hidden} other part{'ies' if hidden != 1 else 'y'}: 0 seats throughout)"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"StepFunction({self.which} threshold of {self.base}, "
            f"{_pct(self.lo, 2)} to {_pct(self.hi, 2)}: {len(self.pieces)} pieces, "
            f"{len(self.parties)} parties)"
        )


def _check_unbatched(election: Election, system: ElectoralSystem, fn: str) -> None:
    if not isinstance(election, Election):
        raise ElectsimError(f"election must be an Election, got {type(election).__name__}")
    if not isinstance(system, ElectoralSystem):
        raise ElectsimError(f"system must be an ElectoralSystem, got {type(system).__name__}")
    if election.batch_shape:
        raise ShapeMismatchError(
            f"{fn}() needs one election, got a batch of shape {election.batch_shape}; "
            "call it on election.select(i)"
        )
    system.require_plain(f"{fn}()", election)


def _passes(v: IntArray, b: IntArray, rate: Fraction, inclusive: bool) -> NDArray[np.bool_]:
    """Exact ``v >= rate * b`` (or ``>``) with Python integers (object arrays; P*R is small)."""
    lhs = v.astype(object) * rate.denominator
    rhs = b.astype(object) * rate.numerator
    return np.asarray(lhs >= rhs if inclusive else lhs > rhs, dtype=bool)


def threshold_steps(
    election: Election,
    system: ElectoralSystem,
    *,
    which: Which = "national",
    lo: RateLike = "0%",
    hi: RateLike = "15%",
    base: str | None = None,
    inclusive: bool | None = None,
    merge: bool = True,
) -> StepFunction:
    """The composition as an exact step function of the national or regional threshold rate.

    Parameters
    ----------
    election : Election
        One election (not a batch), votes ``(R, P)``.  ``which="regional"`` needs regions in
        the regional test.
    system : ElectoralSystem
        Every other rule (method, cap, tie policy, the *other* threshold) is held fixed.
    which : {"national", "regional"}
        The threshold whose rate varies.
    lo, hi : rate
        The range of rates, ``0 <= lo <= hi <= 1`` (``"0%"`` and ``"15%"`` by default).
    base : {"ballots", "valid", "party_votes", "registered"}, optional
        The base of the varied threshold.  Default: the system's own threshold's base, else
        ``"ballots"``.
    inclusive : bool, optional
        Default: the system's own threshold's rule, else ``True``.
    merge : bool
        Merge adjacent pieces with identical seats (default).  With ``False`` every piece has
        a constant eligible set (a party may become ineligible without changing any seat).

    Returns
    -------
    StepFunction
        Pieces with exact ``Fraction`` endpoints covering ``[lo, hi]``.

    Raises
    ------
    ShapeMismatchError
        For a batched election.
    MissingDataError
        ``which="regional"`` on national-only data, or base ``"registered"`` without
        registered voters.
    TieError
        If a piece meets a tie and ``system.tie_break == "raise"``.

    Notes
    -----
    Critical rates: ``c_p = v_p / B`` (national, ``B`` the national base count) or
    ``c_p = min_r v_rp / B_r`` over the regions of the regional test with ``B_r > 0``
    (regional; ``B_r = B`` in every region when the system's regional threshold counts its
    base nationally, ``base_scope="national"``, which the varied threshold keeps).  Party
    ``p`` passes iff ``rate <= c_p`` (inclusive) or ``rate < c_p`` (strict),
    so the eligible set -- and with it the allocation -- is constant between consecutive
    critical rates.  Cost: ``O(P log P)`` exact comparisons plus one :func:`~electsim.allocate`
    per distinct eligible set (at most ``2P + 1``); about a millisecond per piece.

    Examples
    --------
    The five largest lists of 2020, the other votes folded into ``against_all``
    (1,990,753 ballots):

    >>> from electsim import Election, ElectoralSystem, Threshold
    >>> e = Election([487_685, 475_372, 174_317, 141_940, 136_276], against_all=[543_340],
    ...              invalid=[31_823], parties="ABCDE")
    >>> s = ElectoralSystem(120, "hare", national=Threshold("7%"), cap=65)
    >>> f = threshold_steps(e, s, lo="5%", hi="8%")
    >>> f.at("7%").seats
    (46, 45, 16, 13, 0)
    >>> f.breakpoints
    (Fraction(136276, 1990753), Fraction(141940, 1990753))
    >>> f.at(Fraction(136276, 1990753)).seats    # inclusive: E still passes here
    (41, 40, 15, 12, 12)

    (Hare on V = 1,415,590: quotients 41.34, 40.30, 14.78, 12.03, 11.55; the two remaining
    seats go to the remainders .78 and .55.)
    """
    t0 = time.perf_counter()
    _check_unbatched(election, system, "threshold_steps")
    if which not in ("national", "regional"):
        raise UnknownMethodError(f"which={which!r} is unknown; use 'national' or 'regional'")
    own = system.national if which == "national" else system.regional
    if base is None:
        base = own.base if own is not None else "ballots"
    if base not in BASES:
        raise UnknownMethodError(f"base={base!r} is unknown; use one of {sorted(BASES)}")
    if inclusive is None:
        inclusive = own.inclusive if own is not None else True
    scope = own.base_scope if own is not None else "own"
    if not isinstance(inclusive, bool):
        raise ElectsimError(f"inclusive={inclusive!r} must be True, False or None")
    if not isinstance(merge, bool):
        raise ElectsimError(f"merge={merge!r} must be True or False")
    a, b = parse_rate(lo, "lo"), parse_rate(hi, "hi")
    if a > b:
        raise ElectsimError(f"lo={lo!r} must not exceed hi={hi!r}")

    P = election.n_parties
    # (U, P) votes and (U,) bases of the tested units: one national unit, or the tested regions
    if which == "national":
        v = election.national_votes.reshape(1, P)
        bb = np.asarray(election.base(base), dtype=np.int64).reshape(1)
    else:
        flagged = np.array([r.in_regional_threshold for r in election.regions], dtype=bool)
        if not flagged.any():
            from electsim.errors import MissingDataError

            raise MissingDataError(
                "which='regional' needs an election with regions in the regional test; "
                "this one is national-only"
            )
        v = election.votes[flagged]
        if scope == "national":  # the same need in every region: the national base
            bb = np.full(int(flagged.sum()), int(election.base(base)), dtype=np.int64)
        else:
            bb = np.asarray(election.base(base, national=False), dtype=np.int64)[flagged]
    critical: list[Fraction | None] = []
    for p in range(P):
        ratios = [Fraction(int(v[u, p]), int(bb[u])) for u in range(len(bb)) if bb[u] > 0]
        critical.append(min(ratios) if ratios else None)

    # elementary pieces: points and the open intervals between them
    inner = sorted({c for c in critical if c is not None and a < c < b})
    points = [a, *inner, b] if b > a else [a]
    elementary: list[tuple[Fraction, Fraction, bool, bool, Fraction]] = []
    for i, x in enumerate(points):
        elementary.append((x, x, True, True, x))
        if i + 1 < len(points):
            y = points[i + 1]
            elementary.append((x, y, False, False, (x + y) / 2))
    # eligible set of the varied threshold on each piece (exact integers)
    groups: list[list[Any]] = []  # [lo, hi, lo_closed, hi_closed, key, representative]
    for x, y, xc, yc, rep in elementary:
        ok = np.asarray(_passes(v, bb[:, None], rep, inclusive).all(axis=0), dtype=bool)
        key = tuple(bool(e) for e in ok.tolist())
        if groups and groups[-1][4] == key:
            groups[-1][1], groups[-1][3] = y, yc
        else:
            groups.append([x, y, xc, yc, key, rep])

    pieces: list[Piece] = []
    for x, y, xc, yc, _key, rep in groups:
        t = Threshold(rep, base=base, inclusive=inclusive, base_scope=scope)  # type: ignore[arg-type]
        varied = system.replace(**{which: t})
        al = allocate(election, varied)
        seats = tuple(int(s) for s in al.seats)
        elig = tuple(bool(e) for e in al.eligible)
        if merge and pieces and pieces[-1].seats == seats:
            last = pieces[-1]
            pieces[-1] = Piece(last.lo, y, last.lo_closed, yc, seats, elig)
        else:
            pieces.append(Piece(x, y, xc, yc, seats, elig))
    return StepFunction(
        pieces=tuple(pieces),
        parties=election.party_names,
        shorts=tuple(p.short for p in election.parties),
        which=which,
        base=base,
        inclusive=inclusive,
        lo=a,
        hi=b,
        critical=tuple(critical),
        system=system,
        seconds=time.perf_counter() - t0,
        colors=tuple(p.color for p in election.parties),
    )


# --------------------------------------------------------------------------- paths
PathKind = Literal["switch", "add", "remove", "invalidate"]


@dataclass(frozen=True, eq=False)
class Path:
    """A one-parameter family of elections ``t -> Election``, ``t`` an integer intensity.

    Built by :func:`switch_path`, :func:`add_path` and :func:`remove_path`.  Calling it with an
    integer array ``t`` of shape ``(n,)`` returns an Election batch ``(n, R, P)``.

    Attributes
    ----------
    election : Election
        The unperturbed election (``t = 0``).
    kind : {"switch", "add", "remove", "invalidate"}
    party : int
        The party gaining (switch, add) or losing (remove, invalidate) votes.
    source : int or None
        The party losing votes in a switch.
    region : int or None
        The only region touched, or ``None``: ``t`` is then split over the regions in
        proportion to the weights (the losing party's votes, or for ``add`` the gaining
        party's votes, or the ballots if it has none), exactly, by largest remainder with
        integer arithmetic (ties to the lowest region index).
    max_t : int or None
        The largest feasible ``t`` (the votes available to move), ``None`` if unbounded.
    """

    election: Election
    kind: PathKind
    party: int
    source: int | None
    region: int | None
    max_t: int | None
    _weights: IntArray = field(repr=False)

    @property
    def name(self) -> str:
        """A label such as ``'t votes switched MCH -> BUT'``."""
        sh = [p.short for p in self.election.parties]
        where = "" if self.region is None else f" in {self.election.regions[self.region].name}"
        if self.kind == "switch":
            assert self.source is not None
            return f"t votes switched {sh[self.source]} -> {sh[self.party]}{where}"
        if self.kind == "add":
            return f"t ballots added for {sh[self.party]}{where}"
        if self.kind == "remove":
            return f"t votes of {sh[self.party]} removed{where}"
        return f"t votes of {sh[self.party]} invalidated{where}"

    def split(self, t: IntArray) -> IntArray:
        """``t`` split over the regions: ``(n, R)`` non-negative integers summing to ``t``."""
        t = np.asarray(t, dtype=np.int64).reshape(-1)
        w = self._weights
        W = int(w.sum())
        n, R = t.size, w.size
        if W == 0:
            raise ElectsimError(f"{self.name}: nothing to move (the weights are all zero)")
        tmax = int(t.max()) if t.size else 0
        if tmax * W >= 2**62:
            raise ElectsimError(f"t={tmax} is too large for an exact split")
        prod = t[:, None] * w[None, :]
        base = prod // W
        rem = prod - base * W
        k = t - base.sum(axis=1)  # 0 <= k < R
        order = np.argsort(-rem, axis=1, kind="stable")
        rank = np.empty_like(order)
        rank[np.arange(n)[:, None], order] = np.arange(R)[None, :]
        return base + (rank < k[:, None])

    def __call__(self, t: Any) -> Election:
        """The elections at intensities ``t`` (array of int, shape ``(n,)``): ``(n, R, P)``."""
        tt = np.asarray(t)
        if tt.ndim != 1 or tt.dtype.kind not in "iu":
            raise ElectsimError("t must be a 1-D array of integers")
        tt = tt.astype(np.int64)
        if tt.size and int(tt.min()) < 0:
            raise ElectsimError(f"t={int(tt.min())} must be non-negative")
        if self.max_t is not None and tt.size and int(tt.max()) > self.max_t:
            raise ElectsimError(
                f"t={int(tt.max())} exceeds the {self.max_t:,} votes available ({self.name})"
            )
        e = self.election
        n, R, P = tt.size, e.n_regions, e.n_parties
        d = self.split(tt)  # (n, R)
        votes = np.broadcast_to(e.votes, (n, R, P)).copy()
        assert e.invalid is not None
        invalid = np.broadcast_to(e.invalid, (n, R))
        if self.kind == "switch":
            assert self.source is not None
            votes[:, :, self.source] -= d
            votes[:, :, self.party] += d
        elif self.kind == "add":
            votes[:, :, self.party] += d
        else:
            votes[:, :, self.party] -= d
            if self.kind == "invalidate":
                invalid = invalid + d
        return Election(
            votes,
            e.against_all,
            invalid,
            e.registered,
            e.parties,
            e.regions,
            e.name,
            e.source,
        )


def _make_path(
    election: Election,
    kind: PathKind,
    party: str | int,
    source: str | int | None,
    region: str | int | None,
) -> Path:
    if not isinstance(election, Election):
        raise ElectsimError(f"election must be an Election, got {type(election).__name__}")
    if election.batch_shape:
        raise ShapeMismatchError("paths are built on one election, not a batch")
    p = election.party_index(party)
    s = None if source is None else election.party_index(source)
    if s is not None and s == p:
        raise ElectsimError("from_party and to_party must differ")
    r = None if region is None else election.region_index(region)
    R = election.n_regions
    loser = s if kind == "switch" else (None if kind == "add" else p)
    col = election.votes[:, p if loser is None else loser].astype(np.int64)
    if kind == "add" and int(col.sum()) == 0:
        col = np.asarray(election.ballots, dtype=np.int64)
    if r is not None:
        w = np.zeros(R, dtype=np.int64)
        w[r] = 1
    else:
        w = col.copy()
    if kind == "add" and int(w.sum()) == 0:  # nothing anywhere: spread evenly
        w = np.ones(R, dtype=np.int64)
    max_t = None if loser is None else int(col[r] if r is not None else col.sum())
    w.setflags(write=False)
    return Path(election, kind, p, s, r, max_t, w)


def switch_path(
    election: Election,
    from_party: str | int,
    to_party: str | int,
    region: str | int | None = None,
) -> Path:
    """``t`` votes switched from ``from_party`` to ``to_party`` (ballots unchanged).

    With ``region=None`` the ``t`` votes are taken from the regions in proportion to
    ``from_party``'s votes there (exact largest remainder).  ``t`` is at most the votes
    available (``Path.max_t``).

    Examples
    --------
    >>> from electsim import Election
    >>> e = Election([[60, 40], [30, 10]], parties="AB", regions=["N", "S"])
    >>> switch_path(e, "A", "B")(np.array([0, 9])).votes.tolist()
    [[[60, 40], [30, 10]], [[54, 46], [27, 13]]]
    """
    return _make_path(election, "switch", to_party, from_party, region)


def add_path(election: Election, party: str | int, region: str | int | None = None) -> Path:
    """``t`` ballots added for ``party`` (ballots, valid and party votes all grow by ``t``).

    With ``region=None`` they are spread over the regions in proportion to the party's votes
    (its ballots if it has none).  Registered voters are unchanged: the election refuses a ``t``
    that would exceed them.

    Examples
    --------
    >>> from electsim import Election
    >>> e = Election([600, 300, 100], parties="ABC")
    >>> add_path(e, "C")(np.array([0, 50])).national_votes.tolist()
    [[600, 300, 100], [600, 300, 150]]
    """
    return _make_path(election, "add", party, None, region)


def remove_path(
    election: Election,
    party: str | int,
    invalidate: bool = False,
    region: str | int | None = None,
) -> Path:
    """``t`` votes of ``party`` removed (ballots shrink) or, with ``invalidate``, made invalid.

    Invalidation keeps the ballots (the ``"ballots"`` base) and lowers the valid votes.  With
    ``region=None`` the votes are taken in proportion to the party's votes per region.

    Examples
    --------
    >>> from electsim import Election
    >>> e = Election([600, 300, 100], parties="ABC")
    >>> e2 = remove_path(e, "A", invalidate=True)(np.array([100]))
    >>> e2.national_votes.tolist(), e2.national_ballots.tolist()
    ([[500, 300, 100]], [1000])
    """
    if not isinstance(invalidate, bool):
        raise ElectsimError(f"invalidate={invalidate!r} must be True or False")
    return _make_path(election, "invalidate" if invalidate else "remove", party, None, region)


@dataclass(frozen=True)
class ChangePoint:
    """The seats change between ``t - 1`` and ``t``.

    Attributes
    ----------
    t : int
        The first intensity with the new seats.
    before, after : tuple of int
        Seats per party at ``t - 1`` and at ``t``.
    """

    t: int
    before: tuple[int, ...]
    after: tuple[int, ...]


@dataclass(frozen=True)
class IntegerStepFunction(HTMLReprMixin):
    """The parliament as an exact step function of an integer intensity (see :func:`path_steps`).

    Attributes
    ----------
    t_min, t_max : int
        The range evaluated (every integer in it).
    initial : tuple of int
        Seats at ``t_min``.
    changes : tuple of ChangePoint
        Every ``t`` in ``(t_min, t_max]`` where the seats differ from those at ``t - 1``.
    parties, shorts : tuple of str
    label : str
        What ``t`` measures (the path's name).
    tied : tuple of int
        Intensities at which the allocation met a tie (resolved by the system's policy).
    evaluated : int
        Elections allocated (``t_max - t_min + 1``).
    seconds : float
        Wall time (descriptive).
    """

    t_min: int
    t_max: int
    initial: tuple[int, ...]
    changes: tuple[ChangePoint, ...]
    parties: tuple[str, ...]
    shorts: tuple[str, ...]
    label: str = ""
    tied: tuple[int, ...] = ()
    evaluated: int = 0
    seconds: float = field(default=0.0, compare=False)
    colors: tuple[str | None, ...] = field(default=(), compare=False, repr=False)

    @property
    def breakpoints(self) -> tuple[int, ...]:
        """The change points ``t`` (first intensity with new seats), increasing."""
        return tuple(c.t for c in self.changes)

    def at(self, t: int) -> tuple[int, ...]:
        """Seats per party at integer ``t`` (exact lookup; no allocation)."""
        if isinstance(t, bool) or not isinstance(t, int | np.integer):
            raise ElectsimError(f"t={t!r} must be an integer")
        if not self.t_min <= int(t) <= self.t_max:
            raise ElectsimError(f"t={t} is outside [{self.t_min}, {self.t_max}]")
        seats = self.initial
        for c in self.changes:
            if c.t > t:
                break
            seats = c.after
        return seats

    def intervals(self) -> list[tuple[int, int, tuple[int, ...]]]:
        """Maximal runs ``(t_first, t_last, seats)`` of constant seats."""
        starts = [self.t_min, *self.breakpoints]
        ends = [c.t - 1 for c in self.changes] + [self.t_max]
        seats = [self.initial, *(c.after for c in self.changes)]
        return list(zip(starts, ends, seats, strict=True))

    def to_records(self) -> list[dict[str, Any]]:
        """One record per run: ``t_first``, ``t_last``, ``seats`` (``{short: seats}``)."""
        return [
            {"t_first": a, "t_last": b, "seats": dict(zip(self.shorts, s, strict=True))}
            for a, b, s in self.intervals()
        ]

    def __str__(self) -> str:
        runs = self.intervals()
        shown = [i for i in range(len(self.shorts)) if any(s[i] for _, _, s in runs)]
        widths = [max(3, len(self.shorts[i])) for i in shown]
        w0 = max(len("t"), *(len(f"{a:,}-{b:,}") for a, b, _ in runs))
        head = f"{'t':<{w0}}  " + " ".join(
            f"{self.shorts[i]:>{w}}" for i, w in zip(shown, widths, strict=True)
        )
        lines = [
            f"Seats along {self.label or 'the path'}, t = {self.t_min:,} to {self.t_max:,}: "
            f"{len(self.changes)} change(s), {self.evaluated:,} elections evaluated",
            head,
            "-" * len(head),
        ]
        for a, b, s in runs:
            lines.append(
                f"{f'{a:,}-{b:,}':<{w0}}  "
                + " ".join(f"{s[i]:>{w}}" for i, w in zip(shown, widths, strict=True))
            )
        if self.tied:
            lines.append(f"ties met at {len(self.tied)} value(s) of t, first t = {self.tied[0]:,}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"IntegerStepFunction({self.label or 'path'!r}, t = {self.t_min:,} to "
            f"{self.t_max:,}: {len(self.changes)} changes, {len(self.parties)} parties)"
        )


def _elections_at(path: Callable[[IntArray], Any], election: Election, t: IntArray) -> Election:
    out = path(t)
    if isinstance(out, Election):
        res = out
    elif hasattr(out, "apply"):  # a Perturbation: apply it (deterministic modes only)
        res = out.apply(election, rng=0).election
    elif hasattr(out, "election"):  # a Perturbed
        res = out.election
    else:
        raise ElectsimError(
            f"path returned {type(out).__name__}; it must return an Election batch, a "
            "Perturbation or a Perturbed"
        )
    if not isinstance(res, Election) or res.batch_shape != (t.size,):
        shape = getattr(res, "batch_shape", None)
        raise ShapeMismatchError(
            f"path(t) with t of shape ({t.size},) must give an Election batch of shape "
            f"({t.size}, R, P); got batch shape {shape}"
        )
    return res


def path_steps(
    election: Election,
    system: ElectoralSystem,
    path: Callable[[IntArray], Any],
    t_max: int,
    *,
    t_min: int = 0,
    chunk: int | None = None,
) -> IntegerStepFunction:
    """The composition as an exact step function of an integer intensity ``t`` along a path.

    Parameters
    ----------
    election : Election
        The unperturbed election (one, not a batch).
    system : ElectoralSystem
    path : callable
        ``path(t)`` with ``t`` an int64 array of shape ``(n,)`` returns the elections at those
        intensities: an Election batch ``(n, R, P)``, or a Perturbation (applied to
        ``election`` with ``rng=0``; use its ``"expected"`` mode so that it is deterministic),
        or a Perturbed.  :func:`switch_path`, :func:`add_path` and :func:`remove_path` build
        the common ones.
    t_max : int
        The largest intensity (inclusive).
    t_min : int
        The smallest (default 0).
    chunk : int, optional
        Intensities per batched :func:`~electsim.allocate` call (default ``65,536``, fewer for
        many regions so a chunk of votes stays under ~64 MB).

    Returns
    -------
    IntegerStepFunction

    Raises
    ------
    TieError
        If a tie occurs at some ``t`` and ``system.tie_break == "raise"`` (choose a policy with
        ``system.replace(tie_break=...)``; ties met are then listed in ``tied``).

    Notes
    -----
    Exhaustive, hence exact for any path however non-monotone: every integer ``t`` in
    ``[t_min, t_max]`` is allocated, in batched chunks, and the change points are the ``t``
    where the seats differ from those at ``t - 1``.  Cost: ``t_max - t_min + 1`` allocations
    (about a microsecond each on national data, a few on ten regions, plus building the
    batches), memory ``O(chunk * R * P)``.  A million intensities take about a second.

    Examples
    --------
    Adding ballots for the fifth list of the five-party example of :func:`threshold_steps`:
    it passes 7 % of ballots once ``136,276 + t >= 0.07 (1,990,753 + t)``, i.e. at
    ``t >= 307,671 / 2,790 = 3,308.3...``, so at ``t = 3,309``:

    >>> from electsim import Election, ElectoralSystem, Threshold
    >>> e = Election([487_685, 475_372, 174_317, 141_940, 136_276], against_all=[543_340],
    ...              invalid=[31_823], parties="ABCDE")
    >>> s = ElectoralSystem(120, "hare", national=Threshold("7%"), cap=65)
    >>> f = path_steps(e, s, add_path(e, "E"), 4_000)
    >>> f.changes[0].t, f.changes[0].before, f.changes[0].after
    (3309, (46, 45, 16, 13, 0), (41, 40, 15, 12, 12))
    """
    t0 = time.perf_counter()
    _check_unbatched(election, system, "path_steps")
    for nm, val in (("t_min", t_min), ("t_max", t_max)):
        if isinstance(val, bool) or not isinstance(val, int | np.integer):
            raise ElectsimError(f"{nm}={val!r} must be an integer")
    t_min, t_max = int(t_min), int(t_max)
    if t_min < 0 or t_max < t_min:
        raise ElectsimError(f"need 0 <= t_min <= t_max; got t_min={t_min}, t_max={t_max}")
    if not callable(path):
        raise ElectsimError("path must be callable: t (int array) -> Election batch")
    cells = election.n_regions * election.n_parties
    if chunk is None:
        chunk = min(65_536, max(1_024, 8_000_000 // cells))
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
        raise ElectsimError(f"chunk={chunk!r} must be a positive integer")

    changes: list[ChangePoint] = []
    tied: list[int] = []
    prev: tuple[int, ...] | None = None
    initial: tuple[int, ...] = ()
    for start in range(t_min, t_max + 1, chunk):
        t = np.arange(start, min(start + chunk, t_max + 1), dtype=np.int64)
        try:
            al = allocate(_elections_at(path, election, t), system)
        except TieError as exc:
            raise TieError(
                f"along the path, the chunk starting at t = {start:,} (election (i,) is "
                f"t = {start:,} + i): {exc}"
            ) from exc
        seats = al.seats
        tied.extend(start + tie.index[0] for tie in al.ties)
        if prev is None:
            initial = tuple(int(x) for x in seats[0])
        else:
            if tuple(int(x) for x in seats[0]) != prev:
                changes.append(ChangePoint(start, prev, tuple(int(x) for x in seats[0])))
        diff = np.flatnonzero((seats[1:] != seats[:-1]).any(axis=1)) + 1
        for i in diff.tolist():
            changes.append(
                ChangePoint(
                    start + i,
                    tuple(int(x) for x in seats[i - 1]),
                    tuple(int(x) for x in seats[i]),
                )
            )
        prev = tuple(int(x) for x in seats[-1])
    label = getattr(path, "name", "") or ""
    return IntegerStepFunction(
        t_min=t_min,
        t_max=t_max,
        initial=initial,
        changes=tuple(changes),
        parties=election.party_names,
        shorts=tuple(p.short for p in election.parties),
        label=str(label),
        tied=tuple(sorted(set(tied))),
        evaluated=t_max - t_min + 1,
        seconds=time.perf_counter() - t0,
        colors=tuple(p.color for p in election.parties),
    )
