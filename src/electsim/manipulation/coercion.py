"""Administrative coercion: workplace mobilisation of public-sector employees.

The model, its equations and the sources of its defaults: ``docs/models.md`` ("Coercion").

Employers mobilise their workers for the regime party: some organisations mobilise (share
``phi_org``; Frye, Reuter & Szakonyi 2014: "just under one-quarter of employers"), in those a
share ``phi_emp`` of employees (and, through ``family_multiplier``, their relatives) is
pressured.  A pressured person who would have abstained turns out with probability
``kappa_turn`` and votes for the regime party (like turnout buying); one who would have voted
for another option votes for the regime party instead with probability
``kappa_vote = m + (1 - m) rho`` (like vote buying with monitoring ``m`` and reciprocity
``rho``).  See :class:`Coercion`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._exact import RateLike
from ..election import Election, PrecinctResults
from ..errors import ElectsimError, ShapeMismatchError
from ._base import (
    Mode,
    Perturbed,
    abstainers_of,
    ballots_of,
    broadcast_batch,
    check_counts,
    check_mode,
    check_nonnegative,
    check_party,
    check_rate,
    check_results,
    check_turnout,
    expected_counts,
    finish,
    normalise_rng,
    renamed_parameters,
    round_half_up,
    sample_multinomial,
    sample_without_replacement,
    unit_mask,
)

__all__ = ["Coercion"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
Units = str | int | Sequence[str | int] | None


def _unit_param(value: ArrayLike, name: str, U: int, batch: tuple[int, ...]) -> NDArray:
    """A per-unit parameter (scalar, ``(U,)`` or ``(*batch, U)``) broadcast to ``(*batch, U)``."""
    a = np.asarray(value)
    try:
        return np.broadcast_to(a, (*batch, U))
    except ValueError as exc:
        raise ShapeMismatchError(
            f"{name} has shape {a.shape}; expected a scalar, ({U},) per unit or {(*batch, U)}"
        ) from exc


def _unit_batch(value: ArrayLike | None) -> tuple[int, ...]:
    """Batch part of a per-unit parameter (all axes but the last)."""
    if value is None:
        return ()
    a = np.asarray(value)
    return tuple(a.shape[:-1]) if a.ndim >= 1 else ()


@renamed_parameters(vote_compliance="compliance", baseline_turnout="employee_turnout")
@dataclass(frozen=True)
class Coercion:
    """Workplace mobilisation of (public-sector) employees for a regime party.

    Per unit ``u`` (region or polling station) with ``T`` ballots cast, ``A`` abstainers (the
    abstainer rule: registered - ballots, or the ``abstainers``/``assumed_turnout``
    assumption), electorate ``N = T + A`` and ``c_k`` ballots for option ``k``:

    * pool of targeted people: ``E = round(employees * family_multiplier)``, at most ``N``
      (``employees`` given as counts, or as ``employee_share * N``);
    * pressured: ``pressured ~ Binomial(E, phi_org * phi_emp)``;
    * split by the employees' turnout ``t`` (default the unit's, ``T / N``: the pressured are
      then drawn without replacement from the unit's electorate): would-vote and
      would-abstain;
    * **turnout effect** (turnout-buying-like): ``mobilised ~ Binomial(would_abstain,
      kappa_turn)``, each a new ballot for the party, never more than ``A``;
    * **vote effect** (switching-like): the would-vote pressured people vote like the unit
      (or like ``preferences``); those for another option ``k`` switch to the party with
      probability ``kappa_vote`` -- ``switched_k ~ Binomial(would_vote_k, kappa_vote)``,
      never more than ``c_k`` (drawn as ``Binomial(would_vote, kappa_vote)`` compliers whose
      ballots are a random subset of the unit's ballots: the same distribution, fewer draws).

    In expectation (``mode="expected"``, default turnout and preferences):

    .. math::

        E[\\text{mobilised}_u] = \\kappa_{turn}\\,\\phi\\,E_u\\,\\frac{A_u}{N_u}, \\qquad
        E[\\text{switched}_{uk}] = \\kappa_{vote}\\,\\phi\\,E_u\\,\\frac{c_{uk}}{N_u}, \\qquad
        \\phi = \\phi_{org}\\,\\phi_{emp}.

    Parameters
    ----------
    party : str or int
        The regime party that benefits (name, short code or index; checked at :meth:`apply`).
    employees : int or array of int, optional
        Employees per unit: a scalar (the same count in every targeted unit), ``(U,)`` or
        ``(*batch, U)``.  Give exactly one of ``employees`` and ``employee_share``.
    employee_share : float or array, optional
        Employees as a share of the unit's registered voters (e.g. a public-sector employment
        rate), scalar, ``(U,)`` or ``(*batch, U)``; needs registered voters.  No default: no
        Kyrgyz public-sector employment rate per unit is in electsim's references.
    org_share : float or array, default 0.25
        ``phi_org``, share of organisations that mobilise: Frye, Reuter & Szakonyi (World
        Politics 66(2), 2014) report that just under a quarter of Russian employers mobilised
        their workers; range to try 0.15-0.4.
    pressured_share : float or array, default 0.75
        ``phi_emp``, share of employees of a mobilising organisation who are pressured.
        ASSUMPTION (no source): try 0.5-1.
    turnout_compliance : float or array, default 0.5
        ``kappa_turn = P(turn out | pressured, would abstain)``.  ASSUMPTION: try 0.3-0.7.
    monitoring : float or array, default 0.3
        ``m``, monitoring of the ballot (photographs, brokers), as in vote buying.
        ASSUMPTION: try 0-1.
    reciprocity : float or array, default 0.5
        ``rho``, compliance of the unmonitored.  ASSUMPTION: try 0.3-0.8.
    compliance : float or array, optional
        ``kappa_vote``, the vote-choice compliance, directly (``vote_compliance=`` is its
        deprecated name); default ``m + (1 - m) rho`` = 0.65.
    family_multiplier : float or array, default 1.0
        Relatives also asked per employee; the pool is ``round(employees *
        family_multiplier)`` rounded half up.  ASSUMPTION: try 1-1.5.
    abstainers, assumed_turnout :
        The abstainer rule where registered voters are unknown
        (:func:`~electsim.manipulation._base.abstainers_of`): counts per unit, or a turnout
        such as ``"56.5%"``.  Without registered voters and without either assumption,
        :class:`~electsim.errors.MissingDataError`: mobilised voters never exceed the
        abstainers, so the abstainers must be known or stated.
    employee_turnout : float or array, optional
        The employees' turnout without pressure, scalar, ``(U,)`` or ``(*batch, U)``
        (``baseline_turnout=`` is its deprecated name).  Default: the unit's turnout
        ``T / N``.  Whatever it is, the mobilised never exceed the unit's abstainers.
    preferences : array, optional
        The employees' vote shares among the parties if they vote: ``(P,)`` (every unit) or
        ``(..., U, P)``, non-negative weights normalised per unit.  Default: the unit's ballots
        (parties, against all, invalid).  With explicit preferences "against all" is not a
        source.
    include_against_all : bool, default True
        With the default preferences, whether a pressured would-be "against all" voter can be
        switched.  Invalid ballots are never switched.
    cost_per_employee_som : float or array, optional
        Money per pressured person (e.g. bonuses); default: no money (``cost_som`` = 0).  The
        cost is ``round(cost_per_employee_som * pressured)`` (half up).
    units : str, int or sequence, optional
        Units where employees are mobilised (default all); other units are unchanged.
    mode : {"sample", "expected"}, default "sample"

    Notes
    -----
    **Expected mode**: the pool is an integer as above; every other quantity is its expectation;
    the mobilised total and the switched total of each batch element are rounded half up and
    split over units (and source options) by largest remainder, capped at the abstainers and at
    the votes each option had (:func:`~electsim.manipulation._base.split_exact`).  The cost in
    expected mode uses the rounded expected number of pressured people.

    **Sample mode** draws individuals independently; whole organisations mobilising together
    (clustering) are not modelled, so the variance is understated.  Backlash among the public
    is not modelled.

    Examples
    --------
    One unit: 1,000 registered, ballots A 300, B 200, C 100, against all 60, invalid 40
    (turnout 70 %, 300 abstainers); 200 employees, ``phi_org = 0.5``, ``phi_emp = 1``:
    100 pressured, 70 would vote, 30 would abstain.  ``kappa_turn = 0.5`` mobilises 15;
    ``kappa_vote = 0.5`` switches half of the 20 B, 10 C and 6 against-all voters among them.

    >>> import electsim as es
    >>> e = es.Election([300, 200, 100], against_all=[60], invalid=[40], registered=[1000],
    ...                 parties=["A", "B", "C"])
    >>> c = Coercion("A", employees=200, org_share=0.5, pressured_share=1.0,
    ...              turnout_compliance=0.5, compliance=0.5, mode="expected")
    >>> out = c.apply(e)
    >>> out.election.votes.tolist(), out.election.against_all.tolist()
    ([[333, 190, 95]], [57])
    >>> out.ledger.net_ballots.tolist()     # the 15 mobilised
    [15]
    >>> out.verify()
    """

    party: str | int
    employees: ArrayLike | None = None
    employee_share: ArrayLike | None = None
    org_share: ArrayLike = 0.25
    pressured_share: ArrayLike = 0.75
    turnout_compliance: ArrayLike = 0.5
    monitoring: ArrayLike = 0.3
    reciprocity: ArrayLike = 0.5
    compliance: ArrayLike | None = None
    family_multiplier: ArrayLike = 1.0
    employee_turnout: ArrayLike | None = None
    abstainers: ArrayLike | None = None
    assumed_turnout: RateLike | None = None
    preferences: ArrayLike | None = None
    include_against_all: bool = True
    cost_per_employee_som: ArrayLike | None = None
    units: Units = None
    mode: Mode = "sample"

    def __post_init__(self) -> None:
        check_party(self.party)
        if (self.employees is None) == (self.employee_share is None):
            raise ElectsimError(
                "give exactly one of employees= (counts per unit) and employee_share= "
                "(share of registered voters)"
            )
        if self.employees is not None:
            check_counts(self.employees, "employees")
        if self.employee_share is not None:
            check_rate(self.employee_share, "employee_share")
        for name in ("org_share", "pressured_share", "turnout_compliance"):
            check_rate(getattr(self, name), name)
        check_rate(self.monitoring, "monitoring")
        check_rate(self.reciprocity, "reciprocity")
        if self.compliance is not None:
            check_rate(self.compliance, "compliance")
        if self.abstainers is not None:
            check_counts(self.abstainers, "abstainers")
        if self.abstainers is not None and self.assumed_turnout is not None:
            raise ElectsimError("give abstainers= or assumed_turnout=, not both")
        check_turnout(self.assumed_turnout)
        if self.employee_turnout is not None:
            check_rate(self.employee_turnout, "employee_turnout")
        check_nonnegative(self.family_multiplier, "family_multiplier")
        if self.cost_per_employee_som is not None:
            check_nonnegative(self.cost_per_employee_som, "cost_per_employee_som")
        if self.preferences is not None:
            w = check_nonnegative(self.preferences, "preferences")
            if w.ndim == 0:
                raise ShapeMismatchError("preferences must have a party axis, (P,) or (U, P)")
            if (w.sum(axis=-1) <= 0).any():
                raise ElectsimError("preferences must have a positive weight in every unit")
        if not isinstance(self.include_against_all, bool | np.bool_):
            raise ElectsimError(
                f"include_against_all={self.include_against_all!r} must be True or False"
            )
        check_mode(self.mode)

    @property
    def name(self) -> str:
        """Short label, e.g. ``"coercion(Birimdik)"``."""
        return f"coercion({self.party})"

    @property
    def kappa_vote(self) -> FloatArray:
        """``compliance`` if given, else ``monitoring + (1 - monitoring) * reciprocity``.

        Examples
        --------
        >>> round(float(Coercion("A", employees=10).kappa_vote), 12)      # 0.3 + 0.7 * 0.5
        0.65
        """
        if self.compliance is not None:
            return check_rate(self.compliance, "compliance")
        m = check_rate(self.monitoring, "monitoring")
        return m + (1.0 - m) * check_rate(self.reciprocity, "reciprocity")

    # ------------------------------------------------------------------------- apply
    def apply(
        self, election: Election | PrecinctResults, rng: int | np.random.Generator | None = None
    ) -> Perturbed:
        """Mobilise and switch pressured employees; return the new results and the ledger.

        Returns
        -------
        Perturbed
            Results of the input's type (batch shape broadcast against the parameter arrays);
            the ledger has ``votes`` (the party gains, others lose), ``against_all`` and
            ``cost_som``.

        Raises
        ------
        UnknownNameError
            Unknown party or unit.
        MissingDataError
            Registered voters unknown and no ``abstainers``/``assumed_turnout`` assumption;
            invalid ballots of stations unknown.
        ElectsimError
            ``employees`` above the registered voters of a unit; ``preferences`` of the wrong
            length.
        """
        original: Any = check_results(election)  # Any: broadcast_batch's TypeVar is constrained
        gen = normalise_rng(rng)
        b = original.party_index(self.party)
        mask = unit_mask(original, self.units)
        U, P = original.votes.shape[-2], original.votes.shape[-1]
        prefs = None
        pref_batch: tuple[int, ...] = ()
        if self.preferences is not None:
            prefs = np.asarray(self.preferences, dtype=np.float64)
            if prefs.shape[-1] != P:
                raise ShapeMismatchError(
                    f"preferences has {prefs.shape[-1]} party weights; the results have {P}"
                )
            pref_batch = tuple(prefs.shape[:-2]) if prefs.ndim >= 2 else ()
        cost_rate = (
            np.asarray(self.cost_per_employee_som, dtype=np.float64)
            if self.cost_per_employee_som is not None
            else np.zeros(())
        )
        emp_value = self.employees if self.employees is not None else self.employee_share
        results, (phi_o, phi_e, kt, kv, fam, crate, *_) = broadcast_batch(
            original,
            check_rate(self.org_share, "org_share"),
            check_rate(self.pressured_share, "pressured_share"),
            check_rate(self.turnout_compliance, "turnout_compliance"),
            self.kappa_vote,
            np.asarray(self.family_multiplier, dtype=np.float64),
            cost_rate,
            np.zeros(_unit_batch(emp_value)),
            np.zeros(_unit_batch(self.abstainers)),
            np.zeros(_unit_batch(self.employee_turnout)),
            np.zeros(pref_batch),
        )
        batch = results.batch_shape
        nb = len(batch)
        phi = phi_o * phi_e
        # the one abstainer rule: registered - ballots, or the stated assumption; the unit's
        # electorate is then ballots + abstainers (never more voters than that)
        A = abstainers_of(
            results,
            abstainers=self.abstainers,
            assumed_turnout=self.assumed_turnout,
            what="coercion",
        )
        T = ballots_of(results, "coercion")
        N = T + A
        # the pool of targeted people (integer, deterministic)
        if self.employees is not None:
            E = _unit_param(check_counts(self.employees, "employees"), "employees", U, batch)
            if ((E > N) & mask).any():
                raise ElectsimError(
                    "employees exceeds the registered voters of some unit; employees must be "
                    "registered voters of the unit they are counted in"
                )
            emp = E.astype(np.float64)
        else:
            assert self.employee_share is not None
            share = _unit_param(
                check_rate(self.employee_share, "employee_share"), "employee_share", U, batch
            )
            emp = share * N
        pool = np.minimum(round_half_up(emp * fam[..., None]), N)
        pool = np.where(mask, pool, 0)

        # ballots that can be switched: the other parties (and against all)
        assert results.against_all is not None
        others = [k for k in range(P) if k != b]
        with_aa = self.include_against_all and prefs is None
        sources = results.votes[..., others]  # (*batch, U, S)
        if with_aa:
            sources = np.concatenate([sources, results.against_all[..., None]], axis=-1)
        if prefs is not None:
            w = np.broadcast_to(prefs, (*batch, U, P)) if prefs.ndim >= 2 else prefs
            w = np.broadcast_to(w / w.sum(axis=-1, keepdims=True), (*batch, U, P))
        else:
            w = None

        cap_a = A
        if self.mode == "expected":
            press = pool * phi[..., None]
            if self.employee_turnout is None:
                t = np.divide(T, N, out=np.zeros(T.shape), where=N > 0)
            else:
                t = _unit_param(self.employee_turnout, "employee_turnout", U, batch)
            mob_e = press * (1.0 - t) * kt[..., None]
            vote = press * t
            if w is None:
                share_src = np.divide(
                    sources, T[..., None], out=np.zeros(sources.shape), where=T[..., None] > 0
                )
            else:
                share_src = w[..., others]
            sw_e = vote[..., None] * share_src * kv[..., None, None]
            mobilised = expected_counts(mob_e, cap_a, nb)
            switched = expected_counts(sw_e, sources, nb)
            pressured_total = round_half_up(press.sum(axis=-1))
        else:
            pressured = gen.binomial(pool, phi[..., None])
            if self.employee_turnout is None:
                would_vote = np.where(pressured > 0, gen.hypergeometric(T, A, pressured), 0)
            else:
                t = _unit_param(self.employee_turnout, "employee_turnout", U, batch)
                would_vote = gen.binomial(pressured, t)
            mobilised = np.minimum(gen.binomial(pressured - would_vote, kt[..., None]), cap_a)
            # the compliers among the would-vote pressured, then what they would have voted:
            # thinning a uniformly random subset of voters (or a multinomial) by independent
            # coin flips gives the same distribution as drawing the compliers first
            compliers = gen.binomial(would_vote, kv[..., None])
            if w is None:
                rest = T - sources.sum(axis=-1)  # the party itself, invalid (, against all)
                pool_cols = np.concatenate([sources, rest[..., None]], axis=-1)
                switched = sample_without_replacement(gen, compliers, pool_cols)[..., :-1]
            else:
                comp = sample_multinomial(gen, compliers, w)[..., others]
                switched = np.minimum(comp, sources)
            pressured_total = pressured.sum(axis=-1)

        mobilised = np.asarray(mobilised, dtype=np.int64)
        switched = np.asarray(switched, dtype=np.int64)
        d_votes = np.zeros(results.votes.shape, dtype=np.int64)
        d_votes[..., others] = -switched[..., : len(others)]
        d_votes[..., b] = mobilised + switched.sum(axis=-1)
        d_aa = -switched[..., len(others)] if with_aa else None
        cost = (
            round_half_up(crate * pressured_total)
            if self.cost_per_employee_som is not None
            else None
        )
        return finish(original, results, self.name, d_votes, d_aa, None, cost)
