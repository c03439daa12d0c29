"""Sphinx configuration of the electsim documentation.

Build (from the repository root, after ``python -m pip install -e ".[docs]"``)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

Parts of the site are generated at every build, so new code and new pages appear without
editing this file (the generated files are git-ignored):

* ``docs/api/`` -- one page per public module of :mod:`electsim`, found by walking the package.
  Every public object is documented once, at the shortest public path that exports it (the
  first module, breadth first, whose ``__all__`` lists it: ``electsim.Election``, not
  ``electsim.election.Election``); every other module that exports it links there.  The import
  path where an object is defined (``electsim.election.Election``, also a private one such as
  ``electsim.manipulation._base.Ledger``) and its other public paths are registered as aliases
  of that entry, and a docstring's relative reference (``:data:`BASES```) is looked up in the
  namespace of the module that wrote it.
* ``docs/examples/`` -- one page per script in ``examples/``: its docstring, its code and, where
  ``examples/expected/<script>.txt`` exists, its recorded output.  Scripts are not executed.
  ``examples/README.md`` is the gallery's front page; the figures in ``docs/img/`` follow.
* ``docs/tour.md`` and ``docs/about/changelog.md`` -- README.md and CHANGELOG.md, with their
  links re-aimed at this site (see :func:`_markdown_for_docs`); ``docs/cli.md`` -- the
  ``electsim`` command's own help.

The user guide is the tour and every ``docs/*.md`` page (a toctree glob in ``index.md``, which
always matches ``cli.md``).

Cross-references are checked (``nitpicky``): a misspelt ``:func:`electsim.x``` or a reference to
an undocumented electsim object fails the build.  Names from other projects (numpy, the standard
library, ...) are not linked: no inventories are downloaded, so the build works offline.
"""

from __future__ import annotations

import builtins
import importlib
import inspect
import os
import pkgutil
import re
import sys
import textwrap
import types
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT / "src"))  # document this checkout, installed or not

import electsim  # noqa: E402

# -- project ------------------------------------------------------------------------------------

project = "electsim"
author = "the electsim authors"
copyright = "the electsim authors, MIT licence"
release = electsim.__version__
version = ".".join(release.split(".")[:2])

# -- general ------------------------------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
default_role = "py:obj"  # `name` in a docstring is a cross-reference, as in numpy's docs

# Cross-references must resolve, except those into other projects: no inventories are fetched
# (the build works offline), so names from these modules and the builtins are shown as text.
nitpicky = True
_EXTERNAL = (
    "numpy|np|scipy|matplotlib|pandas|dask|distributed|collections|typing|typing_extensions|"
    "fractions|decimal|numbers|pathlib|os|io|concurrent|argparse|json|csv|enum|dataclasses|"
    "functools|itertools|types|abc|re|math|warnings|datetime|html|builtins"
)
nitpick_ignore_regex = [
    (r"py:.*", rf"({_EXTERNAL})(\..*)?"),
]
nitpick_ignore = [
    *((f"py:{role}", name) for name in dir(builtins) for role in ("class", "exc", "func", "obj")),
]

# -- autodoc / numpydoc ------------------------------------------------------------------------

autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # as numpy and scipy: the types are in the numpydoc sections
autodoc_preserve_defaults = True
numpydoc_show_class_members = False  # autodoc lists the members, once
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# -- MyST (Markdown pages and the README) -------------------------------------------------------

myst_enable_extensions = ["colon_fence", "dollarmath", "deflist"]
myst_heading_anchors = 3  # GitHub-style #anchors for headings down to ###

# -- HTML -----------------------------------------------------------------------------------------

html_theme = "alabaster"
html_title = f"electsim {release}"
html_theme_options = {
    "description": "Exact, batched election-integrity simulation for list-PR parliaments",
    "page_width": "1180px",
    "sidebar_width": "260px",
}
html_static_path: list[str] = []
html_show_sourcelink = False

# ================================================================================ API pages


ALIASES: dict[str, str] = {}  # another public path of an object -> where it is documented
OWNER: dict[tuple[str, int], str] = {}  # an object (see _key) -> where it is documented
PAGE_MODULES: dict[str, set[str]] = {}  # a module page -> modules defining what it documents
SHADOWED: set[str] = set()  # modules whose name is taken by a function (electsim.simulate)


def _public_modules(package: types.ModuleType) -> list[types.ModuleType]:
    """``package`` and its public submodules (no ``_`` in the path), breadth first."""
    names = [package.__name__]
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    names.sort(key=lambda n: (n.count("."), n))
    return [importlib.import_module(n) for n in names]


def _public_names(module: types.ModuleType) -> list[str]:
    """What ``module`` exports: its ``__all__``, else the public names it defines."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [
            n
            for n, v in vars(module).items()
            if not n.startswith("_") and getattr(v, "__module__", None) == module.__name__
        ]
    return [n for n in names if not n.startswith("__")]


def _key(name: str, obj: Any) -> tuple[str, int]:
    """Identity of an exported object (constants: also by name, as equal values may be shared)."""
    if inspect.isclass(obj) or inspect.isroutine(obj):
        return ("", id(obj))
    return (name, id(obj))


def _directive(obj: Any) -> str:
    if inspect.isclass(obj):
        return "autoexception" if issubclass(obj, BaseException) else "autoclass"
    return "autofunction"


def _title(text: str, char: str, over: bool = False) -> str:
    line = char * len(text)
    return f"{line}\n{text}\n{line}\n" if over else f"{text}\n{line}\n"


def _attr_doc(name: str, obj: Any) -> str:
    """The ``#:`` comment or string documenting the constant ``obj``, in whichever electsim
    module assigns it (autodoc looks only in the module it is asked about, and otherwise shows
    the docstring of the value's type, e.g. ``int``'s)."""
    from sphinx.pycode import ModuleAnalyzer

    for info in [*pkgutil.walk_packages(electsim.__path__, "electsim."), None]:
        modname = "electsim" if info is None else info.name
        module = importlib.import_module(modname)
        if getattr(module, name, None) is not obj:
            continue
        try:
            lines = ModuleAnalyzer.for_module(modname).find_attr_docs().get(("", name))
        except Exception:  # no source to read
            lines = None
        if lines:
            return "\n".join(lines).strip()
    return ""


def _summary(obj: Any, name: str = "") -> str:
    """The first paragraph of ``obj``'s docstring (of a constant: its ``#:`` comment)."""
    if inspect.ismodule(obj) or inspect.isclass(obj) or inspect.isroutine(obj):
        doc = inspect.getdoc(obj) or ""
    else:
        doc = _attr_doc(name, obj)
    return _plain(" ".join(doc.split("\n\n")[0].split()))


def _plain(text: str) -> str:
    """Cross-references as literals: a summary is shown away from its docstring's context."""
    text = re.sub(r":(?:[\w-]+:)*`~?(?:[^`<]*<)?([^`>]+)>?`", r"``\1``", text)
    return re.sub(r"(?<![`\w])`([^`]+)`(?![`\w])", r"``\1``", text)


def _data(module: str, name: str, obj: Any) -> str:
    """A constant: its value (when short) and its own documentation (never its type's)."""
    from sphinx.util.inspect import object_description

    value = " ".join(object_description(obj).split())
    value_line = f"   :value: {value}\n" if len(value) <= 120 else ""
    doc = textwrap.indent(_attr_doc(name, obj), "   ")
    return f".. py:data:: {name}\n   :module: {module}\n{value_line}\n{doc}\n"


def _table(rows: list[tuple[str, str]]) -> str:
    """A two-column reST list-table (reference, summary)."""
    out = [".. list-table::\n   :widths: 30 70\n"]
    for ref, summary in rows:
        out.append(f"   * - {ref}\n     - {summary or '..'}\n")
    return "\n".join(out) if rows else ""


def _page(mod: str) -> str:
    return f":doc:`{mod}`"


def _api_pages(package: types.ModuleType) -> dict[str, str]:
    """File name -> reST for the API reference of ``package`` (see the module docstring).

    Also fills ``OWNER``, ``ALIASES``, ``PAGE_MODULES`` and ``SHADOWED`` for the resolvers below.
    """
    modules = _public_modules(package)
    plan: list[tuple[types.ModuleType, list[tuple[str, Any, str | None]]]] = []
    for module in modules:
        entries = []
        for name in _public_names(module):
            obj = getattr(module, name)
            if isinstance(obj, types.ModuleType):
                continue
            key = _key(name, obj)
            documented_at = OWNER.get(key)
            if documented_at is None:
                OWNER[key] = f"{module.__name__}.{name}"
            else:
                ALIASES[f"{module.__name__}.{name}"] = documented_at
            entries.append((name, obj, documented_at))
        plan.append((module, entries))

    pages: dict[str, str] = {}
    for module, entries in plan:
        mod = module.__name__
        parent, _, leaf = mod.rpartition(".")
        # ``electsim.allocate`` is both a module and (in ``electsim``) the function it defines:
        # the function keeps the name, and the module page is not indexed under it.
        shadowed = bool(parent) and getattr(sys.modules[parent], leaf, None) is not module
        if shadowed:
            SHADOWED.add(mod)
        own = [(n, o) for n, o, at in entries if at is None]
        PAGE_MODULES[mod] = {mod} | {
            o.__module__ for _, o in own if isinstance(getattr(o, "__module__", None), str)
        }
        elsewhere = [(n, o, at) for n, o, at in entries if at is not None]
        subs = [m for m in modules if m.__name__.rpartition(".")[0] == mod]
        out = [_title(f"``{mod}``", "=", over=True)]
        out.append(
            f".. automodule:: {mod}\n   :no-members:\n" + ("   :no-index:\n" if shadowed else "")
        )
        if subs:
            out.append(_title("Modules", "-"))
            out.append(_table([(_page(m.__name__), _summary(m)) for m in subs]))
        if own:
            out.append(_title("Summary", "-"))
            out.append(_table([(f":py:obj:`~{mod}.{n}`", _summary(o, n)) for n, o in own]))
        if elsewhere:
            out.append(_title("Also exported here", "-"))
            out.append(
                "Documented where they are first exported:\n\n"
                + _table([(f"``{n}``", f":py:obj:`{at}`") for n, _, at in elsewhere])
            )
        if own:
            out.append(_title("Reference", "-"))
            for name, obj in own:
                if inspect.isclass(obj) or inspect.isroutine(obj):
                    out.append(f".. {_directive(obj)}:: {mod}.{name}\n")
                else:
                    out.append(_data(mod, name, obj))
        pages[f"{mod}.rst"] = "\n".join(out)

    pages["index.rst"] = (
        _title("API reference", "=", over=True)
        + textwrap.dedent(
            """
            Every public object is documented once, at the shortest public path that exports it
            (``electsim.Election`` rather than ``electsim.election.Election``); the pages of the
            modules that define or re-export it link there.  Module pages start with the
            module's own description: the manipulation and sensitivity modules describe their
            models, parameters and sources there.

            """
        )
        + _table([(_page(m.__name__), _summary(m)) for m in modules])
        + "\n.. toctree::\n   :hidden:\n\n"
        + "".join(f"   {m.__name__}\n" for m in modules)
    )
    return pages


# =========================================================================== examples gallery


def _docstring_of(path: Path) -> tuple[str, str, int]:
    """(title, body, first line after it) of a script's docstring, without running the script."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree) or ""
    end = (tree.body[0].end_lineno or 0) if doc else 0
    first, _, rest = doc.partition("\n")
    return (first.strip().rstrip(".") or path.stem), textwrap.dedent(rest).strip(), end + 1


def _example_pages() -> dict[str, str]:
    """File name -> page for every ``examples/*.py``, the figures, and the gallery index."""
    examples = ROOT / "examples"
    pages: dict[str, str] = {}
    names = []
    for script in sorted(examples.glob("*.py")):
        title, body, code_from = _docstring_of(script)
        out = [_title(title, "=", over=True), f"``examples/{script.name}``\n", body + "\n"]
        out.append(_title("Code", "-"))
        out.append(
            f".. literalinclude:: ../../examples/{script.name}\n"
            f"   :language: python\n   :lines: {code_from}-\n"
        )
        expected = examples / "expected" / f"{script.stem}.txt"
        if expected.exists():
            out.append(_title("Output", "-"))
            out.append(
                f"Recorded in ``examples/expected/{expected.name}`` (checked by the tests).\n\n"
                f".. literalinclude:: ../../examples/expected/{expected.name}\n"
                "   :language: text\n"
            )
        pages[f"{script.stem}.rst"] = "\n".join(out)
        names.append(script.stem)

    images = sorted((DOCS / "img").glob("*.png"))
    if images:
        out = [
            _title("Figures", "=", over=True),
            "The figures in ``docs/img/`` (the README shows them), drawn by "
            "``docs/make_images.py`` with :mod:`electsim.plotting`.\n",
        ]
        for image in images:
            out.append(
                f".. figure:: ../img/{image.name}\n   :alt: {image.stem}\n\n"
                f"   ``docs/img/{image.name}``\n"
            )
        if (DOCS / "make_images.py").exists():
            out.append(_title("Code", "-"))
            out.append(".. literalinclude:: ../make_images.py\n   :language: python\n")
        pages["figures.rst"] = "\n".join(out)
        names.append("figures")

    readme = examples / "README.md"
    intro = _markdown_for_docs(readme, DOCS / "examples") if readme.exists() else "# Examples\n"
    pages["index.md"] = (
        intro
        + "\n## Gallery\n\n```{toctree}\n:maxdepth: 1\n\n"
        + "".join(f"{n}\n" for n in names)
        + "```\n"
    )
    return pages


# ================================================================ Markdown from the repository

_LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)")


def _markdown_for_docs(source: Path, page_dir: Path) -> str:
    """``source`` (a Markdown file of the repository) with its links re-aimed for a page in
    ``page_dir``: pages of this site where one exists (``docs/x.md``, ``CHANGELOG.md``,
    ``examples/README.md`` and the example scripts), other files of the repository as files
    (images shown, scripts downloadable), and Markdown files outside ``docs/`` as their path in
    the repository.  A link to a missing file is kept, so the build reports it.
    """
    site = {
        ROOT / "CHANGELOG.md": DOCS / "about" / "changelog.md",
        ROOT / "examples" / "README.md": DOCS / "examples" / "index.md",
        **{s: DOCS / "examples" / f"{s.stem}.rst" for s in (ROOT / "examples").glob("*.py")},
    }

    def aim(match: re.Match[str]) -> str:
        bang, text, target = match.groups()
        if re.match(r"[a-z][a-z0-9+.-]*:|#", target):  # a URL or an anchor on the same page
            return match.group(0)
        path, hash_, anchor = target.partition("#")
        file = (source.parent / path).resolve()
        if not file.exists():
            return match.group(0)
        if not bang and file in site:
            file = site[file]
        elif not bang and file.suffix == ".md" and not file.is_relative_to(DOCS):
            return f"{text} (`{file.relative_to(ROOT).as_posix()}`)"
        rel = Path(os.path.relpath(file, page_dir)).as_posix()
        return f"{bang}[{text}]({rel}{hash_}{anchor})"

    return _LINK.sub(aim, source.read_text(encoding="utf-8"))


def _cli_page() -> str:
    """The ``electsim`` command's help, and each subcommand's, as one page (100 columns)."""
    import argparse

    from electsim.cli import build_parser

    columns = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"
    try:
        parser = build_parser()
        helps = [("electsim", parser.format_help())]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                helps += [(f"electsim {n}", p.format_help()) for n, p in action.choices.items()]
    finally:
        if columns is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = columns
    out = [
        "# The command line\n\n`python -m pip install -e .` installs the `electsim` command "
        "(also `python -m electsim`). This page is its own help text, `electsim --help` and "
        "`electsim COMMAND --help`, as of this version; the [tour](tour.md#the-command-line) "
        "shows examples. For the Python functions behind each command, see the "
        "[API reference](api/index.rst).\n"
    ]
    for title, text in helps:
        out.append(f"## `{title}`\n\n````text\n{text.rstrip()}\n````\n")
    return "\n".join(out)


def _write_pages(folder: Path, pages: dict[str, str], prune: bool = True) -> None:
    """Write ``pages`` into ``folder`` (only files that changed); ``prune``: delete the rest."""
    folder.mkdir(exist_ok=True)
    for name, text in pages.items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    for path in folder.iterdir() if prune else ():
        if path.is_file() and path.name not in pages:
            path.unlink()


def _generate(app: Any, config: Any) -> None:
    """Write the generated pages (before Sphinx looks for source files)."""
    readme = _markdown_for_docs(ROOT / "README.md", DOCS)
    if readme.startswith("# "):  # the README's title: this page has its own
        readme = readme.partition("\n")[2]
    tour = "# A tour of electsim\n\nThis page is the project's README.\n" + readme
    _write_pages(DOCS, {"tour.md": tour, "cli.md": _cli_page()}, prune=False)
    changelog = _markdown_for_docs(ROOT / "CHANGELOG.md", DOCS / "about")
    _write_pages(DOCS / "about", {"changelog.md": changelog}, prune=False)
    _write_pages(DOCS / "api", _api_pages(electsim))
    _write_pages(DOCS / "examples", _example_pages())


# ======================================================= aliases: where objects are defined


def _resolve(dotted: str) -> Any:
    """The object at a documented public path, by attribute access from the top package."""
    parts = dotted.split(".")
    obj: Any = importlib.import_module(parts[0])
    for part in parts[1:]:
        obj = getattr(obj, part)
    return obj


def _defined_at(dotted: str) -> str | None:
    """``module.qualname`` where the object documented at ``dotted`` is defined, if different."""
    parts = dotted.split(".")
    for cut in range(len(parts), 1, -1):  # the longest prefix that is a class or a function
        try:
            obj = _resolve(".".join(parts[:cut]))
        except (ImportError, AttributeError):
            continue
        if not (inspect.isclass(obj) or inspect.isroutine(obj)):
            return None
        module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
        if not module or not qualname or "<" in qualname:
            return None
        real = ".".join([module, qualname, *parts[cut:]])
        return real if real != dotted else None
    return None


def _add_aliases(app: Any, env: Any) -> None:
    """Let references by the defining path find the object documented at its public path.

    autodoc does this itself for classes (``:canonical:``); this extends it to functions,
    methods and attributes, so ``electsim.sensitivity.tipping.tipping_point`` and the annotation
    ``electsim.election.Election`` resolve.
    """
    domain = env.get_domain("py")
    objects = domain.objects
    for other, documented_at in ALIASES.items():
        if other not in objects and documented_at in objects:
            objects[other] = objects[documented_at]._replace(aliased=True)
    for name, entry in list(objects.items()):
        if entry.aliased or entry.objtype == "module" or not name.startswith("electsim."):
            continue
        real = _defined_at(name)
        if real and real not in objects:
            objects[real] = entry._replace(aliased=True)


def _documented_path(obj: Any, name: str) -> str | None:
    """Where ``obj`` (found under ``name``) is documented, if it is an electsim module or object."""
    if inspect.ismodule(obj):
        return obj.__name__ if obj.__name__.startswith("electsim") else None
    return OWNER.get(_key(name, obj))


def _resolve_in_context(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Resolve a reference as Python would, in the module that wrote the docstring.

    A docstring says ``:data:`BASES``` or ``:attr:`Election.parties``` relative to the module
    that defines it (``electsim.system``), but is shown at the public path (``electsim``), where
    Sphinx does not find the name.  Looked up in the defining module's namespace, the name leads
    to the object and so to where it is documented.  An attribute without an entry of its own (a
    dataclass field, described in the class's Attributes section) links to its class, whether
    named in full (``electsim.Allocation.seats``), from its class's module, or from inside the
    class (``:attr:`seats``` in a docstring of ``Allocation``).  A name
    bound there to another project's object (a type alias such as ``FloatArray``) is shown as
    text.  Anything else stays unresolved, and the build fails.
    """
    if node.get("refdomain") != "py" or not node.get("py:module"):
        return None
    from sphinx.util.nodes import make_refnode

    objects = env.get_domain("py").objects
    target = node["reftarget"].lstrip("~.")
    modname, clsname = node["py:module"], node.get("py:class")
    contexts: list[str] = []
    if clsname:
        with_class = _resolve_or_none(f"{modname}.{clsname}")
        if inspect.isclass(with_class):
            contexts.append(with_class.__module__)
    contexts += sorted(PAGE_MODULES.get(modname, {modname}))

    found: set[str] = set()
    external = False
    # an attribute of the class being documented, or a full path, to a field without an entry
    for full in ([f"{modname}.{clsname}.{target}"] if clsname else []) + [target]:
        if _is_documented_attribute(objects, full):
            found.add(full.rpartition(".")[0])
    for context in dict.fromkeys(contexts):
        head, *rest = target.split(".")
        namespace = vars(sys.modules[context]) if context in sys.modules else {}
        if head in namespace:
            path = _documented_path(namespace[head], head)
            if path is None:
                external |= not _is_electsim(namespace[head])
                continue
            candidates = [".".join([path, *rest])]
        else:
            candidates = [f"{context}.{target}"]
        for full in candidates:
            if full in objects:
                found.add(full)
            elif rest and _is_documented_attribute(objects, full):
                found.add(full.rpartition(".")[0])
    if len(found) == 1:
        full = found.pop()
        entry = objects[full]
        return make_refnode(app.builder, node["refdoc"], entry.docname, entry.node_id, contnode)
    if not found and external:
        return contnode
    return None


def _resolve_or_none(dotted: str) -> Any:
    try:
        return _resolve(dotted)
    except (ImportError, AttributeError, ValueError):
        return None


def _is_electsim(obj: Any) -> bool:
    """``obj`` is a module, class or function of electsim (not a value, not another project's)."""
    if inspect.ismodule(obj):
        return obj.__name__.split(".")[0] == "electsim"
    if inspect.isclass(obj) or inspect.isroutine(obj):
        return str(getattr(obj, "__module__", "")).split(".")[0] == "electsim"
    return False


def _is_documented_attribute(objects: Any, full: str) -> bool:
    """``full`` names an attribute or field of a documented class (which then stands for it)."""
    parent, _, attr = full.rpartition(".")
    if not parent.startswith("electsim."):
        return False
    entry = objects.get(parent)
    cls = _resolve_or_none(parent)
    if entry is None or entry.objtype not in ("class", "exception") or not inspect.isclass(cls):
        return False
    fields = getattr(cls, "__dataclass_fields__", {})
    if attr in fields or hasattr(cls, attr) or attr in getattr(cls, "__annotations__", {}):
        return True
    try:  # an instance attribute: ``self.attr = ...`` in the class's methods
        source = inspect.getsource(cls)
    except (OSError, TypeError):
        return False
    return re.search(rf"\bself\.{re.escape(attr)}\s*(:[^=\n]*)?=(?!=)", source) is not None


def _module_pages(app: Any, doctree: Any) -> None:
    """``:mod:`electsim.simulate``` links to the module's page, not to the function ``simulate``
    that took its name in ``electsim`` (Sphinx keeps one entry per name)."""
    from sphinx.addnodes import pending_xref

    for node in doctree.findall(pending_xref):
        target = node.get("reftarget", "").lstrip("~.")
        if node.get("refdomain") == "py" and node.get("reftype") == "mod" and target in SHADOWED:
            node.update_all_atts({"refdomain": "std", "reftype": "doc", "refexplicit": True})
            node["reftarget"] = f"/api/{target}"


def _public_bases(app: Any, name: str, obj: Any, options: Any, bases: list[Any]) -> None:
    """Show only informative base classes: not ``object``, not private electsim helpers (such as
    the notebook-display mixin), which have no page to link to."""
    bases[:] = [
        b
        for b in bases
        if b is not object and not (_is_electsim(b) and _documented_path(b, b.__name__) is None)
    ]


def setup(app: Any) -> dict[str, Any]:
    app.connect("autodoc-process-bases", _public_bases)
    app.connect("doctree-read", _module_pages)
    app.connect("config-inited", _generate)
    app.connect("env-updated", _add_aliases)
    app.connect("missing-reference", _resolve_in_context)
    return {"parallel_read_safe": False}
