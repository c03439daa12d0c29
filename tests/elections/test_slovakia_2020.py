"""Slovakia, National Council election of 29 February 2020: a per-kind threshold decides.

Source: Štatistický úrad SR (Statistical Office of the Slovak Republic), "Voľby do Národnej
rady SR 2020 -- výsledky hlasovania", volby.statistics.sk (official results approved by the
State Commission on 1 March 2020).  Law: Act No. 180/2014 Coll. on the conditions of exercising
the right to vote, § 66: 5 % of the valid votes for a party, 7 % for a coalition of two or three
parties, 10 % for four or more; 150 seats by the "republic electoral number" = votes of the
passing lists / 151 rounded up (a Hagenbach-Bischoff quota), then largest remainders.

The coalition PS-SPOLU won 200,780 of 2,881,511 valid votes (6.968 %): above 5 % but below the
7 % a two-party coalition needs.  The 619,631 votes of the other 17 lists (none reached 5 %; KDH
was the largest with 4.65 %) are modelled as five lists of about 4.3 % each -- which lists they
are does not matter, none passes.  The law's quota is
``largest_remainder("hagenbach_bischoff", rounding="ceil")``; plain Hagenbach-Bischoff (quota not
rounded up) and Hare give the published seats as well (checked below).
"""

from __future__ import annotations

import pytest

import electsim as es
from electsim.apportion import Method, largest_remainder
from electsim.rules import ByKind

PARTIES = [
    ("OĽaNO", 721_166, 1),
    ("SMER-SD", 527_172, 1),
    ("SME RODINA", 237_531, 1),
    ("Kotlebovci-ĽSNS", 229_660, 1),
    ("PS-SPOLU", 200_780, 2),
    ("SaS", 179_246, 1),
    ("ZA ĽUDÍ", 166_325, 1),
]
OTHERS = [123_926] * 4 + [123_927]  # 619,631 in five lists below 5 %
PUBLISHED = [53, 38, 17, 17, 0, 13, 12] + [0] * 5
SLOVAK = ByKind({1: "5%", 2: "7%", 4: "10%"}, base="valid")


def _election() -> es.Election:
    parties = [es.Party(n, members=m) for n, _, m in PARTIES]
    parties += [es.Party(f"other {i + 1}") for i in range(len(OTHERS))]
    return es.Election([v for _, v, _ in PARTIES] + OTHERS, parties=parties, name="NR SR 2020")


@pytest.mark.parametrize(
    "method",
    [largest_remainder("hagenbach_bischoff", rounding="ceil"), "hagenbach_bischoff", "hare"],
    ids=["law: Hagenbach-Bischoff rounded up", "hagenbach_bischoff", "hare"],
)
def test_published_seats(method: str | Method) -> None:
    e = _election()
    assert int(e.national_valid.item()) == 2_881_511
    alloc = es.allocate(e, es.ElectoralSystem(150, method, national=SLOVAK))
    assert alloc.seats.tolist() == PUBLISHED
    # 7 % of 2,881,511 = 201,705.77 -> 201,706 votes; PS-SPOLU was 926 short
    assert not alloc.eligible[4] and 201_706 - 200_780 == 926


def test_coalition_judged_as_a_party_would_win_seats() -> None:
    # negative control: at 5 % the coalition passes and takes 13 seats
    e = _election()
    flat = es.allocate(
        e, es.ElectoralSystem(150, "hagenbach_bischoff", national=es.Threshold("5%", base="valid"))
    )
    assert flat.seats.tolist()[:7] == [48, 35, 16, 15, 13, 12, 11]


def test_republic_electoral_number_is_the_rounded_up_quota() -> None:
    # hand calculation: the six passing lists have 2,061,100 votes; 2,061,100 / 151 = 13,649.67
    # -> 13,650; integer parts 52/38/17/16/13/12 = 148, the two largest remainders (OĽaNO 11,366,
    # ĽSNS 11,260) take the last two seats
    rule = largest_remainder("hagenbach_bischoff", rounding="ceil").spec
    assert rule.quota(2_061_100, 150) == 13_650
    votes = [v for _, v, m in PARTIES if m == 1]
    assert [v // 13_650 for v in votes] == [52, 38, 17, 16, 13, 12]
    assert [v % 13_650 for v in votes] == [11_366, 8_472, 5_481, 11_260, 1_796, 2_525]
