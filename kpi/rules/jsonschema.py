"""JSON Schema of a rules file, for editors (``rules/kpi-rules.schema.json``).

A rules file starts with ``# yaml-language-server: $schema=./kpi-rules.schema.json``
so that editors complete keys and flag typos while typing. The schema is derived
from :class:`~kpi.rules.schema.Rules`, and a test compares it with the committed
file, so the two cannot drift apart. The loader, not this schema, is the
authority: it also checks what JSON Schema cannot say (bands in order,
``veto.max_grade`` naming a band, exact decimals).
"""

from __future__ import annotations

from typing import Any

from kpi.rules.schema import Rules

_DESCRIPTION = (
    "Rules of the four-number KPI appraisal (method §4). Unknown keys are errors; "
    "numbers are exact decimals; null counts as missing for required keys."
)


def rules_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that editors use to check a rules file."""
    schema = _numbers_only(Rules.model_json_schema())
    schema["title"] = "KPI rules file"
    schema["description"] = _DESCRIPTION
    # A version may be written as a number (2024.1); the loader keeps its text.
    schema["properties"]["version"] = {
        "title": "Version",
        "anyOf": [{"type": "string", "minLength": 1}, {"type": "number"}],
    }
    table = schema["$defs"]["TableRankScore"]["properties"]["table"]
    table["propertyNames"] = {"pattern": "^[1-9][0-9]*$"}  # ranks 1, 2, …
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def _numbers_only(node: Any) -> Any:
    """Drop the quoted-decimal alternative pydantic offers, so editors expect numbers."""
    if isinstance(node, list):
        return [_numbers_only(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _numbers_only(value) for key, value in node.items()}
    options = result.get("anyOf")
    # pydantic renders a Decimal as "number or string" (the string's pattern
    # differs between pydantic releases): keep the number alternative only.
    has_number = isinstance(options, list) and any(
        isinstance(o, dict) and o.get("type") == "number" for o in options
    )
    if isinstance(options, list) and has_number:
        kept = [o for o in options if not (isinstance(o, dict) and o.get("type") == "string")]
        del result["anyOf"]
        if len(kept) == 1:
            result.update(kept[0])
        else:
            result["anyOf"] = kept
    return result
