"""Notebook display: an HTML representation that shows the same table as ``str()``.

Result classes inherit :class:`HTMLReprMixin`; Jupyter then renders them as the plain-text
table their ``__str__`` prints (escaped, in a ``<pre>`` block), so a notebook and a terminal
show the same thing.
"""

from __future__ import annotations

import html

__all__ = ["HTMLReprMixin", "html_pre"]


def html_pre(text: str) -> str:
    """``text`` escaped for HTML inside a ``<pre>`` block.

    >>> html_pre("a < b")
    '<pre class="electsim">a &lt; b</pre>'
    """
    return f'<pre class="electsim">{html.escape(text)}</pre>'


class HTMLReprMixin:
    """Adds ``_repr_html_`` (Jupyter) rendering ``str(self)``."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        return html_pre(str(self))
