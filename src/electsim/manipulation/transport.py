"""Voter transport ("Form No. 2" re-registration) and carousel (multiple) voting.

Two perturbations (equations and defaults: ``docs/models.md``, "Transport"):

* :class:`Transport` -- voters re-registered away from home (Kyrgyzstan's Form No. 2, Russia's
  absentee certificate) and brought to vote at their new polling station.  Registered voters move
  from the origins to the destinations (conserved: moved, not created); the moved voters carry
  their home preferences, vote at the destination with a turnout rate and, optionally, comply
  with a party (``party``).  Their counterfactual home votes are removed at the origin.
* :class:`Carousel` -- multiple voting: extra ballots for one party, either on a supplementary
  list (registered voters *and* ballots grow) or under the identities of absent voters (ballots
  grow, registered voters do not).

Why transport matters in a single national constituency: moving a voter leaves
national party totals unchanged unless (1) the voter would have abstained at home, (2) the voter
complies with a party at the destination, or (3) the move changes *regional* shares -- enough to
lift a party over, or push it under, the 0.7 % regional threshold in a small region (in Talas
0.7 % of 86,861 ballots is about 608 ballots).

Kyrgyz anchors: 264,270 Form No. 2 applications by 14 Sep 2020
(7.5 % of the list; 24.kg 165075), "more than 400 thousand" address changes (CEC, novosti.kg);
abolishing Form No. 2 removed about 80,000 voters from Bishkek's and 30,000 from Osh's lists
(24.kg 176788).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._exact import RateLike
from ..election import Election, PrecinctResults
from ..errors import ElectsimError, ShapeMismatchError, UnknownMethodError
from ._base import (
    Ledger,
    Mode,
    Perturbed,
    abstainers_of,
    ballots_of,
    broadcast_batch,
    check_mode,
    check_party,
    check_rate,
    check_turnout,
    normalise_rng,
    renamed_parameters,
    round_half_up,
    sample_multinomial,
    sample_without_replacement,
    split_exact,
    unit_mask,
)

__all__ = ["Carousel", "Transport", "UnitSpec"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
Results = Election | PrecinctResults

#: Units: ``None``, a unit name or index, a sequence of them, a mapping unit -> weight, or a
#: float/int ``numpy.ndarray`` of shape ``(U,)`` holding a weight per unit.
UnitSpec = str | int | Sequence[str | int] | Mapping[str | int, float] | NDArray[Any] | None


# =============================================================================== validation
def _check_counts(value: Any, name: str) -> None:
    """Non-negative integer count(s): scalar, array, or a mapping of them."""
    items = list(value.values()) if isinstance(value, Mapping) else [value]
    if isinstance(value, Mapping) and not items:
        raise ElectsimError(f"{name}={value!r} is an empty mapping")
    for v in items:
        try:
            a = np.asarray(v, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ElectsimError(f"{name}={value!r} is not a count or array of counts") from exc
        if isinstance(v, bool) or np.asarray(v).dtype == bool:
            raise ElectsimError(f"{name}={value!r} must be integer counts, not booleans")
        if not np.isfinite(a).all() or (a < 0).any() or (a != np.floor(a)).any():
            raise ElectsimError(f"{name}={value!r} must be non-negative integers")


def _check_money(value: Any, name: str) -> None:
    try:
        a = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ElectsimError(f"{name}={value!r} is not a number or array of numbers") from exc
    if not np.isfinite(a).all() or (a < 0).any():
        raise ElectsimError(f"{name}={value!r} must be finite and non-negative")


def _check_unit_spec(spec: Any, name: str, *, allow_none: bool) -> None:
    """Type check of a unit spec (names are checked at ``apply`` time)."""
    if spec is None:
        if not allow_none:
            raise ElectsimError(f"{name} is required (a unit name, a list of them or weights)")
        return
    if isinstance(spec, np.ndarray):
        if spec.ndim != 1 or spec.dtype.kind not in "iuf":
            raise ElectsimError(
                f"{name} given as an array must be a 1-D numeric weight vector, one per unit"
            )
        w = spec.astype(np.float64)
        if not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
            raise ElectsimError(f"{name} weights must be finite, non-negative, not all zero")
        return
    if isinstance(spec, Mapping):
        if not spec:
            raise ElectsimError(f"{name}={spec!r} is an empty mapping")
        w = np.asarray(list(spec.values()), dtype=np.float64)
        if not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
            raise ElectsimError(f"{name} weights must be finite, non-negative, not all zero")
        return
    items = [spec] if isinstance(spec, str | int | np.integer) else spec
    if isinstance(spec, bool) or not isinstance(items, Sequence) or not items:
        raise ElectsimError(
            f"{name}={spec!r} must be a unit name/index, a non-empty list or weights"
        )
    for t in items:
        if isinstance(t, bool) or not isinstance(t, str | int | np.integer):
            raise ElectsimError(f"{name} contains {t!r}; units are names or integer indices")


# =============================================================================== unit helpers
def _check_overlap(res: Results, both: NDArray[np.bool_], what: str) -> None:
    """Refuse units that are origins and destinations at once (a move within a unit)."""
    if both.any():
        units = (
            res.station_ids if isinstance(res, PrecinctResults) else [r.name for r in res.regions]
        )
        names = [units[i] for i in np.flatnonzero(both)[:3]]
        raise ElectsimError(
            f"{what} and destinations overlap ({', '.join(map(repr, names))} is both): a voter "
            "moved within a unit is not moved; make them disjoint"
        )


def _categories(res: Results) -> IntArray:
    """Ballot categories per unit ``(*batch, U, C)``: parties, against all, invalid (if known)."""
    assert res.against_all is not None
    cols = [res.votes, res.against_all[..., None]]
    if res.invalid is not None:
        cols.append(res.invalid[..., None])
    return np.concatenate(cols, axis=-1).astype(np.int64)


def _registered(
    res: Results, abstainers: ArrayLike | None, turnout: RateLike | None, what: str
) -> IntArray:
    """Registered voters ``(*batch, U)``: known, or ballots + the assumed abstainers.

    The abstainers follow the one abstainer rule
    (:func:`~electsim.manipulation._base.abstainers_of`); with registered voters known they
    are the registered voters themselves.
    """
    if res.registered is not None:
        if turnout is not None or abstainers is not None:
            raise ElectsimError(
                f"{what}: assumed_turnout/abstainers were given but the results have "
                "registered voters (the assumptions are for results without them)"
            )
        return np.asarray(res.registered, dtype=np.int64)
    absent = abstainers_of(res, abstainers=abstainers, assumed_turnout=turnout, what=what)
    return ballots_of(res, what) + absent


def _unit_weights(res: Results, spec: UnitSpec, basis: IntArray, name: str) -> FloatArray:
    """Weights ``(*batch, U)`` of the units in ``spec`` (zero outside them).

    Named units (a name, an index, a list) are weighted by ``basis`` (the electorate); a
    mapping gives each named group a weight, split inside the group by ``basis``; an ndarray
    is the weight vector itself.
    """
    U = res.votes.shape[-2]
    b = basis.astype(np.float64)
    if isinstance(spec, np.ndarray):
        if spec.shape != (U,):
            raise ShapeMismatchError(
                f"{name} has shape {spec.shape}; expected ({U},), one per unit"
            )
        return np.broadcast_to(spec.astype(np.float64), b.shape).copy()
    if isinstance(spec, Mapping):
        out = np.zeros(b.shape, dtype=np.float64)
        for key, w in spec.items():
            out += float(w) * _group_share(unit_mask(res, key), b)
        return out
    return _group_share(unit_mask(res, spec), b)


def _group_share(mask: NDArray[np.bool_], basis: FloatArray) -> FloatArray:
    """Shares ``(*batch, U)`` of the units in ``mask`` by ``basis``; equal if the basis is 0."""
    inside = np.where(mask, basis, 0.0)
    tot = inside.sum(axis=-1, keepdims=True)
    equal = mask / max(int(mask.sum()), 1)
    return np.where(tot > 0, inside / np.where(tot > 0, tot, 1.0), equal)


def _distribute(
    rng: np.random.Generator | None, slots: IntArray, pool: IntArray
) -> tuple[IntArray, IntArray]:
    """Assign a pool of categorised voters to units with fixed numbers of slots.

    ``slots`` ``(N, D)`` and ``pool`` ``(N, C)`` with equal row sums.  Returns the table
    ``(N, D, C)`` whose unit margins are ``slots`` and category margins ``pool``, and the slots
    left (zero when the sums agree).  ``rng=None``: deterministic (each category in turn split
    over the remaining slots with :func:`split_exact`); otherwise a uniformly random assignment
    (each category in turn drawn by :func:`_mvhg` from the remaining slots).
    """
    N, D = slots.shape
    C = pool.shape[-1]
    out = np.zeros((N, D, C), dtype=np.int64)
    left = slots.copy()
    for k in range(C):  # loop over ballot categories (parties), never over units or draws
        if rng is None:
            x = split_exact(pool[:, k], left, cap=left)
        else:
            x = sample_without_replacement(rng, pool[:, k], left)
        out[:, :, k] = x
        left = left - x
    return out, left


def _split_total(
    rng: np.random.Generator | None, total: IntArray, weights: FloatArray, cap: IntArray | None
) -> IntArray:
    """Split ``total`` ``(N,)`` over units ``(N, U)`` by weights (expected) or at random.

    Expected mode: :func:`split_exact` (largest remainder, capped).  Sample mode with a cap:
    each item picks one capacity slot uniformly (multivariate hypergeometric over the caps,
    weights ignored but zero-weight units excluded); without a cap: multinomial by weights.
    """
    if rng is None:
        return split_exact(total, weights, cap)
    if cap is not None:
        return sample_without_replacement(rng, total, np.where(weights > 0, cap, 0))
    return sample_multinomial(rng, total, weights)


def _flat(x: ArrayLike, batch: tuple[int, ...], tail: tuple[int, ...] = ()) -> NDArray[Any]:
    """Broadcast to ``(*batch, *tail)`` and flatten the batch into one axis."""
    return np.broadcast_to(np.asarray(x), (*batch, *tail)).reshape((-1, *tail))


def _unflat(x: NDArray[Any], batch: tuple[int, ...]) -> NDArray[Any]:
    return x.reshape((*batch, *x.shape[1:]))


# =============================================================================== Transport
@renamed_parameters(buyer="party")
@dataclass(frozen=True)
class Transport:
    r"""Form No. 2 re-registration: move voters between units, with their votes.

    A transport plan moves ``voters`` registered voters from ``origins`` to ``destinations``
    (``docs/models.md``).  For the moved voters of origin :math:`o` (:math:`M_o` of them):

    * registration: :math:`N_o \mathrel{-}= M_o`, :math:`N_d \mathrel{+}= A_d` with
      :math:`\sum_d A_d = \sum_o M_o` -- conserved in total;
    * home behaviour: :math:`h_o \sim \mathrm{Bin}(M_o, 1 - a)` of them would have voted at home
      (:math:`a` = ``abstain_at_home``); their home ballots :math:`H_o` are drawn without
      replacement from the origin's ballots (parties, against all, invalid) and **removed** at
      the origin (never more than each party had there).  The other :math:`M_o - h_o` would
      have abstained; their preferences are drawn in proportion to the origin's shares;
    * destination: the moved voters (all origins pooled) are assigned to destinations
      (:math:`A_d` each, uniformly at random); each votes with probability :math:`\tau`
      (``turnout``), and a voter who votes complies with ``party`` with probability
      ``compliance`` (votes for it instead of the home preference).

    So the ballots change by :math:`\tau M - (1 - a) M` in expectation, and with
    ``turnout=1, abstain_at_home=0, compliance=0`` national totals are unchanged *exactly*
    while regional shares move.

    Parameters
    ----------
    voters : int, array of int, or mapping unit -> count
        Number of voters moved.  A scalar or an array broadcast over the batch (``(B,)`` on an
        unbatched election: a sweep of ``B`` volumes in one call) is the total, split over the
        ``origins`` by their weights.  A mapping ``{origin: count}`` gives the count per origin
        (values may be batch arrays); ``origins`` must then be ``None``.
    destinations : unit spec
        Where the voters go: a unit name or index, a list of them (split in proportion to the
        units' registered voters), a mapping ``{unit: weight}`` (e.g. ``{"Bishkek city": 80,
        "Osh city": 30}``; a region of station results is split among its stations by their
        registered voters) or a float/int ``numpy.ndarray`` of shape ``(U,)`` of weights.
        Required.
    origins : unit spec, optional
        Where they come from, in the same forms, in proportion to the units' registered voters
        (the electorate) unless weights are given.  Default ``None``: every unit that is not a
        destination.
    turnout : float or array, default 0.95
        :math:`\tau`, probability that a moved voter votes at the destination.  ASSUMPTION
        (the voters were re-registered in order to vote); try 0.8-1.
    abstain_at_home : float or array, default 0.6
        :math:`a`, share of the moved voters who would **not** have voted at home (internal
        migrants registered in their home village).  ASSUMPTION (no Kyrgyz estimate); try
        0.5-0.7.
    party : str or int, optional
        Party the moved voters are paid or pressured to vote for (``buyer=`` is its deprecated
        name).  Required when ``compliance > 0``.
    compliance : float or array, default 0.0
        Probability that a moved voter who votes votes for ``party``.  The vote-buying default
        :math:`m + (1 - m)\rho` = 0.65 is a lower reference: transported voters are easier to
        monitor.  Default 0: pure transport, no party.
    cost_per_voter_som : float or array, default 0
        Cost per **moved** voter (bus + payment), whether or not the voter votes;
        ``cost_som = round(cost_per_voter_som * moved)``.  No sourced bus fare was found, so the
        default is 0; the 2020 vote price (1,000-3,000 som; CABAR.asia, RFE/RL) is a natural
        lower bound for a paid voter.
    abstainers : int, array_like or None, default None
        Alternatively to ``assumed_turnout`` when registered voters are unknown: abstainers per
        unit, registered = ballots + abstainers (the abstainer rule,
        :func:`~electsim.manipulation._base.abstainers_of`).
    assumed_turnout : rate or None, default None
        Transport needs registered voters (the electorate that weights named units, caps what
        an origin can lose, and bounds the origin's abstainers); without them it raises
        :class:`~electsim.errors.MissingDataError`.  When they are unknown, state a turnout
        *t* assumed in every unit: registered = ballots + :math:`\lfloor \text{ballots}
        \cdot (1 - t)/t \rfloor` (exact; as ``assumed_turnout`` of
        :class:`~electsim.manipulation.vote_buying.VoteBuying`), e.g. ``"56.5%"`` (the CEC's
        national turnout on 5 October 2020).  Registered voters then stay unknown (``None``)
        in the output, and the ledger records the moves in ``transported_out`` /
        ``transported_in`` only.  Refused when registered voters are known.
    on_excess : {"raise", "cap"}, default "raise"
        What to do when ``voters`` exceeds the registered voters the origins can lose:
        ``"raise"`` an :class:`~electsim.errors.ElectsimError` (as
        :class:`~electsim.manipulation.BoughtVotes` does), or ``"cap"`` each origin at its
        electorate and move fewer voters (``ledger.transported_out`` shows how many).
    mode : {"sample", "expected"}, default "sample"
        ``"sample"``: binomial / hypergeometric / multinomial draws from ``rng``.
        ``"expected"``: deterministic exact integers -- :math:`h_o` and the destination votes
        are rounded half up (:math:`\lfloor x + 1/2 \rfloor`), and every split keeps its
        total exactly (:func:`~electsim.manipulation.split_exact`, largest remainder).

    Notes
    -----
    * The plan (how many voters leave each origin and reach each destination) is deterministic
      in both modes: :math:`M_o` = ``split_exact(voters, origin weights, cap=registered)``, and
      :math:`A_d` = ``split_exact(sum M_o, destination weights)``.  Every origin sends to every
      destination in the same proportions; for a plan with specific pairs, compose several
      transports (:func:`~electsim.manipulation.compose`).
    * Caps: an origin never loses more voters than it has registered; a plan larger than the
      origins' electorate is refused, or with ``on_excess="cap"`` moves fewer voters (the
      ledger's ``transported_out`` shows how many).  A unit cannot be both an origin and a
      destination (refused).
      At least :math:`M_o - (N_o - T_o)` of the moved voters must have been voters at home (the
      rest are the origin's abstainers), so :math:`h_o` is clipped to
      :math:`[\max(0, M_o - (N_o - T_o)), \min(M_o, T_o)]` (:math:`T_o` = ballots).
    * An origin without ballots lends its abstaining movers the national preference shares
      (with no ballots anywhere they have no preference: they move but cast no ballot).
    * Units are regions of an :class:`~electsim.Election` or stations of a
      :class:`~electsim.PrecinctResults` (a region name there means all its stations).

    Examples
    --------
    Move 1,000 voters from region B to region A; they all voted at home and all vote again
    (turnout 1, abstain_at_home 0, no party): national totals are unchanged, registration moves.

    >>> import electsim as es
    >>> from electsim.manipulation.transport import Transport
    >>> e = es.Election([[900, 100], [5_000, 5_000]], registered=[2_000, 20_000],
    ...                 parties=["X", "Y"], regions=["A", "B"])
    >>> t = Transport(voters=1_000, origins="B", destinations="A", turnout=1.0,
    ...               abstain_at_home=0.0, mode="expected")
    >>> out = t.apply(e)
    >>> out.verify()
    >>> out.election.votes.tolist(), out.election.registered.tolist()
    ([[1400, 600], [4500, 4500]], [3000, 19000])
    >>> out.election.national_votes.tolist() == e.national_votes.tolist()
    True

    A sweep over volumes is one call (a batch of three):

    >>> t = Transport(voters=np.array([0, 500, 1_000]), origins="B", destinations="A",
    ...               turnout=1.0, abstain_at_home=0.0, mode="expected")
    >>> t.apply(e).election.votes[:, 0].tolist()
    [[900, 100], [1150, 350], [1400, 600]]
    """

    voters: ArrayLike | Mapping[str | int, ArrayLike]
    destinations: UnitSpec
    origins: UnitSpec = None
    turnout: ArrayLike = 0.95
    abstain_at_home: ArrayLike = 0.6
    party: str | int | None = None
    compliance: ArrayLike = 0.0
    cost_per_voter_som: ArrayLike = 0
    abstainers: ArrayLike | None = None
    assumed_turnout: RateLike | None = None
    mode: Mode = "sample"
    on_excess: Literal["raise", "cap"] = "raise"

    def __post_init__(self) -> None:
        _check_counts(self.voters, "voters")
        if self.on_excess not in ("raise", "cap"):
            raise UnknownMethodError(
                f"on_excess={self.on_excess!r} is unknown; use 'raise' or 'cap'"
            )
        _check_unit_spec(self.destinations, "destinations", allow_none=False)
        _check_unit_spec(self.origins, "origins", allow_none=True)
        if isinstance(self.voters, Mapping) and self.origins is not None:
            raise ElectsimError(
                "voters is a mapping {origin: count}, so origins must be None (it is "
                f"{self.origins!r})"
            )
        check_rate(self.turnout, "turnout")
        check_rate(self.abstain_at_home, "abstain_at_home")
        c = check_rate(self.compliance, "compliance")
        if self.party is None and (c > 0).any():
            raise ElectsimError(f"compliance={self.compliance!r} > 0 needs a party")
        if self.party is not None:
            check_party(self.party)
        if self.abstainers is not None and self.assumed_turnout is not None:
            raise ElectsimError("give abstainers= or assumed_turnout=, not both")
        _check_money(self.cost_per_voter_som, "cost_per_voter_som")
        check_turnout(self.assumed_turnout)
        check_mode(self.mode)

    @property
    def name(self) -> str:
        """``"transport"``."""
        return "transport"

    def apply(self, election: Any, rng: int | np.random.Generator | None = None) -> Perturbed:
        """Move the voters; return the new results and the ledger.

        Parameters
        ----------
        election : Election or PrecinctResults
            Batched or not; units are regions or stations (axis -2).
        rng : None, int or numpy.random.Generator
            Used only in ``"sample"`` mode.

        Returns
        -------
        Perturbed
            New results of the same type (batch shape broadcast with the parameter arrays) and a
            :class:`~electsim.manipulation.Ledger` with the votes removed at the origins and
            added at the destinations, the registration changes, ``transported_out`` /
            ``transported_in`` and ``cost_som``.
        """
        if not isinstance(election, Election | PrecinctResults):
            raise ElectsimError(f"election={election!r} must be an Election or PrecinctResults")
        gen = normalise_rng(rng) if self.mode == "sample" else None
        original = election
        buyer = None if self.party is None else election.party_index(self.party)

        # ---- broadcast parameters against the batch
        mapping = isinstance(self.voters, Mapping)
        if isinstance(self.voters, Mapping):
            keys = list(self.voters)
            vparams = [np.asarray(self.voters[k], dtype=np.int64) for k in keys]
        else:
            keys = []
            vparams = [np.asarray(self.voters, dtype=np.int64)]
        src: Any = election
        res, params = broadcast_batch(
            src,
            check_rate(self.turnout, "turnout"),
            check_rate(self.abstain_at_home, "abstain_at_home"),
            check_rate(self.compliance, "compliance"),
            np.asarray(self.cost_per_voter_som, dtype=np.float64),
            *vparams,
        )
        tau, abst, comp, price = params[:4]
        vcounts = params[4:]
        batch = res.batch_shape
        U = res.votes.shape[-2]
        P = res.votes.shape[-1]
        tracked = res.registered is not None
        basis = _registered(res, self.abstainers, self.assumed_turnout, "Transport")

        ballots_of(res, "Transport")  # invalid ballots unknown: the ballots are unknown
        cats = _categories(res)
        X = cats.reshape(-1, U, cats.shape[-1])  # (N, U, C)
        N, C = X.shape[0], X.shape[-1]
        ballots = X.sum(axis=-1)  # (N, U)
        reg = _flat(basis, batch, (U,))  # known or assumed
        B = reg

        # ---- units and weights
        w_dest = _flat(_unit_weights(res, self.destinations, basis, "destinations"), batch, (U,))
        dest_cols = np.flatnonzero((w_dest > 0).any(axis=0))
        if dest_cols.size == 0:
            raise ElectsimError("destinations have zero weight")
        cap_o = reg
        dest_mask = np.zeros(U, dtype=bool)
        dest_mask[dest_cols] = True
        if mapping:
            moved = np.zeros((N, U), dtype=np.int64)
            for key, cnt in zip(keys, vcounts, strict=True):
                mask = unit_mask(res, key)
                _check_overlap(res, mask & dest_mask, f"voters key {key!r}")
                w = _group_share(mask, B.astype(np.float64))
                moved += split_exact(cnt.reshape(-1), w, cap_o - moved)
        else:
            if self.origins is None:
                others = ~np.isin(np.arange(U), dest_cols)
                if not others.any():
                    raise ElectsimError(
                        "origins=None means every unit that is not a destination, but every "
                        "unit is a destination; name the origins"
                    )
                w_orig = _group_share(others, B.astype(np.float64))
            else:
                w_orig = _flat(_unit_weights(res, self.origins, basis, "origins"), batch, (U,))
                _check_overlap(res, (w_orig > 0).any(axis=0) & dest_mask, "origins")
            moved = split_exact(vcounts[0].reshape(-1), w_orig, cap_o)
        total = moved.sum(axis=-1)  # (N,)
        asked = np.sum([np.broadcast_to(c, batch).reshape(-1) for c in vcounts], axis=0)
        short = total < asked
        if short.any() and self.on_excess == "raise":
            i = int(np.flatnonzero(short)[0])
            raise ElectsimError(
                f"voters={int(asked[i]):,} exceeds the {int(total[i]):,} registered voters the "
                "origins can lose (an origin never loses more voters than it has); lower "
                "voters, or pass on_excess='cap' to move at most that many"
            )
        arrivals = split_exact(total, w_dest)  # (N, U), exact, no cap

        # ---- home behaviour at the origins
        a = abst.reshape(-1)[:, None]
        if gen is None:
            home = round_half_up(moved * (1.0 - a))
        else:
            home = gen.binomial(moved, np.broadcast_to(1.0 - a, moved.shape)).astype(np.int64)
        lo = np.maximum(moved - (reg - ballots), 0)
        home = np.clip(home, lo, np.minimum(moved, ballots))
        away = moved - home  # would have abstained at home
        if gen is None:
            H = split_exact(home, X, cap=X)
        else:
            H = sample_without_replacement(gen, home, X)
        # preferences of the would-be abstainers: origin shares (national where no ballots)
        nat = X.sum(axis=1, keepdims=True)  # (N, 1, C)
        prefs = np.where((ballots > 0)[..., None], X, nat).astype(np.float64)
        if gen is None:
            A = split_exact(away, prefs)
        else:
            A = sample_multinomial(gen, away, prefs)  # no ballots anywhere: no preferences
        pool = (H + A).sum(axis=1)  # (N, C)

        # ---- destinations: assign the pool, turnout, compliance
        slots = arrivals[:, dest_cols]
        Z, _left = _distribute(gen, slots, pool)  # (N, D, C)
        t = tau.reshape(-1)[:, None, None]
        if gen is None:
            n_vote = round_half_up(slots * t[..., 0])
            Y = split_exact(n_vote, Z, cap=Z)
        else:
            Y = gen.binomial(Z, np.broadcast_to(t, Z.shape)).astype(np.int64)
        if buyer is not None:
            c = comp.reshape(-1)[:, None, None]
            if gen is None:
                n_comp = round_half_up(Y.sum(axis=-1) * c[..., 0])
                K = split_exact(n_comp, Y, cap=Y)
            else:
                K = gen.binomial(Y, np.broadcast_to(c, Y.shape)).astype(np.int64)
            Y = Y - K
            Y[..., buyer] += K.sum(axis=-1)
        added = np.zeros((N, U, C), dtype=np.int64)
        added[:, dest_cols, :] = Y

        # ---- new results and ledger
        delta = added - H
        new_fields: dict[str, Any] = {
            "votes": _unflat(X[..., :P] + delta[..., :P], batch),
            "against_all": _unflat(X[..., P] + delta[..., P], batch),
        }
        if res.invalid is not None:
            new_fields["invalid"] = _unflat(X[..., P + 1] + delta[..., P + 1], batch)
        d_reg = arrivals - moved
        if tracked:
            new_fields["registered"] = _unflat(reg + d_reg, batch)
        new = res.replace(**new_fields)
        cost = round_half_up(price.reshape(-1) * total)
        ledger = Ledger.from_changes(
            res,
            mechanism=self.name,
            votes_added=_unflat(added[..., :P], batch),
            votes_removed=_unflat(H[..., :P], batch),
            against_all=_unflat(delta[..., P], batch),
            invalid=None if res.invalid is None else _unflat(delta[..., P + 1], batch),
            registered=_unflat(d_reg, batch) if tracked else None,
            transported_out=_unflat(moved, batch),
            transported_in=_unflat(arrivals, batch),
            cost_som=_unflat(cost, batch),
        )
        return Perturbed(new, ledger, before=original)


# =============================================================================== Carousel
@dataclass(frozen=True)
class Carousel:
    r"""Carousel (multiple) voting: ``ballots`` extra ballots for ``party``.

    Two variants (``docs/models.md``, "Transport"):

    * ``"supplementary"`` -- voters added to a supplementary/absentee list vote (again):
      :math:`N_u \mathrel{+}= K_u`, :math:`T_u \mathrel{+}= K_u`, :math:`v_{u,b}
      \mathrel{+}= K_u`.  **This variant adds registrations**: registered voters grow by
      exactly :math:`K = \sum_u K_u`;
    * ``"identity"`` -- ballots cast in the names of absent registered voters:
      :math:`N_u` unchanged, :math:`T_u \mathrel{+}= K_u \le N_u - T_u` (never more than the
      abstainers), :math:`v_{u,b} \mathrel{+}= K_u` -- the same as ballot stuffing (Klimek's
      mechanism with :math:`x = K_u / (N_u - T_u)`).

    Parameters
    ----------
    ballots : int, array of int, or mapping unit -> count
        :math:`K`.  A scalar or batch array is the total, split over ``units``: in
        ``"expected"`` mode by :func:`~electsim.manipulation.split_exact` in proportion to the
        abstainers (``"identity"``, capped by them) or to registered voters
        (``"supplementary"``); in ``"sample"`` mode each identity is drawn uniformly among the
        absent voters of ``units`` (multivariate hypergeometric), each supplementary ballot
        lands in a unit with probability proportional to its registered voters (multinomial).
        A mapping ``{unit: count}`` fixes :math:`K_u` per unit (a region of station results is
        split among its stations as above).
    party : str or int
        The party the extra ballots are for.
    variant : {"supplementary", "identity"}
        Required: whether the carousel adds registrations.
    units : unit name/index or list of them, optional
        Where the carousel runs; default ``None``: every unit.
    cost_per_ballot_som : float or array, default 0
        ``cost_som = round(cost_per_ballot_som * K)``; no sourced figure (the 2020 vote price,
        1,000-3,000 som, is a reference).
    abstainers : int, array_like or None, default None
        Alternatively to ``assumed_turnout`` when registered voters are unknown: abstainers per
        unit (registered = ballots + abstainers).
    assumed_turnout : rate or None, default None
        Both variants need registered voters (``"identity"`` for the abstainer cap,
        ``"supplementary"`` to split totals by the electorate and add the registrations) and
        raise :class:`~electsim.errors.MissingDataError` without them.  When they are unknown,
        an assumed turnout *t* gives registered = ballots + :math:`\lfloor \text{ballots}
        \cdot (1 - t)/t \rfloor` (as in :class:`Transport`); registered voters then stay
        unknown in the output.  Refused when registered voters are known.
    mode : {"sample", "expected"}, default "sample"

    Notes
    -----
    When a total exceeds what the units can absorb (``"identity"``: their abstainers), the
    carousel casts as many ballots as possible; the ledger records the ballots actually cast.
    Mapping counts per unit are capped the same way.

    Examples
    --------
    >>> import electsim as es
    >>> from electsim.manipulation.transport import Carousel
    >>> e = es.Election([[600, 400], [300, 200]], registered=[2_000, 1_000],
    ...                 parties=["X", "Y"], regions=["A", "B"])
    >>> out = Carousel(ballots=300, party="Y", variant="supplementary", mode="expected").apply(e)
    >>> out.verify()
    >>> out.election.votes.tolist(), out.election.registered.tolist()
    ([[600, 600], [300, 300]], [2200, 1100])
    >>> out = Carousel(ballots=300, party="Y", variant="identity", mode="expected").apply(e)
    >>> out.election.votes.tolist(), out.election.registered.tolist()
    ([[600, 600], [300, 300]], [2000, 1000])
    """

    ballots: ArrayLike | Mapping[str | int, ArrayLike]
    party: str | int
    variant: Literal["supplementary", "identity"]
    units: str | int | Sequence[str | int] | None = None
    cost_per_ballot_som: ArrayLike = 0
    abstainers: ArrayLike | None = None
    assumed_turnout: RateLike | None = None
    mode: Mode = "sample"

    def __post_init__(self) -> None:
        _check_counts(self.ballots, "ballots")
        check_party(self.party)
        if self.abstainers is not None and self.assumed_turnout is not None:
            raise ElectsimError("give abstainers= or assumed_turnout=, not both")
        if self.variant not in ("supplementary", "identity"):
            raise ElectsimError(
                f"variant={self.variant!r} is unknown; use 'supplementary' or 'identity'"
            )
        if isinstance(self.units, np.ndarray | Mapping):
            raise ElectsimError("units must be a unit name/index or a list of them")
        _check_unit_spec(self.units, "units", allow_none=True)
        if isinstance(self.ballots, Mapping) and self.units is not None:
            raise ElectsimError("ballots is a mapping {unit: count}, so units must be None")
        _check_money(self.cost_per_ballot_som, "cost_per_ballot_som")
        check_turnout(self.assumed_turnout)
        check_mode(self.mode)

    @property
    def name(self) -> str:
        """``"carousel(supplementary)"`` or ``"carousel(identity)"``."""
        return f"carousel({self.variant})"

    def apply(self, election: Any, rng: int | np.random.Generator | None = None) -> Perturbed:
        """Cast the extra ballots; return the new results and the ledger."""
        if not isinstance(election, Election | PrecinctResults):
            raise ElectsimError(f"election={election!r} must be an Election or PrecinctResults")
        gen = normalise_rng(rng) if self.mode == "sample" else None
        original = election
        b = election.party_index(self.party)
        if isinstance(self.ballots, Mapping):
            keys = list(self.ballots)
            kparams = [np.asarray(self.ballots[k], dtype=np.int64) for k in keys]
            for k in keys:
                unit_mask(election, k)
        else:
            keys = []
            kparams = [np.asarray(self.ballots, dtype=np.int64)]
            unit_mask(election, self.units)
        src: Any = election
        res, params = broadcast_batch(
            src, np.asarray(self.cost_per_ballot_som, dtype=np.float64), *kparams
        )
        price, counts = params[0], params[1:]
        batch = res.batch_shape
        U = res.votes.shape[-2]
        identity = self.variant == "identity"
        what = f"Carousel(variant={self.variant!r})"
        tracked = res.registered is not None and not identity
        reg = _flat(_registered(res, self.abstainers, self.assumed_turnout, what), batch, (U,))
        ballots = _flat(ballots_of(res, what), batch, (U,))
        absent = reg - ballots
        cap = absent if identity else None

        def weights(mask: NDArray[np.bool_]) -> FloatArray:
            if identity:  # every absent identity equally likely
                return np.where(mask, absent, 0).astype(np.float64)
            return _group_share(mask, reg.astype(np.float64))  # by the electorate

        if keys:
            K = np.zeros(ballots.shape, dtype=np.int64)
            for key, cnt in zip(keys, counts, strict=True):
                m = unit_mask(res, key)
                room = None if cap is None else cap - K
                if m.sum() == 1:  # a single unit: exact count, capped
                    one = np.where(m, cnt.reshape(-1)[:, None], 0)
                    k_u = one if room is None else np.minimum(one, room)
                else:
                    k_u = _split_total(gen, cnt.reshape(-1), weights(m), room)
                K += k_u
        else:
            m = unit_mask(res, self.units)
            K = _split_total(gen, counts[0].reshape(-1), weights(m), cap)
        N, P = len(K), int(res.votes.shape[-1])
        d_votes = np.zeros((N, U, P), dtype=np.int64)
        d_votes[..., b] = K
        new_fields: dict[str, Any] = {
            "votes": _unflat(_flat(res.votes, batch, (U, P)) + d_votes, batch)
        }
        if tracked:
            new_fields["registered"] = _unflat(reg + K, batch)
        new = res.replace(**new_fields)
        cost = round_half_up(price.reshape(-1) * K.sum(axis=-1))
        ledger = Ledger.from_changes(
            res,
            mechanism=self.name,
            votes=_unflat(d_votes, batch),
            registered=_unflat(K, batch) if tracked else None,
            cost_som=_unflat(cost, batch),
        )
        return Perturbed(new, ledger, before=original)
