"""CSV text that is safe to open in a spreadsheet, with its provenance as leading comments.

Every CSV writer of electsim goes through :func:`csv_text` (or :func:`safe_cell` for a writer
of its own), so that no cell written by us can be read as a formula.

**Formula injection.**  A spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or ``@``
(or a tab or carriage return in front of one) as a formula, e.g. a party named
``=HYPERLINK("http://evil", "click")``.  Following OWASP's advice (CSV Injection,
https://owasp.org/www-community/attacks/CSV_Injection), a *text* cell that begins with one of
these six characters is written with a leading single quote, which spreadsheets show as text.
Numbers are never changed: a count ``-5`` written from an ``int`` stays ``-5``; only strings
are escaped (a party named ``-5`` becomes ``'-5``).  Header cells are text and are escaped too.

**Provenance.**  Optional ``# key: value`` lines before the header (the comment convention of
the W3C *Model for Tabular Data* dialect, ``commentPrefix="#"``).  Readers: skip lines that
start with ``#`` -- ``pandas.read_csv(path, comment="#")``, R's ``read.csv(path,
comment.char="#")``, or in Python ``csv.DictReader(line for line in f if not
line.startswith("#"))``.  So that no data row can be taken for a comment, a text cell in the
first column that begins with ``#`` is quoted the same way (``'#1``).

Examples
--------
>>> print(csv_text([{"party": "=1+1", "votes": -5}, {"party": "A", "votes": 3}],
...                comments={"electsim": "0.1.0"}))
# electsim: 0.1.0
party,votes
'=1+1,-5
A,3
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["FORMULA_PREFIXES", "comment_lines", "csv_text", "safe_cell"]

#: Characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any, *, first: bool = False) -> Any:
    """``value`` ready for a CSV cell: text beginning with a formula character gets a ``'``.

    Parameters
    ----------
    value : Any
        Numbers and booleans are returned unchanged; ``None`` becomes ``""``; lists and tuples
        are joined with ``;``; anything else is turned into text and escaped.
    first : bool
        The cell starts a row: a leading ``#`` (the comment prefix) is escaped too.

    Examples
    --------
    >>> safe_cell("+cmd|' /C calc'!A0"), safe_cell(-5), safe_cell("-5"), safe_cell("Birimdik")
    ("'+cmd|' /C calc'!A0", -5, "'-5", 'Birimdik')
    >>> safe_cell("#3", first=True), safe_cell("#3")
    ("'#3", '#3')
    """
    if value is None:
        return ""
    if hasattr(value, "dtype") and hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple):
        value = ";".join(str(safe_cell(v)) for v in value)
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) or (first and text.startswith("#")):
        return "'" + text
    return text


def comment_lines(comments: Mapping[str, Any]) -> list[str]:
    """``# key: value`` lines (each value on one line: line breaks become spaces)."""
    out = []
    for key, value in comments.items():
        text = " ".join(str(value).split())
        out.append(f"# {key}: {text}")
    return out


def csv_text(
    rows: Sequence[Mapping[str, Any]],
    *,
    comments: Mapping[str, Any] | None = None,
    fieldnames: Iterable[str] | None = None,
) -> str:
    """Rows as CSV text (``\\n`` line ends, no final newline), every cell through
    :func:`safe_cell`, after optional ``# key: value`` comment lines.

    Parameters
    ----------
    rows : sequence of mappings
        One mapping per row; the columns are ``fieldnames`` or the keys of the first row.
    comments : mapping, optional
        Provenance written as leading comment lines.
    fieldnames : iterable of str, optional
        The columns, in order (default: the first row's keys).
    """
    lines = comment_lines(comments) if comments else []
    names = list(fieldnames) if fieldnames is not None else (list(rows[0]) if rows else [])
    if names:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([safe_cell(n, first=i == 0) for i, n in enumerate(names)])
        for r in rows:
            writer.writerow([safe_cell(r.get(n), first=i == 0) for i, n in enumerate(names)])
        lines.append(buf.getvalue().rstrip("\n"))
    return "\n".join(lines)
