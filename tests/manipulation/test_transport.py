"""Tests of voter transport (Form No. 2) and carousel voting.

Expected values are hand calculations (written out next to each test), published figures with
their source, or exact invariants; never electsim's own output.

Sources:

* [KLOOP] Kloop Media precinct file of 29 Oct 2020 aggregated to regions
  (``src/electsim/datasets/data/SOURCES.md``), with 1.5 % invalid ballots assumed
  (``kyrgyzstan_2020_regions(invalid_rate="1.5%")``): Naryn 94,460 ballots (Meken Yntymagy
  692), Talas 86,861 (Ordo 332), Chui 307,349 (Meken Yntymagy 1,575), Issyk-Kul 147,227
  (Meken Yntymagy 4,024), Osh oblast 375,857 (Meken Yntymagy 213).
* [FORM2] 24.kg (article 176788): abolishing Form No. 2 removed about 80,000 voters
  from Bishkek's and 30,000 from Osh's lists.
* [MODELS] ``docs/models.md`` ("Transport"): transport leaves national totals unchanged
  except through turnout, compliance and multiple voting; regional shares move.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import electsim as es
from electsim import Election, ElectoralSystem, Threshold
from electsim.errors import (
    ElectsimError,
    MissingDataError,
    ShapeMismatchError,
    UnknownMethodError,
    UnknownNameError,
)
from electsim.manipulation import compose
from electsim.manipulation.transport import Carousel, Transport

from _support import REPO_ROOT, run_script, small_elections

EXAMPLES = REPO_ROOT / "examples"
LAW = es.presets.kyrgyzstan_2020()
HYP = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


def two_regions() -> Election:
    """A: X 900, Y 100, registered 2,000; B: X 5,000, Y 5,000, registered 20,000."""
    return Election(
        [[900, 100], [5_000, 5_000]],
        registered=[2_000, 20_000],
        parties=["X", "Y"],
        regions=["A", "B"],
    )


def kyrgyz_regions() -> Election:
    """[KLOOP] regions, 1.5 % invalid; registered assumed = ceil(ballots / 0.565)."""
    e = es.datasets.kyrgyzstan_2020_regions(invalid_rate="1.5%")
    return e.replace(registered=np.ceil(e.ballots / 0.565).astype(np.int64))


def failed(e: Election, party: str, region: str) -> Any:
    a = es.allocate(e, LAW)
    return a.failed_regions[..., e.region_index(region), e.party_index(party)]


# ============================================================================ hand-computed
def test_transport_expected_hand_computed() -> None:
    # 1,000 voters from B to A, abstain_at_home 0.5, turnout 0.9, compliance 0.5 to X.
    # home voters h = round(1000 * 0.5) = 500, drawn from B's ballots (5000 X, 5000 Y) -> 250/250
    # would-be abstainers 500 with B's shares -> 250/250; pool 500 X / 500 Y, all to A.
    # vote at A: round(1000 * 0.9) = 900 -> 450 X, 450 Y; compliers round(900 * 0.5) = 450,
    # split 225/225 -> Y loses 225 to X: X +675, Y +225 at A.
    t = Transport(
        voters=1_000,
        origins="B",
        destinations="A",
        turnout=0.9,
        abstain_at_home=0.5,
        party="X",
        compliance=0.5,
        cost_per_voter_som=2_000,
        mode="expected",
    )
    out = t.apply(two_regions())
    out.verify()
    e = out.election
    assert e.votes.tolist() == [[900 + 675, 100 + 225], [5_000 - 250, 5_000 - 250]]
    assert e.registered.tolist() == [3_000, 19_000]
    assert out.ledger.votes_removed.tolist() == [[0, 0], [250, 250]]
    assert out.ledger.votes_added.tolist() == [[675, 225], [0, 0]]
    assert out.ledger.transported_out.tolist() == [0, 1_000]
    assert out.ledger.transported_in.tolist() == [1_000, 0]
    assert out.ledger.cost_som.item() == 2_000_000  # 1,000 moved x 2,000 som
    # national ballots: +900 at A - 500 at B = +400
    assert e.national_ballots.item() == 11_000 + 400


def test_transport_home_voters_clipped_by_origin_abstainers() -> None:
    # B: 10,000 ballots, registered 10,100 -> only 100 abstainers.  Of 1,000 moved voters at
    # least 1,000 - 100 = 900 must have voted at home, although abstain_at_home = 0.6 says 400.
    e = Election([[500, 500], [5_000, 5_000]], registered=[2_000, 10_100], regions=["A", "B"])
    out = Transport(
        voters=1_000, origins="B", destinations="A", abstain_at_home=0.6, mode="expected"
    ).apply(e)
    out.verify()
    assert out.ledger.votes_removed.sum().item() == 900
    # B afterwards: registered 9,100, ballots 9,100 -> still consistent (no abstainer left)
    assert out.election.registered[1].item() == out.election.ballots[1].item() == 9_100


def test_transport_cannot_move_more_than_registered() -> None:
    # 50,000 asked from B, which has 20,000 registered: 20,000 move.  10,000 of them were B's
    # abstainers, so (clip) the other 10,000 are all of B's voters: B ends with nothing.
    # Refused by default (review B3: impossible volumes were capped silently) ...
    with pytest.raises(ElectsimError, match=r"voters=50,000 exceeds the 20,000 registered"):
        Transport(voters=50_000, origins="B", destinations="A", mode="expected").apply(
            two_regions()
        )
    # ... and capped when asked to.
    out = Transport(
        voters=50_000, origins="B", destinations="A", mode="expected", on_excess="cap"
    ).apply(two_regions())
    out.verify()
    assert out.ledger.transported_out.tolist() == [0, 20_000]
    assert out.election.votes[1].tolist() == [0, 0]
    assert out.election.registered.tolist() == [22_000, 0]


def test_transport_destination_weights_split_exactly() -> None:
    # [FORM2] 110,000 voters with weights 80 : 30 -> exactly 80,000 and 30,000.
    e = Election(
        [[1_000, 0], [1_000, 0], [500_000, 500_000]],
        registered=[5_000, 5_000, 2_000_000],
        regions=["Bishkek", "Osh", "Rest"],
    )
    t = Transport(voters=110_000, origins="Rest", destinations={"Bishkek": 80, "Osh": 30})
    out = t.apply(e, rng=0)
    out.verify()
    assert out.ledger.transported_in.tolist() == [80_000, 30_000, 0]
    assert out.ledger.net_registered.tolist() == [80_000, 30_000, -110_000]


def test_origins_named_split_by_electorate_and_per_origin_mapping() -> None:
    e = Election(
        [[10, 10], [100, 100], [100, 100]],
        registered=[100, 1_000, 3_000],
        regions=["D", "O1", "O2"],
    )
    # named origins: 400 split by registered 1,000 : 3,000 -> 100 : 300
    out = Transport(voters=400, origins=["O1", "O2"], destinations="D", mode="expected").apply(e)
    assert out.ledger.transported_out.tolist() == [0, 100, 300]
    # origins=None: every unit that is not a destination -- the same here
    out2 = Transport(voters=400, destinations="D", mode="expected").apply(e)
    assert out2.ledger.transported_out.tolist() == [0, 100, 300]
    # a weight vector (ndarray) instead: 1 : 1 -> 200 : 200
    w = np.array([0.0, 1.0, 1.0])
    out3 = Transport(voters=400, origins=w, destinations="D", mode="expected").apply(e)
    assert out3.ledger.transported_out.tolist() == [0, 200, 200]
    # per-origin counts
    out4 = Transport(voters={"O1": 7, "O2": 11}, destinations="D", mode="expected").apply(e)
    assert out4.ledger.transported_out.tolist() == [0, 7, 11]
    for o in (out, out2, out3, out4):
        o.verify()


def test_carousel_hand_computed() -> None:
    # A: 1,000 ballots of 1,100 registered (100 abstainers); B: 1,000 of 2,000 (1,000).
    e = Election([[600, 400], [500, 500]], registered=[1_100, 2_000], parties=["X", "Y"])
    # identity, 600 ballots split by abstainers 100 : 1,000: quotas 54.55 / 545.45 ->
    # floors 54 / 545, one seat of remainder to the larger fraction (A) -> 55 / 545
    out = Carousel(ballots=600, party="Y", variant="identity", mode="expected").apply(e)
    out.verify()
    assert out.ledger.votes_added[:, 1].tolist() == [55, 545]
    assert out.election.registered.tolist() == [1_100, 2_000]
    # identity never exceeds the abstainers: 5,000 asked, 100 + 1,000 possible
    out = Carousel(ballots=5_000, party="Y", variant="identity", mode="expected").apply(e)
    assert out.ledger.votes_added[:, 1].tolist() == [100, 1_000]
    assert (out.election.ballots == out.election.registered).all()
    # supplementary: registered and ballots both grow by exactly K, split by registered
    # 330 * 1,100 / 3,100 = 117.1 -> 117, 330 * 2,000 / 3,100 = 212.9 -> 213
    out = Carousel(ballots=330, party="X", variant="supplementary", mode="expected").apply(e)
    out.verify()
    assert out.ledger.votes_added[:, 0].tolist() == [117, 213]
    assert out.election.registered.tolist() == [1_100 + 117, 2_000 + 213]
    # per-unit mapping, cost
    out = Carousel(
        ballots={"Region 1": 40}, party="X", variant="supplementary", cost_per_ballot_som=1_500
    ).apply(e, rng=1)
    assert out.ledger.votes_added[:, 0].tolist() == [40, 0]
    assert out.ledger.cost_som.item() == 60_000
    out = Carousel(ballots={"Region 1": 400}, party="X", variant="identity").apply(e, rng=1)
    assert out.ledger.votes_added[:, 0].tolist() == [100, 0]  # capped at A's 100 abstainers


def test_carousel_supplementary_adds_exactly_k_registrations() -> None:
    e = kyrgyz_regions()
    for mode in ("expected", "sample"):
        out = Carousel(
            ballots=604, party="Ordo", variant="supplementary", units="Talas", mode=mode
        ).apply(e, rng=3)
        out.verify()
        assert int(out.election.national_registered) == int(e.national_registered) + 604
        assert int(out.election.national_ballots) == int(e.national_ballots) + 604
        assert out.ledger.votes_added.sum() == 604


# ============================================================ the regional-threshold effect
def test_transport_flips_regional_status_national_totals_unchanged_constructed() -> None:
    # Z: A 100 of 10,000 (1 %), B 5 of 1,000 (0.5 % < 0.7 %).  Move 1,000 voters A -> B with
    # turnout 1, abstain_at_home 0: they carry A's shares (10 % X... 1 % Z -> 10 Z votes).
    # B: Z 15 of 2,000 = 0.75 % >= 0.7 %: passes; A: Z 90 of 9,000 = 1 %.  National: identical.
    e = Election(
        [[5_900, 4_000, 100], [600, 395, 5]],
        registered=[20_000, 2_000],
        parties=["X", "W", "Z"],
        regions=["A", "B"],
    )
    system = ElectoralSystem(10, "hare", regional=Threshold("0.7%"))
    before = es.allocate(e, system)
    assert before.failed_regions[1, 2]
    out = Transport(
        voters=1_000,
        origins="A",
        destinations="B",
        turnout=1,
        abstain_at_home=0,
        mode="expected",
    ).apply(e)
    out.verify()
    assert out.election.votes[:, 2].tolist() == [90, 15]
    after = es.allocate(out.election, system)
    assert not after.failed_regions[1, 2]
    assert out.election.national_votes.tolist() == e.national_votes.tolist()
    assert after.passes_regional[2] and not before.passes_regional[2]


def test_transport_flips_meken_yntymagy_in_naryn_with_national_totals_identical() -> None:
    # [KLOOP] Naryn: MYN 692 of 94,460 ballots = 0.733 % (passes 0.7 %).  x voters from Osh
    # oblast (MYN 213 / 375,857 = 0.0567 %) dilute it: MYN fails when
    # 692 + 0.000567 x < 0.007 (94,460 + x), i.e. x > (692 - 661.22) / 0.006433 = 4,785.
    e = kyrgyz_regions()
    assert not failed(e, "Meken Yntymagy", "Naryn")
    for x, fails in ((4_000, False), (6_000, True)):
        for mode in ("expected", "sample"):
            out = Transport(
                voters=x,
                origins="Osh oblast",
                destinations="Naryn",
                turnout=1,
                abstain_at_home=0,
                mode=mode,
            ).apply(e, rng=7)
            out.verify()
            assert (out.election.national_votes == e.national_votes).all()
            assert int(out.election.national_ballots) == int(e.national_ballots)
            assert int(out.election.national_registered) == int(e.national_registered)
            assert bool(failed(out.election, "Meken Yntymagy", "Naryn")) is fails
    # a batch of 300 sampled draws: national totals identical in every draw
    out = Transport(
        voters=np.full(300, 6_000),
        origins="Osh oblast",
        destinations="Naryn",
        turnout=1,
        abstain_at_home=0,
    ).apply(e, rng=11)
    out.verify()
    assert (out.election.national_votes == e.national_votes).all()
    # the lift direction: MYN in Chui, 1,575 of 307,349 = 0.51 %.  x voters from Issyk-Kul
    # (MYN 4,024 / 147,227 = 2.733 %): passes when 1,575 + 0.02733 x >= 0.007 (307,349 + x),
    # x >= (2,151.4 - 1,575) / 0.02033 = 28,350.
    for x, fails in ((28_000, True), (29_000, False)):
        out = Transport(
            voters=x,
            origins="Issyk-Kul",
            destinations="Chui",
            turnout=1,
            abstain_at_home=0,
            mode="expected",
        ).apply(e)
        assert (out.election.national_votes == e.national_votes).all()
        assert bool(failed(out.election, "Meken Yntymagy", "Chui")) is fails


def test_transport_lifts_ordo_over_talas_threshold_with_600_scale_volume() -> None:
    # [KLOOP] Talas: Ordo 332 of 86,861 ballots; 0.7 % = 608.0.  x new voters (abstained at
    # home, turnout 1) all voting Ordo (compliance 1): 332 + x >= 0.007 (86,861 + x)
    # <=> x >= 276.0 / 0.993 = 278.0.  So 270 fail (602 < 609.92), 280 pass (612 >= 609.99).
    e = kyrgyz_regions()
    assert failed(e, "Ordo", "Talas")
    for x, fails in ((270, True), (280, False)):
        out = Transport(
            voters=x,
            origins="Bishkek city",
            destinations="Talas",
            turnout=1,
            abstain_at_home=1,
            party="Ordo",
            compliance=1,
            mode="expected",
        ).apply(e)
        out.verify()
        assert out.election.votes[e.region_index("Talas"), e.party_index("Ordo")] == 332 + x
        assert bool(failed(out.election, "Ordo", "Talas")) is fails
    # the carousel, identity variant: the same 280 ballots flip it without moving anyone
    out = Carousel(ballots=280, party="Ordo", variant="identity", units="Talas").apply(e, rng=1)
    assert not failed(out.election, "Ordo", "Talas")
    assert (out.election.registered == e.registered).all()


# ========================================================================= Hypothesis
def elections() -> st.SearchStrategy[Election]:
    return small_elections(
        regions=(1, 4), parties=(1, 4), max_votes=400, max_other=30, max_absent=500, names="none"
    )


rates = st.floats(0, 1, allow_nan=False)


@HYP
@given(
    e=elections(),
    data=st.data(),
    voters=st.integers(0, 3_000),
    tau=rates,
    a=rates,
    c=rates,
    price=st.integers(0, 5_000),
    mode=st.sampled_from(["expected", "sample"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_transport_invariants(
    e: Election,
    data: Any,
    voters: int,
    tau: float,
    a: float,
    c: float,
    price: int,
    mode: str,
    seed: int,
) -> None:
    U = e.n_regions
    dest = data.draw(st.lists(st.integers(0, U - 1), min_size=1, max_size=U, unique=True))
    rest = [u for u in range(U) if u not in dest]
    if not rest:  # origins and destinations must be disjoint (refused otherwise)
        with pytest.raises(ElectsimError, match="overlap"):
            Transport(voters=voters, origins=dest, destinations=dest).apply(e, rng=seed)
        return
    orig = data.draw(st.lists(st.sampled_from(rest), min_size=1, max_size=len(rest), unique=True))
    if e.registered[orig].sum() == 0:
        return
    t = Transport(
        on_excess="cap",
        voters=voters,
        origins=orig,
        destinations=dest,
        turnout=tau,
        abstain_at_home=a,
        party=0,
        compliance=c,
        cost_per_voter_som=price,
        mode=mode,  # type: ignore[arg-type]
    )
    out = t.apply(e, rng=seed)
    out.verify()
    new, led = out.election, out.ledger
    for arr in (new.votes, new.against_all, new.invalid, new.registered):
        assert (arr >= 0).all()
    assert (new.registered >= new.ballots).all()
    # votes taken from a party never exceed what it had there
    assert (led.votes_removed <= e.votes).all()
    # registered voters moved, not created
    assert new.national_registered == e.national_registered
    moved = int(led.transported_out.sum())
    assert moved == int(led.transported_in.sum()) <= voters
    assert (led.transported_out <= e.registered).all()
    assert (led.net_registered == led.transported_in - led.transported_out).all()
    # ballots added at a unit never exceed the voters who arrived there
    assert (led.votes_added.sum(-1) <= led.transported_in).all()
    pure_dest = led.transported_out == 0
    assert (led.net_ballots[pure_dest] <= led.transported_in[pure_dest]).all()
    assert (led.net_ballots[pure_dest] >= 0).all()
    assert int(led.cost_som.sum()) == moved * price
    # everyone who moved had voted at home and votes again, unbought: national totals identical
    # (only when no origin had to send more voters than it had ballots)
    if tau == 1 and a == 0 and c == 0 and (led.transported_out <= e.ballots).all():
        assert (new.national_votes == e.national_votes).all()
        assert new.national_ballots == e.national_ballots


@HYP
@given(
    e=elections(),
    data=st.data(),
    k=st.integers(0, 3_000),
    variant=st.sampled_from(["identity", "supplementary"]),
    mode=st.sampled_from(["expected", "sample"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_carousel_invariants(
    e: Election, data: Any, k: int, variant: str, mode: str, seed: int
) -> None:
    U = e.n_regions
    units = data.draw(st.lists(st.integers(0, U - 1), min_size=1, max_size=U, unique=True))
    c = Carousel(ballots=k, party=0, variant=variant, units=units, mode=mode)  # type: ignore[arg-type]
    out = c.apply(e, rng=seed)
    out.verify()
    new, led = out.election, out.ledger
    assert (new.registered >= new.ballots).all()
    added = led.votes_added.sum(-1)
    assert (led.votes_removed == 0).all()
    outside = np.setdiff1d(np.arange(U), units)
    assert (added[outside] == 0).all()
    if variant == "identity":
        assert (added <= e.registered - e.ballots).all()
        assert (new.registered == e.registered).all()
        absent = int((e.registered - e.ballots)[units].sum())
        assert int(added.sum()) == min(k, absent)
    else:
        assert int(added.sum()) == k or int(e.registered[units].sum()) == 0
        assert (new.registered == e.registered + added).all()


# ====================================================================== seeds and modes
def test_same_seed_same_result_different_seeds_differ() -> None:
    e = kyrgyz_regions()
    t = Transport(voters=50_000, destinations="Bishkek city", party="Birimdik", compliance=0.5)
    a, b, c = t.apply(e, rng=5), t.apply(e, rng=5), t.apply(e, rng=6)
    assert (a.election.votes == b.election.votes).all()
    assert (a.election.votes != c.election.votes).any()
    k = Carousel(ballots=20_000, party="Ordo", variant="identity")
    assert (k.apply(e, rng=5).election.votes == k.apply(e, rng=5).election.votes).all()
    assert (k.apply(e, rng=5).election.votes != k.apply(e, rng=6).election.votes).any()
    # a Generator is accepted too and advanced
    g = np.random.default_rng(1)
    assert (t.apply(e, rng=g).election.votes != t.apply(e, rng=g).election.votes).any()


def within(sample_mean: float, expected: float, se: float, slack: float) -> bool:
    """Sample mean within 5 standard errors (+ a rounding slack) of the expectation."""
    return abs(sample_mean - expected) <= 5 * se + slack


def test_transport_sample_mean_matches_expected_mode() -> None:
    # 3 origins x 8,000 voters, plenty of abstainers (no clipping).  Per origin the home voters
    # are Binomial(M_o, 1 - a): total mean M (1 - a), variance M a (1 - a).  Destination
    # ballots are Binomial(M, tau) in total: variance M tau (1 - tau).
    M, a, tau, n = 24_000, 0.6, 0.9, 2_000
    e = Election(
        [[5_000, 3_000], [20_000, 10_000], [20_000, 10_000], [20_000, 10_000]],
        registered=[10_000, 100_000, 100_000, 100_000],
        regions=["D", "O1", "O2", "O3"],
    )
    kw = dict(voters=np.full(n, M), destinations="D", turnout=tau, party=0, compliance=0.3)
    s = Transport(**kw, abstain_at_home=a, mode="sample").apply(e, rng=42)  # type: ignore[arg-type]
    s.verify()
    removed = s.ledger.votes_removed.sum(axis=(-1, -2)).astype(float)
    cast = s.ledger.votes_added.sum(axis=(-1, -2)).astype(float)
    se_removed = np.sqrt(M * a * (1 - a) / n)
    se_cast = np.sqrt(M * tau * (1 - tau) / n)

    def expected_mode(abstain: float) -> tuple[float, float]:
        x = Transport(**kw, abstain_at_home=abstain, mode="expected").apply(e)  # type: ignore[arg-type]
        led = x.ledger
        return float(led.votes_removed[0].sum()), float(led.votes_added[0].sum())

    exp_removed, exp_cast = expected_mode(a)
    # rounding: half a vote per origin unit (3) / per destination (1)
    assert within(removed.mean(), exp_removed, se_removed, 1.5)
    assert within(cast.mean(), exp_cast, se_cast, 0.5)
    assert exp_removed == M * (1 - a) and exp_cast == M * tau
    # negative control: a wrong model (abstain_at_home 0.62 instead of 0.6) must be rejected
    wrong_removed, _ = expected_mode(0.62)
    assert not within(removed.mean(), wrong_removed, se_removed, 1.5)


def test_carousel_sample_mean_matches_expected_mode() -> None:
    # identity: K identities drawn without replacement among the abstainers of all units:
    # K_u hypergeometric, mean K p_u, variance K p_u (1 - p_u) (A - K) / (A - 1), p_u = A_u / A
    e = Election(
        [[600, 400], [500, 500], [100, 100]],
        registered=[1_100, 2_000, 1_200],
        parties=["X", "Y"],
    )
    absent = (e.registered - e.ballots).astype(float)  # 100, 1,000, 1,000
    A, K, n = absent.sum(), 700, 4_000
    s = Carousel(ballots=np.full(n, K), party="Y", variant="identity").apply(e, rng=9)
    x = s.ledger.votes_added[..., 1].astype(float)  # (n, 3)
    p = absent / A
    se = np.sqrt(K * p * (1 - p) * (A - K) / (A - 1) / n)
    exp = Carousel(ballots=K, party="Y", variant="identity", mode="expected").apply(e)
    exp_k = exp.ledger.votes_added[:, 1].astype(float)
    assert all(within(m, ev, sv, 1.0) for m, ev, sv in zip(x.mean(0), exp_k, se, strict=True))
    # negative control: proportional to registered voters (the supplementary rule) is wrong here
    wrong = K * e.registered / e.registered.sum()
    assert not all(within(m, ev, sv, 1.0) for m, ev, sv in zip(x.mean(0), wrong, se, strict=True))
    # supplementary: multinomial by registered voters, variance K p (1 - p)
    s = Carousel(ballots=np.full(n, K), party="Y", variant="supplementary").apply(e, rng=9)
    x = s.ledger.votes_added[..., 1].astype(float)
    p = e.registered / e.registered.sum()
    se = np.sqrt(K * p * (1 - p) / n)
    exp = Carousel(ballots=K, party="Y", variant="supplementary", mode="expected").apply(e)
    exp_k = exp.ledger.votes_added[:, 1].astype(float)
    assert all(within(m, ev, sv, 1.0) for m, ev, sv in zip(x.mean(0), exp_k, se, strict=True))


# ======================================================================== batching
def test_parameter_arrays_broadcast_into_one_batched_call() -> None:
    e = kyrgyz_regions()
    vols = np.array([0, 25_000, 110_000])
    comp = np.array([[0.0], [0.65]])
    kw: dict[str, Any] = dict(destinations={"Bishkek city": 80, "Osh city": 30}, party="BRM")
    out = Transport(voters=vols, compliance=comp, mode="expected", **kw).apply(e)
    out.verify()
    assert out.election.batch_shape == (2, 3)
    for i in range(2):
        for j in range(3):
            one = Transport(
                voters=int(vols[j]), compliance=float(comp[i, 0]), mode="expected", **kw
            ).apply(e)
            assert (out.election.votes[i, j] == one.election.votes).all()
            assert (out.election.registered[i, j] == one.election.registered).all()
    # an already batched election: the batch is kept
    eb = out.election
    out2 = Transport(voters=1_000, destinations="Talas").apply(eb, rng=1)
    out2.verify()
    assert out2.election.batch_shape == (2, 3)
    out3 = Carousel(ballots=np.array([0, 10, 20]), party="Ordo", variant="identity").apply(eb)
    out3.verify()
    assert out3.ledger.votes_added.sum(axis=(-1, -2))[1].tolist() == [0, 10, 20]


def test_precinct_results_and_compose() -> None:
    pr = es.datasets.kyrgyzstan_2020_precincts()
    pr = pr.replace(registered=np.ceil(pr.valid / 0.565).astype(np.int64))
    # invalid ballots unknown: the ballots (and the abstainers) are unknown -> an explicit error
    with pytest.raises(MissingDataError, match="invalid"):
        Transport(voters=10, destinations="Bishkek city").apply(pr, rng=1)
    pr = pr.replace(invalid=np.zeros(len(pr.valid), dtype=np.int64))  # stated: none
    t = Transport(
        voters=30_000,
        origins=["Naryn", "Talas"],
        destinations={"Bishkek city": 80, "Osh city": 30},
        party="BRM",
        compliance=0.65,
    )
    c = Carousel(ballots=500, party="Ordo", variant="supplementary", units="Talas")
    out = compose([t, c]).apply(pr, rng=4)
    out.verify()
    led = out.ledger
    regions = pr.region
    reg_by_region = np.bincount(regions, weights=led.net_registered, minlength=10)
    # 30,000 out of Naryn + Talas (+500 carousel registrations in Talas), 80 : 30 into the cities
    # 30,000 x 80 / 110 = 21,818.2 into Bishkek; largest-remainder rounding over stations
    assert abs(reg_by_region[0] - 21_818.2) < 50
    assert reg_by_region[0] + reg_by_region[1] == 30_000
    assert reg_by_region[5] + reg_by_region[7] == -30_000 + 500
    assert int(out.election.registered.sum()) == int(pr.registered.sum()) + 500
    # aggregation to regions is exact after the perturbation too
    agg = out.election.to_election()
    assert agg.national_votes.sum() == out.election.votes.sum()
    # no invalid ballots assumed, none created
    assert not out.election.invalid.any()


# ========================================================================= validation
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(voters=-1), "voters"),
        (dict(voters=1.5), "voters"),
        (dict(voters={}), "voters"),
        (dict(turnout=1.2), "turnout"),
        (dict(abstain_at_home=-0.1), "abstain_at_home"),
        (dict(compliance=0.5), "party"),
        (dict(party="X", compliance=np.array([0.1, 2.0])), "compliance"),
        (dict(cost_per_voter_som=-5), "cost_per_voter_som"),
        (dict(assumed_turnout=0), "assumed_turnout"),
        (dict(assumed_turnout="150%"), "assumed_turnout"),
        (dict(destinations=None), "destinations"),
        (dict(destinations=np.array([[1.0]])), "destinations"),
        (dict(destinations={"A": -1}), "destinations"),
        (dict(voters={"B": 5}, origins="B"), "origins"),
        (dict(party=True), "party"),
    ],
)
def test_transport_validation(kwargs: dict[str, Any], match: str) -> None:
    base: dict[str, Any] = dict(voters=10, destinations="A")
    with pytest.raises(ElectsimError, match=match):
        Transport(**(base | kwargs))


def test_transport_errors_at_apply() -> None:
    e = two_regions()
    with pytest.raises(UnknownMethodError):
        Transport(voters=1, destinations="A", mode="mean")  # type: ignore[arg-type]
    with pytest.raises(UnknownNameError, match="Nowhere"):
        Transport(voters=1, destinations="Nowhere").apply(e)
    with pytest.raises(UnknownNameError, match="Nowhere"):
        Transport(voters=1, origins=["Nowhere"], destinations="A").apply(e)
    with pytest.raises(UnknownNameError, match="Z"):
        Transport(voters=1, destinations="A", party="Z", compliance=0.5).apply(e)
    with pytest.raises(ShapeMismatchError):
        Transport(voters=1, destinations=np.array([1.0, 0.0, 0.0])).apply(e)
    with pytest.raises(ElectsimError, match="origins=None"):
        Transport(voters=1, destinations=["A", "B"]).apply(e)
    # registered voters known: an assumed turnout is refused
    with pytest.raises(ElectsimError, match="assumed_turnout"):
        Transport(voters=1, destinations="A", assumed_turnout="50%").apply(e)
    # registered voters unknown: MissingDataError unless an assumed turnout is stated
    k = es.datasets.kyrgyzstan_2020_regions(invalid_rate="1.5%")
    with pytest.raises(MissingDataError, match="assumed_turnout"):
        Transport(voters=100, destinations="Talas").apply(k)
    out = Transport(voters=100, destinations="Talas", assumed_turnout="56.5%").apply(k, rng=1)
    out.verify()
    assert out.election.registered is None
    assert out.ledger.transported_in.sum() == 100
    assert (out.ledger.registered_added == 0).all()


def test_assumed_turnout_arithmetic() -> None:
    # ballots 1,000 and 3,000, t = 50 %: registered 2,000 and 6,000 -> 400 split 1 : 3
    # = 100 / 300; t = 56.5 %: abstainers floor(1,000 x 43.5 / 56.5) = 769 -> registered
    # 1,769: of 2,000 moved at most 1,769 can leave (cap), and at least 1,769 - 769 = 1,000
    # of them are voters (the clip), i.e. all the unit's ballots.
    e = Election([[600, 400], [1_500, 1_500], [10, 10]], regions=["O1", "O2", "D"])
    out = Transport(
        voters=400, origins=["O1", "O2"], destinations="D", assumed_turnout="50%", mode="expected"
    ).apply(e)
    assert out.ledger.transported_out.tolist() == [100, 300, 0]
    with pytest.raises(ElectsimError, match="2,000 exceeds the 1,769 registered"):
        Transport(
            voters=2_000, origins="O1", destinations="D", assumed_turnout="56.5%", mode="expected"
        ).apply(e)
    out = Transport(
        voters=2_000,
        origins="O1",
        destinations="D",
        assumed_turnout="56.5%",
        mode="expected",
        on_excess="cap",
    ).apply(e)
    out.verify()
    assert out.ledger.transported_out.tolist() == [1_769, 0, 0]
    assert out.ledger.votes_removed[0].tolist() == [600, 400]
    # carousel identity: abstainers floor(1,000 x 1/1) = 1,000 at O1 with t = 50 %
    out = Carousel(ballots={"O1": 5_000}, party=0, variant="identity", assumed_turnout="50%").apply(
        e
    )
    assert out.ledger.votes_added[0, 0] == 1_000


def test_carousel_validation_and_missing_registered() -> None:
    with pytest.raises(ElectsimError, match="variant"):
        Carousel(ballots=1, party="X", variant="chain")  # type: ignore[arg-type]
    with pytest.raises(ElectsimError, match="ballots"):
        Carousel(ballots=-3, party="X", variant="identity")
    with pytest.raises(ElectsimError, match="party"):
        Carousel(ballots=3, party=None, variant="identity")  # type: ignore[arg-type]
    with pytest.raises(ElectsimError, match="cost_per_ballot_som"):
        Carousel(ballots=3, party="X", variant="identity", cost_per_ballot_som=float("nan"))
    with pytest.raises(ElectsimError, match="units"):
        Carousel(ballots={"A": 3}, party="X", variant="identity", units="A")
    e = two_regions()
    with pytest.raises(UnknownNameError):
        Carousel(ballots=3, party="Q", variant="identity").apply(e)
    with pytest.raises(UnknownNameError):
        Carousel(ballots=3, party="X", variant="identity", units="Nowhere").apply(e)
    k = es.datasets.kyrgyzstan_2020_regions(invalid_rate=0)
    for variant in ("identity", "supplementary"):
        with pytest.raises(MissingDataError):
            Carousel(ballots=3, party="BRM", variant=variant).apply(k)  # type: ignore[arg-type]
        out = Carousel(
            ballots=30,
            party="BRM",
            variant=variant,  # type: ignore[arg-type]
            assumed_turnout="56.5%",
            mode="expected",
        ).apply(k)
        out.verify()
        assert out.election.registered is None
        assert out.ledger.votes_added.sum() == 30


def test_name_property() -> None:
    assert Transport(voters=1, destinations="A").name == "transport"
    assert Carousel(ballots=1, party=0, variant="identity").name == "carousel(identity)"


# ========================================================================= example
def test_form2_example_prints_justifiable_numbers() -> None:
    proc = run_script(
        EXAMPLES / "form2_transport.py", "--draws", "20", timeout=300, warnings_as_errors=False
    )
    rows = [ln.split() for ln in proc.stdout.splitlines()]
    table = [r for r in rows if len(r) == 14 and r[0] in ("0.00", "0.65")]
    assert len(table) == 12
    for r in table:
        _compl, moved, d_bish, d_osh, reg_total, ballots, d_ballots = r[:7]
        seats = [int(x) for x in r[8:13]]
        m = int(moved.replace(",", ""))
        # registered voters are conserved (moved, not created): the total never changes
        assert reg_total == table[0][4]
        # every volume splits 80 : 30 between Bishkek and Osh [FORM2]
        assert abs(int(d_bish.replace(",", "")) - m * 80 / 110) <= 1
        assert int(d_bish.replace(",", "")) + int(d_osh.replace(",", "")) == m
        # net ballots = 0.95 M - (1 - 0.6) M = 0.55 M, up to rounding (half a ballot per unit)
        assert abs(int(d_ballots.replace(",", "")) - 0.55 * m) <= 10
        if m == 0:
            # no transport: the unmanipulated 2020 result on this data, 46/44/16/14
            # (tests/scripts/test_examples.py)
            assert seats == [46, 44, 16, 14, 0]
            assert ballots == "1,916,086"
        assert sum(seats) <= 120
    by = {(r[0], r[1]): r for r in table}
    # the abolition figures: 110,000 moved = +80,000 Bishkek, +30,000 Osh [FORM2]
    assert by[("0.00", "110,000")][2:4] == ["+80,000", "+30,000"]


def test_impossible_volumes_and_moves_within_a_unit_are_refused() -> None:
    # review B3: 10**9 voters to Bishkek were capped silently at the 2,912,176 registered
    # voters the other regions have under a 56.5 % assumed turnout, and Bishkek -> Bishkek
    # created 55 ballots.
    from electsim.datasets import kyrgyzstan_2020_regions

    e = kyrgyzstan_2020_regions(invalid_rate="1.5%")
    kw: dict[str, Any] = {"assumed_turnout": "56.5%", "mode": "expected"}
    with pytest.raises(ElectsimError, match=r"voters=1,000,000,000 exceeds the .* on_excess="):
        Transport(voters=10**9, destinations={"Bishkek city": 1}, **kw).apply(e)
    capped = Transport(voters=10**9, destinations={"Bishkek city": 1}, on_excess="cap", **kw)
    out = capped.apply(e)
    # the cap: every other region's assumed electorate, ballots + floor(ballots x 43.5 / 56.5)
    bishkek = e.region_index("Bishkek city")
    others = [int(b) for i, b in enumerate(e.ballots) if i != bishkek]
    assert int(out.ledger.transported_out.sum()) == sum(b + b * 87 // 113 for b in others)
    for spec in (
        {"origins": "Bishkek city", "destinations": "Bishkek city"},
        {"origins": ["Osh city", "Bishkek city"], "destinations": {"Bishkek city": 1}},
    ):
        with pytest.raises(ElectsimError, match=r"overlap.*'Bishkek city' is both"):
            Transport(voters=1_000, **spec, **kw).apply(e)
    with pytest.raises(ElectsimError, match="overlap"):
        Transport(voters={"Bishkek city": 100}, destinations="Bishkek city", **kw).apply(e)
    with pytest.raises(UnknownMethodError, match="on_excess"):
        Transport(voters=1, destinations="Osh city", on_excess="clip")  # type: ignore[arg-type]
