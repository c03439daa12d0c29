"""Sequential tests against hand computations of their published formulas, validity under a
null population, and a formula check of Lindeman & Stark's (2012) comparison sample size (the
published worked example is Stark & Teague 2014: test_audit_stark_teague.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from electsim import audit
from electsim.errors import ElectsimError


def test_alpha_two_draws_without_replacement_by_hand() -> None:
    # Stark (2023) ALPHA, eq. for T_j with the truncated-shrinkage eta (SHANGRLA defaults):
    # x = (1, 0), u = 1, N = 10, t = 1/2, eta0 = 0.8, d = 10, c = (eta0 - t)/2 = 0.15.
    # draw 1: mu = 5/10 = 0.5; eta = max(0.8, 0.5 + 0.15/sqrt(10)) = 0.8;
    #         term = (1/0.5)(0.3/0.5) + 0.2/0.5 = 1.6
    # draw 2: mu = (5 - 1)/9 = 4/9; eta = max((8 + 1)/11, 4/9 + 0.15/sqrt(11)) = 9/11;
    #         term = 0 + (1 - 9/11)/(1 - 4/9) = (2/11)/(5/9) = 18/55
    p = audit.alpha([1.0, 0.0], u=1.0, N=10, eta0=0.8, d=10)
    assert p[0] == pytest.approx(1 / 1.6)
    assert p[1] == pytest.approx(1 / 1.6)  # running max of T: 1.6 > 1.6 * 18/55
    p3 = audit.alpha([1.0, 1.0], u=1.0, N=10, eta0=0.8, d=10)
    # draw 2 with x = 1: mu = 4/9, eta = 9/11: term = (9/4)(9/11 - 4/9)/(5/9) + 18/55
    t2 = (9 / 4) * (9 / 11 - 4 / 9) / (5 / 9) + 18 / 55
    assert p3[1] == pytest.approx(1 / (1.6 * t2))


def test_kaplan_wald_by_hand() -> None:
    # T_j = prod(1 - g + g x_i / mu_i); with replacement mu = 1/2
    p = audit.kaplan_wald([1.0, 0.2], u=1.0, gamma=0.5)
    assert p.tolist() == pytest.approx([1 / 1.5, 1 / 1.5])  # T = 1.5, 1.5 * 0.7
    # without replacement, N = 4: mu_1 = 2/4, mu_2 = (2 - 1)/3; g = 1: T = 2, 2 * 3 = 6
    p = audit.kaplan_wald([1.0, 1.0], u=1.0, N=4, gamma=1.0)
    assert p.tolist() == pytest.approx([0.5, 1 / 6])
    # the null becomes impossible (mu_3 = (2 - 2)/2 = 0 with x > 0 drawn): p = 0
    p = audit.kaplan_wald([1.0, 1.0, 1.0], u=1.0, N=4, gamma=0.5)
    assert p[2] == 0.0


def test_kaplan_markov_and_kolmogorov_by_hand() -> None:
    # Kaplan-Markov: T = prod (x_i + g)/(t + g): (1.5/1) then (0.5/1)
    assert audit.kaplan_markov([1.0, 0.0], u=1.0, gamma=0.5).tolist() == pytest.approx(
        [1 / 1.5, 1 / 1.5]
    )
    # Kaplan-Kolmogorov, N = 4, g = 1: (2/1.5), then (2/(1/3 + 1))
    assert audit.kaplan_kolmogorov([1.0, 1.0], u=1.0, N=4, gamma=1.0).tolist() == pytest.approx(
        [0.75, 0.5]
    )
    with pytest.raises(ElectsimError, match="replacement"):
        audit.kaplan_markov([1.0], u=1.0, N=4)


def test_tests_are_vectorised_over_audits() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, size=(3, 50))
    for name, fn in audit.TESTS.items():
        kw = {} if name == "kaplan_markov" else {"N": 100}
        p = fn(x, u=1.0, **kw)
        assert p.shape == (3, 50)
        for i in range(3):
            assert np.array_equal(p[i], fn(x[i], u=1.0, **kw))
        assert (np.diff(p, axis=-1) <= 0).all()  # running p-values never increase


@pytest.mark.parametrize("name", list(audit.TESTS))
def test_tests_are_valid_under_the_null(name: str) -> None:
    """Population of N = 400 with mean exactly 1/2 (values 0 and 1): P(reject) <= alpha."""
    rng = np.random.default_rng(5)
    pop = np.repeat([0.0, 1.0], 200)
    R, n, a = 4000, 200, 0.1
    if name == "kaplan_markov":
        x = rng.choice(pop, size=(R, n))  # with replacement
        p = audit.kaplan_markov(x, u=1.0, gamma=0.3)
    else:
        x = np.array([rng.permutation(pop)[:n] for _ in range(R)])
        kw = {"eta0": 0.6} if name == "alpha" else {"gamma": 0.3}
        p = audit.TESTS[name](x, u=1.0, N=400, **kw)
    rate = float((p[:, -1] <= a).mean())
    # binomial 99.9 % upper bound around alpha: alpha + 3.3 sqrt(alpha (1 - alpha) / R)
    assert rate <= a + 3.3 * math.sqrt(a * (1 - a) / R)
    # and power against a true mean of 0.6 (the tests can reject)
    pop2 = np.repeat([0.0, 1.0], [160, 240])
    if name == "kaplan_markov":
        p2 = audit.kaplan_markov(rng.choice(pop2, size=(500, n)), u=1.0, gamma=0.3)
    else:
        x2 = np.array([rng.permutation(pop2)[:n] for _ in range(500)])
        p2 = audit.TESTS[name](
            x2, u=1.0, N=400, **({"eta0": 0.6} if name == "alpha" else {"gamma": 0.3})
        )
    assert (p2[:, -1] <= a).mean() > 0.2  # well above the null rate alpha = 0.1


def test_negative_control_a_biased_sample_rejects_too_often() -> None:
    """Negative control of the validity check: a population of mean 0.55 (the null is false)."""
    rng = np.random.default_rng(6)
    pop = np.repeat([0.0, 1.0], [180, 220])
    x = np.array([rng.permutation(pop)[:200] for _ in range(2000)])
    p = audit.alpha(x, u=1.0, N=400, eta0=0.6)
    assert (p[:, -1] <= 0.1).mean() > 0.1 + 3.3 * math.sqrt(0.09 / 2000)


def test_lindeman_stark_2012_comparison_sample_size() -> None:
    """A FORMULA CHECK, not a published example: the formula of Lindeman & Stark (2012), "A
    Gentle Introduction to Risk-limiting Audits", IEEE Security & Privacy 10(5), for the
    initial comparison sample size with no discrepancies, n = ceil(-2 gamma log(alpha) / mu)
    with the error inflation gamma = 1.03905 (Stark 2010, "Super-simple simultaneous
    single-ballot risk-limiting audits"), evaluated by hand at values chosen here (they were
    not checked against a table of the paper):
    alpha = 10 %, mu = 5 %: 2 * 1.03905 * 2.302585 / 0.05 = 95.70 -> 96;
    alpha = 5 %, mu = 10 %: 2 * 1.03905 * 2.995732 / 0.10 = 62.25 -> 63.
    The published worked example reproduced with its published sample size is Stark & Teague
    (2014) in test_audit_stark_teague.py."""
    assert audit.lindeman_stark_sample_size(0.05, 0.10) == 96
    assert audit.lindeman_stark_sample_size(0.10, 0.05) == 63
    # The exact super-simple rule (smallest n with (1 - mu/(2 gamma))^n <= alpha) is what
    # Kaplan-Markov (gamma_KM -> 0) gives on the comparison assorter with the upper bound
    # inflated by gamma: an independent path through electsim's own test.
    for mu, a in ((0.05, 0.10), (0.10, 0.05), (0.02, 0.01)):
        exact = math.ceil(math.log(a) / math.log(1 - mu / (2 * 1.03905)))
        b0 = 1 / (2 - mu / 1.03905)  # two-candidate plurality: u = 1, v = mu
        p = audit.kaplan_markov(np.full(2000, b0), u=2 * b0, gamma=1e-12)
        assert int(np.argmax(p <= a)) + 1 == exact
        # the rounded formula is its first-order approximation (never smaller)
        assert audit.lindeman_stark_sample_size(mu, a, exact=True) == exact
        assert audit.lindeman_stark_sample_size(mu, a) >= exact


def test_bad_input() -> None:
    with pytest.raises(ElectsimError, match="u="):
        audit.alpha([0.5], u=-1.0)
    with pytest.raises(ElectsimError, match="non-negative"):
        audit.kaplan_wald([-0.5], u=1.0)
    with pytest.raises(ElectsimError, match="draws without replacement"):
        audit.alpha([0.5] * 5, u=1.0, N=3)
    with pytest.raises(ElectsimError, match="eta0"):
        audit.alpha([0.5], u=1.0, eta0=0.4)


@pytest.mark.parametrize("name", list(audit.TESTS))
def test_planning_in_chunks_equals_the_whole_sequence(name: str) -> None:
    """plan() runs the tests over chunks carrying their state; the first rejection must be
    the one of the running p-values computed on the whole sequence at once."""
    from electsim.audit._plan import first_rejection

    rng = np.random.default_rng(2)
    x = rng.choice([0.0, 1.2], p=[0.57, 0.43], size=6000)  # mean 0.516, u = 1.2
    N = None if name == "kaplan_markov" else 8000
    kw = (
        {"eta0": 0.52, "d": 100.0}
        if name == "alpha"
        else {"gamma": 0.02 if name == "kaplan_wald" else 30.0}
    )
    p = audit.TESTS[name](x, u=1.2, N=N, **kw)
    got = first_rejection(lambda i, j: x[i:j], x.size, name, 1.2, N, [0.2, 0.05], kw)
    for a, g in zip([0.2, 0.05], got, strict=True):
        want = int(np.argmax(p <= a)) + 1 if (p <= a).any() else None
        assert g == want
    assert got[0] is not None and got[0] > 1024  # crosses a chunk boundary
