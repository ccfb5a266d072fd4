"""Find the user messages in kpi/ that bypass the catalogue (used by test_message_calls)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import kpi

PACKAGE = Path(kpi.__file__).resolve().parent
ROOT = PACKAGE.parent

#: The error types whose first argument (or ``message=``) is a message.
ERRORS = {
    "KpiError",
    "InputError",
    "RulesError",
    "OutputError",
    "ComputeError",
    "FileProblem",
    "BadParameter",
}


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_name(node.value)}.{node.attr}"
    return ""


def message_argument(call: ast.Call) -> ast.expr | None:
    """The message argument of a call that takes one, else None."""
    name = _name(call.func)
    last = name.rsplit(".", 1)[-1]
    for keyword in call.keywords:
        if keyword.arg == "message" and (last in ERRORS or last in {"Problem", "warning", "single", "add"}):
            return keyword.value
    owner = name.rsplit(".", 1)[0] if "." in name else ""
    if last in ERRORS or (last == "single" and owner.rsplit(".", 1)[-1] in ERRORS):
        index = 0
    elif (
        last in {"Problem", "PydanticCustomError"}
        or name.endswith("Problem.warning")
        or (last == "add" and owner in {"problems", "collector", "self.problems"})
    ):
        index = 1
    else:
        return None
    return call.args[index] if len(call.args) > index else None


def _is_literal(node: ast.expr) -> bool:
    """A string written in place: a literal, an f-string, a concatenation or ``%``/``.format``
    of one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_literal(node.left) or _is_literal(node.right)
    if isinstance(node, ast.IfExp):
        return _is_literal(node.body) or _is_literal(node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _is_literal(node.func.value)
    return False


def modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def literal_messages() -> dict[str, list[str]]:
    """File → ``line: call`` of each message given as a literal string."""
    found: dict[str, list[str]] = {}
    for file, tree in modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                argument = message_argument(node)
                if argument is not None and _is_literal(argument):
                    found.setdefault(file, []).append(f"{node.lineno}: {_name(node.func)}")
    return found


def bad_markers() -> list[str]:
    """``_()`` calls whose message is not one plain literal, and ``_`` rebound in a module
    that imports it (``for _, x in ...`` would hide the function)."""
    found: list[str] = []
    for file, tree in modules():
        imports = any(
            isinstance(node, ast.ImportFrom)
            and node.module == "kpi.i18n"
            and any(alias.name == "_" and alias.asname is None for alias in node.names)
            for node in ast.walk(tree)
        )
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in {"_", "N_"}:
                args = node.args
                first = args[0] if len(args) == 1 else None
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    found.append(f"{file}:{node.lineno}: {_name(node.func)}() needs one literal message")
                elif _name(node.func) == "N_" and node.keywords:
                    found.append(f"{file}:{node.lineno}: N_() takes no parameters")
            if imports and isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
                found.append(f"{file}:{node.lineno}: `_` is the message marker here: name the value")
    return found
