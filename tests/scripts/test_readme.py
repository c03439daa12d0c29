"""The README's Python snippets run, in order, as a user would paste them."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

import numpy as np
import pytest

from _support import REPO_ROOT

README = REPO_ROOT / "README.md"


@pytest.fixture(scope="module")
def readme() -> Iterator[dict[str, object]]:
    """Run every ```python block of the README in order, in one namespace; close the figures
    the snippets open once this module is done (later tests count open figures)."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 3
    namespace: dict[str, object] = {"print": lambda *a, **k: None}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    yield namespace
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def test_readme_python_blocks_run_and_show_the_published_parliament(
    readme: dict[str, object],
) -> None:
    namespace = readme
    # 46/45/16/13 from the CEC figures (https://for.kg/news-669682-ru.html), as the README shows
    result = namespace["result"]
    assert result.seats[:4].tolist() == [46, 45, 16, 13]  # type: ignore[attr-defined]
    # the batch snippet: the 2020 rules on resampled regional counts keep 46/44/16/14 on average
    a = namespace["a"]
    assert np.allclose(a.seats.mean(axis=0)[:4], [46, 44, 16, 14], atol=0.05)  # type: ignore[attr-defined]


def test_readme_manipulation_snippet_balances(readme: dict[str, object]) -> None:
    namespace = readme
    import electsim as es

    out, regional, system = namespace["out"], namespace["regional"], namespace["system"]
    seats = es.allocate(out.election, system).seats  # type: ignore[attr-defined]
    # a zero budget buys nothing: the unmanipulated 46/44/16/14 (Kloop file, by hand, 1.5 % invalid)
    assert seats[0, :4].tolist() == [46, 44, 16, 14]
    # money spent never exceeds the budgets 0, 100 M and 400 M som
    assert (out.ledger.cost_som <= np.array([0, 100e6, 400e6])).all()  # type: ignore[attr-defined]
    plan = namespace["plan"].apply(regional, rng=1)  # type: ignore[attr-defined]
    plan.verify()
    # transport moves voters, never creates them: as many leave the origins as reach Bishkek/Osh
    # (the plan is a batch of three: one per budget of the vote-buying step)
    moved_out = plan.ledger.transported_out.sum(axis=-1)
    moved_in = plan.ledger.transported_in.sum(axis=-1)
    assert moved_out.tolist() == moved_in.tolist() == [110_000] * 3


def test_readme_sensitivity_snippet_numbers(readme: dict[str, object]) -> None:
    namespace = readme
    from fractions import Fraction

    steps, tp, mc = namespace["steps"], namespace["tp"], namespace["mc"]
    # 7 % of ballots lies between Mekenchil's and Butun Kyrgyzstan's shares of 1,990,753
    # (CEC, 5 Oct 2020): the piece is (136,276/1,990,753, 141,940/1,990,753]
    piece = steps.at("7%")  # type: ignore[attr-defined]
    assert (piece.lo, piece.hi) == (Fraction(136_276, 1_990_753), Fraction(141_940, 1_990_753))
    assert piece.seats[:4] == (46, 45, 16, 13)
    # hand: 7 % of 1,990,753 = 139,352.71 -> 139,353 needed; 141,940 - 139,353 + 1 = 2,588
    assert tp.votes == 2_588  # type: ignore[attr-defined]
    # Birimdik, Mekenim and Kyrgyzstan are far above 7 %: they pass in every draw
    assert mc.prob_pass[:3].tolist() == [1.0, 1.0, 1.0]  # type: ignore[attr-defined]


def test_readme_market_priced_tipping_point(readme: dict[str, object]) -> None:
    # hand: 7 % of 1,990,753 ballots = 139,352.71 -> 139,353 votes; Mekenchil has 136,276 (CEC,
    # https://for.kg/news-669682-ru.html), and a switch from Birimdik leaves the ballots unchanged:
    # 139,353 - 136,276 = 3,077 switched votes
    tp2 = readme["tp2"]
    assert tp2.votes == 3_077  # type: ignore[attr-defined]
    # priced at 2,000 som a paid voter who complies with probability 0.65: 3,077 * 2,000 / 0.65
    assert tp2.som == (3_077 * 2_000 * 100) // 65  # type: ignore[attr-defined]
    tp = readme["tp"]
    assert tp.unpriced == 2_588 and tp.som == 0  # type: ignore[attr-defined]


def test_readme_abroad_stations_margin(readme: dict[str, object]) -> None:
    from fractions import Fraction

    w = readme["w"]
    # hand: CEC 141,940 + 4,125 abroad for Butun Kyrgyzstan; ballots 1,990,753 + 9,164 valid abroad
    # (0 % invalid assumed there): margin = 146,065 - 7 % of 1,999,917 = 6,070.81
    but = w.party_index("Butun Kyrgyzstan")  # type: ignore[attr-defined]
    margin = int(w.national_votes[but]) - Fraction(7, 100) * int(w.national_ballots)  # type: ignore[attr-defined]
    assert margin == Fraction(607_081, 100)


def test_readme_published_audit_example(readme: dict[str, object]) -> None:
    # Stark & Teague (2014), "Verifiable European Elections: Risk-limiting Audits for D'Hondt and
    # its relatives", JETS 3(1), companion notebook pbstark/DKDHondt14: coalition seats
    # [5, 3, 0, 1, 4] and 1,903 ballots (Kaplan-Wald, gamma 0.95, risk limit 0.001)
    import electsim as es

    dk, dhondt = readme["dk"], readme["dhondt"]
    assert es.audit.assertions(dk, dhondt).allocation.seats.tolist() == [5, 3, 0, 1, 4]  # type: ignore[arg-type]
    plan = es.audit.plan(dk, dhondt, 0.001, test="kaplan_wald", gamma=0.95, error_rate=0)  # type: ignore[arg-type]
    assert plan.initial == 1_903


def test_readme_rule_book_snippets(readme: dict[str, object]) -> None:
    # stages: 7 % of ballots on the precinct count with 1.5 % invalid: 1,887,345 valid votes +
    # 28,741 invalid = 1,916,086 ballots; 0.07 * 1,916,086 = 134,126.02 -> 134,127 needed.
    # Caps 50/30/12 bind, Kyrgyzstan (28 < 40) is not capped
    el, ap = readme["el"], readme["ap"]
    assert int(el.national_need) == 134_127  # type: ignore[attr-defined]
    assert ap.seats[:4].tolist() == [50, 30, 28, 12]  # type: ignore[attr-defined]
    # hand: divisors 1.2/3/5 on 10,000/6,300/2,500 give quotients 8,333 5,250 3,333 2,100 2,083
    # -> A 2, B 2, C 1; with 1.4 C's first quotient is 1,786 < 2,000 (A's third) -> 3/2/0
    import electsim as es

    small, sainte_lague = readme["small"], readme["sainte_lague"]
    sweden = es.ElectoralSystem(5, sainte_lague(first_divisor="1.2"))  # type: ignore[operator]
    assert es.allocate(small, sweden).seats.tolist() == [2, 2, 1]  # type: ignore[arg-type]
    # the 25th Knesset (Central Elections Committee, votes25.bechirot.gov.il): 32/24/14/12/11/7/
    # 6/5/5/4; without the surplus agreements plain D'Hondt gives Likud 31 and Labor 5
    israel, knesset = readme["israel"], readme["knesset"]
    published = [32, 24, 14, 12, 11, 7, 6, 5, 5, 4, 0, 0, 0]
    assert es.allocate(israel, knesset).seats.tolist() == published  # type: ignore[arg-type]
    plain = knesset.replace(alliances=())  # type: ignore[attr-defined]
    assert es.allocate(israel, plain).seats.tolist()[0::9] == [31, 5]  # type: ignore[arg-type]
    # districts by hand: D'Hondt 2 seats each, North 500/300/200 -> A, B; South 450/330/220 -> A, B;
    # levelling: Sainte-Laguë of 6 on 950/630/420 gives 3/2/1, so A and C get one each
    two, districts, levelled = readme["two"], readme["districts"], readme["levelled"]
    assert es.allocate(two, districts).seats.tolist() == [2, 2, 0]  # type: ignore[arg-type]
    assert es.allocate(two, levelled).seats.tolist() == [3, 2, 1]  # type: ignore[arg-type]
    # the parallel system by law: 54 list seats + 36 districts, every district seat held by a
    # party, an independent, or left unfilled
    mixed = readme["mixed"]
    house = mixed.seats.sum() + mixed.independents + mixed.unfilled  # type: ignore[attr-defined]
    assert int(house) == 90
    assert mixed.list_seats.sum() == 54  # type: ignore[attr-defined]
