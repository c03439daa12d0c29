"""A synthetic single-member-district layer built from the 2020 precinct data.

Official district results of Kyrgyzstan's 2021 election are not bundled, so the reform lab
builds a *synthetic* layer from the 2020 polling-station counts.  Every modelling choice is an
ASSUMPTION with a range to try; nothing here reproduces a real district result.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from electsim._exact import RateLike, parse_rate
from electsim.apportion import get_method
from electsim.election import PrecinctResults
from electsim.errors import ElectsimError
from electsim.rules.mixed import DistrictContests

__all__ = ["synthetic_districts"]

#: The largest number of synthetic layers drawn in one call (memory: draws x candidates).
MAX_DRAWS = 100_000


def _check_int(x: object, name: str, lo: int, hi: int) -> int:
    if isinstance(x, np.integer):
        x = int(x)
    if isinstance(x, bool) or not isinstance(x, int) or not lo <= x <= hi:
        raise ElectsimError(f"{name}={x!r} must be an integer between {lo} and {hi:,}")
    return x


def _check_float(x: object, name: str, lo: float, hi: float) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float | np.number):
        raise ElectsimError(f"{name}={x!r} must be a number between {lo} and {hi}")
    v = float(x)
    if not np.isfinite(v) or not lo <= v <= hi:
        raise ElectsimError(f"{name}={x!r} must be a number between {lo} and {hi}")
    return v


def synthetic_districts(
    n_districts: int = 36,
    *,
    precincts: PrecinctResults | None = None,
    min_share: RateLike = "1%",
    independents: int = 2,
    independent_share: RateLike = "20%",
    personal_sd: float = 0.3,
    against_all_scale: float = 1.0,
    n_draws: int | None = None,
    rng: int | np.random.Generator | None = None,
) -> DistrictContests:
    """Synthetic single-member districts from the 2020 polling-station results (seeded).

    Builds ``n_districts`` districts from the domestic polling stations of
    :func:`electsim.datasets.kyrgyzstan_2020_precincts` and draws candidate votes from the
    party votes.  Use it with the same party order as the 2020 data (16 lists), e.g.
    ``kyrgyzstan_2021().allocate(kyrgyzstan_2020(), districts=synthetic_districts(rng=1))``.

    Steps and ASSUMPTIONS (each with a range to try):

    1. **Districts per region** (deterministic): the ``n_districts`` seats are apportioned
       among the nine domestic regions by Hare largest remainder on each region's voters who
       took part (party votes + against all).  ASSUMPTION: registered voters per station are
       not in the file, so turnout stands in for the registered voters the law apportions by;
       stations abroad belong to no district.
    2. **Stations to districts** (deterministic): within a region, stations are taken in the
       file's order (grouped by territorial commission, so roughly geographic) and cut into
       contiguous groups of about equal turnout (a station goes to district
       ``floor(m * cumulative_turnout_before_it / region_turnout)``).  ASSUMPTION: file order
       approximates compact districts.
    3. **Candidates**: in each district every list with at least ``min_share`` of the
       district's party votes fields one candidate (ASSUMPTION; default 1 %, try 0-5 %), plus
       ``independents`` independent candidates (ASSUMPTION; default 2, try 0-5: most 2021
       district winners ran without a party label).
    4. **Candidate votes** (random): the district's voters who took part minus against all are
       split among the candidates in proportion to weights: a party candidate's weight is the
       list's district votes times ``exp(personal_sd * z)`` (``z`` standard normal: a personal
       vote; ASSUMPTION default 0.3, try 0-0.8); the independents share
       ``independent_share`` of the district's party votes equally, each also times
       ``exp(personal_sd * z)`` (ASSUMPTION; default 20 %, try 0-50 %).  Votes are the
       proportional split rounded to the nearest integer (descriptive data generation, so
       floats are fine here; a district's total can differ from the original by a few votes).
    5. **Against all**: the district's 2020 against-all votes times ``against_all_scale``
       (ASSUMPTION; default 1, try 1-5: against all is a larger share in district contests --
       it won two Bishkek districts in 2021), rounded down.

    Parameters
    ----------
    n_districts : int
        Number of districts, at least the nine regions (2021 law: 36).
    precincts : PrecinctResults, optional
        Station results to build from (default: the bundled 2020 precinct file).  Must have no
        batch axis.
    min_share, independent_share : rate
        ``"1%"``, ``Fraction(1, 100)``, ``0.01`` ... (each in 0-100 %).
    independents : int
        Independent candidates per district (0-20).
    personal_sd : float
        Standard deviation of the log personal-vote multiplier (0-3).
    against_all_scale : float
        Multiplier of the against-all votes (0-100).
    n_draws : int, optional
        ``None``: one layer (no batch axis); an int: a batch of ``n_draws`` layers
        (same districts and candidates, different personal votes), vectorised.
    rng : None, int or numpy.random.Generator
        Seed of the personal-vote noise.  The same seed gives the same layer.

    Returns
    -------
    DistrictContests
        Districts named ``"<region> <k>"``; candidates ``"<district> <party short>"`` or
        ``"<district> independent <j>"``; ``votes`` ``(C,)`` or ``(n_draws, C)``.

    Examples
    --------
    >>> d = synthetic_districts(rng=1)
    >>> d.n_districts, d.districts[0], d.batch_shape
    (36, 'Bishkek city 1', ())
    >>> synthetic_districts(rng=1).votes.tolist() == d.votes.tolist()
    True
    """
    n_districts = _check_int(n_districts, "n_districts", 1, 10_000)
    independents = _check_int(independents, "independents", 0, 20)
    min_s = parse_rate(min_share, "min_share")
    ind_s = parse_rate(independent_share, "independent_share")
    sd = _check_float(personal_sd, "personal_sd", 0.0, 3.0)
    aa_scale = _check_float(against_all_scale, "against_all_scale", 0.0, 100.0)
    draws = None if n_draws is None else _check_int(n_draws, "n_draws", 1, MAX_DRAWS)
    if rng is None or isinstance(rng, np.random.Generator):
        gen = rng if rng is not None else np.random.default_rng()
    elif isinstance(rng, int | np.integer) and not isinstance(rng, bool) and int(rng) >= 0:
        gen = np.random.default_rng(int(rng))
    else:
        raise ElectsimError(f"rng={rng!r} must be None, a non-negative int seed or a Generator")
    if precincts is None:
        from electsim.datasets import kyrgyzstan_2020_precincts

        precincts = kyrgyzstan_2020_precincts()
    if not isinstance(precincts, PrecinctResults) or precincts.batch_shape:
        raise ElectsimError("precincts must be a PrecinctResults without a batch axis")

    votes = precincts.votes  # (K, P)
    against = precincts.against_all  # (K,)
    turnout = votes.sum(axis=1) + against
    domestic = [i for i, r in enumerate(precincts.regions) if r.in_regional_threshold]
    if n_districts < len(domestic):
        raise ElectsimError(
            f"n_districts={n_districts} must be at least the {len(domestic)} domestic regions"
        )
    reg_turnout = np.array([[int(turnout[precincts.region == r].sum()) for r in domestic]])
    hare = get_method("hare")
    per_region, _ = hare(
        reg_turnout,
        np.array([n_districts]),
        np.ones_like(reg_turnout, dtype=bool),
        "lowest_index",
        None,
    )
    for r, m in zip(domestic, per_region[0].tolist(), strict=True):
        stations = int((precincts.region == r).sum())
        if m > stations:
            raise ElectsimError(
                f"n_districts={n_districts} gives {precincts.regions[r].name} {m} districts but "
                f"it has only {stations} polling stations (districts are groups of whole "
                "stations); use fewer districts"
            )
    names: list[str] = []
    dist_votes: list[NDArray[np.int64]] = []
    dist_against: list[int] = []
    for r, m in zip(domestic, per_region[0].tolist(), strict=True):
        idx = np.nonzero(precincts.region == r)[0]
        t = turnout[idx]
        before = np.concatenate([[0], np.cumsum(t)[:-1]])
        total = max(int(t.sum()), 1)
        group = (m * before) // total
        for k in range(m):
            sel = idx[group == k]
            names.append(f"{precincts.regions[r].name} {k + 1}")
            dist_votes.append(votes[sel].sum(axis=0))
            dist_against.append(int(against[sel].sum()))
    D = len(names)
    pv = np.stack(dist_votes)  # (D, P)
    aa = np.array(dist_against, dtype=np.int64)
    party_total = pv.sum(axis=1)
    fields = pv * min_s.denominator >= min_s.numerator * party_total[:, None]
    fields &= pv > 0
    cand_d: list[int] = []
    cand_p: list[int | None] = []
    cand_names: list[str] = []
    base_w: list[float] = []
    shorts = [p.short for p in precincts.parties]
    for d in range(D):
        for p in np.nonzero(fields[d])[0].tolist():
            cand_d.append(d)
            cand_p.append(p)
            cand_names.append(f"{names[d]} {shorts[p]}")
            base_w.append(float(pv[d, p]))
        for j in range(independents):
            cand_d.append(d)
            cand_p.append(None)
            cand_names.append(f"{names[d]} independent {j + 1}")
            base_w.append(float(ind_s) * float(party_total[d]) / max(independents, 1))
    C = len(cand_d)
    N = 1 if draws is None else draws
    w = np.asarray(base_w) * np.exp(sd * gen.standard_normal((N, C)))
    cd = np.asarray(cand_d, dtype=np.int64)
    onehot = (cd[:, None] == np.arange(D)).astype(np.float64)  # (C, D)
    wsum = (w @ onehot)[:, cd]  # (N, C): the weight total of each candidate's district
    share = w / np.where(wsum > 0, wsum, 1.0)
    cand_votes = np.rint(share * party_total[cd]).astype(np.int64)
    if draws is None:
        cand_votes = cand_votes[0]
    against_out = np.floor(aa * aa_scale).astype(np.int64)
    if draws is not None:
        against_out = np.broadcast_to(against_out, (draws, D))
    return DistrictContests(
        names, cand_d, cand_p, cand_votes, against_all=against_out, candidates=cand_names
    )
