"""``kpi template``: a blank input workbook for one period, ready to fill in.

* :mod:`kpi.template.spec` — the input contract as a table of sheets and columns
  (one entry per sheet), with the allowed values each takes from the rules;
* :mod:`kpi.template.carry` — ``--from``: last period's 人员, 部门, 指标, 市级排名
  and 市级分工, read leniently, period-bound values cleared, and the 企业诉求 still due;
* :mod:`kpi.template.book` — the openpyxl workbook: headers, 填表说明, widths,
  formats, frozen headers, data validation, reproducible bytes.

Nothing here prints or exits; problems are :class:`~kpi.errors.KpiError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path

from kpi.errors import Problem
from kpi.periods import Period
from kpi.report.output import check_output, write_atomically
from kpi.rules.loader import RulesFile
from kpi.rules.schema import Rules
from kpi.template.carry import Carried, carry_over
from kpi.template.spec import ColumnSpec, SheetSpec, name, sheets_for

__all__ = ["Template", "make_template", "save_template"]


@dataclass
class Template:
    """What one template holds, before it is written."""

    rules: Rules
    rules_label: str
    period: Period
    lang: str
    sheets: list[tuple[SheetSpec, list[ColumnSpec]]]
    carried: Carried | None = None
    warnings: list[Problem] = field(default_factory=list)

    def sheet_names(self) -> list[str]:
        """The data sheets' names, in workbook order."""
        return [name(spec.key, None, self.lang) for spec, _ in self.sheets]

    def carried_rows(self) -> dict[str, int]:
        """Sheet name → rows carried over (empty without ``--from``)."""
        if self.carried is None:
            return {}
        return {name(k, None, self.lang): len(rows) for k, rows in self.carried.rows.items()}


def make_template(
    rules_file: RulesFile, period: Period, *, lang: str = "zh", previous: str | Path | None = None
) -> Template:
    """The template of ``period`` under the rules; with ``previous``, last period's input
    workbook, its standing data carried over (:mod:`kpi.template.carry`)."""
    rules = rules_file.rules
    sheets = sheets_for(rules)
    label = f"{rules.name} {rules.version}" + (f"（{rules.source}）" if rules.source else "")
    template = Template(rules, label, period, lang, sheets)
    if previous is not None:
        template.carried = carry_over(previous, sheets, period, rules)
        template.warnings = template.carried.warnings
    return template


def save_template(template: Template, out: Path, *, force: bool, inputs: list[Path]) -> Path:
    """Write the template at ``out`` atomically: never over one of ``inputs`` (the rules,
    the ``--from`` workbook), never over an existing file without ``force``.

    The workbook's creation time is the first day of the period, so the same rules,
    period and ``--from`` give byte-identical files.
    """
    from kpi.template.book import TemplateBook, write_book

    check_output(out, force=force, inputs=inputs)
    book = TemplateBook(template).build()
    created = datetime.combine(template.period.first_day, time())
    title = f"KPI input {template.period}"
    write_atomically(out, lambda temp: write_book(book, temp, created, title), force=force)
    return out
