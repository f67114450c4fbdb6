"""The house rules of imports (architecture.md): `core` imports no domain app, and the domain layers
(models, services, selectors) never import a page layer (portal, console, api) or a page module."""

from __future__ import annotations

import ast
from pathlib import Path

import tongban

SRC = Path(tongban.__file__).resolve().parent
DOMAIN_APPS = (
    "orgs",
    "accounts",
    "notices",
    "catalog",
    "search",
    "timelimits",
    "workflow",
    "cases",
    "demo",
)
PAGE_LAYERS = ("tongban.portal", "tongban.console", "tongban.api")
PAGE_MODULES = ("views", "console_views", "window_views", "api", "urls", "console_urls")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _python_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*.py") if "migrations" not in p.parts]


def test_core_imports_no_domain_app():
    offenders = {
        str(path.relative_to(SRC)): sorted(
            name for name in _imports(path) if any(name.startswith(f"tongban.{app}") for app in DOMAIN_APPS)
        )
        for path in _python_files(SRC / "core")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def _domain_layer_files() -> list[Path]:
    files = []
    for app in DOMAIN_APPS:
        for path in _python_files(SRC / app):
            relative = path.relative_to(SRC / app)
            if relative.parts[0] in ("management", "templatetags", "api"):  # an app's API package is a page layer
                continue
            if path.stem in PAGE_MODULES or path.stem.endswith("_views") or path.stem == "forms":
                continue
            files.append(path)
    return files


def test_domain_layers_never_import_a_page_layer():
    offenders = {}
    for path in _domain_layer_files():
        bad = sorted(
            name
            for name in _imports(path)
            if name.startswith(PAGE_LAYERS)
            or any(name.endswith(f".{module}") and name.startswith("tongban.") for module in PAGE_MODULES)
        )
        if bad:
            offenders[str(path.relative_to(SRC))] = bad
    assert offenders == {}


def test_the_rule_sees_a_violation(tmp_path):
    """The scanner itself: an import of a page layer in a service is found."""
    service = tmp_path / "services.py"
    service.write_text("from tongban.portal.views import home\nfrom tongban.cases import views\n", encoding="utf-8")
    names = _imports(service)
    assert "tongban.portal.views" in names and "tongban.cases.views" in names
