"""The library's front door: every command goes through kpi.api, and ``kpi`` exports it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import kpi
from kpi import api

CLI = Path(kpi.__file__).with_name("cli.py")
#: What cli.py may import from the package: the API, and what parsing and errors need.
ALLOWED = {"kpi", "kpi.api", "kpi.errors", "kpi.i18n", "kpi.periods", "kpi.signals"}


def test_the_cli_imports_only_the_api() -> None:
    tree = ast.parse(CLI.read_text(encoding="utf-8"))
    imported = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kpi")
    }
    assert imported <= ALLOWED, imported - ALLOWED
    names = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "kpi"
        for alias in node.names
    }
    assert names <= {"__version__", "api", "signals"}


def test_kpi_exports_the_library_api() -> None:
    for name in kpi.__all__:
        assert getattr(kpi, name) is not None, name
    assert kpi.run is api.run and kpi.explain_member is api.explain


def test_import_kpi_stays_light() -> None:
    """``import kpi.api`` imports neither pandas nor pydantic (kpi --help, rules schema)."""
    code = "import sys, kpi, kpi.api; print('pandas' in sys.modules, 'pydantic' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
