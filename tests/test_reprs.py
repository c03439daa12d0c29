"""Notebook and terminal representations: HTML tables equal to ``str()``, compact reprs."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

import electsim as es
from electsim import Election, ElectoralSystem, Threshold, allocate
from electsim.apportion import get_method
from electsim.sensitivity import add_path, path_steps, sweep, threshold_steps

E = Election(
    [487_685, 475_372, 174_317, 141_940, 136_276],
    against_all=[543_340],
    invalid=[31_823],
    parties=["Birimdik", "Mekenim <Kyrgyzstan>", "Kyrgyzstan", "Butun & Co", "Mekenchil"],
)
LAW = ElectoralSystem(120, "hare", national=Threshold("7%"), tie_break="lowest_index")


def _unescaped_pre(markup: str) -> str:
    m = re.fullmatch(r'<pre class="electsim">(.*)</pre>', markup, flags=re.DOTALL)
    assert m is not None, markup[:80]
    return html.unescape(m.group(1))


def _results() -> dict[str, object]:
    batch = E.replace(votes=np.stack([E.votes, E.votes[:, ::-1]]))
    return {
        "allocation": allocate(E, LAW),
        "batched allocation": allocate(batch, LAW),
        "step function": threshold_steps(E, LAW, lo="5%", hi="8%"),
        "integer step function": path_steps(E, LAW, add_path(E, "Mekenchil"), 3_400),
        "sweep": sweep(lambda s: allocate(E, LAW.replace(seats=s)).seats[0], s=[100, 120]),
    }


@pytest.mark.parametrize("kind", list(_results()))
def test_html_is_the_escaped_text_table(kind: str) -> None:
    obj = _results()[kind]
    markup = obj._repr_html_()  # type: ignore[attr-defined]
    assert _unescaped_pre(markup) == str(obj)
    assert "<Kyrgyzstan>" not in markup  # party names are escaped
    if kind == "allocation":
        assert "Mekenim &lt;Kyrgyzstan&gt;" in markup and "Butun &amp; Co" in markup


def test_step_function_reprs_are_one_line_summaries() -> None:
    res = _results()
    assert repr(res["step function"]) == (
        "StepFunction(national threshold of ballots, 5.00% to 8.00%: 3 pieces, 5 parties)"
    )
    # Mekenchil passes 7 % of ballots once 136,276 + t >= 0.07 (1,990,753 + t): t >= 3,308.3
    steps = res["integer step function"]
    assert steps.breakpoints == (3_309,)  # type: ignore[attr-defined]
    assert repr(steps) == (
        "IntegerStepFunction('t ballots added for Mekenchil', t = 0 to 3,400: 1 changes, 5 parties)"
    )


def test_electoral_system_repr_is_compact_and_evaluates_back() -> None:
    s = ElectoralSystem(
        120,
        "hare",
        national=Threshold("7%"),
        regional=Threshold("0.7%"),
        cap=65,
        tie_break="lot",
        missing_regions="skip",
        name="Kyrgyzstan 2020",
    )
    text = repr(s)
    assert "function" not in text and "0x" not in text
    assert text == (
        "ElectoralSystem(120, 'hare', national=Threshold('7%', base='ballots'), "
        "regional=Threshold('0.7%', base='ballots'), cap=65, tie_break='lot', "
        "missing_regions='skip', name='Kyrgyzstan 2020')"
    )
    namespace = {"ElectoralSystem": ElectoralSystem, "Threshold": Threshold}
    assert eval(text, namespace) == s
    assert repr(get_method("dhondt")) == "Method('dhondt', family='divisor')"


def test_batched_election_repr_shows_range_not_sum() -> None:
    votes = np.array([[[5, 3]], [[1, 9]], [[40, 4]]])
    text = repr(Election(votes, name="draws"))
    assert text == (
        "Election('draws', 2 parties, 1 regions, batch_shape=(3,), ballots per election 8..44)"
    )
    assert "62" not in text  # not the sum over the batch
    same = repr(Election(np.array([[[5, 3]], [[3, 5]]])))
    assert same.endswith("batch_shape=(2,), ballots per election 8)")
    assert repr(Election([1_000, 5])) == "Election(2 parties, 1 regions, ballots=1,005)"


def test_package_docstring_maps_the_modules() -> None:
    doc = es.__doc__
    assert doc is not None
    for name in (
        "apportion",
        "datasets",
        "presets",
        "metrics",
        "manipulation",
        "sensitivity",
        "stages",
        "rules",
    ):
        assert re.search(rf"^{name}\s", doc, flags=re.MULTILINE), name
        assert hasattr(es, name)
    for entry in ("Election", "ElectoralSystem", "allocate", "simulate", "get_method"):
        assert entry in doc and hasattr(es, entry)
    mentioned = set(re.findall(r"^([a-z_]+)\s{2,}", doc, flags=re.MULTILINE))
    missing = {m for m in mentioned if m != "cli" and not hasattr(es, m)}
    assert not missing  # describes only what exists
