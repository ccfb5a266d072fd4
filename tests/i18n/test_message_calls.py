"""No user message in kpi/ bypasses the catalogue: problems and errors are made with ``_()``."""

from __future__ import annotations

from i18n.message_calls import bad_markers, literal_messages


def test_no_literal_messages() -> None:
    """A message given to Problem, Problem.warning, a KpiError type, FileProblem,
    typer.BadParameter or PydanticCustomError is a ``_()`` call or a value made by one,
    never a string literal or f-string."""
    found = literal_messages()
    assert not found, "messages not in the catalogue (use _(), see docs/messages.md):\n" + "\n".join(
        f"{file}:{call}" for file, calls in sorted(found.items()) for call in calls
    )


def test_markers_are_extractable() -> None:
    """``_()`` gets one literal message (Babel reads only literals) plus named parameters,
    and a module that imports ``_`` never reuses the name for a value."""
    assert not bad_markers(), "\n".join(bad_markers())
