"""The manipulation core (``electsim.manipulation._base``) and the electorate bounds of every
mechanism: exact splitting, rounding, samplers, the ledger, the abstainer rule, deprecation
shims, and regressions of the bugs reported in issue 8 (docs/models.md, section 1)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import electsim as es
from electsim.errors import ElectsimError, InvalidCountsError, MissingDataError
from electsim.manipulation import (
    BallotStuffing,
    BoughtVotes,
    Carousel,
    Coercion,
    Ledger,
    Transport,
    VoteBuying,
    sample_without_replacement,
    split_exact,
)
from electsim.manipulation._base import abstainers_of, round_half_up, sample_multinomial

from _support import small_elections


# ============================================================================ split_exact
def largest_remainder(total: int, weights: list[int] | list[float]) -> list[int]:
    """Independent slow reference: Hare largest remainder with Fraction quotas, ties low
    (float weights read exactly as the binary numbers they are)."""
    fw = [Fraction(w) for w in weights]
    s = sum(fw)
    if s == 0 or total == 0:
        return [0] * len(weights)
    quotas = [total * w / s for w in fw]
    out = [q.numerator // q.denominator for q in quotas]
    rest = total - sum(out)
    order = sorted(range(len(weights)), key=lambda k: (-(quotas[k] - out[k]), k))
    for k in order[:rest]:
        out[k] += 1
    return out


@pytest.mark.parametrize(
    ("total", "weights"),
    [
        (2**62, [1, 1, 1]),  # returned zeros before (the cap sum overflowed int64)
        (10**17, [3, 7, 11, 13]),  # float quotas summed wrong before
        (10**17 + 1, [1, 2**40, 5]),
        (2**63 - 1, [1, 1]),
        (10, [1, 1, 1]),
        (7, [0, 5, 0, 2]),
    ],
)
def test_split_exact_equals_the_fraction_reference_for_any_size(
    total: int, weights: list[int]
) -> None:
    out = split_exact(total, weights)
    assert out.tolist() == largest_remainder(total, weights)
    assert int(out.astype(object).sum()) == total


@settings(derandomize=True, max_examples=200, deadline=None)
@given(
    total=st.integers(0, 10**15),
    weights=st.lists(st.integers(0, 10**6), min_size=1, max_size=8),
)
def test_split_exact_property(total: int, weights: list[int]) -> None:
    assert split_exact(total, weights).tolist() == largest_remainder(total, weights)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(
    total=st.integers(0, 10**12),
    weights=st.lists(
        st.one_of(
            st.floats(0, 1e6, allow_subnormal=False),
            st.sampled_from([0.1, 0.2, 0.5, 0.3, 0.1 + 0.2, 1e-300]),
        ),
        min_size=1,
        max_size=8,
    ),
)
def test_split_exact_float_weights_property(total: int, weights: list[float]) -> None:
    # the float64 fast path is certified; near-ties and exact ties fall back to integers
    assert split_exact(total, weights).tolist() == largest_remainder(total, weights)


def test_split_exact_float_ties_and_batches() -> None:
    # exact ties between float remainders go to the lowest index, as with integers
    assert split_exact(1, [0.1, 0.1, 0.1]).tolist() == [1, 0, 0]
    assert split_exact(2, [0.3, 0.3, 0.3]).tolist() == [1, 1, 0]
    rng = np.random.default_rng(3)
    w = rng.random((500, 6)) * rng.integers(0, 2, (500, 6))
    t = rng.integers(0, 10**9, 500)
    got = split_exact(t, w)
    for i in range(0, 500, 25):
        assert got[i].tolist() == largest_remainder(int(t[i]), w[i].tolist())


def test_split_exact_caps_and_float_weights() -> None:
    # water filling: cap 1 on the first cell, 9 left split 5 / 4 (hand)
    assert split_exact(10, [1, 1, 1], cap=[1, 9, 9]).tolist() == [1, 5, 4]
    # floats are read exactly: 0.1 + 0.2 weights on 3 -> quotas 1 and 2 up to 1e-16
    assert split_exact(3, [0.1, 0.2]).tolist() == [1, 2]
    assert split_exact([5, 0], [[1, 1], [1, 0]]).tolist() == [[3, 2], [0, 0]]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(total=2.5, weights=[1, 1]), "total"),
        (dict(total=-1, weights=[1, 1]), "total"),
        (dict(total=5, weights=[1, 1], cap=[1.5, 2]), "cap"),
        (dict(total=5, weights=[1, -1]), "weights"),
        (dict(total=5, weights=[1, np.nan]), "weights"),
    ],
)
def test_split_exact_refuses_non_integer_totals_and_caps(
    kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(ElectsimError, match=match):
        split_exact(**kwargs)


def test_round_half_up() -> None:
    # 0.5 -> 1, 2.5 -> 3 (not banker's rounding); 2.4999999999999996 is 2.5 meant
    assert round_half_up([0.5, 2.5, 2.4999999999999996, 2.49, 0.1 * 25]).tolist() == [
        1,
        3,
        3,
        2,
        3,
    ]
    with pytest.raises(ElectsimError, match="NaN"):
        round_half_up(np.nan)


# ============================================================================ samplers
def test_sample_without_replacement_clips_n_at_the_total() -> None:
    rng = np.random.default_rng(0)
    # asking for more than there is draws everything (exactly the counts), never more
    assert sample_without_replacement(rng, 100, [3, 0, 4]).tolist() == [3, 0, 4]
    out = sample_without_replacement(rng, np.array([5, 50, 0]), np.array([[2, 9], [4, 4], [1, 1]]))
    assert out.tolist()[1:] == [[4, 4], [0, 0]]
    assert out[0].sum() == 5 and (out[0] <= [2, 9]).all()


def test_sample_without_replacement_is_hypergeometric() -> None:
    # 10,000 draws of 10 from (30, 70): mean of the first = 3, var = 10 .3 .7 (90/99) = 1.909
    rng = np.random.default_rng(42)
    out = sample_without_replacement(rng, np.full(10_000, 10), np.array([30, 70]))
    m = out[:, 0].mean()
    se = np.sqrt(1.909 / 10_000)
    assert abs(m - 3.0) < 5 * se
    assert not abs(m - 3.1) < 5 * se  # negative control


def test_sample_multinomial_zero_rows_draw_nothing() -> None:
    rng = np.random.default_rng(1)
    out = sample_multinomial(rng, [5, 7], [[0.0, 2.0], [0.0, 0.0]])
    assert out.tolist() == [[0, 5], [0, 0]]


# ============================================================================ the ledger
def one_unit(**kw: Any) -> es.Election:
    base: dict[str, Any] = dict(
        against_all=[10], invalid=[5], registered=[2000], parties=["A", "B", "C"]
    )
    base.update(kw)
    return es.Election([[600, 300, 100]], **base)


def test_ledger_from_changes_refuses_fractions() -> None:
    e = one_unit()
    with pytest.raises(InvalidCountsError, match="non-integer"):
        Ledger.from_changes(e, mechanism="x", votes=[[0.5, 0, 0]])
    with pytest.raises(InvalidCountsError, match="non-integer"):
        Ledger.from_changes(e, mechanism="x", cost_som=2.5)
    # whole numbers given as floats are fine
    led = Ledger.from_changes(e, mechanism="x", votes=[[1.0, -1.0, 0.0]], cost_som=3.0)
    assert led.net_votes.tolist() == [[1, -1, 0]] and led.cost_som.item() == 3


def test_net_ballots_counts_invalid_removed() -> None:
    e = one_unit()
    led = Ledger.from_changes(e, mechanism="x", invalid=[-3], against_all=[2])
    assert led.invalid_removed.tolist() == [3]
    assert led.net_ballots.tolist() == [-1]  # -3 invalid + 2 against all


def test_ledger_verify_checks_registered_voters() -> None:
    e = one_unit()
    # registered changed without the ledger saying so
    led = Ledger.empty(e, "x")
    with pytest.raises(ElectsimError, match="registered"):
        led.verify(e, e.replace(registered=[2001]))
    # the ledger says so: fine
    Ledger.from_changes(e, mechanism="x", registered=[1]).verify(e, e.replace(registered=[2001]))
    # more ballots than registered voters after the change (results that bypassed the
    # constructor's own check, as a faulty perturbation could build them)
    small = e.replace(registered=[1015])
    grow = Ledger.from_changes(small, mechanism="x", votes=[[0, 1, 0]])
    after = small.replace(votes=[[600, 301, 100]], registered=[1016])
    object.__setattr__(after, "registered", np.array([1015]))
    with pytest.raises(ElectsimError, match="more ballots than registered"):
        grow.verify(small, after)


def test_compact_reprs() -> None:
    e = es.Election(np.full((3000, 9, 16), 100), registered=np.full((3000, 9), 3000))
    out = BoughtVotes(0, votes=5, mode="expected").apply(e)
    for text in (repr(out), repr(out.ledger), str(out), out._repr_html_(), str(out.ledger)):
        assert len(text) < 800
    assert "votes +" in repr(out.ledger) and "batch=(3000,)" in repr(out.ledger)
    assert "money spent" in str(out.ledger) and out.ledger._repr_html_().startswith("<pre")


# ============================================================================ abstainer rule
def test_abstainer_rule_is_the_same_everywhere() -> None:
    e = one_unit(registered=None)  # 1,015 ballots, registered unknown
    assert abstainers_of(e, abstainers=None, assumed_turnout="50%", what="x").tolist() == [1015]
    assert abstainers_of(e, abstainers=[7], assumed_turnout=None, what="x").tolist() == [7]
    with pytest.raises(MissingDataError, match="assumed_turnout"):
        abstainers_of(e, abstainers=None, assumed_turnout=None, what="x")
    with pytest.raises(ElectsimError, match="not both"):
        abstainers_of(e, abstainers=[7], assumed_turnout="50%", what="x")
    known = one_unit()  # 2,000 registered: 985 abstainers
    assert abstainers_of(known, abstainers=None, assumed_turnout=None, what="x").tolist() == [985]
    with pytest.raises(ElectsimError, match="exceeds"):
        abstainers_of(known, abstainers=[986], assumed_turnout=None, what="x")
    with pytest.raises(ElectsimError, match="registered voters"):
        abstainers_of(known, abstainers=None, assumed_turnout="50%", what="x")


def test_unknown_invalid_ballots_raise_in_every_mechanism() -> None:
    pr = es.PrecinctResults(
        [[60, 40]], region=[0], regions=["R"], parties="AB", registered=[200]
    )  # invalid unknown: the ballots are unknown
    mechanisms = [
        VoteBuying("A", budget_som=1000, price_som=10, mode="expected"),
        BoughtVotes("A", votes=1, strategy="turnout", mode="expected"),
        Coercion("A", employees=10, mode="expected"),
        BallotStuffing("A", incremental=1.0, mode="expected"),
        Carousel(ballots=1, party="A", variant="identity", mode="expected"),
    ]
    for m in mechanisms:
        with pytest.raises(MissingDataError, match="invalid"):
            m.apply(pr)


# ============================================================================ regressions
def test_regression_abstention_counterfactual_respects_the_abstainer_assumption() -> None:
    # issue 8: 10**6 bought abstentions on a 1,000-ballot unit without registered voters
    # returned ~1,000,000 votes
    e = es.Election([[600, 300, 100]], parties="ABC")
    bv = BoughtVotes("B", votes=10**6, strategy="abstention", on_excess="cap", mode="expected")
    with pytest.raises(MissingDataError, match="assumed_turnout"):
        bv.counterfactual(e)
    # turnout 50 % assumed: at most the 1,000 abstainers come back (hand: 1,000 (1-0.5)/0.5)
    out = BoughtVotes(
        "B",
        votes=10**6,
        strategy="abstention",
        assumed_turnout="50%",
        on_excess="cap",
        mode="expected",
    ).counterfactual(e)
    assert out.election.ballots.tolist() == [2000]
    with pytest.raises(ElectsimError, match="exceed"):
        BoughtVotes("B", votes=1001, strategy="abstention", assumed_turnout="50%").counterfactual(e)


def test_regression_coercion_without_registered_voters_is_bounded() -> None:
    # issue 8: 100,000 employees at a 1,000-ballot unit with baseline_turnout=0.565 gave 5,078
    # ballots and zero votes for every other party
    e = es.Election([[600, 300, 100]], parties="ABC")
    with pytest.raises(MissingDataError, match="assumed_turnout"):
        Coercion("A", employees=100_000).apply(e)
    # electorate = 1,000 + floor(1,000 x 0.435 / 0.565) = 1,000 + 769 = 1,769 (hand)
    with pytest.raises(ElectsimError, match="exceeds the registered"):
        Coercion("A", employees=100_000, assumed_turnout=0.565).apply(e)
    for mode in ("expected", "sample"):
        out = Coercion(
            "A",
            employees=1_769,
            org_share=1.0,
            pressured_share=1.0,
            turnout_compliance=1.0,
            compliance=1.0,
            assumed_turnout=0.565,
            mode=mode,  # type: ignore[arg-type]
        ).apply(e, rng=3)
        out.verify()
        assert out.election.ballots.item() <= 1_769
        assert out.ledger.net_ballots.item() <= 769


def test_deprecated_names_warn_and_mean_the_same() -> None:
    with pytest.warns(DeprecationWarning, match="vote_compliance"):
        old = Coercion("A", employees=5, vote_compliance=0.4)  # type: ignore[call-arg]
    assert old == Coercion("A", employees=5, compliance=0.4)
    with pytest.warns(DeprecationWarning, match="baseline_turnout"):
        old = Coercion("A", employees=5, baseline_turnout=0.4)  # type: ignore[call-arg]
    assert old == Coercion("A", employees=5, employee_turnout=0.4)
    with pytest.warns(DeprecationWarning, match="buyer"):
        t = Transport(voters=1, destinations="A", buyer="X", compliance=0.5)  # type: ignore[call-arg]
    assert t.party == "X"
    with pytest.warns(DeprecationWarning, match="buyer"):
        assert VoteBuying(buyer="A").party == "A"  # type: ignore[call-arg]


# ============================================================================ electorate bounds
def results() -> st.SearchStrategy[es.Election]:
    """Registered voters known or not (drawn); parties and regions named."""
    return small_elections(
        parties=(2, 4), max_votes=200, max_absent=300, registered=None, names="both"
    )


def mechanisms(mode: str, assume: dict[str, Any], big: int) -> list[Any]:
    """Every mechanism, pushed hard (large amounts, full compliance), with the assumption."""
    full = dict(offer_rate=1.0, turnout_compliance=1.0, compliance=1.0)
    out: list[Any] = [
        VoteBuying("P0", strategy=s, budget_som=None, price_som=1, mode=mode, **full, **assume)
        for s in ("switch", "turnout", "double", "abstention")
    ]
    out += [
        BoughtVotes("P0", votes=big, strategy=s, on_excess="cap", mode=mode, **assume)
        for s in ("turnout", "double")
    ]
    out += [
        Coercion(
            "P0",
            employee_share=1.0,
            org_share=1.0,
            pressured_share=1.0,
            turnout_compliance=1.0,
            compliance=1.0,
            mode=mode,
            **assume,
        ),
        BallotStuffing("P0", extreme=1.0, extreme_width=0.0, mode=mode, **assume),
        Carousel(ballots=big, party="P0", variant="identity", mode=mode, **assume),
    ]
    return out


@settings(
    derandomize=True, max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    e=results(),
    mode=st.sampled_from(["expected", "sample"]),
    turnout=st.sampled_from(["40%", "56.5%", "90%"]),
    seed=st.integers(0, 2**16),
)
def test_no_mechanism_creates_voters(e: es.Election, mode: str, turnout: str, seed: int) -> None:
    """Ballots after any mechanism never exceed ballots + abstainers (registered voters, or the
    stated assumption), in apply and in the counterfactuals alike."""
    known = e.registered is not None
    assume: dict[str, Any] = {} if known else {"assumed_turnout": turnout}
    A = abstainers_of(
        e, abstainers=None, assumed_turnout=assume.get("assumed_turnout"), what="test"
    )
    ceiling = e.ballots + A
    big = int(ceiling.sum()) * 3 + 10
    for m in mechanisms(mode, assume, big):
        out = m.apply(e, rng=seed)
        out.verify()
        assert (out.election.ballots <= ceiling).all(), m.name
        assert (out.election.votes >= 0).all()
    # counterfactuals: voters returned never exceed the abstainers
    cf = BoughtVotes(
        "P0", votes=big, strategy="abstention", on_excess="cap", mode=mode, **assume
    ).counterfactual(e, rng=seed)
    cf.verify()
    assert (cf.election.ballots <= ceiling).all()
    for s in ("turnout", "double", "abstention", "switch"):
        vb = VoteBuying("P1", strategy=s, budget_som=None, price_som=1, mode=mode, **assume)
        cf = vb.counterfactual(e, rng=seed)
        cf.verify()
        assert (cf.election.ballots <= ceiling).all() and (cf.election.votes >= 0).all()
    # transport conserves registrations
    if known and e.n_regions > 1:
        out = Transport(
            voters=big, origins="R0", destinations="R1", mode=mode, on_excess="cap"
        ).apply(e, rng=seed)
        out.verify()
        assert out.election.registered.sum() == e.registered.sum()


def test_every_rate_accepts_percent_strings() -> None:
    # review B6: leakage="30%" was refused while assumed_turnout="56.5%" worked.  A rate written
    # "30%" or "3/10" must give exactly what 0.3 gives, on every mechanism.
    from electsim.manipulation import BallotStuffing, Coercion

    e = es.Election(
        [[300, 200], [100, 400]], registered=[1_000, 1_000], parties="AB", regions=["R", "S"]
    )
    cases = [
        (Transport, {"voters": 200, "origins": "R", "destinations": "S", "party": "A"},
         ("turnout", "abstain_at_home", "compliance")),
        (Coercion, {"party": "A", "employees": 100},
         ("org_share", "pressured_share", "turnout_compliance", "monitoring", "reciprocity")),
        (BallotStuffing, {"party": "A"}, ("incremental", "extreme")),
        (VoteBuying, {"party": "A", "budget_som": 100_000},
         ("offer_rate", "acceptance", "turnout_compliance", "leakage")),
    ]  # fmt: skip
    for cls, base, names in cases:
        for name in names:
            a = cls(**base, **{name: "30%"}, mode="expected").apply(e)
            b = cls(**base, **{name: "3/10"}, mode="expected").apply(e)
            c = cls(**base, **{name: 0.3}, mode="expected").apply(e)
            assert np.array_equal(a.election.votes, c.election.votes), (cls.__name__, name)
            assert np.array_equal(b.election.ballots, c.election.ballots), (cls.__name__, name)
            with pytest.raises(ElectsimError, match=name):
                cls(**base, **{name: "130%"})


# ============================================================================ rng
@pytest.mark.parametrize(
    ("rng", "message"),
    [(-1, "rng=-1 must be a non-negative int seed"), ("7", "rng='7' must be None, an int seed")],
)
def test_mechanisms_normalise_rng_with_the_shared_rules(rng: Any, message: str) -> None:
    # the one normaliser of electsim._rng: a negative seed is an ElectsimError naming rng
    # (numpy's own ValueError before), a string is refused
    e = es.Election([300, 200], against_all=[60], invalid=[40], registered=[1000], parties="AB")
    stuffing = BallotStuffing("A", incremental=0.5, mode="sample")
    with pytest.raises(ElectsimError, match=message):
        stuffing.apply(e, rng=rng)
    a, b = stuffing.apply(e, rng=5), stuffing.apply(e, rng=np.random.default_rng(5))
    assert a.election.votes.tolist() == b.election.votes.tolist()
