r"""Two-tier systems: district seats plus an upper tier that corrects or completes them.

Two models on top of a lower-tier :class:`~electsim.rules.districts.DistrictSystem`:

* :class:`LevellingSystem` -- **compensatory (levelling / adjustment) seats**.  After the
  district seats are allocated, the whole house ``T`` (district + levelling seats) is
  apportioned nationally among the lists that pass a national threshold, by a national method
  (pure Sainte-Laguë in Norway and Sweden).  The seats won in districts by lists that did not
  qualify are taken out of ``T`` first.  A qualified list whose district seats *exceed* its
  national share is removed with its district seats and the national apportionment repeated for
  the others, until no list exceeds its share; each remaining list gets
  ``levelling = national share - district seats`` (>= 0, summing to the levelling seats).
  Levelling seats are then placed in districts (``distribution``):

  - ``"relative_quotient"`` (Norway, Valgloven 2002 § 11-6): every district has a fixed number
    of levelling seats (one per county in Norway).  For each list with levelling seats and each
    district, the list's district votes are divided by its next divisor in the district method
    (``first_divisor`` for a list without a district seat there, else ``2 s + 1``), and that
    quotient by the district's average votes per district seat (its total votes of the
    ``average_base`` divided by its district seats; a district without district seats or
    votes has quotients 0).  The largest such relative quotient over
    all lists and districts wins a levelling seat; a district whose levelling seats are all
    given, and a list that has all its levelling seats, leave the competition; repeat.
  - ``None``: only the party totals (exact); no per-district placement.

* :class:`RemainderSystem` -- **a second scrutiny of leftover votes** (Czech Republic 2021):
  regional seats by a rounded quota, the leftover votes and unfilled seats pooled nationally
  and apportioned by a second rounded quota with largest remainders, then placed back in the
  regions by the largest leftovers.

Both return a :class:`TieredAllocation`; ``.seats`` are national totals.  Exact throughout:
national apportionments by the method's exact kernel, quotients compared exactly (a float
screen with an exact Fraction check of near-ties).

References
----------
Norway: Lov om valg til Stortinget, fylkesting og kommunestyrer (valgloven) 2002, §§ 11-3 to
11-6 (169 seats, one levelling seat per county, 4 % of the votes nationally, modified
Sainte-Laguë with first divisor 1.4 in the districts, pure Sainte-Laguë nationally).
Sweden: Vallag (2005:837) ch. 14 (310 fixed and 39 adjustment seats, 4 % nationally or 12 % in
a constituency, first divisor 1.2 since 2018).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from .._display import HTMLReprMixin
from .._exact import as_count_array, parse_rate
from ..apportion import Method, TieRecord, get_method, resolve_tie
from ..apportion._select import select_top
from ..election import Election, ElectionResult
from ..errors import ElectsimError, ShapeMismatchError, UnknownMethodError
from ..system import Threshold
from .districts import (
    DistrictAllocation,
    DistrictSystem,
    DistrictTie,
    NationalThreshold,
    batch_summary,
    check_seats,
    check_tie_break,
    district_ties,
    frozen,
    national_thresholds,
    normalise_rng,
    passes_national,
    per_district,
    raise_on_ties,
    refuse_candidates,
    replace_rules,
    run_method,
    seat_table,
)
from .qualification import (
    Alternative,
    ByKind,
    DistrictSeats,
    alternative_qualification,
    check_alternatives,
)

__all__ = ["LevellingSystem", "RemainderSystem", "TieredAllocation"]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

Distribution = Literal["relative_quotient"] | None

#: Relative margin of the float screen; closer candidates are compared exactly.
_MARGIN = 1e-9

#: Upper-tier seats placed in districts one at a time (a loop over seats, vectorised over the
#: batch); larger requests are refused before any work (no parliament comes near).
MAX_PLACED_SEATS = 10_000


@dataclass(frozen=True, eq=False)
class TieredAllocation(HTMLReprMixin, ElectionResult):
    """The result of a two-tier system.

    Attributes
    ----------
    election : Election
    system : LevellingSystem or RemainderSystem
    lower : DistrictAllocation
        The lower tier alone.
    upper_seats : int64 ``(*batch, P)``
        Upper-tier seats per list (levelling or second-scrutiny seats).
    seats : int64 ``(*batch, P)``
        National totals: lower + upper.
    upper_district_seats : int64 ``(*batch, D, P)`` or None
        Where the upper-tier seats went (None when the system does not place them).
    district_seats : int64 ``(*batch, D, P)`` or None
        Lower + placed upper seats per district (None without placement).
    qualified : bool ``(*batch, P)``
        Takes part in the upper tier: passed its national threshold or met one of its
        ``alternatives`` (a :class:`RemainderSystem` list eligible in at least one region).
    excluded : bool ``(*batch, P)``
        Qualified but removed from the levelling computation because its district seats
        exceeded its national share.
    unfilled : int64 ``(*batch,)``
        Seats of the house left empty.
    ties : tuple of DistrictTie
        Lower-tier ties and upper-tier ties (``district = -1`` for a national tie).
    """

    election: Election
    system: LevellingSystem | RemainderSystem
    lower: DistrictAllocation
    upper_seats: IntArray
    seats: IntArray
    upper_district_seats: IntArray | None
    district_seats: IntArray | None
    qualified: BoolArray
    excluded: BoolArray
    unfilled: IntArray
    ties: tuple[DistrictTie, ...]

    def to_records(self, index: Any = None) -> list[dict[str, Any]]:
        """One record per list of one election: ``party``, ``votes``, ``qualified``,
        ``excluded``, ``lower``, ``upper``, ``seats`` and (with placement) ``upper_districts``
        (district names of its upper-tier seats, repeated for several)."""
        i = self._one(index)
        e = self.election
        out = []
        for p, party in enumerate(e.parties):
            rec: dict[str, Any] = {
                "party": party.name,
                "votes": int(e.national_votes[i][p]),
                "qualified": bool(self.qualified[i][p]),
                "excluded": bool(self.excluded[i][p]),
                "lower": int(self.lower.seats[i][p]),
                "upper": int(self.upper_seats[i][p]),
                "seats": int(self.seats[i][p]),
            }
            if self.upper_district_seats is not None:
                rec["upper_districts"] = [
                    r.name
                    for d, r in enumerate(e.regions)
                    for _ in range(int(self.upper_district_seats[i][d, p]))
                ]
            out.append(rec)
        return out

    def to_json(self, index: Any = None, **kwargs: Any) -> str:
        """:meth:`to_records` as JSON."""
        return json.dumps(self.to_records(index), ensure_ascii=False, **kwargs)

    def table(self, index: Any = None) -> str:
        """Districts x lists after the upper tier (or lists x tiers without placement)."""
        i = self._one(index)
        e = self.election
        title = f"{e.name or 'Election'}{f' {list(i)}' if i else ''} -- {self.system}"
        kind = "levelling" if isinstance(self.system, LevellingSystem) else "second scrutiny"
        foot = [f"{'':<10}{'lower':>8}{'upper':>8}{'total':>8}  (upper = {kind} seats)"]
        for p, party in enumerate(e.parties):
            if int(self.seats[i][p]) or bool(self.excluded[i][p]):
                mark = "  excluded (district seats above share)" if self.excluded[i][p] else ""
                foot.append(
                    f"{party.short[:10]:<10}{int(self.lower.seats[i][p]):>8}"
                    f"{int(self.upper_seats[i][p]):>8}{int(self.seats[i][p]):>8}{mark}"
                )
        if int(self.unfilled[i]):
            foot.append(f"Unfilled seats: {int(self.unfilled[i])}")
        foot += [str(t) for t in self.ties if t.index == i]
        if self.district_seats is None:
            return "\n".join([title, *foot])
        return seat_table(title, e, self.district_seats[i], None, foot)

    def __str__(self) -> str:
        return self.table() if not self.batch_shape else batch_summary("Two-tier", self)

    def __repr__(self) -> str:
        return f"TieredAllocation(batch_shape={self.batch_shape}, system={str(self.system)!r})"


def _national_ties(
    records: Sequence[TieRecord], rows: IntArray, election: Election, stage: str
) -> list[DistrictTie]:
    """Tie records of a national (one row per election) apportionment as DistrictTies."""
    batch = election.batch_shape
    out = []
    for r in records:
        n = int(rows[r.row])
        index = tuple(int(x) for x in np.unravel_index(n, batch)) if batch else ()
        out.append(
            DistrictTie(
                index,
                -1,
                "(national)",
                r.contenders,
                tuple(election.parties[c].name for c in r.contenders),
                r.n_seats,
                r.winners,
                r.resolution,
                f"{stage}: {r.stage}",
            )
        )
    return out


def _cell_tie(
    election: Election,
    n: int,
    flat: list[int],
    tie_break: str,
    rng: np.random.Generator | None,
    where: str,
    stage: str,
) -> tuple[int, DistrictTie]:
    """Resolve a tie between (district, list) cells ``d * P + p`` of election row ``n``."""
    batch, P = election.batch_shape, election.n_parties
    votes = election.votes.reshape(-1, election.n_regions * P)[n].tolist()
    win, how = resolve_tie(flat, 1, votes, tie_break, rng)
    index = tuple(int(x) for x in np.unravel_index(n, batch)) if batch else ()
    labels = tuple(
        f"{election.parties[c % P].name} in {election.regions[c // P].name}" for c in flat
    )
    return win[0], DistrictTie(index, -1, where, tuple(flat), labels, 1, win, how, stage)


# ----------------------------------------------------------------------------- levelling seats
@dataclass(frozen=True, eq=False)
class LevellingSystem:
    """District seats plus national levelling (compensatory) seats.

    Parameters
    ----------
    lower : DistrictSystem
        The district tier (its magnitudes are the *district* seats, without levelling seats).
    levelling_seats : int, mapping or array ``(D,)``
        The levelling seats: a total, or per district (``{district: n}`` / an array), which
        ``distribution="relative_quotient"`` needs.
    threshold : Threshold, ByKind or sequence of Threshold, optional
        National qualification for levelling seats (Norway, Sweden: ``Threshold("4%",
        base="valid")``), a :class:`~electsim.rules.ByKind` (per kind of list), or one per
        list.  ``None``: every list with votes qualifies.  Decided by the public stage
        :func:`electsim.stages.eligibility`, as ``ElectoralSystem(national=...)``.
    national_method : str or Method
        Apportions the whole house among qualified lists (default ``"sainte_lague"``).
    distribution : {"relative_quotient", None}
        How levelling seats are placed in districts (see the module notes); ``None`` gives
        party totals only.
    first_divisor : Fraction, str or float
        First divisor of the district quotients of ``"relative_quotient"``: 1 (default; pure
        Sainte-Laguë, Norway's rule -- *not* the 1.4 of its district seats); later divisors
        are ``2 s + 1``.
    average_base : {"valid", "party_votes", "ballots"}
        The district total divided by the district seats to get the average votes per seat.
    tie_break : str
        Ties of the national apportionment and of the distribution.
    name, source : str
    alternatives : sequence of Exempt, DistrictShare, DistrictSeats, ...
        Other routes to the **levelling seats** for a list below ``threshold``, with the
        meaning they have in :class:`~electsim.ElectoralSystem` (the tier is national): an
        :class:`~electsim.rules.Exempt` list qualifies; a
        :class:`~electsim.rules.DistrictShare` qualifies a list that reaches the share in at
        least one district; :class:`~electsim.rules.DistrictSeats` ``(k)`` a list that won at
        least ``k`` seats in the lower tier (Austria's *Grundmandat*, ``k = 1``).  This is
        *not* Sweden's 12 % rule, which grants only the fixed seats of that constituency and
        never adjustment seats: write it on the lower tier,
        ``DistrictSystem(..., national_threshold=Threshold("4%", base="valid"),
        alternatives=(DistrictShare("12%", base="valid"),))``, and keep ``threshold`` at 4 %
        here without alternatives.  A list with no votes never qualifies.

    Examples
    --------
    Three lists, two districts of 2 seats by D'Hondt plus 2 levelling seats (1 per district):

    >>> from electsim import Election
    >>> e = Election([[500, 300, 200], [450, 330, 220]], parties="ABC", regions=["N", "S"])
    >>> lv = LevellingSystem(DistrictSystem({"N": 2, "S": 2}, "dhondt"), {"N": 1, "S": 1})
    >>> r = lv.allocate(e)
    >>> r.lower.seats.tolist(), r.upper_seats.tolist(), r.seats.tolist()
    ([2, 2, 0], [1, 0, 1], [3, 2, 1])
    >>> r.upper_district_seats.tolist()     # A's levelling seat in N, C's in S
    [[1, 0, 0], [0, 0, 1]]
    """

    lower: DistrictSystem
    levelling_seats: int | Mapping[str, int] | IntArray
    threshold: NationalThreshold = None
    national_method: Method = "sainte_lague"  # type: ignore[assignment]
    distribution: Distribution = "relative_quotient"
    first_divisor: Fraction = Fraction(1)
    average_base: str = "valid"
    tie_break: str = "raise"
    name: str = ""
    source: str = ""
    alternatives: tuple[Alternative | DistrictSeats, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.lower, DistrictSystem):
            raise ElectsimError(f"lower={self.lower!r} must be a DistrictSystem")
        lv = self.levelling_seats
        if isinstance(lv, Mapping):
            object.__setattr__(
                self,
                "levelling_seats",
                {str(k): check_seats(v, f"levelling_seats[{k!r}]") for k, v in lv.items()},
            )
        elif isinstance(lv, int | np.integer):
            object.__setattr__(self, "levelling_seats", check_seats(lv, "levelling_seats"))
        else:
            arr = as_count_array(lv, "levelling_seats")
            if arr.ndim != 1:
                raise ShapeMismatchError(f"levelling_seats has shape {arr.shape}; expected (D,)")
            object.__setattr__(self, "levelling_seats", arr)
        object.__setattr__(
            self, "threshold", national_thresholds(self.threshold, None, name="threshold")
        )
        object.__setattr__(
            self, "alternatives", check_alternatives(self.alternatives, lower_tier=True)
        )
        object.__setattr__(self, "national_method", get_method(self.national_method))
        if self.distribution not in ("relative_quotient", None):
            raise UnknownMethodError(
                f"distribution={self.distribution!r} is unknown; use 'relative_quotient' or None"
            )
        if self.distribution == "relative_quotient" and isinstance(self.levelling_seats, int):
            raise ElectsimError(
                "distribution='relative_quotient' places levelling seats in districts and needs "
                "them per district: give levelling_seats as {district: n} or an array (D,), or "
                "set distribution=None for party totals only"
            )
        fd = parse_rate(self.first_divisor, "first_divisor", allow_above_one=True)
        if fd <= 0:
            raise ElectsimError(f"first_divisor={self.first_divisor!r} must be positive")
        object.__setattr__(self, "first_divisor", fd)
        if self.average_base not in ("valid", "party_votes", "ballots"):
            raise UnknownMethodError(
                f"average_base={self.average_base!r} is unknown; use 'valid', 'party_votes' "
                "or 'ballots'"
            )
        check_tie_break(self.tie_break)

    def replace(self, **changes: Any) -> LevellingSystem:
        """A variant with some rules changed."""
        return replace_rules(self, changes)

    def describe(self) -> str:
        """One line summarising the rules."""
        n = self.seats - self.lower.seats
        parts = [
            f"districts: {self.lower.describe()}",
            f"+ {n} levelling seats by {self.national_method.name}",
        ]
        if isinstance(self.threshold, Threshold | ByKind):
            parts.append(f"national {self.threshold}")
        elif self.threshold is not None:
            parts.append("national thresholds per list")
        if self.alternatives:
            parts.append("or " + " or ".join(str(a) for a in self.alternatives))
        return "; ".join(parts)

    def __str__(self) -> str:
        return f"{self.name}: {self.describe()}" if self.name else self.describe()

    @property
    def seats(self) -> int:
        """The house size: district seats + levelling seats."""
        lv = self.levelling_seats
        n = lv if isinstance(lv, int) else sum(lv.values()) if isinstance(lv, Mapping) else None
        return self.lower.seats + (int(np.asarray(lv).sum()) if n is None else int(n))

    def _levelling_per_district(self, election: Election) -> IntArray | None:
        lv = self.levelling_seats
        if isinstance(lv, int):
            return None
        if isinstance(lv, Mapping):
            return per_district(lv, election.region_names, "levelling_seats")
        arr = np.asarray(lv)
        if arr.shape != (election.n_regions,):
            raise ShapeMismatchError(
                f"levelling_seats has {arr.shape[0]} entries; the election has "
                f"{election.n_regions} districts"
            )
        return arr

    def allocate(
        self, election: Election, *, rng: int | np.random.Generator | None = None
    ) -> TieredAllocation:
        """District seats, then levelling seats (party totals, and their districts).

        Parameters
        ----------
        election : Election
            Votes ``(*batch, D, P)``.
        rng : None, int or Generator
            For ``tie_break="lot"``.

        Returns
        -------
        TieredAllocation
        """
        if not isinstance(election, Election):
            raise ElectsimError(f"election must be an Election, got {type(election).__name__}")
        gen = normalise_rng(rng, self.tie_break)
        lv_d = self._levelling_per_district(election)
        L = int(lv_d.sum()) if lv_d is not None else int(self.levelling_seats)  # type: ignore[arg-type]
        if self.distribution is not None and L > MAX_PLACED_SEATS:
            raise ElectsimError(
                f"levelling_seats: {L:,} seats to place one at a time is above "
                f"{MAX_PLACED_SEATS:,}; use distribution=None for party totals only"
            )
        low = self.lower.allocate(election, rng=gen)
        batch = election.batch_shape
        N = int(np.prod(batch)) if batch else 1
        D, P = election.n_regions, election.n_parties
        ds = low.seats.reshape(N, P)
        vnat = election.national_votes.reshape(N, P)
        qualified = passes_national(election, self.threshold, "threshold")
        by_votes = [alt for alt in self.alternatives if not isinstance(alt, DistrictSeats)]
        if by_votes:
            qualified = qualified | alternative_qualification(election, by_votes).reshape(N, P)
        for alt in self.alternatives:
            if isinstance(alt, DistrictSeats):  # e.g. Austria's Grundmandat
                qualified = qualified | (ds >= alt.seats)
        qualified = qualified & (vnat > 0)
        T = low.magnitudes.reshape(N, D).sum(axis=1) + L
        S = T - np.where(qualified, 0, ds).sum(axis=1)
        active = qualified.copy()
        share = np.zeros((N, P), dtype=np.int64)
        records: list[DistrictTie] = []
        pending = np.flatnonzero(active.any(axis=1))
        for rnd in range(P + 1):
            if pending.size == 0:
                break
            a, t = run_method(
                vnat[pending],
                S[pending],
                active[pending],
                self.national_method,
                self.tie_break,
                gen,
            )
            records += _national_ties(t, pending, election, f"levelling round {rnd}")
            share[pending] = a
            over = active[pending] & (ds[pending] > a)
            rows = over.any(axis=1)
            if not rows.any():
                break
            again = pending[rows]
            o = over[rows]
            active[again] &= ~o
            S[again] -= np.where(o, ds[again], 0).sum(axis=1)
            pending = again[active[again].any(axis=1)]
            share[again[~active[again].any(axis=1)]] = 0
        excluded = qualified & ~active
        lev = np.where(active, share - ds, 0)
        upper_d: IntArray | None = None
        if self.distribution == "relative_quotient" and lv_d is not None:
            upper_d, dt = _relative_quotient(
                election,
                low.district_seats.reshape(N, D, P),
                low.magnitudes.reshape(N, D),
                lev,
                lv_d,
                self.first_divisor,
                self.average_base,
                self.tie_break,
                gen,
            )
            records += dt
        ties = (*low.ties, *sorted(records, key=lambda t: t.index))
        raise_on_ties(ties, self.tie_break)
        total = ds + lev
        return TieredAllocation(
            election=election,
            system=self,
            lower=low,
            upper_seats=frozen(lev, (*batch, P)),
            seats=frozen(total, (*batch, P)),
            upper_district_seats=None if upper_d is None else frozen(upper_d, (*batch, D, P)),
            district_seats=None
            if upper_d is None
            else frozen(low.district_seats.reshape(N, D, P) + upper_d, (*batch, D, P)),
            qualified=frozen(qualified, (*batch, P)),
            excluded=frozen(excluded, (*batch, P)),
            unfilled=frozen(T - total.sum(axis=1), batch),
            ties=ties,
        )


def _relative_quotient(
    election: Election,
    dseats: IntArray,
    mags: IntArray,
    lev: IntArray,
    lv_d: IntArray,
    first_divisor: Fraction,
    average_base: str,
    tie_break: str,
    rng: np.random.Generator | None,
) -> tuple[IntArray, list[DistrictTie]]:
    """Place levelling seats by the largest relative quotient (Norway), batched.

    Quotient of list ``p`` in district ``d``: ``v_dp / div(s_dp) / (V_d / m_d)`` with
    ``div(0) = first_divisor``, ``div(s) = 2 s + 1``, ``V_d`` the district total, ``m_d`` the
    district seats.  One seat per step to the largest quotient among districts with levelling
    seats left and lists with levelling seats left.  Screened in float64; candidates within a
    relative 1e-9 of the best are compared exactly.
    """
    N, D, P = dseats.shape
    votes = election.votes.reshape(N, D, P)
    V = election.base(average_base, national=False).reshape(N, D)
    cap = np.broadcast_to(lv_d, (N, D)).astype(np.int64).copy()
    need = lev.copy()
    upper = np.zeros((N, D, P), dtype=np.int64)
    fd = float(first_divisor)

    def div_float(s: IntArray) -> NDArray[np.float64]:
        return np.where(s == 0, fd, 2.0 * s + 1.0)

    def exact(n: int, d: int, p: int) -> Fraction:
        if V[n, d] == 0 or mags[n, d] == 0:
            return Fraction(0)
        s = int(dseats[n, d, p] + upper[n, d, p])
        div = first_divisor if s == 0 else Fraction(2 * s + 1)
        return Fraction(int(votes[n, d, p]) * int(mags[n, d]), int(V[n, d])) / div

    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where((V > 0) & (mags > 0), mags / np.maximum(V, 1), 0.0)
    ties: list[DistrictTie] = []
    steps = int(min(need.sum(axis=1).max(initial=0), cap.sum(axis=1).max(initial=0)))
    # quotients once; afterwards only the cell that won a seat changes
    q = votes * scale[:, :, None] / div_float(dseats)
    key = np.where((cap > 0)[:, :, None] & (need > 0)[:, None, :], q, -1.0).reshape(N, D * P)
    for _ in range(steps):
        live = (need.sum(axis=1) > 0) & (cap.sum(axis=1) > 0)
        if not live.any():
            break
        j = np.argmax(key, axis=1)
        thr = np.maximum(key[np.arange(N), j] * (1 - _MARGIN), 0.0)
        multi = np.flatnonzero(live & (np.count_nonzero(key >= thr[:, None], axis=1) > 1))
        for n in multi:  # near-ties: exact comparison, then the tie policy
            cand = [(int(c) // P, int(c) % P) for c in np.flatnonzero(key[n] >= thr[n])]
            vals = {c: exact(int(n), *c) for c in cand}
            top = max(vals.values())
            group = [c for c in cand if vals[c] == top]
            if len(group) == 1:
                j[n] = group[0][0] * P + group[0][1]
                continue
            flat = [d * P + p for d, p in group]
            j[n], tie = _cell_tie(
                election,
                int(n),
                flat,
                tie_break,
                rng,
                "(levelling distribution)",
                "levelling distribution: relative quotient",
            )
            ties.append(tie)
        r, d, p = _award(j, live, upper, cap, need)
        key3 = key.reshape(N, D, P)
        key3[r, d, p] = votes[r, d, p] * scale[r, d] / div_float(dseats[r, d, p] + upper[r, d, p])
        _close(r, d, p, cap, need, key3)
    return upper, ties


def _award(
    j: IntArray, live: BoolArray, upper: IntArray, cap: IntArray, need: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """Give the live rows the seat of their chosen cell ``j = d * P + p`` (in place): one more
    upper seat, one less room in district ``d``, one less seat needed by list ``p``."""
    P = upper.shape[2]
    r = np.flatnonzero(live)
    d, p = j[r] // P, j[r] % P
    upper[r, d, p] += 1
    cap[r, d] -= 1
    need[r, p] -= 1
    return r, d, p


def _close(
    r: IntArray, d: IntArray, p: IntArray, cap: IntArray, need: IntArray, key3: NDArray[Any]
) -> None:
    """Close (key -1) the districts left without room and the lists needing no more seats."""
    full = cap[r, d] == 0
    key3[r[full], d[full], :] = -1
    done = need[r, p] == 0
    key3[r[done], :, p[done]] = -1


# --------------------------------------------------------------------- second scrutiny (Czech)
Rounding = Literal["half_up", "floor"]
Placement = Literal["largest_leftover"] | None


def _rounded_quota(num: IntArray, den: IntArray, rounding: str) -> IntArray:
    """``num / den`` as a whole number: to the nearest, halves up (``"half_up"``), or floored;
    0 where ``den`` is 0 (no seats to allocate)."""
    safe = np.where(den > 0, den, 1)
    out = num // safe if rounding == "floor" else (2 * num + safe) // (2 * safe)
    return np.where(den > 0, out, 0)


@dataclass(frozen=True, eq=False)
class RemainderSystem:
    """Regional quota seats, then a national second scrutiny of the leftover votes.

    Parameters
    ----------
    magnitudes : mapping, array ``(D,)`` or Magnitudes
        Seats per region.
    threshold : Threshold, ByKind or sequence of Threshold, optional
        National threshold a list must pass to take part at all: a
        :class:`~electsim.rules.ByKind` for per-kind thresholds (Czech Republic 2021: 5 % of
        the valid votes for a party, 8 % for a coalition of two, 11 % for a larger one --
        ``ByKind({1: "5%", 2: "8%", 3: "11%"}, base="valid")``), or one Threshold per list.
    regional_offset : int
        Regional quota ``q_r = round(V_r / (S_r + regional_offset))``, ``V_r`` the valid votes
        of the qualifying lists in the region, ``S_r`` its seats; 2 = the Imperiali quota
        (Czech Republic 2021).
    national_offset : int
        National quota ``Q = round(L / (U + national_offset))``, ``L`` the pooled leftover
        votes, ``U`` the seats not filled regionally; 1 in the Czech law.
    rounding : {"half_up", "floor"}
        How both quotas become whole numbers (``"half_up"``: to the nearest, halves up --
        "rounded to a whole number").
    placement : {"largest_leftover", None}
        Where second-scrutiny seats go (see Notes); ``None``: party totals only.
    tie_break : str
    name, source : str
    alternatives : sequence of Exempt, DistrictShare, ...
        Routes to taking part for a list below ``threshold``, with the meaning they have in
        :class:`~electsim.rules.DistrictSystem`: an :class:`~electsim.rules.Exempt` list takes
        part in every region, a :class:`~electsim.rules.DistrictShare` list in the regions
        where it reaches the share (only its votes there count, also as leftovers).

    Notes
    -----
    *Regional scrutiny*: list ``i`` gets ``floor(v_ir / q_r)`` seats and keeps the leftover
    ``v_ir - s_ir q_r``.  If that exceeds ``S_r``, the lists with the smallest leftovers among
    those holding a seat give one back each, in rounds until the region is full (ASSUMPTION:
    the rule of Italian and earlier Czech quota systems).  With the Imperiali quota this is
    common when few lists qualify: the quotients sum to about ``S_r + 2``, so the whole parts
    exceed ``S_r`` whenever the fractional parts sum to less than 2.  A quota of 0 (a region
    with almost no qualifying votes) fills no seat there.
    *Second scrutiny*: list ``i`` gets ``floor(L_i / Q)`` and the seats left go to the largest
    remainders ``L_i - Q floor(L_i / Q)``; over-allocation takes back from the smallest
    remainders among holders; ``Q`` is at least 1.  Seats still left (more seats than lists
    with leftovers) stay unfilled.  Without unfilled seats there is no second scrutiny.
    *Placement* (``"largest_leftover"``, ASSUMPTION on the order): all (list, region) pairs
    are ranked by the list's leftover votes in the region, largest first; going down the
    ranking a pair gets a seat while the list has second-scrutiny seats to place and the
    region has unfilled seats (a pass gives a pair at most one seat; passes repeat if needed).
    Regions thus keep their magnitudes.

    References
    ----------
    Czech Republic: Act No. 247/1995 Coll. on elections to the Parliament, §§ 48-51, as amended
    in 2021 after the Constitutional Court's judgment Pl. ÚS 44/17 (2 February 2021).

    Examples
    --------
    Region 1 (4 seats): quota round(6000 / 6) = 1000, seats 1, 1, 1, 0, leftovers 900, 800,
    700, 600, one seat unfilled; region 2 (2 seats): 1000 again, seats 0, 1, 1, 0.  Pooled
    leftovers 1000, 1750, 1650, 600 for 1 seat: quota round(5000 / 2) = 2500, no whole
    quota, B has the largest remainder; its seat goes to region 1 (the only one with room).

    >>> from electsim import Election
    >>> e = Election([[1900, 1800, 1700, 600], [100, 1950, 1950, 0]], parties="ABCD")
    >>> r = RemainderSystem([4, 2]).allocate(e)
    >>> r.lower.seats.tolist(), r.upper_seats.tolist(), r.seats.tolist()
    ([1, 2, 2, 0], [0, 1, 0, 0], [1, 3, 2, 0])
    >>> r.upper_district_seats.tolist()
    [[0, 1, 0, 0], [0, 0, 0, 0]]
    """

    magnitudes: Any
    threshold: NationalThreshold = None
    regional_offset: int = 2
    national_offset: int = 1
    rounding: Rounding = "half_up"
    placement: Placement = "largest_leftover"
    tie_break: str = "raise"
    name: str = ""
    source: str = ""
    alternatives: tuple[Alternative, ...] = ()

    def __post_init__(self) -> None:
        for key in ("regional_offset", "national_offset"):
            object.__setattr__(self, key, check_seats(getattr(self, key), key))
        if self.rounding not in ("half_up", "floor"):
            raise UnknownMethodError(
                f"rounding={self.rounding!r} is unknown; use 'half_up' or 'floor'"
            )
        if self.placement not in ("largest_leftover", None):
            raise UnknownMethodError(
                f"placement={self.placement!r} is unknown; use 'largest_leftover' or None"
            )
        check_tie_break(self.tie_break)
        # the district tier validates the magnitudes and alternatives (and gives the eligibility)
        lower = DistrictSystem(
            self.magnitudes,
            get_method("hare"),
            national_threshold=national_thresholds(self.threshold, None, name="threshold"),
            tie_break=self.tie_break,
            alternatives=self.alternatives,
        )
        object.__setattr__(self, "magnitudes", lower.magnitudes)
        object.__setattr__(self, "threshold", lower.national_threshold)
        object.__setattr__(self, "alternatives", lower.alternatives)
        object.__setattr__(self, "_lower", lower)

    @property
    def seats(self) -> int:
        """The house size: the sum of the regional magnitudes."""
        return self._lower.seats  # type: ignore[attr-defined]

    def replace(self, **changes: Any) -> RemainderSystem:
        """A variant with some rules changed."""
        return replace_rules(self, changes)

    def describe(self) -> str:
        """One line summarising the rules."""
        lower: DistrictSystem = self._lower  # type: ignore[attr-defined]
        parts = [
            lower.describe().split(", hare")[0],
            f"regional quota V/(S+{self.regional_offset})",
            f"leftovers pooled, quota V/(S+{self.national_offset})",
            f"quotas {self.rounding.replace('_', ' ')}",
        ]
        t = self.threshold
        if isinstance(t, Threshold | ByKind):
            parts.append(f"national {t}")
        elif t is not None:
            parts.append("national thresholds per list")
        if self.alternatives:
            parts.append("or " + " or ".join(str(a) for a in self.alternatives))
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.name}: {self.describe()}" if self.name else self.describe()

    def allocate(
        self, election: Election, *, rng: int | np.random.Generator | None = None
    ) -> TieredAllocation:
        """Regional scrutiny, then the national second scrutiny (batched).

        Returns
        -------
        TieredAllocation
            ``lower`` holds the regional seats; ``upper_seats`` the second-scrutiny seats;
            ``upper_district_seats`` their regions (with ``placement``).
        """
        if not isinstance(election, Election):
            raise ElectsimError(f"election must be an Election, got {type(election).__name__}")
        gen = normalise_rng(rng, self.tie_break)
        refuse_candidates(election, "RemainderSystem")
        national_thresholds(self.threshold, election.n_parties, name="threshold")
        lower: DistrictSystem = self._lower  # type: ignore[attr-defined]
        batch = election.batch_shape
        N = int(np.prod(batch)) if batch else 1
        D, P = election.n_regions, election.n_parties
        mags = np.broadcast_to(lower.resolve_magnitudes(election), (*batch, D)).reshape(N, D)
        if self.placement is not None and N and int(mags.sum(axis=1).max()) > MAX_PLACED_SEATS:
            raise ElectsimError(
                f"magnitudes: {int(mags.sum(axis=1).max()):,} seats is above "
                f"{MAX_PLACED_SEATS:,} for a seat-by-seat placement; use placement=None"
            )
        pass_nat, pass_d, eligible = lower.eligibility(election)
        v = np.where(eligible, election.votes.reshape(N, D, P), 0).astype(np.int64)
        records: list[TieRecord] = []
        # regional scrutiny, on the (N * D, P) stack
        vv = v.reshape(N * D, P)
        S = mags.reshape(N * D).astype(np.int64)
        V = vv.sum(axis=1)
        q = _rounded_quota(V, S + self.regional_offset, self.rounding)
        qs = np.where(q > 0, q, 1)
        seats = np.where((q > 0)[:, None], vv // qs[:, None], 0)
        left = vv - seats * np.where(q > 0, q, 0)[:, None]
        over = seats.sum(axis=1) - S
        while (over > 0).any():  # rounds: each holder gives back at most one seat per round
            rows = np.flatnonzero(over > 0)
            take, t = select_top(
                left[rows].max(axis=1, keepdims=True) - left[rows],
                seats[rows] > 0,
                np.minimum(over[rows], (seats[rows] > 0).sum(axis=1)),
                vv[rows],
                self.tie_break,
                gen,
                "regional over-allocation",
                rows,
                lose=True,
            )
            seats[rows] -= take
            left[rows] += np.where(take, q[rows, None], 0)
            records += t
            over = seats.sum(axis=1) - S
        ties = list(district_ties(records, election, "regional scrutiny: "))
        seats3 = seats.reshape(N, D, P)
        left3 = left.reshape(N, D, P)
        U = mags.sum(axis=1) - seats3.sum(axis=(1, 2))
        # second scrutiny
        L = left3.sum(axis=1)
        Q = np.maximum(_rounded_quota(L.sum(axis=1), U + self.national_offset, self.rounding), 1)
        whole = np.where((U > 0)[:, None], L // Q[:, None], 0)
        rem = L - whole * Q[:, None]
        k = U - whole.sum(axis=1)  # 0 when U = 0: a second scrutiny only with seats to give
        cand = L > 0
        up = whole.copy()
        give = np.flatnonzero(k > 0)
        nat: list[TieRecord] = []
        if give.size:
            kk = np.minimum(k[give], cand[give].sum(axis=1))
            chosen, t = select_top(
                rem[give], cand[give], kk, L[give], self.tie_break, gen, "remainder", give
            )
            up[give] += chosen
            nat += t
        k = U - up.sum(axis=1)
        while (k < 0).any():  # rounds: each holder gives back at most one seat per round
            back = np.flatnonzero(k < 0)
            r_b = rem[back]
            chosen, t = select_top(
                r_b.max(axis=1, keepdims=True) - r_b,
                up[back] > 0,
                np.minimum(-k[back], (up[back] > 0).sum(axis=1)),
                L[back],
                self.tie_break,
                gen,
                "over-allocation",
                back,
                lose=True,
            )
            up[back] -= chosen
            nat += t
            k = U - up.sum(axis=1)
        ties += _national_ties(nat, np.arange(N), election, "second scrutiny")
        upper_d: IntArray | None = None
        if self.placement == "largest_leftover":
            cap = mags - seats3.sum(axis=2)
            upper_d, pt = _place_by_leftover(election, left3, cap, up, self.tie_break, gen)
            ties += pt
        ties_t = tuple(sorted(ties, key=lambda t: t.index))
        raise_on_ties(ties_t, self.tie_break)
        low_seats = seats3.sum(axis=1)
        d_unfilled = mags - seats3.sum(axis=2)
        low = DistrictAllocation(
            election=election,
            system=lower,
            district_seats=frozen(seats3, (*batch, D, P)),
            seats=frozen(low_seats, (*batch, P)),
            magnitudes=frozen(mags, (*batch, D)),
            passes_national=frozen(pass_nat, (*batch, P)),
            passes_district=frozen(pass_d, (*batch, D, P)),
            eligible=frozen(eligible, (*batch, D, P)),
            district_unfilled=frozen(d_unfilled, (*batch, D)),
            unfilled=frozen(d_unfilled.sum(axis=1), batch),
            ties=tuple(t for t in ties_t if t.stage.startswith("regional")),
        )
        total = low_seats + up
        return TieredAllocation(
            election=election,
            system=self,
            lower=low,
            upper_seats=frozen(up, (*batch, P)),
            seats=frozen(total, (*batch, P)),
            upper_district_seats=None if upper_d is None else frozen(upper_d, (*batch, D, P)),
            district_seats=None if upper_d is None else frozen(seats3 + upper_d, (*batch, D, P)),
            qualified=frozen(pass_nat | eligible.any(axis=1), (*batch, P)),
            excluded=frozen(np.zeros((N, P), dtype=bool), (*batch, P)),
            unfilled=frozen(mags.sum(axis=1) - total.sum(axis=1), batch),
            ties=ties_t,
        )


def _place_by_leftover(
    election: Election,
    left: IntArray,
    cap: IntArray,
    need: IntArray,
    tie_break: str,
    rng: np.random.Generator | None,
) -> tuple[IntArray, list[DistrictTie]]:
    """Second-scrutiny seats to regions by largest leftover votes (exact integers), batched.

    Going down the ranking of (region, list) leftovers is the same as repeatedly taking the
    largest leftover among pairs still open (list needs a seat, region has room, pair unused
    in this pass), because openness only ever shrinks within a pass.
    """
    N, D, P = left.shape
    cap = cap.copy()
    need = need.copy()
    upper = np.zeros((N, D, P), dtype=np.int64)
    ties: list[DistrictTie] = []

    def open_key(rows: IntArray) -> NDArray[np.int64]:
        """Leftovers of the open pairs of ``rows`` (a new pass: no pair used), else -1."""
        ok = (cap[rows] > 0)[:, :, None] & (need[rows] > 0)[:, None, :]
        return np.where(ok, left[rows], -1).reshape(rows.size, D * P)

    # the pairs still open in the current pass, -1 when closed; updated cell by cell
    key = open_key(np.arange(N))
    key3 = key.reshape(N, D, P)
    for _ in range(int(need.sum(axis=1).max(initial=0)) * 2 + D * P):
        live = (need.sum(axis=1) > 0) & (cap.sum(axis=1) > 0)
        if not live.any():
            break
        j = np.argmax(key, axis=1)
        best = key[np.arange(N), j]
        reset = np.flatnonzero(live & (best < 0))
        if reset.size:  # every open pair was used in this pass: a new pass
            key[reset] = open_key(reset)
            j[reset] = np.argmax(key[reset], axis=1)
            best[reset] = key[reset, j[reset]]
        tied = np.flatnonzero(live & (np.count_nonzero(key == best[:, None], axis=1) > 1))
        for n in tied:
            flat = np.flatnonzero(key[n] == best[n]).tolist()
            j[n], tie = _cell_tie(
                election,
                int(n),
                flat,
                tie_break,
                rng,
                "(second-scrutiny placement)",
                "second-scrutiny placement: largest leftover",
            )
            ties.append(tie)
        r, d, p = _award(j, live, upper, cap, need)
        key3[r, d, p] = -1  # used in this pass
        _close(r, d, p, cap, need, key3)
    return upper, ties
