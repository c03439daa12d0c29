r"""Public allocation stages: who is eligible, then one apportionment with caps and ties.

:func:`electsim.allocate` is the composition of two public stages, both exact and batched over
leading axes (no Python loop over elections):

1. :func:`eligibility` -- the thresholds of an :class:`~electsim.ElectoralSystem`: the national
   test on national votes, the regional test in every region with ``in_regional_threshold``,
   with the reasons (which test, which regions) in an :class:`Eligibility`;
2. :func:`apportion` -- one apportionment among eligible parties by a method, with per-party
   seat caps (a party above its cap keeps the cap and the seats go on to the others, by the same
   method, until nobody exceeds a cap) and a tie policy; the result is an
   :class:`Apportionment` whose ties carry the cap round in which they were met.

``allocate(election, system)`` is ``eligibility(election, system)`` followed by
``apportion(votes, system.seats, eligible, system.method, cap=..., tie_break=..., rng=...)``.
Rule books other than a single national list tier (districts, tiers, mixed systems) implement
:class:`SupportsAllocate`, and ``electsim.allocate(election, rulebook)`` dispatches to them; they
compose the same two stages.

.. note::
   The function :func:`apportion` is reached as ``electsim.stages.apportion``: the name
   ``electsim.apportion`` is the subpackage of apportionment methods.  The other names here are
   also exported at the top level (``electsim.eligibility``, ``electsim.Eligibility``,
   ``electsim.Apportionment``, ``electsim.SupportsAllocate``).

Examples
--------
>>> import electsim as es
>>> from electsim.stages import apportion, eligibility
>>> e = es.Election([487_685, 475_372, 174_317, 141_940, 136_276], against_all=[543_340],
...                 invalid=[31_823], parties="ABCDE")
>>> s = es.ElectoralSystem(120, "hare", national=es.Threshold("7%"))
>>> el = eligibility(e, s)
>>> el.eligible.tolist(), int(el.national_need)
([True, True, True, True, False], 139353)
>>> apportion(el.votes, 120, el.eligible, "hare").seats.tolist()
[46, 45, 16, 13, 0]

Per-party caps (e.g. the number of candidates on each list): B's third seat goes on to the
others (Hare among A and C for the 8 seats left: 5.71 and 2.29).

>>> apportion([500, 300, 200], 10, method="hare", cap=[9, 2, 9]).seats.tolist()
[6, 2, 2]
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol, TypeVar, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._display import HTMLReprMixin
from ._exact import as_count_array, parse_rate, votes_needed
from ._rng import LotRng, RngLike, normalise_rng
from .apportion import TIE_POLICIES, Method, TieRecord, get_method
from .apportion._base import MAX_KERNEL_SEATS
from .election import Election, ReadOnlyArrays
from .errors import (
    ElectsimError,
    ElectsimWarning,
    MissingDataError,
    ShapeMismatchError,
    TieError,
    UnknownMethodError,
    UnseededLotWarning,
)
from .rules.qualification import ByKind, alternative_qualification, threshold_need
from .system import ElectoralSystem

__all__ = [
    "RATE_DENOMINATOR",
    "Apportionment",
    "Eligibility",
    "SupportsAllocate",
    "apportion",
    "eligibility",
]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Float rates given per element (``national_rate=``) are quantised to multiples of
#: ``1 / RATE_DENOMINATOR`` (round half to even): a rate moves by at most ``5e-7``.
RATE_DENOMINATOR = 10**6

_INT64_SAFE = 2**62

_R_co = TypeVar("_R_co", covariant=True)


class _AllocatesTo(Protocol[_R_co]):
    """:class:`SupportsAllocate` with the type of its result, for the typing of
    :func:`electsim.allocate` only (``allocate(e, book)`` has the type ``book.allocate``
    returns); private, so the documentation shows no type variable."""

    @property
    def seats(self) -> int: ...

    def allocate(self, election: Any, *, rng: RngLike = None) -> _R_co: ...


@runtime_checkable
class SupportsAllocate(Protocol):
    """A rule book :func:`electsim.allocate` can run: ``allocate(election, rulebook)`` calls
    ``rulebook.allocate(election, rng=rng)``.

    The result should offer what every electsim result offers: ``.seats`` (national seat totals
    per party ``(*batch, P)``, read-only int64), ``.election``, ``.system``, ``.ties``,
    ``.unfilled`` ``(*batch,)``, a readable ``str()`` and ``to_records()``.

    Attributes
    ----------
    seats : int
        The size of the house.
    """

    @property
    def seats(self) -> int: ...

    def allocate(self, election: Any, *, rng: RngLike = None) -> Any:
        """Run the rule book on ``election`` (``rng``: ``None``, an int seed or a Generator)."""
        ...


def _names(names: Sequence[str]) -> tuple[list[str], int]:
    """Names cut to 30 characters for tables, and the column width."""
    short = [n if len(n) <= 30 else n[:29] + "…" for n in names]
    return short, max(12, *(len(n) for n in short))


def _frozen(a: NDArray[Any]) -> NDArray[Any]:
    if a.flags.writeable:
        a.setflags(write=False)
    return a


# ============================================================================= eligibility
@dataclass(frozen=True, eq=False)
class Eligibility(HTMLReprMixin, ReadOnlyArrays):
    """Who passes which threshold: the result of :func:`eligibility`.

    All arrays are read-only and have the batch shape in front (the election's, broadcast with
    the shape of ``national_rate`` when one is given).

    Attributes
    ----------
    parties : tuple of str
        Party names, in column order.
    regions : tuple of str
        Region names, in row order of ``failed_regions``.
    votes : int64 array ``(*batch, P)``
        National party votes (what the method apportions).
    passes_national : bool array ``(*batch, P)``
        Passed the national threshold (all True without one).
    passes_regional : bool array ``(*batch, P)``
        Passed the threshold in every region of the regional test (all True without one).
    failed_regions : bool array ``(*batch, R, P)``
        ``True`` where a party failed the regional threshold in that region.
    eligible : bool array ``(*batch, P)``
        ``passes_national & passes_regional``, or any of ``system.alternatives``
        (:mod:`electsim.rules.qualification`) (a party with zero votes can be eligible; it gets
        no seat).
    national_base : int64 array ``(*batch,)`` or None
        The national threshold's base count (None without a national threshold).
    national_need : int64 array ``(*batch,)`` or None
        The fewest votes that pass the national threshold, exactly:
        :math:`\\lceil t B \\rceil` (inclusive) or :math:`\\lfloor t B \\rfloor + 1` (strict);
        None for a :class:`~electsim.rules.ByKind` threshold (one need per kind of list:
        :meth:`~electsim.rules.ByKind.needed`).
    regional_skipped : bool
        A regional threshold was set but skipped (``missing_regions="skip"`` on national data).
    """

    parties: tuple[str, ...]
    regions: tuple[str, ...]
    votes: IntArray
    passes_national: BoolArray
    passes_regional: BoolArray
    failed_regions: BoolArray
    eligible: BoolArray
    national_base: IntArray | None
    national_need: IntArray | None
    regional_skipped: bool

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """Leading batch dimensions."""
        return tuple(self.eligible.shape[:-1])

    def __str__(self) -> str:
        shape = self.batch_shape
        n = int(np.prod(shape)) if shape else 1
        names, width = _names(self.parties)
        if not shape:
            lines = [
                f"{'Party':<{width}}  {'Votes':>11}  {'national':<8}  {'regional':<22}  eligible"
            ]
            for p, name in enumerate(names):
                fails = [self.regions[r] for r in np.flatnonzero(self.failed_regions[:, p])]
                reg = "yes" if not fails else f"no: {', '.join(fails)}"
                if len(reg) > 22:
                    reg = f"no: {len(fails)} regions"
                lines.append(
                    f"{name:<{width}}  {int(self.votes[p]):>11,}  "
                    f"{'yes' if self.passes_national[p] else 'no':<8}  {reg:<22}  "
                    f"{'yes' if self.eligible[p] else 'no'}"
                )
            if self.national_need is not None and self.national_base is not None:
                lines.append(
                    f"national threshold: {int(self.national_need):,} votes needed "
                    f"(base {int(self.national_base):,})"
                )
        else:
            lines = [f"Eligibility of {n} elections (batch shape {shape})"]
            if n == 0:
                return "\n".join([*lines, "(empty batch)"])
            nat = self.passes_national.reshape(n, -1)
            regs = self.passes_regional.reshape(n, -1)
            elig = self.eligible.reshape(n, -1)
            lines.append(
                f"{'Party':<{width}}  {'P(national)':>11}  {'P(regional)':>11}  {'P(eligible)':>11}"
            )
            for p, name in enumerate(names):
                lines.append(
                    f"{name:<{width}}  {nat[:, p].mean():>11.3f}  {regs[:, p].mean():>11.3f}  "
                    f"{elig[:, p].mean():>11.3f}"
                )
        if self.regional_skipped:
            lines.append("regional threshold SKIPPED: the election has no regional breakdown")
        return "\n".join(lines)


def _rate_array(rates: Any, denominator: int) -> tuple[NDArray[Any], NDArray[Any]]:
    """Per-element rates as exact ``(numerators, denominators)`` arrays of the same shape.

    Float arrays are quantised to ``round(r * denominator) / denominator`` (round half to
    even); ``Fraction`` / ``Decimal`` / ``str`` / int elements are parsed exactly by
    :func:`electsim._exact.parse_rate`.  int64 arrays when the values fit, else object arrays.
    """
    if isinstance(denominator, bool) or not isinstance(denominator, int) or denominator < 1:
        raise ElectsimError(f"denominator={denominator!r} must be a positive int (e.g. 10**6)")
    if isinstance(rates, Fraction | Decimal | str):
        arr = np.empty((), dtype=object)
        arr[()] = rates
    else:
        try:
            arr = np.asarray(rates)
        except (TypeError, ValueError) as exc:
            raise ElectsimError(f"national_rate could not be read as an array: {exc}") from exc
    if arr.dtype == bool:
        raise ElectsimError("national_rate is boolean; give rates in [0, 1]")
    if arr.dtype.kind == "f":
        r = arr.astype(np.float64)
        if not np.all(np.isfinite(r)) or (r.size and (r.min() < 0 or r.max() > 1)):
            raise ElectsimError("national_rate: the rates must be finite and in [0, 1]")
        if denominator >= 2**52:
            raise ElectsimError(f"denominator={denominator} must stay below 2**52")
        num = np.asarray(np.rint(r * denominator), dtype=np.int64)
        return num, np.full(num.shape, denominator, dtype=np.int64)
    if arr.dtype.kind in "iuOUS":
        flat = [
            parse_rate(x.item() if isinstance(x, np.generic) else x, "national_rate")
            for x in arr.ravel()
        ]
        nums = np.array([f.numerator for f in flat] or [0], dtype=object)[: len(flat)]
        dens = np.array([f.denominator for f in flat] or [1], dtype=object)[: len(flat)]
        if not flat or max(max(nums), max(dens)) < _INT64_SAFE:
            return (
                nums.astype(np.int64).reshape(arr.shape),
                dens.astype(np.int64).reshape(arr.shape),
            )
        return nums.reshape(arr.shape), dens.reshape(arr.shape)
    raise ElectsimError(f"national_rate has dtype {arr.dtype}; give rates (floats, Fractions, str)")


def _need_per_element(
    base: IntArray, num: NDArray[Any], den: NDArray[Any], inclusive: bool
) -> IntArray:
    """``ceil(num * base / den)`` (inclusive) or ``floor(num * base / den) + 1``, exactly."""
    if base.size == 0:
        return np.zeros(base.shape, dtype=np.int64)
    small = num.dtype == np.int64 and den.dtype == np.int64
    if small and int(base.max()) * int(num.max()) + int(den.max()) < _INT64_SAFE:
        prod = base * num
        out = -((-prod) // den) if inclusive else prod // den + 1
        return np.asarray(out, dtype=np.int64)
    prod_o = base.astype(object) * num.astype(object)
    den_o = den.astype(object)
    out_o = -((-prod_o) // den_o) if inclusive else prod_o // den_o + 1
    return np.asarray(np.asarray(out_o, dtype=object).astype(np.int64), dtype=np.int64)


def eligibility(
    election: Election,
    system: ElectoralSystem,
    *,
    national_rate: ArrayLike | None = None,
    rate_denominator: int = RATE_DENOMINATOR,
) -> Eligibility:
    r"""The threshold stage: which parties pass the national and regional tests, and why.

    Vectorised over the batch: (1) the national threshold on national votes, :math:`v_p \ge
    \lceil t B \rceil` with :math:`B` the base count (or :math:`v_p > \lfloor t B \rfloor` when
    strict), in integer arithmetic; (2) the regional threshold in every region with
    ``in_regional_threshold``, the same test on regional votes and bases -- or, with
    ``Threshold(..., base_scope="national")``, on regional votes against one need per election,
    :math:`\lceil t B \rceil` of the *national* base :math:`B` (the sum of the regional bases
    over all regions), the same number of votes in every region of the test.

    Parameters
    ----------
    election : Election
        Votes ``(*batch, R, P)``.
    system : ElectoralSystem
        Its ``national``, ``regional`` and ``missing_regions`` are used.
    national_rate : array_like, optional
        One national rate per batch element (shape broadcastable with the election's batch
        shape; the result has the broadcast batch shape), replacing ``system.national.rate``
        (the base and inclusiveness are kept; ``system`` must have a national threshold).
        ``Fraction``, ``Decimal``, ``str`` (``"7%"``) and int elements are exact; a float array is
        quantised to multiples of ``1 / rate_denominator`` (round half to even; with the default
        :math:`10^{-6}` a rate moves by at most :math:`5 \cdot 10^{-7}`, one vote per two
        million of base).
    rate_denominator : int, default :data:`RATE_DENOMINATOR` (``10**6``)
        The quantisation of float rates.

    Returns
    -------
    Eligibility

    Raises
    ------
    MissingDataError
        A regional threshold on an election without regions in the regional test (unless
        ``system.missing_regions == "skip"``: then an :class:`~electsim.ElectsimWarning` and
        ``regional_skipped``), or a ``"registered"`` base without registered voters.
    ShapeMismatchError
        ``national_rate`` does not broadcast with the batch shape.

    Examples
    --------
    Mekenchil's 136,276 of 1,990,753 ballots pass 6.8 % (135,372 needed) but not 7 % (139,353):

    >>> import electsim as es
    >>> e = es.Election([487_685, 475_372, 174_317, 141_940, 136_276], against_all=[543_340],
    ...                 invalid=[31_823], parties="ABCDE")
    >>> s = es.ElectoralSystem(120, "hare", national=es.Threshold("7%"))
    >>> el = eligibility(e, s, national_rate=["7%", "6.8%"])
    >>> el.national_need.tolist(), el.eligible[:, 4].tolist()
    ([139353, 135372], [False, True])
    """
    return _eligibility(election, system, national_rate, rate_denominator, stacklevel=3)


#: Bytes of votes per block of the single pass over the vote tensor in :func:`eligibility`
#: (blocks stay in cache while the national sums, the regional sums and the regional test read
#: them; memory tiling, not a loop over elections: the results do not depend on it).
_BLOCK_BYTES = 1 << 23


def _vote_pass(
    election: Election,
    base_kind: str | None,
    need_of: Callable[[IntArray], IntArray] | None,
) -> tuple[IntArray, IntArray, BoolArray, BoolArray]:
    """One pass over the votes ``(N, R, P)``, block by block: national votes ``(N, P)``, party
    votes per region ``(N, R)``, failed regional tests ``(N, R, P)`` and passes ``(N, P)``.

    ``need_of`` maps a block's regional bases ``(n, R)`` to the votes needed, broadcastable to
    ``(n, R, P)`` (0 in regions outside the test); ``None`` = no regional test.
    """
    batch = election.batch_shape
    N = int(np.prod(batch)) if batch else 1
    R, P = election.n_regions, election.n_parties
    votes = election.votes.reshape(N, R, P)
    vnat = np.empty((N, P), dtype=np.int64)
    party_r = np.empty((N, R), dtype=np.int64)
    failed = np.zeros((N, R, P), dtype=bool)
    pass_reg = np.ones((N, P), dtype=bool)
    offset: IntArray | None = None
    if need_of is not None and base_kind is not None:
        # base = party votes of the region + what the base adds (against all, invalid), or the
        # registered voters (independent of the votes)
        zeros = np.zeros((*batch, R), dtype=np.int64)
        offset = election.base(base_kind, national=False, party_total=zeros).reshape(N, R)
    rows = max(1, _BLOCK_BYTES // (8 * R * P))
    for lo in range(0, N, rows):
        hi = min(lo + rows, N)
        vb = votes[lo:hi]
        np.einsum("nrp->np", vb, out=vnat[lo:hi])  # einsum: faster than sum on a short axis
        pr = np.einsum("nrp->nr", vb, out=party_r[lo:hi])
        if need_of is None or offset is None:
            continue
        base_r = offset[lo:hi] if base_kind == "registered" else pr + offset[lo:hi]
        fb = np.less(vb, need_of(base_r), out=failed[lo:hi])
        if R < 256:  # count failed regions in uint8 (fast); any() on the region axis is slow
            pass_reg[lo:hi] = np.einsum("nrp->np", fb.view(np.uint8)) == 0
        else:
            pass_reg[lo:hi] = ~fb.any(axis=1)
    return vnat, party_r, failed, pass_reg


def _eligibility(
    election: Election,
    system: ElectoralSystem,
    national_rate: ArrayLike | None,
    rate_denominator: int,
    stacklevel: int,
) -> Eligibility:
    if not isinstance(election, Election):
        raise ElectsimError(f"election must be an Election, got {type(election).__name__}")
    if not isinstance(system, ElectoralSystem):
        raise ElectsimError(f"system must be an ElectoralSystem, got {type(system).__name__}")
    rates: tuple[NDArray[Any], NDArray[Any]] | None = None
    batch = election.batch_shape
    out_batch = batch
    if national_rate is not None:
        if system.national is None:
            raise ElectsimError(
                "national_rate needs a system with a national threshold (its base and "
                "inclusiveness are kept; its rate is replaced by each element's rate)"
            )
        if isinstance(system.national, ByKind):
            raise ElectsimError("national_rate replaces one rate; the system has a ByKind")
        rates = _rate_array(national_rate, rate_denominator)
        try:
            out_batch = tuple(np.broadcast_shapes(batch, rates[0].shape))
        except ValueError as exc:
            raise ShapeMismatchError(
                f"national_rate has shape {rates[0].shape}; it must broadcast with the "
                f"election's batch shape {batch}"
            ) from exc
    N = int(np.prod(batch)) if batch else 1
    R, P = election.n_regions, election.n_parties
    flagged = np.array([r.in_regional_threshold for r in election.regions], dtype=bool)
    regional = system.regional
    regional_skipped = False
    if regional is not None and not flagged.any():
        msg = (
            "the system has a regional threshold but the election has no region in the "
            "regional test (national-only data)"
        )
        if system.missing_regions == "raise":
            raise MissingDataError(
                msg + "; use regional data, drop the rule with system.replace(regional=None)"
                ", or set missing_regions='skip' to skip it with a flag"
            )
        warnings.warn(
            msg + "; the regional threshold was SKIPPED", ElectsimWarning, stacklevel=stacklevel
        )
        regional_skipped = True
        regional = None
    need_of: Callable[[IntArray], IntArray] | None = None
    if regional is not None:
        t_reg = regional

        def need_of(base_r: IntArray) -> IntArray:
            if t_reg.base_scope == "national":
                # one need per election, rate of the national base (the sum of the regional
                # bases over all regions), broadcast over the regions of the test
                base_n = base_r.sum(axis=1)
                if isinstance(t_reg, ByKind):
                    need_p = threshold_need(t_reg, base_n, election.parties)  # (n, P)
                    return np.where(flagged[None, :, None], need_p[:, None, :], 0)
                need_n = votes_needed(base_n, t_reg.rate, t_reg.inclusive)
                return np.where(flagged[None, :], need_n[:, None], 0)[:, :, None]
            if isinstance(t_reg, ByKind):  # rules: one rate per kind of list
                need_rp = threshold_need(t_reg, base_r, election.parties)
                need_rp[:, ~flagged] = 0
                return need_rp
            need_r = votes_needed(base_r, t_reg.rate, t_reg.inclusive)
            need_r[:, ~flagged] = 0  # units outside the regional test: nothing needed
            return need_r[:, :, None]

    base_kind = None if regional is None else regional.base
    vnat, party_r, failed, pass_reg = _vote_pass(election, base_kind, need_of)
    party_r = party_r.reshape((*batch, R))

    national_base: IntArray | None = None
    need: IntArray | None = None
    if system.national is not None:
        t = system.national
        national_base = election.base(t.base, party_total=party_r).reshape(N)
        if isinstance(t, ByKind):  # rules: one rate per kind of list (no national_rate)
            pass_nat = vnat >= threshold_need(t, national_base, election.parties)
        elif rates is None:
            need = votes_needed(national_base, t.rate, t.inclusive)
            pass_nat = vnat >= need[:, None]
        else:
            base_b = np.broadcast_to(national_base.reshape(batch), out_batch)
            num = np.broadcast_to(rates[0], out_batch)
            den = np.broadcast_to(rates[1], out_batch)
            need = _need_per_element(base_b, num, den, t.inclusive)
            pass_nat = (
                np.broadcast_to(vnat.reshape((*batch, P)), (*out_batch, P)) >= need[..., None]
            )
    else:
        pass_nat = np.ones((N, P), dtype=bool)

    def shape(a: NDArray[Any], *tail: int) -> NDArray[Any]:
        out = a.reshape((*batch, *tail))
        if out_batch != batch:
            out = np.broadcast_to(out, (*out_batch, *tail))
        return _frozen(out)

    if system.alternatives:  # rules: alternative qualification (DistrictShare, Exempt)
        alt = alternative_qualification(election, system.alternatives, party_total=party_r)
        alt_pass = alt.reshape(N, P)
    if rates is None:
        pass_nat_b = shape(pass_nat, P)
        eligible = shape(pass_nat & pass_reg, P)
        if system.alternatives:
            eligible = _frozen(eligible | shape(alt_pass, P))
    else:
        pass_nat_b = _frozen(np.ascontiguousarray(pass_nat))
        eligible = _frozen(pass_nat_b & shape(pass_reg, P))
        if system.alternatives:
            eligible = _frozen(eligible | shape(alt_pass, P))
    return Eligibility(
        parties=election.party_names,
        regions=election.region_names,
        votes=shape(vnat, P),
        passes_national=pass_nat_b,
        passes_regional=shape(pass_reg, P),
        failed_regions=shape(failed, R, P),
        eligible=eligible,
        national_base=None if national_base is None else shape(national_base),
        national_need=(
            None
            if need is None
            else (shape(need) if rates is None else _frozen(np.asarray(need, dtype=np.int64)))
        ),
        regional_skipped=regional_skipped,
    )


# ============================================================================= apportionment
@dataclass(frozen=True, eq=False)
class Apportionment(HTMLReprMixin, ReadOnlyArrays):
    """The result of :func:`apportion`: seats, caps, unfilled seats and ties.

    All arrays are read-only with the batch shape of ``votes`` in front.

    Attributes
    ----------
    seats : int64 array ``(*batch, P)``
    capped : bool array ``(*batch, P)``
        Held to its cap (it would have exceeded it).
    unfilled : int64 array ``(*batch,)``
        Seats left empty: nobody eligible, all eligible votes zero, or every eligible party
        capped.
    ties : tuple of TieRecord
        Every tie met, sorted by ``row`` (the flat index in the batch: ``np.unravel_index(row,
        batch_shape)``), each with its cap ``round``.
    final_active : bool array ``(*batch, P)``
        The parties of the last round of the method (eligible and not capped).
    final_seats : int64 array ``(*batch,)``
        The seats allocated in that last round (house size minus the capped parties' seats).
    method : Method
        The method used.
    parties : tuple of str
        Party names (column numbers unless ``parties=`` was given).
    lot_seed : int or None
        The seed drawn when ``tie_break="lot"`` drew lots without an ``rng``.
    """

    seats: IntArray
    capped: BoolArray
    unfilled: IntArray
    ties: tuple[TieRecord, ...]
    final_active: BoolArray
    final_seats: IntArray
    method: Method
    parties: tuple[str, ...] = ()
    lot_seed: int | None = None

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """Leading batch dimensions."""
        return tuple(self.seats.shape[:-1])

    def describe_tie(self, tie: TieRecord) -> str:
        """One tie in words: where (batch index, cap round, stage), among whom, who won."""
        at = ""
        if self.batch_shape:
            idx = np.unravel_index(tie.row, self.batch_shape)
            at = f" in election {tuple(int(i) for i in idx)}"
        where = f"round {tie.round}: {tie.stage}" if tie.round else tie.stage
        among = ", ".join(self.parties[c] for c in tie.contenders)
        won = ", ".join(self.parties[w] for w in tie.winners)
        return (
            f"tie{at} ({where}): {tie.n_seats} seat(s) among {among}; given to {won} by "
            f"{tie.resolution}"
        )

    def __str__(self) -> str:
        shape = self.batch_shape
        n = int(np.prod(shape)) if shape else 1
        head = f"Apportionment by {self.method.name} of {n} election(s) (batch shape {shape})"
        if n == 0:
            return head + "\n(empty batch)"
        seats = self.seats.reshape(n, -1)
        capped = self.capped.reshape(n, -1)
        names, width = _names(self.parties)
        if shape:
            lines = [head, f"{'Party':<{width}}  {'mean seats':>10}  {'P(capped)':>9}"]
            for p, name in enumerate(names):
                lines.append(
                    f"{name:<{width}}  {seats[:, p].mean():>10.2f}  {capped[:, p].mean():>9.3f}"
                )
        else:
            lines = [head, f"{'Party':<{width}}  {'Seats':>5}  capped"]
            for p, name in enumerate(names):
                lines.append(f"{name:<{width}}  {seats[0, p]:>5}  {'yes' if capped[0, p] else ''}")
        lines.append(
            f"ties: {len(self.ties)}; elections with unfilled seats: "
            f"{int((self.unfilled > 0).sum())}"
        )
        for t in self.ties[:5]:
            lines.append("  " + self.describe_tie(t))
        if len(self.ties) > 5:
            lines.append(f"  ... and {len(self.ties) - 5} more")
        return "\n".join(lines)


def _party_names(parties: Sequence[str] | None, P: int) -> tuple[str, ...]:
    if parties is None:
        return tuple(str(p) for p in range(P))
    if isinstance(parties, str):
        parties = list(parties)
    names = tuple(str(p) for p in parties)
    if len(names) != P:
        raise ShapeMismatchError(f"parties has {len(names)} names for {P} party columns")
    return names


def _check_votes(votes: ArrayLike) -> IntArray:
    v = as_count_array(votes, "votes")
    if v.ndim == 0:
        raise ShapeMismatchError("votes must have a party axis: shape (*batch, P)")
    if v.shape[-1] == 0:
        raise ShapeMismatchError("votes has no party column")
    return v


def _broadcast(a: NDArray[Any], shape: tuple[int, ...], name: str) -> NDArray[Any]:
    try:
        return np.broadcast_to(a, shape)
    except ValueError as exc:
        raise ShapeMismatchError(
            f"{name} has shape {a.shape}; it must broadcast to {shape}"
        ) from exc


def apportion(
    votes: ArrayLike,
    seats: ArrayLike,
    eligible: ArrayLike | None = None,
    method: str | Method = "hare",
    *,
    cap: ArrayLike | None = None,
    tie_break: str = "raise",
    rng: RngLike = None,
    parties: Sequence[str] | None = None,
) -> Apportionment:
    r"""The apportionment stage: one method among eligible parties, with caps and ties.

    Reached as ``electsim.stages.apportion`` (``electsim.apportion`` is the subpackage of
    methods).  Vectorised over the batch: the method runs once over every election; where a
    party exceeds its cap, only those elections are re-allocated (the capped parties keep their
    cap and leave the contest, the other eligible parties share the remaining seats by the same
    method), round after round until nobody exceeds a cap.  This is the
    :class:`~electsim.SeatCap` policy ``"reallocate"``; with one cap per party it also expresses
    list lengths (a list never gets more seats than it has candidates: the seat goes on).

    Parameters
    ----------
    votes : array_like of int, shape ``(*batch, P)``
        Votes per party (non-negative integers).
    seats : int or array_like of int, shape broadcastable to ``(*batch,)``
        House size per election, ``0 .. 10**9``.
    eligible : array_like of bool, shape broadcastable to ``(*batch, P)``, optional
        Parties allowed to win seats (default: all; a party with zero votes never wins one).
    method : str or Method, default ``"hare"``
        See :func:`electsim.apportion.available_methods`.
    cap : None, int or array_like of int broadcastable to ``(*batch, P)``
        Most seats a party may hold (per party and election for an array; 0 allowed).
    tie_break : {"raise", "lowest_index", "most_votes", "lot"}
        Equal claims to the last seat(s): ``"raise"`` raises :class:`~electsim.errors.TieError`
        (listing the tie); the others decide and report it in ``ties``.  A tie of a superseded
        round (an election re-allocated because of a cap) is reported only when it was
        decisive -- when a contender exceeds its cap with the tied seat and not without it.
    rng : None, int or numpy.random.Generator
        For ``tie_break="lot"`` (validated whatever the policy).  Without one, a seed is drawn
        the first time a lot is needed, stored in ``lot_seed`` and named in an
        :class:`~electsim.errors.UnseededLotWarning`.
    parties : sequence of str, optional
        Party names for messages and the printed table (default: column numbers).

    Returns
    -------
    Apportionment

    Raises
    ------
    InvalidCountsError
        Negative or non-integer ``votes``, ``seats`` or ``cap``.
    ShapeMismatchError
        ``seats``, ``eligible`` or ``cap`` do not broadcast to the batch.
    UnknownMethodError
        Unknown ``method`` or ``tie_break``.
    TieError
        ``tie_break="raise"`` and a tie decided a seat.

    Examples
    --------
    Hare, 10 seats, cap 5: A's 7 seats are held to 5 and the 5 others go to B and C (3.5 and
    1.5 quotas): a genuine tie for the last seat, met in cap round 1.

    >>> a = apportion([700, 210, 90], 10, cap=5, tie_break="lowest_index")
    >>> a.seats.tolist(), a.capped.tolist(), [(t.contenders, t.round) for t in a.ties]
    ([5, 4, 1], [True, False, False], [((1, 2), 1)])
    """
    v = _check_votes(votes)
    batch = v.shape[:-1]
    N = int(np.prod(batch)) if batch else 1
    P = v.shape[-1]
    s = as_count_array(seats, "seats")
    if s.size and int(s.max()) > MAX_KERNEL_SEATS:
        raise ElectsimError(f"seats={int(s.max())} is above the largest house {MAX_KERNEL_SEATS:,}")
    s_b = _broadcast(s, batch, "seats")
    if eligible is None:
        el = np.ones((N, P), dtype=bool)
    else:
        e_arr = np.asarray(eligible)
        if e_arr.dtype != bool:
            raise ElectsimError(
                f"eligible has dtype {e_arr.dtype}; give a boolean array (True = may win seats)"
            )
        el = np.array(_broadcast(e_arr, v.shape, "eligible").reshape(N, P), dtype=bool)
    m = get_method(method)
    names = _party_names(parties, P)
    cap_arr: IntArray | int | None = None
    if cap is not None:
        c = as_count_array(cap, "cap")
        cap_arr = (
            int(c)
            if c.ndim == 0
            else _broadcast(c, v.shape, "cap").reshape(N, P)  # a view when it can be
        )
    if tie_break not in TIE_POLICIES:
        raise UnknownMethodError(
            f"tie_break={tie_break!r} is unknown; use one of {', '.join(TIE_POLICIES)}"
        )
    gen: Any = normalise_rng(rng) if rng is not None else (LotRng() if tie_break == "lot" else None)
    res = _apportion(
        np.ascontiguousarray(v.reshape(N, P)),
        np.ascontiguousarray(s_b.reshape(N), dtype=np.int64),
        el,
        m,
        cap_arr,
        tie_break,
        gen,
        batch,
        names,
    )
    if res.ties and tie_break == "raise":
        more = f" (and {len(res.ties) - 1} more)" if len(res.ties) > 1 else ""
        raise TieError(
            f"{res.describe_tie(res.ties[0])}{more}. The tie policy is 'raise': choose "
            "tie_break='lowest_index', 'most_votes' or 'lot' (with rng)"
        )
    if res.lot_seed is not None:
        warnings.warn(
            f"tie_break='lot' drew lots without an rng; the seed used was {res.lot_seed} "
            "(Apportionment.lot_seed): pass rng= to make the result reproducible",
            UnseededLotWarning,
            stacklevel=2,
        )
    return res


def _apportion(
    votes: IntArray,
    seats: IntArray,
    eligible: BoolArray,
    method: Method,
    cap: IntArray | int | None,
    tie_break: str,
    rng: Any,
    batch: tuple[int, ...],
    parties: tuple[str, ...] = (),
) -> Apportionment:
    """:func:`apportion` on validated ``(N, P)`` / ``(N,)`` arrays; no raising on ties.

    The method runs once over all ``N`` rows; only the rows where a party exceeds its cap are
    re-allocated, round by round, on compact sub-arrays (a loop over cap rounds, at most
    ``P + 1``, never over rows).  Ties are rare: the loop over the ties of the re-allocated rows
    only classifies the ties that occurred.
    """
    N, P = votes.shape
    a, ties = method(votes, seats, eligible, tie_break, rng)
    capped = np.zeros((N, P), dtype=bool)
    active = eligible
    seats_left = seats
    records = ties
    if cap is not None and N and P:
        over = a > cap
        if over.any():  # rare: only then find the rows (einsum: fast on the short party axis)
            over_row: BoolArray = np.asarray(
                np.einsum("np->n", over.view(np.uint8)) > 0 if P < 256 else over.any(axis=1),
                dtype=bool,
            )
            a, capped, active, seats_left, records = _reallocate_capped(
                votes, seats, eligible, method, cap, tie_break, rng, a, ties, over_row
            )
    unfilled = seats - np.einsum("np->n", a)
    lot_seed = rng.seed if isinstance(rng, LotRng) else None

    def shape(x: NDArray[Any], *tail: int) -> NDArray[Any]:
        return _frozen(x.reshape((*batch, *tail)))

    return Apportionment(
        seats=shape(a, P),
        capped=shape(capped, P),
        unfilled=shape(np.asarray(unfilled, dtype=np.int64)),
        ties=tuple(sorted(records, key=lambda r: r.row)),
        final_active=shape(active, P),
        final_seats=shape(seats_left),
        method=method,
        parties=parties or tuple(str(p) for p in range(P)),
        lot_seed=lot_seed,
    )


def _reallocate_capped(
    votes: IntArray,
    seats: IntArray,
    eligible: BoolArray,
    method: Method,
    cap: IntArray | int,
    tie_break: str,
    rng: Any,
    a: IntArray,
    ties: list[TieRecord],
    over_row: BoolArray,
) -> tuple[IntArray, BoolArray, BoolArray, IntArray, list[TieRecord]]:
    """Re-run the method on the rows where a party exceeded its cap, until none does.

    ``a`` and ``ties`` are the first round over all rows; ``over_row`` marks the rows with a
    party above its cap.  The other rows keep their first-round result untouched; the capped rows
    are worked on as compact sub-arrays and written back once they are settled.
    """
    N, P = votes.shape
    out = a if (a.flags.owndata and a.flags.writeable) else a.copy()
    capped = np.zeros((N, P), dtype=bool)
    active = eligible.copy()
    seats_left = seats.copy()
    rows = np.flatnonzero(over_row)
    # first-round ties of rows that are settled stand as they are (round 0)
    records = [t for t in ties if not over_row[t.row]]
    pending = [replace(t, row=int(np.searchsorted(rows, t.row))) for t in ties if over_row[t.row]]
    s_votes = votes[rows]
    s_active = eligible[rows].copy()
    s_fixed = np.zeros((rows.size, P), dtype=np.int64)
    s_capped = np.zeros((rows.size, P), dtype=bool)
    s_left = seats[rows].copy()
    s_cap = cap if isinstance(cap, int) else cap[rows]
    s_a = a[rows]
    for rnd in range(P + 1):
        over = s_a > s_cap
        if rnd == 0:
            done = np.zeros(rows.size, dtype=bool)  # every row here has a party over its cap
        else:
            done = np.asarray(~over.any(axis=1), dtype=bool)
        for t in pending:
            r = t.row
            if not done[r]:
                # superseded round: keep the tie only when it decided who is capped
                lim = [s_cap if isinstance(s_cap, int) else int(s_cap[r, c]) for c in t.contenders]
                with_seat = [int(s_a[r, c]) + (c not in t.winners) for c in t.contenders]
                if not any(w == m + 1 for w, m in zip(with_seat, lim, strict=True)):
                    continue
                t = replace(t, stage=t.stage + " (decided who is capped)")
            records.append(replace(t, row=int(rows[r]), round=rnd))
        if done.any():
            g = rows[done]
            out[g] = s_fixed[done] + s_a[done]
            capped[g] = s_capped[done]
            active[g] = s_active[done]
            seats_left[g] = s_left[done]
        keep = ~done
        if not keep.any():
            break
        rows = rows[keep]
        o = over[keep]
        cap_k = s_cap if isinstance(s_cap, int) else s_cap[keep]
        s_fixed = s_fixed[keep] + np.where(o, cap_k, 0)
        s_capped = s_capped[keep] | o
        s_active = s_active[keep] & ~o
        s_left = s_left[keep] - np.where(o, cap_k, 0).sum(axis=1)
        s_votes = s_votes[keep]
        s_cap = cap_k
        s_a, pending = method(s_votes, s_left, s_active, tie_break, rng)
    return out, capped, active, seats_left, records
