"""Parametrised methods wherever a method is accepted: ``Allocation.explain``, the Dutch
majority clause and the ``--method`` option of the command line read the method's exact rule
(``method.spec``), not a name in the registry.  Expected values by hand (in each test); the
audit assertions are checked by brute force in ``tests/audit/test_audit_assertions.py``."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import pytest

import electsim as es
from electsim.apportion import largest_remainder, sainte_lague
from electsim.cli import main

SWEDEN = sainte_lague(first_divisor="1.2")
CZECH = largest_remainder("imperiali", "round_half_up")


def test_explain_parametrised_divisor_method() -> None:
    # divisors 1.2, 3, 5 (on the s + 1/2 scale of the spec: 0.6, 1.5, 2.5).  Votes 10000,
    # 6300, 2500, 5 seats: averages 8333 (A), 5250 (B), 3333 (A), 2100 (B), 2083 (C) -> 2/2/1
    a = es.allocate(es.Election([10000, 6300, 2500], parties="ABC"), es.ElectoralSystem(5, SWEDEN))
    rows = a.explain()
    assert [r["seats"] for r in rows] == [2, 2, 1]
    half = Fraction(1, 2)
    assert rows[0]["last_average"] == Fraction(10000) / (1 + half)
    assert rows[0]["next_average"] == Fraction(10000) / (2 + half)
    assert rows[2]["last_average"] == Fraction(2500) / Fraction(3, 5)  # first divisor 1.2 / 2
    assert rows[2]["next_average"] == Fraction(2500) / (1 + half)


def test_explain_rounded_quota() -> None:
    # V = 648, 5 seats: 648 / 7 = 92.57 rounds to the quota 93; 91/93, 464/93 = 4 + 92/93,
    # 93/93 = 1 -> whole 0, 4, 1 = 5 seats (hand)
    a = es.allocate(es.Election([91, 464, 93], parties="ABC"), es.ElectoralSystem(5, CZECH))
    rows = a.explain()
    assert [r["seats"] for r in rows] == [0, 4, 1]
    assert all(r["quota"] == 93 for r in rows)
    assert [r["whole"] for r in rows] == [0, 4, 1]
    assert rows[1]["remainder"] == Fraction(92, 93)


def test_majority_clause_with_parametrised_divisor_method() -> None:
    # A 51 %, B 25, C 24, 10 seats, divisors 1.2, 3, 5, 7, 9: averages A 42.5, 17, 10.2, 7.29,
    # 5.67, 4.64; B 20.83, 8.33, 5.0, 3.57; C 20.0, 8.0, 4.8 -> the 10 best give A 5, B 3,
    # C 2.  A has more than half of the votes but only 5 of 10 seats: it takes the last seat
    # won (B's third, at 5.0) -> 6/2/2 (hand)
    e = es.Election([51, 25, 24], parties="ABC")
    plain = es.allocate(e, es.ElectoralSystem(10, SWEDEN))
    assert plain.seats.tolist() == [5, 3, 2]
    dutch = es.allocate(e, es.ElectoralSystem(10, SWEDEN, majority_clause="dutch"))
    assert dutch.seats.tolist() == [6, 2, 2]


def test_majority_clause_with_rounded_quota() -> None:
    # quota floor(100 / 10) = 10: whole 5, 2, 2 with remainders 3, 5, 1 -> the residual seat
    # goes to B; A (53 %) has only 5 of 10 seats and takes B's residual seat -> 6/2/2 (hand).
    # With the quota floor(100 / 11) = 9 for 11 seats: whole 5, 2, 2, remainders 8, 8, 3 ->
    # A and B get the two residual seats, A has 6 > 5.5 seats and the clause does not fire.
    floor_hare = largest_remainder("hare", "floor")
    e = es.Election([53, 26, 21], parties="ABC")
    assert es.allocate(e, es.ElectoralSystem(10, floor_hare)).seats.tolist() == [5, 3, 2]
    got = es.allocate(e, es.ElectoralSystem(10, floor_hare, majority_clause="dutch"))
    assert got.seats.tolist() == [6, 2, 2]
    got = es.allocate(e, es.ElectoralSystem(11, floor_hare, majority_clause="dutch"))
    assert got.seats.tolist() == [6, 3, 2]


def test_majority_clause_refuses_a_custom_method() -> None:
    def first_takes_all(votes, seats):  # type: ignore[no-untyped-def]
        out = votes * 0
        out[:, 0] = seats
        return out

    with pytest.raises(es.ElectsimError, match="majority_clause"):
        es.ElectoralSystem(3, first_takes_all, majority_clause="dutch")


def test_cli_accepts_a_parametrised_method(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "votes.csv"
    path.write_text("A,B,C\n10000,6300,2500\n", encoding="utf-8")
    args = ["allocate", "--csv", str(path), "--seats", "5", "--format", "json"]
    assert main([*args, "--method", "sainte_lague(first_divisor=1.2)"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["seats"] for r in data["parties"]] == [2, 2, 1]  # hand: see the explain test
    assert main([*args, "--method", "sainte_lague(first_divisor=1.4)"]) == 0
    data = json.loads(capsys.readouterr().out)
    # 2500 / 1.4 = 1786 < 10000 / 5 = 2000: A takes the fifth seat -> 3/2/0 (hand)
    assert [r["seats"] for r in data["parties"]] == [3, 2, 0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("foo", "method='foo' is unknown"),
        ("sainte_lague(first_divisor=5)", "first_divisor=.* must be in \\(0, 3\\)"),
        ("hare(delta=1)", "unknown parameter"),
    ],
)
def test_cli_refuses_a_bad_method_with_the_reason(
    text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["allocate", "--method", text]) == 2  # argparse's usage error
    assert re.search(message, capsys.readouterr().err)
