"""The layout ARCHITECTURE.md describes, enforced: import direction, no cycles, modules a newcomer can read."""

import ast
import itertools
import sys
import traceback
from pathlib import Path

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import URLResolver, get_resolver, resolve
from django.utils import translation

from catalogue.tests.factories import create_idm28

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "catalogue"
MAX_MODULE_LINES = 400

# Which of our packages each layer may import (ARCHITECTURE.md). The domain is the app's top-level modules
# and models/; entry points (management commands, the project package) may import anything.
DOMAIN = "domain"
ALLOWED = {
    DOMAIN: {DOMAIN},
    "search": {DOMAIN, "search"},
    "interop": {DOMAIN, "search", "interop"},
    "public": {DOMAIN, "search", "interop", "public"},
    "api": {DOMAIN, "search", "public", "api"},
    "admin": {DOMAIN, "search", "editorial", "dataio", "admin"},
    "editorial": {DOMAIN, "search", "editorial"},
    "dataio": {DOMAIN, "search", "dataio"},
}
# The imports across siblings that the layering allows: the API filters with the catalogue's FilterSet and pages
# its lists with the same paginator.
ALLOWED_MODULES = {"api": {"catalogue.public.filters", "catalogue.public.pagination"}}


def _source_files() -> list[Path]:
    return sorted(
        path for path in PACKAGE.rglob("*.py") if not {"tests", "migrations"} & set(path.relative_to(PACKAGE).parts)
    )


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "catalogue":
        return None
    if parts[1] in ("management", "apps"):
        return "entry point"  # commands, and the app config that connects the index signals
    if parts[1] == "admin":
        return "admin"
    return parts[1] if parts[1] in ALLOWED else DOMAIN


def _imports(path: Path) -> set[str]:
    """Every catalogue module `path` imports, at any level of the file (function-local imports included)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from catalogue.search import index` may name a submodule: count both.
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    modules = {_module_name(path) for path in _source_files()}
    # The app package itself (`from catalogue import models`) is a namespace, not a layer.
    return {name for name in found if name in modules and name not in (module, "catalogue")}


def test_layers_import_only_what_architecture_md_allows():
    violations = []
    for path in _source_files():
        layer = _layer(_module_name(path))
        if layer == "entry point":
            continue
        for imported in _imports(path):
            target = _layer(imported)
            if target not in ALLOWED[layer] and imported not in ALLOWED_MODULES.get(layer, set()):
                violations.append(f"{_module_name(path)} ({layer}) imports {imported} ({target})")
    assert violations == []


def test_no_import_cycle_between_modules():
    graph = {_module_name(path): _imports(path) for path in _source_files()}
    cycles = []

    def visit(module, trail):
        for imported in sorted(graph.get(module, ())):
            if imported in trail:
                cycle = [*trail[trail.index(imported) :], imported]
                # A package importing its own submodules is how packages work, not a cycle.
                if not all(a.startswith(b + ".") or b.startswith(a + ".") for a, b in itertools.pairwise(cycle)):
                    cycles.append(" -> ".join(cycle))
            elif imported not in done:
                visit(imported, [*trail, imported])
        done.add(module)

    done: set[str] = set()
    for module in sorted(graph):
        if module not in done:
            visit(module, [module])
    assert cycles == []


def test_no_module_is_longer_than_a_newcomer_can_read():
    long_modules = {
        str(path.relative_to(ROOT)): lines
        for path in _source_files()
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long_modules == {}


@pytest.mark.django_db
def test_a_search_request_crosses_at_most_nine_of_our_files():
    """URL to SQL for `GET /fr/publications/?q=gouvernance`: the URLconfs that route it, plus every file of ours
    on the call stack whenever the search backend is called (where the SQL is composed) and whenever the search's
    SQL is executed. Leaf helpers a hop calls and returns from (language codes, text folding) are not hops.
    A search finding very few publications (this one finds one) also asks search/suggest.py for a corrected query
    ("Did you mean"), called from the view. Since the page's results come from the catalogue index (issue 9), the
    paginator asks public/results.py for the page's keys, which reads the query's matches through search/sets.py:
    idm/urls.py, public/urls.py, views.py, filters.py, pagination.py, results.py, search/sets.py, backends.py,
    suggest.py."""
    create_idm28()
    with translation.override("fr"):
        match = resolve("/fr/publications/")
    crossed = {_relative(sys.modules["idm.urls"].__file__), _relative(sys.modules[match.func.__module__].__file__)}
    crossed |= {_relative(sys.modules[name].__file__) for name in _urlconfs_routing_to(match.func)}

    def ours(stack) -> set[str]:
        files = set()
        for frame in stack:
            path = Path(frame.filename)
            if path.is_relative_to(PACKAGE) and "tests" not in path.relative_to(PACKAGE).parts:
                files.add(_relative(frame.filename))
        return files

    def on_call(frame, event, arg):
        if event == "call" and frame.f_code.co_filename == str(PACKAGE / "search" / "backends.py"):
            stack = []
            while frame is not None:
                stack.append(traceback.FrameSummary(frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name))
                frame = frame.f_back
            crossed.update(ours(stack))

    def record(execute, sql, params, many, context):
        if "search" in sql:
            crossed.update(ours(traceback.extract_stack()))
        return execute(sql, params, many, context)

    request = RequestFactory().get("/fr/publications/", {"q": "gouvernance"})
    request.LANGUAGE_CODE = "fr"
    sys.setprofile(on_call)
    try:
        with translation.override("fr"), connection.execute_wrapper(record):
            response = match.func(request, *match.args, **match.kwargs)
            response.render()
    finally:
        sys.setprofile(None)
    assert response.status_code == 200
    assert len(crossed) <= 9, sorted(crossed)


def _relative(filename: str) -> str:
    return str(Path(filename).relative_to(ROOT))


def _urlconfs_routing_to(view) -> set[str]:
    """Names of the URLconf modules holding a route to `view` (the root's includes on the way)."""
    found = set()

    def walk(resolver):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern)
            elif getattr(pattern.callback, "view_class", None) is getattr(view, "view_class", view):
                module = resolver.urlconf_module
                if hasattr(module, "__name__"):
                    found.add(module.__name__)

    walk(get_resolver())
    return found
