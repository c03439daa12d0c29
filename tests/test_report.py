"""Scenario comparison tables (electsim.report)."""

from __future__ import annotations

import pytest

import electsim as es
from electsim.errors import ElectsimError
from electsim.report import scenario_records, scenario_table


def tiny() -> es.Election:
    parties = [es.Party("Alpha", "A", bloc="gov"), es.Party("Beta", "B"), es.Party("Gamma", "C")]
    return es.Election([600, 300, 100], against_all=[0], invalid=[0], parties=parties)


def test_records_by_hand() -> None:
    e = tiny()
    dh = es.allocate(e, es.ElectoralSystem(10, "dhondt"))
    cut = es.allocate(e, es.ElectoralSystem(10, "dhondt", national=es.Threshold("20%")))
    recs = scenario_records({"no threshold": dh, "20 %": cut})
    # D'Hondt, 10 seats: 600/1..6, 300/1..3, 100/1 -> A 6, B 3, C 1 (hand)
    assert recs[0]["seats"] == {"A": 6, "B": 3, "C": 1}
    # 20 % of 1,000 = 200: C (100) fails; A and B share 10 in 600:300 -> 7, 3 (hand: 600/7=85.7
    # > 300/4=75)
    assert recs[1]["seats"] == {"A": 7, "B": 3}
    assert recs[1]["blocs"] == {"gov": 7}
    # a simple majority of 10 is 6, two thirds is 7 (ceil(20/3))
    assert recs[0]["simple_majority"] == {"gov": True} and recs[0]["two_thirds"] == {"gov": False}
    assert recs[1]["two_thirds"] == {"gov": True}
    # wasted: C's 100 of 1,000 ballots in the second scenario
    assert recs[1]["wasted_share"] == pytest.approx(0.1)


def test_table_has_a_row_per_scenario_and_every_seated_party() -> None:
    e = tiny()
    a = es.allocate(e, es.ElectoralSystem(10, "hare"))
    text = scenario_table(
        [("Hare", a), ("D'Hondt", es.allocate(e, es.ElectoralSystem(10, "dhondt")))], bloc="gov"
    )
    lines = text.splitlines()
    assert len(lines) == 4 and lines[0].split()[:4] == ["scenario", "A", "B", "C"]
    assert lines[2].split()[:4] == ["Hare", "6", "3", "1"]


def test_bad_input() -> None:
    with pytest.raises(ElectsimError, match="empty"):
        scenario_table({})
    batch = es.allocate(es.Election([[[5, 3]], [[1, 9]]]), es.ElectoralSystem(3, "hare"))
    with pytest.raises(ElectsimError, match="batched"):
        scenario_records({"b": batch})
