"""``Election.from_csv``: encodings, separators, reserved headers, structure, exact counts.

Expected values are the numbers written into each file by hand (no computation).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from electsim import Election, Party
from electsim.election import MAX_CSV_COLUMNS
from electsim.errors import ElectsimError, UnknownNameError


def _write(tmp_path: Path, text: str | bytes, name: str = "e.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


# ===================================================================== encodings, separators


def test_utf8_bom_is_not_part_of_the_first_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "\ufeffregion,A,B\nNorth,60,40\nSouth,10,90\n")
    e = Election.from_csv(path)
    assert e.region_names == ("North", "South")
    assert e.party_names == ("A", "B")


def test_bom_before_a_party_column(tmp_path: Path) -> None:
    # without a region column the BOM would otherwise stick to the first party's name
    e = Election.from_csv(_write(tmp_path, "\ufeffAta-Jurt,B\n5,7\n"))
    assert e.party_names == ("Ata-Jurt", "B")


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_separators_are_detected(tmp_path: Path, sep: str) -> None:
    rows = [
        ["region", "A", "B", "against_all"],
        ["North", "60", "40", "5"],
        ["South", "1", "9", "0"],
    ]
    text = "".join(sep.join(r) + "\r\n" for r in rows)
    e = Election.from_csv(_write(tmp_path, text))
    assert e.votes.tolist() == [[60, 40], [1, 9]]
    assert e.national_against_all.item() == 5


def test_semicolon_file_with_a_comma_in_a_party_name(tmp_path: Path) -> None:
    e = Election.from_csv(_write(tmp_path, "region;Ata-Jurt, Kyrgyzstan;B\nN;3;4\n"))
    assert e.party_names == ("Ata-Jurt, Kyrgyzstan", "B")


def test_comma_file_with_a_quoted_semicolon_in_a_party_name(tmp_path: Path) -> None:
    e = Election.from_csv(_write(tmp_path, 'region,"A;B",C\nN,1,2\nS,3,4\n'))
    assert e.party_names == ("A;B", "C")
    assert e.votes.tolist() == [[1, 2], [3, 4]]


def test_single_column_file(tmp_path: Path) -> None:
    e = Election.from_csv(_write(tmp_path, "A\n17\n"))
    assert e.party_names == ("A",)
    assert e.votes.tolist() == [[17]]


def test_non_utf8_bytes_are_refused_with_the_line(tmp_path: Path) -> None:
    text = "region,A\nNorth,1\nÖskön,2\n".encode("latin-1")
    with pytest.raises(ElectsimError, match=r"line 3: byte 0xd6 is not valid UTF-8"):
        Election.from_csv(_write(tmp_path, text))


def test_ambiguous_separator_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ElectsimError, match="cannot tell the separator"):
        Election.from_csv(_write(tmp_path, "region,A;B,C\nN,1;2,3\n"))


# ============================================================================ reserved headers


@pytest.mark.parametrize(
    ("header", "reserved"),
    [
        ("against-all", "against_all"),
        ("Against All", "against_all"),
        ("AGAINST_ALL", "against_all"),
        ("Invalid", "invalid"),
        ("spoiled", "invalid"),
        ("Registered", "registered"),
        ("registered voters", "registered"),
        ("in-regional-threshold", "in_regional_threshold"),
    ],
)
def test_reserved_lookalike_headers_are_refused(tmp_path: Path, header: str, reserved: str) -> None:
    # never read as a party (it could win seats): an error that names the right spelling
    path = _write(tmp_path, f"region,A,{header}\nNorth,10,3\n")
    with pytest.raises(ElectsimError, match=f"line 1: column '{header}' looks like.*'{reserved}'"):
        Election.from_csv(path)


def test_capitalised_region_header_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ElectsimError, match="'Region' looks like the reserved column 'region'"):
        Election.from_csv(_write(tmp_path, "Region,A\nNorth,1\nSouth,2\n"))


def test_exact_reserved_names_are_read(tmp_path: Path) -> None:
    text = "region,A,against_all,invalid,registered,in_regional_threshold\nN,5,1,2,10,0\n"
    e = Election.from_csv(_write(tmp_path, text))
    assert e.party_names == ("A",)
    assert e.registered is not None
    assert (e.against_all.tolist(), e.invalid.tolist(), e.registered.tolist()) == ([1], [2], [10])


# =============================================================================== structure


def test_extra_field_is_reported_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(ElectsimError, match=r"line 3: 4 fields but the header has 3 \(an extra"):
        Election.from_csv(_write(tmp_path, "region,A,B\nN,1,2\nS,3,4,5\n"))


def test_missing_field_is_reported_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(ElectsimError, match=r"line 2: 2 fields but the header has 3 \(a missing"):
        Election.from_csv(_write(tmp_path, "region,A,B\nN,1\nS,3,4\n"))


def test_every_problem_is_listed(tmp_path: Path) -> None:
    text = "region,A,B\nN,1\nS,3,4,5\nE,x,2\nW,1.5,2\n"
    with pytest.raises(ElectsimError) as info:
        Election.from_csv(_write(tmp_path, text))
    msg = str(info.value)
    assert "4 problem(s)" in msg  # two rows of the wrong width, two bad cells
    assert "line 2: 2 fields" in msg and "line 3: 4 fields" in msg
    assert "line 4, column 'A': 'x'" in msg and "line 5, column 'A': '1.5'" in msg


def test_header_and_cell_problems_are_reported_together(tmp_path: Path) -> None:
    text = "\ufeffregion;Ata Meken;Mekenchil;Invalid\nBatken;1200;800;4\nOsh;900;1,500;2\n"
    with pytest.raises(ElectsimError) as info:
        Election.from_csv(_write(tmp_path, text))
    msg = str(info.value)
    assert "2 problem(s)" in msg
    assert "line 1: column 'Invalid' looks like the reserved column 'invalid'" in msg
    assert "line 3, column 'Mekenchil': '1,500' has a thousands separator" in msg


def test_cell_problems_are_listed_with_lines(tmp_path: Path) -> None:
    text = "region,A,B\nN,1,2\nE,x,2\nW,1.5,-2\n"
    with pytest.raises(ElectsimError) as info:
        Election.from_csv(_write(tmp_path, text))
    msg = str(info.value)
    assert "3 problem(s)" in msg
    assert "line 3, column 'A': 'x'" in msg
    assert "line 4, column 'A': '1.5'" in msg
    assert "line 4, column 'B': '-2'" in msg


def test_trailing_separator_is_named(tmp_path: Path) -> None:
    with pytest.raises(ElectsimError, match=r"column 4 of the header is empty \(a trailing"):
        Election.from_csv(_write(tmp_path, "region,A,B,\nN,1,2,\n"))


def test_blank_and_separator_only_lines_are_skipped(tmp_path: Path) -> None:
    e = Election.from_csv(_write(tmp_path, "\nregion;A;B\nN;1;2\n;;\n\nS;3;4\n"))
    assert e.votes.tolist() == [[1, 2], [3, 4]]


def test_partly_empty_optional_column_names_the_lines(tmp_path: Path) -> None:
    with pytest.raises(ElectsimError, match=r"'registered' is filled in some rows and empty on"):
        Election.from_csv(_write(tmp_path, "region,A,registered\nN,1,5\nS,1,\n"))


def test_empty_region_name(tmp_path: Path) -> None:
    with pytest.raises(ElectsimError, match="line 3: empty region name"):
        Election.from_csv(_write(tmp_path, "region,A\nN,1\n,2\n"))


def test_wide_file_is_refused_before_any_work(tmp_path: Path) -> None:
    n = 1_000_000
    path = _write(tmp_path, "region," + ",".join(f"P{i}" for i in range(n)) + "\nN," + "1," * n)
    t0 = time.perf_counter()
    with pytest.raises(ElectsimError, match="MAX_CSV_COLUMNS"):
        Election.from_csv(path)
    assert time.perf_counter() - t0 < 30  # a generous bound against a hang, not a speed claim


def test_widest_accepted_file(tmp_path: Path) -> None:
    n = MAX_CSV_COLUMNS - 1
    text = "region," + ",".join(f"P{i}" for i in range(n)) + "\nN," + ",".join(["1"] * n) + "\n"
    e = Election.from_csv(_write(tmp_path, text))
    assert e.n_parties == n


# ================================================================================== counts


def test_counts_above_2_53_are_exact(tmp_path: Path) -> None:
    big = 2**53 + 1  # 9007199254740993: float would read 9007199254740992
    e = Election.from_csv(_write(tmp_path, f"A,B\n{big},1\n"))
    assert e.votes.tolist() == [[9_007_199_254_740_993, 1]]


def test_whole_number_with_zero_fraction_is_accepted(tmp_path: Path) -> None:
    e = Election.from_csv(_write(tmp_path, "A,B\n12.0,+7\n"))
    assert e.votes.tolist() == [[12, 7]]


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        ("12.0000000000000001", "not a non-negative whole number"),
        ("12.5", "not a non-negative whole number"),
        ("1e3", "not a non-negative whole number"),
        ("-1", "not a non-negative whole number"),
        ('"1,234"', "thousands separator"),
        ("1 234", "thousands separator"),
        ("", "is empty"),
        ("12 votes", "is not a count"),
        ("123456789012345678901", "too large"),
    ],
)
def test_bad_counts_are_refused(tmp_path: Path, cell: str, why: str) -> None:
    with pytest.raises(ElectsimError, match=f"line 2, column 'A'.*{why}"):
        Election.from_csv(_write(tmp_path, f"A,B\n{cell},1\n"))


def test_count_beyond_int64_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ElectsimError, match="too large"):
        Election.from_csv(_write(tmp_path, "A,B\n9999999999999999999,1\n"))


# ==================================================================== regional-test flags


@pytest.mark.parametrize(
    ("cell", "flag"),
    [("0", False), ("false", False), ("No", False), ("1", True), ("TRUE", True), ("", True)],
)
def test_in_regional_threshold_cells(tmp_path: Path, cell: str, flag: bool) -> None:
    e = Election.from_csv(_write(tmp_path, f"region,A,in_regional_threshold\nN,1,{cell}\nS,2,1\n"))
    assert e.regions[0].in_regional_threshold is flag
    assert e.regions[1].in_regional_threshold is True


def test_bad_flag_names_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(ElectsimError, match=r"line 2, column 'in_regional_threshold': 'maybe'"):
        Election.from_csv(_write(tmp_path, "region,A,in_regional_threshold\nN,1,maybe\n"))


# ========================================================================= party metadata


def test_party_metadata_suggests_the_close_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "Ak Jol,Bir Bol\n85,15\n")
    with pytest.raises(UnknownNameError, match=r"no metadata.*'Bir Bol'; did you mean 'Bir Boll'"):
        Election.from_csv(path, parties=[Party("Ak Jol"), Party("Bir Boll")])
    e = Election.from_csv(path, parties=[Party("ak jol"), Party("Bir Bol", "BB")])
    assert e.party_names == ("ak jol", "Bir Bol")  # metadata wins; case-insensitive match
