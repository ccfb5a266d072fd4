"""Rules files (method §4): the pydantic schema and the line-aware YAML loader."""

from kpi.rules.loader import RulesFile, load_rules, parse_rules

__all__ = ["RulesFile", "load_rules", "parse_rules"]
