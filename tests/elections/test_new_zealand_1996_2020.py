"""New Zealand general elections 1996-2020 under MMP, reproduced seat for seat.

Official source: New Zealand Electoral Commission, official results, "Overall status" pages,
https://www.electionresults.govt.nz/electionresults_2008/partystatus.html (2008; the same page
for each year: electionresults_1996/ ... electionresults_2020/).  Party votes, electorates won
and total seats below are transcribed from the Electoral Commission's official results.

Rules (Electoral Act 1993, ss. 191-192): 120 seats; a party qualifies for list seats with
>= 5 % of all party votes OR at least one electorate; Sainte-Laguë (1, 3, 5, ...) among
qualified parties; a party with more electorates than its entitlement keeps them (overhang)
and the house grows (2005: 121, 2008: 122, 2011: 121, 2014: 121).

The electorate results are given as counts per party, so the district layer here is
synthetic: one candidate per electorate, the party that won it (the winner is all MMP needs).
"""

from __future__ import annotations

import csv
import io

import pytest

from electsim import Election, ElectoralSystem, Threshold
from electsim.rules import DistrictContests, MMPSystem

DATA = """\
year,party,party_votes,electorates_won,published_seats
1996,National,701315,30,44
1996,Labour,584159,26,37
1996,NZ First,276603,6,17
1996,Alliance,209347,1,13
1996,ACT,126442,1,8
1996,Christian Coalition,89716,0,0
1996,Legalise Cannabis,34398,0,0
1996,United,18245,1,1
1996,McGillicuddy Serious,5990,0,0
1996,Progressive Green,5288,0,0
1996,Mana Māori,4070,0,0
1996,Animals First,3543,0,0
1996,Natural Law,3189,0,0
1996,Ethnic Minority,2514,0,0
1996,Green Society,2363,0,0
1996,Conservatives,1431,0,0
1996,Superannuitants and Youth,1244,0,0
1996,Asia Pacific United,949,0,0
1996,Libertarianz,671,0,0
1996,Advance New Zealand,478,0,0
1996,Te Tawharau,404,0,0
1999,Labour,800199,41,49
1999,National,629932,22,39
1999,Alliance,159859,1,10
1999,ACT,145493,0,9
1999,Green,106560,1,7
1999,NZ First,87926,1,5
1999,Christian Heritage,49154,0,0
1999,Future NZ,23033,0,0
1999,Legalise Cannabis,22687,0,0
1999,United,11065,1,1
1999,Libertarianz,5949,0,0
1999,Mana Māori,5190,0,0
1999,Māori Party (1999),4008,0,0
1999,Animals First,3244,0,0
1999,McGillicuddy Serious,3191,0,0
1999,South Island,2912,0,0
1999,Natural Law,1712,0,0
1999,One NZ,1311,0,0
1999,NMP,936,0,0
1999,Freedom Movement,454,0,0
1999,People's Choice,387,0,0
1999,Republican,292,0,0
2002,Labour,838219,45,52
2002,National,425310,21,27
2002,NZ First,210912,1,13
2002,ACT,145078,0,9
2002,Green,142250,0,9
2002,United Future,135918,1,8
2002,Progressive,34542,1,2
2002,Christian Heritage,27492,0,0
2002,Outdoor Recreation,25985,0,0
2002,Alliance,25888,0,0
2002,Legalise Cannabis,12987,0,0
2002,Mana Māori,4980,0,0
2002,One NZ,1782,0,0
2002,NMP,274,0,0
2005,Labour,935319,31,50
2005,National,889813,31,48
2005,NZ First,130115,0,7
2005,Green,120521,0,6
2005,Māori,48263,4,4
2005,United Future,60860,1,3
2005,ACT,34469,1,2
2005,Progressive,26441,1,1
2005,Destiny,14210,0,0
2005,Legalise Cannabis,5748,0,0
2005,Christian Heritage,2821,0,0
2005,Alliance,1641,0,0
2005,Family Rights,1178,0,0
2005,Democrats,1079,0,0
2005,Libertarianz,946,0,0
2005,Direct Democracy,782,0,0
2005,99 MP,601,0,0
2005,One NZ,478,0,0
2005,Republic of NZ,344,0,0
2008,National,1053398,41,58
2008,Labour,796880,21,43
2008,Green,157613,0,9
2008,NZ First,95356,0,0
2008,ACT,85496,1,5
2008,Māori,55980,5,5
2008,Progressive,21241,1,1
2008,United Future,20497,1,1
2008,Bill and Ben,13016,0,0
2008,Kiwi,12755,0,0
2008,Legalise Cannabis,9515,0,0
2008,New Zealand Pacific,9640,0,0
2008,Family,8176,0,0
2008,Alliance,1909,0,0
2008,Democrats,1208,0,0
2008,Libertarianz,1176,0,0
2008,Workers Party,932,0,0
2008,RAM,465,0,0
2008,Republic of NZ,313,0,0
2011,National,1058636,42,59
2011,Labour,614937,22,34
2011,Green,247372,0,14
2011,NZ First,147544,0,8
2011,Conservative,59237,0,0
2011,Māori,31982,3,3
2011,Mana,24168,1,1
2011,ACT,23889,1,1
2011,United Future,13443,1,1
2011,Legalise Cannabis,11738,0,0
2011,Democrats,1714,0,0
2011,Libertarianz,1595,0,0
2011,Alliance,1209,0,0
2014,National,1131501,41,60
2014,Labour,604534,27,32
2014,Green,257356,0,14
2014,NZ First,208300,0,11
2014,Conservative,95958,0,0
2014,Māori,31850,1,2
2014,Internet MANA,34095,0,0
2014,ACT,16689,1,1
2014,Legalise Cannabis,10961,0,0
2014,United Future,5286,1,1
2014,Ban 1080,5113,0,0
2014,Democrats,1730,0,0
2014,Civilian,1096,0,0
2014,Independent Coalition,872,0,0
2014,Focus,639,0,0
2017,National,1152075,41,56
2017,Labour,956184,29,46
2017,NZ First,186706,0,9
2017,Green,162443,0,8
2017,ACT,13075,1,1
2017,Opportunity,63260,0,0
2017,Māori,30580,0,0
2017,Legalise Cannabis,8075,0,0
2017,Conservative,6253,0,0
2017,Mana,3642,0,0
2017,Ban 1080,3005,0,0
2017,NZ People's,1890,0,0
2017,United Future,1782,0,0
2017,Outdoors,1620,0,0
2017,Democrats,806,0,0
2017,Internet,499,0,0
2020,Labour,1443546,46,65
2020,National,738275,23,33
2020,Green,226754,1,10
2020,ACT,219030,1,10
2020,NZ First,75021,0,0
2020,Opportunity,43449,0,0
2020,New Conservative,42615,0,0
2020,Māori,33632,1,2
2020,Advance NZ,28434,0,0
2020,Legalise Cannabis,13329,0,0
2020,ONE,8121,0,0
2020,Vision NZ,4236,0,0
2020,Outdoors,3256,0,0
2020,TEA,2415,0,0
2020,Sustainable NZ,1880,0,0
2020,Social Credit,1520,0,0
2020,HeartlandNZ,914,0,0
"""

ROWS = list(csv.DictReader(io.StringIO(DATA)))
YEARS = sorted({int(r["year"]) for r in ROWS})


def _case(year: int) -> tuple[Election, DistrictContests, list[int]]:
    rows = [r for r in ROWS if int(r["year"]) == year]
    e = Election(
        [int(r["party_votes"]) for r in rows],
        parties=[r["party"] for r in rows],
        name=f"New Zealand {year}",
    )
    winners = [p for p, r in enumerate(rows) for _ in range(int(r["electorates_won"]))]
    c = DistrictContests(
        [f"electorate {i + 1}" for i in range(len(winners))],
        list(range(len(winners))),
        winners,
        votes=[1] * len(winners),
    )
    return e, c, [int(r["published_seats"]) for r in rows]


def _system(n_districts: int) -> MMPSystem:
    return MMPSystem(
        ElectoralSystem(120, "sainte_lague", national=Threshold("5%", base="party_votes")),
        n_districts,
        overhang="keep",
        alternative_district_seats=1,
        name="New Zealand MMP",
    )


@pytest.mark.parametrize("year", YEARS)
def test_new_zealand_published_seats(year: int) -> None:
    e, c, published = _case(year)
    r = _system(c.n_districts).allocate(e, districts=c)
    assert r.seats.tolist() == published
    assert int(r.house) == sum(published)


def test_new_zealand_2008_overhang_and_electorate_qualification() -> None:
    e, c, _ = _case(2008)
    r = _system(c.n_districts).allocate(e, districts=c)
    seats = r.by_party()
    assert int(r.house) == 122  # two overhang seats
    assert int(r.overhang.sum()) == 2
    assert seats["ACT"] == 5  # 3.65 % + Epsom
    assert seats["NZ First"] == 0  # 4.07 %, no electorate
    # without the electorate route ACT would get only its electorate
    strict = MMPSystem(
        ElectoralSystem(120, "sainte_lague", national=Threshold("5%", base="party_votes")),
        c.n_districts,
    ).allocate(e, districts=c)
    assert strict.by_party()["ACT"] == 1
