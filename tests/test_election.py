"""Tests of the data model: :class:`Election` (derived views, selection, constructors, CSV),
:class:`PrecinctResults` (exact aggregation) and immutability of everything the user passes.

Every expected number is a hand sum written next to the assertion.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from electsim import Election, ElectoralSystem, Party, PrecinctResults, Region, Threshold, allocate
from electsim.election import NATIONAL
from electsim.errors import (
    ElectsimError,
    MissingDataError,
    ShapeMismatchError,
    UnknownNameError,
)


def _two_regions() -> Election:
    #                A    B    C
    return Election(
        [[600, 300, 100], [50, 250, 200]],
        against_all=[20, 10],
        invalid=[30, 5],
        registered=[1_500, 700],
        parties=[Party("Alpha", "A", bloc="gov"), Party("Beta", "B"), "Gamma"],
        regions=["North", Region("South")],
        name="toy",
    )


# ============================================================================ derived views


def test_derived_views_by_hand() -> None:
    e = _two_regions()
    # North: party votes 600 + 300 + 100 = 1,000; valid 1,000 + 20 = 1,020; ballots 1,050.
    # South: party votes 50 + 250 + 200 = 500; valid 510; ballots 515.
    assert e.party_total.tolist() == [1_000, 500]
    assert e.valid.tolist() == [1_020, 510]
    assert e.ballots.tolist() == [1_050, 515]
    assert e.national_votes.tolist() == [650, 550, 300]
    assert int(e.national_party_total) == 1_500
    assert int(e.national_against_all) == 30
    assert int(e.national_invalid) == 35
    assert int(e.national_valid) == 1_530
    assert int(e.national_ballots) == 1_565
    assert e.national_registered is not None and int(e.national_registered) == 2_200
    assert e.base("ballots").tolist() == 1_565
    assert e.base("valid", national=False).tolist() == [1_020, 510]
    assert e.base("party_votes", national=False).tolist() == [1_000, 500]
    assert e.base("registered").tolist() == 2_200
    np.testing.assert_allclose(e.shares("valid"), [650 / 1_530, 550 / 1_530, 300 / 1_530])
    assert e.batch_shape == ()
    assert (e.n_regions, e.n_parties) == (2, 3)
    assert e.party_names == ("Alpha", "Beta", "Gamma")
    assert e.region_names == ("North", "South")
    assert e.parties[2] == Party("Gamma", "Gamma")  # short defaults to the name
    assert e.has_regional_breakdown


def test_lookup_by_name_short_and_index() -> None:
    e = _two_regions()
    assert e.party_index("Beta") == 1
    assert e.party_index("A") == 0  # short code
    assert e.party_index(2) == 2
    assert e.party_index(-1) == 2
    assert e.region_index("South") == 1
    with pytest.raises(UnknownNameError, match="Delta"):
        e.party_index("Delta")
    with pytest.raises(UnknownNameError, match="region"):
        e.region_index("East")
    with pytest.raises(UnknownNameError, match="out of range"):
        e.party_index(3)


def test_one_dimensional_votes_are_national() -> None:
    e = Election([600, 300, 100], against_all=[20], invalid=[30])
    assert e.votes.shape == (1, 3)
    assert e.regions == (NATIONAL,)
    assert not e.has_regional_breakdown
    assert e.registered is None and e.national_registered is None
    assert int(e.national_ballots) == 1_050
    # default names
    assert e.party_names == ("Party 1", "Party 2", "Party 3")
    assert [p.short for p in e.parties] == ["P1", "P2", "P3"]
    # without against_all / invalid they are zeros
    z = Election([5, 5])
    assert z.against_all.tolist() == [0] and z.invalid.tolist() == [0]


def test_per_region_arrays_broadcast_over_the_batch() -> None:
    votes = np.arange(2 * 3 * 2 * 4).reshape(2, 3, 2, 4)
    e = Election(votes, against_all=[1, 2], invalid=[7, 7])
    assert e.batch_shape == (2, 3)
    assert e.against_all.shape == (2, 3, 2)
    assert (e.against_all == [1, 2]).all()
    assert (e.invalid == 7).all()
    # ballots of batch element (1, 2), region 0: votes[1, 2, 0].sum() + 1 + 7
    assert int(e.ballots[1, 2, 0]) == int(votes[1, 2, 0].sum()) + 8
    assert e.national_ballots.shape == (2, 3)
    # A scalar is a per-region count only when there is a single region.
    n = Election(np.ones((4, 1, 2), dtype=int), against_all=5)
    assert (n.against_all == 5).all() and n.against_all.shape == (4, 1)


# ====================================================================== select / replace / national


def test_select() -> None:
    votes = np.arange(2 * 3 * 2 * 4).reshape(2, 3, 2, 4)
    aa = np.arange(12).reshape(2, 3, 2)
    e = Election(votes, against_all=aa, registered=votes.sum(-1) + aa + 5)
    one = e.select((1, 2))
    assert one.batch_shape == ()
    assert one.votes.tolist() == votes[1, 2].tolist()
    assert one.against_all.tolist() == aa[1, 2].tolist()
    assert one.registered is not None
    assert one.registered.tolist() == (votes[1, 2].sum(-1) + aa[1, 2] + 5).tolist()
    row = e.select(1)
    assert row.batch_shape == (3,)
    assert row.votes.tolist() == votes[1].tolist()
    assert e.select(slice(0, 1)).batch_shape == (1, 3)
    assert one.parties == e.parties and one.regions == e.regions
    with pytest.raises(ShapeMismatchError, match="batch"):
        one.select(0)
    with pytest.raises(ShapeMismatchError):
        e.select((0, 0, 0))


def test_replace_validates_again_and_keeps_the_original() -> None:
    e = _two_regions()
    r = e.replace(invalid=[0, 0])
    assert int(r.national_ballots) == 1_565 - 35
    assert int(e.national_ballots) == 1_565
    assert r.parties == e.parties and r.name == "toy"
    with pytest.raises(ElectsimError, match="registered"):
        e.replace(invalid=[1_000, 0])  # North would have 2,020 ballots > 1,500 registered
    with pytest.raises(ElectsimError, match="turnout"):
        e.replace(turnout=5)


def test_national_sums_the_regions() -> None:
    e = _two_regions()
    n = e.national()
    assert n.votes.tolist() == [[650, 550, 300]]
    assert n.against_all.tolist() == [30]
    assert n.invalid.tolist() == [35]
    assert n.registered is not None and n.registered.tolist() == [2_200]
    assert n.regions == (NATIONAL,)
    assert n.parties == e.parties
    # in a batch too
    b = Election(np.ones((4, 3, 2), dtype=int), against_all=[1, 2, 3])
    nb = b.national()
    assert nb.votes.shape == (4, 1, 2)
    assert (nb.votes == 3).all() and (nb.against_all == 6).all()


# ======================================================================== from_mapping


def test_from_mapping_flat() -> None:
    e = Election.from_mapping(
        {"A": 600, "B": 300, "C": 100}, against_all=20, invalid=30, registered=2_000
    )
    assert e.party_names == ("A", "B", "C")
    assert e.votes.tolist() == [[600, 300, 100]]
    assert int(e.national_ballots) == 1_050
    assert e.registered is not None and e.registered.tolist() == [2_000]
    assert e.regions == (NATIONAL,)


def test_from_mapping_nested() -> None:
    e = Election.from_mapping(
        {"North": {"A": 5, "B": 1}, "South": {"B": 7, "C": 2}},
        against_all={"North": 3},
        invalid={"South": 1, "North": 2},
        regions=[Region("South"), Region("North", in_regional_threshold=False)],
    )
    # parties in order of first appearance; missing ones are 0
    assert e.party_names == ("A", "B", "C")
    assert e.region_names == ("North", "South")
    assert e.votes.tolist() == [[5, 1, 0], [0, 7, 2]]
    assert e.against_all.tolist() == [3, 0]
    assert e.invalid.tolist() == [2, 1]
    assert [r.in_regional_threshold for r in e.regions] == [False, True]


def test_from_mapping_errors() -> None:
    with pytest.raises(ShapeMismatchError, match="mixes"):
        Election.from_mapping({"North": {"A": 5}, "B": 3})  # type: ignore[dict-item]
    with pytest.raises(UnknownNameError, match="against_all"):
        Election.from_mapping({"North": {"A": 5}}, against_all={"East": 1})
    with pytest.raises(ShapeMismatchError, match="invalid"):
        Election.from_mapping({"North": {"A": 5}, "South": {"A": 1}}, invalid=3)
    with pytest.raises(UnknownNameError, match="parties"):
        Election.from_mapping({"A": 5, "B": 1}, parties=[Party("A")])
    with pytest.raises(ElectsimError, match="votes"):
        Election.from_mapping({})


# ============================================================================= from_csv

CSV_TEXT = """region,Alpha,Beta,Gamma,against_all,invalid,registered,in_regional_threshold
North,600,300,100,20,30,1500,true
South,50,250,200,10,5,700,TRUE
Abroad,5,0,1,0,1,10,false
"""


def test_from_csv_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "toy.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    e = Election.from_csv(path)
    direct = Election(
        [[600, 300, 100], [50, 250, 200], [5, 0, 1]],
        against_all=[20, 10, 0],
        invalid=[30, 5, 1],
        registered=[1_500, 700, 10],
        parties=["Alpha", "Beta", "Gamma"],
        regions=[Region("North"), Region("South"), Region("Abroad", in_regional_threshold=False)],
    )
    for attr in ("votes", "against_all", "invalid", "registered"):
        np.testing.assert_array_equal(getattr(e, attr), getattr(direct, attr))
    assert e.parties == direct.parties
    assert e.regions == direct.regions
    assert e.name == "toy"
    assert str(path) in e.source
    # Same election, same seats; Abroad (Beta has 0 there) is outside the regional test.
    s = ElectoralSystem(10, "hare", regional=Threshold("0.7%"), tie_break="lowest_index")
    np.testing.assert_array_equal(allocate(e, s).seats, allocate(direct, s).seats)
    assert not allocate(e, s).failed_regions[2].any()


def test_from_csv_national_row_and_party_metadata(tmp_path: Path) -> None:
    path = tmp_path / "national.csv"
    # Counts written as floats are accepted when integral; registered empty = unknown.
    path.write_text("A,B,against_all,invalid,registered\n85.0,15,3,2,\n", encoding="utf-8")
    e = Election.from_csv(
        path, parties=[Party("Ak Jol", "A"), Party("Bir Bol", "B")], name="n", source="src"
    )
    assert e.votes.tolist() == [[85, 15]]
    assert e.registered is None
    assert e.regions == (NATIONAL,)
    assert e.party_names == ("Ak Jol", "Bir Bol")
    assert (e.name, e.source) == ("n", "src")


@pytest.mark.parametrize(
    ("text", "error", "match"),
    [
        ("A,B\n1,2\n3,4\n", ShapeMismatchError, "region"),
        ("region,A\nN,1.5\n", ElectsimError, "'A'"),
        ("region,A\nN,-1\n", ElectsimError, "'A'"),
        ("region,A\nN,x\n", ElectsimError, "'A'"),
        ("region,A,registered\nN,1,5\nS,1,\n", ElectsimError, "registered"),
        ("region,A,in_regional_threshold\nN,1,maybe\n", ElectsimError, "in_regional_threshold"),
        ("region,A,A\nN,1,2\n", UnknownNameError, "duplicate"),
        ("region,A\nN,1\nN,2\n", UnknownNameError, "duplicate"),
        ("region,against_all\nN,1\n", ElectsimError, "no party"),
        ("region,A\n", ElectsimError, "no data"),
        ("", ElectsimError, "empty"),
    ],
)
def test_from_csv_errors(tmp_path: Path, text: str, error: type, match: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(error, match=match):
        Election.from_csv(path)


def test_from_csv_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ElectsimError, match="path"):
        Election.from_csv(tmp_path / "nope.csv")


# ====================================================================== PrecinctResults


def _stations(invalid: list[int] | None = None) -> PrecinctResults:
    #  station  region  A   B   against_all  registered
    #  s1       0       10  5   1            25
    #  s2       1       3   7   0            15
    #  s3       0       1   1   2            12
    #  s4       2       0   4   1            8
    #  s5       1       6   0   0            15
    return PrecinctResults(
        votes=[[10, 5], [3, 7], [1, 1], [0, 4], [6, 0]],
        region=[0, 1, 0, 2, 1],
        regions=["North", "South", Region("Abroad", in_regional_threshold=False)],
        parties=["A", "B"],
        against_all=[1, 0, 2, 1, 0],
        invalid=invalid,
        registered=[25, 15, 12, 8, 15],
        extra={"form2_share": [0.1, 0.0, 0.5, 1.0, 0.25]},
        station_ids=["s1", "s2", "s3", "s4", "s5"],
    )


def test_precinct_aggregation_equals_hand_sum() -> None:
    pr = _stations(invalid=[1, 0, 0, 2, 1])
    assert pr.n_stations == 5
    assert pr.valid.tolist() == [16, 10, 4, 5, 6]
    e = pr.to_election()
    # North = s1 + s3: A 11, B 6, against 3, invalid 1, registered 37
    # South = s2 + s5: A 9,  B 7, against 0, invalid 1, registered 30
    # Abroad = s4:     A 0,  B 4, against 1, invalid 2, registered 8
    assert e.votes.tolist() == [[11, 6], [9, 7], [0, 4]]
    assert e.against_all.tolist() == [3, 0, 1]
    assert e.invalid.tolist() == [1, 1, 2]
    assert e.registered is not None and e.registered.tolist() == [37, 30, 8]
    assert e.region_names == ("North", "South", "Abroad")
    assert not e.regions[2].in_regional_threshold
    assert e.party_names == ("A", "B")
    assert int(e.national_ballots) == 16 + 10 + 4 + 5 + 6 + 4
    assert pr.extra["form2_share"].tolist() == [0.1, 0.0, 0.5, 1.0, 0.25]
    assert pr.station_ids == ("s1", "s2", "s3", "s4", "s5")


def test_precinct_invalid_unknown_needs_an_assumption() -> None:
    pr = _stations(invalid=None)
    with pytest.raises(MissingDataError, match="invalid_rate"):
        pr.to_election()
    e = pr.to_election(invalid_rate=0)
    assert e.invalid.tolist() == [0, 0, 0]
    # invalid_rate = 1/3 of the voters who took part: invalid = valid * (1/3) / (2/3) =
    # valid / 2, rounded half up.  Valid per region: North 20, South 16, Abroad 5
    # -> 10, 8, 2.5 -> 3.
    e = pr.to_election(invalid_rate=Fraction(1, 3))
    assert e.invalid.tolist() == [10, 8, 3]
    # 1.5 %: invalid = valid * 15 / 985 -> 0.305, 0.244, 0.076 -> 0, 0, 0
    assert pr.to_election(invalid_rate="1.5%").invalid.tolist() == [0, 0, 0]


def test_precinct_invalid_known_refuses_an_assumption() -> None:
    with pytest.raises(ElectsimError, match="invalid_rate"):
        _stations(invalid=[0] * 5).to_election(invalid_rate="1%")


def test_precinct_invalid_rate_must_be_below_one() -> None:
    with pytest.raises(ElectsimError, match="invalid_rate"):
        _stations().to_election(invalid_rate=1)


def test_precinct_errors() -> None:
    with pytest.raises(UnknownNameError, match="region"):
        PrecinctResults([[1, 2]], [3], ["North"])
    with pytest.raises(ShapeMismatchError, match="region"):
        PrecinctResults([[1, 2], [3, 4]], [0], ["North"])
    with pytest.raises(ShapeMismatchError, match="against_all"):
        PrecinctResults([[1, 2]], [0], ["North"], against_all=[1, 2])
    with pytest.raises(ShapeMismatchError, match="votes"):
        PrecinctResults([1, 2], [0, 0], ["North"])
    with pytest.raises(ShapeMismatchError, match="extra"):
        PrecinctResults([[1, 2]], [0], ["North"], extra={"x": [1.0, 2.0]})
    with pytest.raises(ShapeMismatchError, match="station_ids"):
        PrecinctResults([[1, 2]], [0], ["North"], station_ids=["a", "b"])
    with pytest.raises(UnknownNameError, match="duplicate"):
        PrecinctResults([[1, 2]], [0], ["North", "North"])


# =========================================================================== no mutation


def test_nothing_the_user_passed_is_mutated() -> None:
    votes = np.array([[600, 300, 100], [50, 250, 200]])
    aa = np.array([20, 10])
    inv = np.array([30, 5])
    reg = np.array([1_500, 700])
    keep = [x.copy() for x in (votes, aa, inv, reg)]
    e = Election(votes, aa, inv, reg, regions=["North", "South"])
    a = allocate(
        e,
        ElectoralSystem(
            10,
            "hare",
            national=Threshold("7%"),
            regional=Threshold("0.7%"),
            cap=5,
            tie_break="lowest_index",
        ),
    )
    for x, k in zip((votes, aa, inv, reg), keep, strict=True):
        np.testing.assert_array_equal(x, k)
        assert x.flags.writeable  # the caller's arrays are not frozen either
    # The election holds private read-only copies.
    for arr in (e.votes, e.against_all, e.invalid, e.registered):
        assert arr is not None
        assert not arr.flags.writeable
        assert not any(np.shares_memory(arr, x) for x in (votes, aa, inv, reg))
        with pytest.raises(ValueError, match="read-only"):
            arr[...] = 0
    # Changing the caller's array afterwards does not change the election.
    votes[0, 0] = 0
    assert int(e.votes[0, 0]) == 600
    # The allocation's arrays are read-only too.
    for arr in (a.seats, a.eligible, a.capped, a.failed_regions, a.unfilled):
        assert not arr.flags.writeable


def test_precinct_inputs_are_not_mutated() -> None:
    votes = np.array([[10, 5], [3, 7]])
    region = np.array([0, 1])
    form2 = np.array([0.5, 0.25])
    pr = PrecinctResults(votes, region, ["N", "S"], extra={"f": form2})
    e = pr.to_election(invalid_rate=0)
    assert votes.tolist() == [[10, 5], [3, 7]] and region.tolist() == [0, 1]
    assert votes.flags.writeable and form2.flags.writeable
    assert not pr.votes.flags.writeable
    assert not pr.extra["f"].flags.writeable
    assert not np.shares_memory(pr.extra["f"], form2)
    form2[0] = 9.0
    assert pr.extra["f"].tolist() == [0.5, 0.25]
    with pytest.raises(TypeError):
        pr.extra["g"] = np.zeros(2)  # type: ignore[index]
    assert not e.votes.flags.writeable


def test_election_is_frozen() -> None:
    e = _two_regions()
    with pytest.raises(AttributeError):
        e.votes = np.zeros((2, 3), dtype=np.int64)  # type: ignore[misc]


def test_precinct_results_are_frozen() -> None:
    import dataclasses

    pr = PrecinctResults([[5, 1], [2, 2]], region=[0, 0], regions=["N"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        pr.name = "changed"  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        pr.votes[0, 0] = 7


def test_party_and_region_are_frozen() -> None:
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        Party("A").name = "B"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Region("N").in_regional_threshold = False  # type: ignore[misc]


def test_from_mapping_with_party_and_region_metadata() -> None:
    parties = [Party("Ata Meken", "AM", bloc="opposition"), Party("Birimdik", "BRM")]
    regions = [Region("Batken"), Region("Abroad", in_regional_threshold=False)]
    votes = {"Batken": {"Birimdik": 7, "Ata Meken": 3}, "Abroad": {"Ata Meken": 2}}
    e = Election.from_mapping(votes, parties=parties, regions=regions)
    assert e.party_names == ("Birimdik", "Ata Meken")  # order of first appearance
    assert e.parties[1].bloc == "opposition" and e.regions[1].in_regional_threshold is False
    assert e.votes.tolist() == [[7, 3], [0, 2]]
    with pytest.raises(UnknownNameError, match=r"parties lacks metadata for \['Birimdik'\]"):
        Election.from_mapping(votes, parties=parties[:1])
    with pytest.raises(UnknownNameError, match=r"regions lacks metadata for \['Abroad'\]"):
        Election.from_mapping(votes, regions=regions[:1])


def test_precinct_scalar_zero_counts_and_refused_scalars() -> None:
    pr = PrecinctResults([[5, 1], [2, 2]], region=[0, 0], regions=["N"], against_all=0)
    assert pr.against_all.tolist() == [0, 0]
    with pytest.raises(ShapeMismatchError, match="against_all has shape"):
        PrecinctResults([[5, 1], [2, 2]], region=[0, 0], regions=["N"], against_all=5)


def test_precinct_registered_may_equal_ballots_and_batch_shape() -> None:
    # station 0: 5 + 1 party votes + 1 invalid = 7 ballots = 7 registered (100 % turnout)
    pr = PrecinctResults(
        [[5, 1], [2, 2]], region=[0, 0], regions=["N"], invalid=[1, 0], registered=[7, 9]
    )
    assert pr.ballots.tolist() == [7, 4] and pr.batch_shape == ()
    with pytest.raises(ElectsimError, match="registered is below the ballots cast"):
        PrecinctResults(
            [[5, 1], [2, 2]], region=[0, 0], regions=["N"], invalid=[1, 0], registered=[6, 9]
        )
    batched = PrecinctResults(np.zeros((3, 2, 2), dtype=np.int64), region=[0, 0], regions=["N"])
    assert batched.batch_shape == (3,) and batched.n_stations == 2


def test_national_registered_of_a_batch() -> None:
    e = Election(np.ones((2, 2, 1), dtype=np.int64), registered=[[10, 20], [30, 40]])
    assert e.national_registered is not None
    assert e.national_registered.tolist() == [30, 70]  # per election, summed over regions
