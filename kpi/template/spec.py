"""The input contract (docs/method.md §3) as a table: what the blank workbook holds.

:data:`SHEETS` lists the sheets of the input workbook in workbook order. Each
:class:`SheetSpec` names its columns (:class:`ColumnSpec`): their cell type,
on which rows they must be filled, where their allowed values come from (a
list in the rules, a column of another sheet, or a range), an example, a note
for 填表说明, and whether ``--from`` carries them over from the previous
period. Sheet and column names come from :mod:`kpi.io.names`, cell types from
:mod:`kpi.io.checks.columns`, so the template always matches what the reader
accepts.

Adding a sheet to the template is adding one entry to :data:`SHEETS`; a sheet
or a column that only some rules use has a ``when`` (e.g. a sheet present
only when the rules have its section).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from kpi.i18n import N_, Msg, _, render, tr
from kpi.io.cells import DATE, INTEGER, NUMBER, TEXT
from kpi.io.checks.columns import KINDS
from kpi.io.checks.indicators import DIRECTIONS
from kpi.io.names import COLUMN_NAMES, SHEET_NAMES
from kpi.numbers import plain
from kpi.periods import Period
from kpi.rules.schema import Rules

#: A name in Chinese and in English (sheet and column names: the contract, not messages).
Bilingual = tuple[str, str]
#: A text of 填表说明: an English msgid marked with ``N_()``, a :class:`~kpi.i18n.Msg`, or ""
#: (none); a value from the rules (an event's name) is a plain ``str`` shown as it is.
Text = str


def pick(text: Bilingual, lang: str) -> str:
    """A contract name (``(zh, en)``) in ``lang``."""
    return text[1] if lang == "en" else text[0]


def say(text: Text, lang: str | None = None) -> str:
    """A text of 填表说明 in ``lang``: a ``Msg`` rendered, a marked label translated, "" kept."""
    if not text:
        return ""
    if isinstance(text, Msg):
        return render(text, lang)
    return tr(text, lang)


@dataclass(frozen=True)
class RulesList:
    """Allowed values listed in the rules (``source`` is the key path shown in 填表说明,
    empty for values fixed by the contract such as 方向)."""

    values: tuple[str, ...]
    source: str
    #: What each value means, shown beside it (an event code's name), or empty.
    labels: tuple[Text, ...] = ()
    #: False: Excel warns about another value but accepts it (a free-text column with usual values).
    strict: bool = True


@dataclass(frozen=True)
class SheetList:
    """Allowed values: a column of another sheet of the template (sheet key, column key)."""

    sheet: str
    column: str
    strict: bool = True
    #: The column also takes a department of sheet 部门 (对象: a 工号 or a department).
    or_department: bool = False


@dataclass(frozen=True)
class Bound:
    """A number or date range. ``custom`` is an Excel formula where ``{cell}`` is the
    column's first data cell (Excel reads it relative to each cell)."""

    type: Literal["decimal", "whole", "date", "custom"]
    operator: Literal["between", "greaterThan", "greaterThanOrEqual"] | None = None
    low: Decimal | date | None = None
    high: Decimal | date | None = None
    custom: str = ""
    text: Text = ""


Allowed = RulesList | SheetList | Bound


def _always(rules: Rules) -> bool:
    return True


@dataclass(frozen=True)
class ColumnSpec:
    """One column: how it is filled, checked and described."""

    key: str
    #: On which rows the cell must be filled: a key of :data:`NEEDS`.
    need: str
    note: Text
    example: Callable[[Rules, Period], str]
    allowed: Callable[[Rules, Period], Allowed | None] = lambda rules, period: None
    when: Callable[[Rules], bool] = _always
    #: ``--from`` carries the column's values over; False: they are cleared.
    carried: bool = True
    #: Why a value read by ``--from`` (typed, or text as written) deserves a look in the
    #: new period, or None when it does not; its message follows "<column> <value>".
    review: Callable[[Any, Period], Msg | None] | None = None


@dataclass(frozen=True)
class SheetSpec:
    key: str
    columns: tuple[ColumnSpec, ...]
    #: ``--from`` carries the sheet's rows over from the previous period.
    carried: bool = False
    when: Callable[[Rules], bool] = _always
    #: What the sheet holds, for 填表说明.
    note: Text = ""


NEEDS: dict[str, Text] = {
    "all": N_("yes"),
    "optional": N_("no"),
    "staff": N_("staff rows; a leader may leave it blank"),
    "measured": N_("正向 and 反向 rows; blank on 评分 rows"),
    "score_or_vote": N_("one of 分数 and 等次, not both"),
}

KIND_TEXT: dict[str, Text] = {
    TEXT: N_("text"),
    NUMBER: N_("number"),
    INTEGER: N_("whole number"),
    DATE: N_("date"),
}


def kind(sheet: str, column: str) -> str:
    """The reader's cell type of a column (text, number, integer or date)."""
    return KINDS[sheet][column]


def name(sheet: str, column: str | None, lang: str) -> str:
    """A sheet's (``column`` None) or a column's name in ``lang``, as the reader accepts it."""
    names = SHEET_NAMES[sheet] if column is None else COLUMN_NAMES[sheet][column]
    return pick(names, lang)


# Allowed values from the rules and the period ---------------------------------------------


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def post_categories(rules: Rules, period: Period) -> Allowed:
    return RulesList(tuple(rules.coefficients.post_category), "coefficients.post_category")


def roles(rules: Rules, period: Period) -> Allowed:
    """职务: the leader and head roles, and the roles with a coefficient. Without
    ``coefficients.role`` any 职务 is allowed for staff, so Excel only warns."""
    r = rules.roles
    coefficients = list(rules.coefficients.role or {})
    listed = _unique([*r.main_leader, *r.leader_in_charge, *r.department_head, *coefficients])
    source = "roles, coefficients.role" if coefficients else "roles"
    return RulesList(listed, source, strict=rules.coefficients.role is not None)


def levels(rules: Rules, period: Period) -> Allowed:
    return RulesList(tuple(rules.indicators.level_multiplier), "indicators.level_multiplier")


def directions(rules: Rules, period: Period) -> Allowed:
    return RulesList(DIRECTIONS, "")


def event_codes(rules: Rules, period: Period) -> Allowed:
    events = rules.points.events
    return RulesList(tuple(events), "points.events", tuple(e.name for e in events.values()))


def curves(rules: Rules, period: Period) -> Allowed | None:
    return RulesList(tuple(rules.indicators.curves or ()), "indicators.curves")


def rater_groups(rules: Rules, period: Period) -> Allowed | None:
    if rules.evaluation is None:
        return None
    groups = rules.evaluation.groups
    labels = tuple(_("weight {weight}", weight=plain(w)) for w in groups.values())
    return RulesList(tuple(groups), "evaluation.groups", labels)


def votes(rules: Rules, period: Period) -> Allowed | None:
    if rules.evaluation is None or rules.evaluation.votes is None:
        return None
    scores = rules.evaluation.votes
    labels = tuple(_("scores {score}", score=plain(v)) for v in scores.values())
    return RulesList(tuple(scores), "evaluation.votes", labels)


def scores(rules: Rules, period: Period) -> Allowed:
    return Bound("decimal", "between", Decimal(0), Decimal(100), text=N_("0 to 100"))


def has_votes(rules: Rules) -> bool:
    return rules.evaluation is not None and rules.evaluation.votes is not None


def request_kinds(rules: Rules, period: Period) -> Allowed | None:
    """类别 of a service request, each with its working days to settle."""
    if rules.service is None:
        return None
    days = rules.service.resolve_days
    labels = tuple(_("settled in {n} working days", n=n) for n in days.values())
    return RulesList(tuple(days), "service.resolve_days", labels)


def veto_items(rules: Rules, period: Period) -> Allowed:
    return RulesList(tuple(rules.veto.items), "veto.items")


def in_period(rules: Rules, period: Period) -> Allowed:
    first, last = period.first_day.isoformat(), period.last_day.isoformat()
    return Bound(
        "date",
        "between",
        period.first_day,
        period.last_day,
        text=_("{first} to {last} ({period})", first=first, last=last, period=str(period)),
    )


def _at_least(low: int, strict: bool = False, whole: bool = False) -> Callable[[Rules, Period], Allowed]:
    sign = ">" if strict else "≥"

    def bound(rules: Rules, period: Period) -> Allowed:
        return Bound(
            "whole" if whole else "decimal",
            "greaterThan" if strict else "greaterThanOrEqual",
            Decimal(low),
            text=_("whole number {sign} {low}", sign=sign, low=low) if whole else f"{sign} {low}",
        )

    return bound


def months(rules: Rules, period: Period) -> Allowed:
    n = period.months
    return Bound(
        "decimal",
        "between",
        Decimal(0),
        Decimal(n),
        text=_("0 to {n}; blank means the whole period", n=n),
    )


def months_cleared(value: Any, period: Period) -> Msg | None:
    """A 在岗月数 of less than a whole period may still hold in this one."""
    if isinstance(value, Decimal) and value == period.months:
        return None
    return _(
        "not carried over: blank means on post for the whole of {period}; "
        "fill it in on the new sheet if this person is not",
        period=str(period),
    )


def deadline_passed(value: Any, period: Period) -> Msg | None:
    """A deadline before the period starts was most likely last period's."""
    if isinstance(value, date) and value < period.first_day:
        return _(
            "is before {period} starts ({first}): carried over, but an "
            "indicator completed after it is scored as late; check it",
            period=str(period),
            first=period.first_day.isoformat(),
        )
    return None


def share(rules: Rules, period: Period) -> Allowed:
    return Bound(
        "custom",
        custom="AND(ISNUMBER({cell}),{cell}>0,{cell}<=1)",
        text=N_("more than 0, at most 1; one indicator's shares add up to 1"),
    )


def _sheet(
    sheet: str, column: str, strict: bool = True, or_department: bool = False
) -> Callable[..., Allowed]:
    return lambda rules, period: SheetList(sheet, column, strict, or_department)


def _text(example: str) -> Callable[[Rules, Period], str]:
    return lambda rules, period: example


def _first(values: Callable[[Rules, Period], Allowed | None]) -> Callable[[Rules, Period], str]:
    def example(rules: Rules, period: Period) -> str:
        allowed = values(rules, period)
        return allowed.values[0] if isinstance(allowed, RulesList) and allowed.values else ""

    return example


def _first_day(rules: Rules, period: Period) -> str:
    return period.first_day.isoformat()


def _last_day(rules: Rules, period: Period) -> str:
    return period.last_day.isoformat()


TARGET_NOTE: Text = N_("a 工号 (id) of sheet people or a department of sheet departments")

# The sheets ---------------------------------------------------------------------------------

PEOPLE = SheetSpec(
    "people",
    (
        ColumnSpec("id", "all", N_("one per person, each once"), _text("E001")),
        ColumnSpec("name", "all", "", _text("张伟")),
        ColumnSpec(
            "department",
            "staff",
            N_("ignored on a leader's row"),
            _text("招商部"),
            _sheet("departments", "department"),
        ),
        ColumnSpec(
            "post_category",
            "staff",
            N_("a leader may leave it blank; if given, a category of the rules"),
            _first(post_categories),
            post_categories,
        ),
        ColumnSpec(
            "role",
            "all",
            N_("the rules' roles decide main leaders, leaders in charge and staff"),
            _first(roles),
            roles,
        ),
        ColumnSpec("bonus_base", "all", N_("yuan per period"), _text("8000"), _at_least(0)),
        ColumnSpec(
            "months",
            "optional",
            N_("months on post in this period"),
            lambda rules, period: str(period.months),
            months,
            carried=False,
            review=months_cleared,
        ),
    ),
    carried=True,
    note=N_("one row per person, leaders included; at least one row"),
)

DEPARTMENTS = SheetSpec(
    "departments",
    (
        ColumnSpec("department", "all", N_("each department once"), _text("招商部")),
        ColumnSpec(
            "leader_in_charge",
            "all",
            N_("the 工号 of a person whose 职务 is in roles.leader_in_charge"),
            _text("L02"),
            _sheet("people", "id"),
        ),
    ),
    carried=True,
    note=N_("one row per department with its leader in charge; at least one row"),
)

POINTS = SheetSpec(
    "points",
    (
        ColumnSpec("date", "all", "", _first_day, in_period),
        ColumnSpec(
            "target",
            "all",
            TARGET_NOTE,
            _text("E001"),
            _sheet("people", "id", strict=False, or_department=True),
        ),
        ColumnSpec(
            "code",
            "all",
            N_("codes and their names: see the table of event codes below"),
            _first(event_codes),
            event_codes,
        ),
        ColumnSpec(
            "points",
            "optional",
            N_("blank takes the code's default points; 0 counts as 0"),
            lambda rules, period: "5",
        ),
        ColumnSpec("reason", "optional", "", _text("签约智能制造项目")),
    ),
    note=N_("one row per add or deduct event; may stay empty"),
)

INDICATORS = SheetSpec(
    "indicators",
    (
        ColumnSpec("id", "all", N_("each once"), _text("ZB01")),
        ColumnSpec("name", "all", "", _text("招商引资到位资金")),
        ColumnSpec("level", "all", "", _first(levels), levels),
        ColumnSpec("department", "all", "", _text("招商部"), _sheet("departments", "department")),
        ColumnSpec(
            "direction",
            "all",
            N_("正向 higher is better, 反向 lower is better, 评分 完成值 is a 0–100 score"),
            _text("正向"),
            directions,
        ),
        ColumnSpec("target", "measured", "", _text("200"), _at_least(0, strict=True)),
        ColumnSpec(
            "actual",
            "all",
            N_("at most 100 on a 评分 row"),
            _text("180"),
            _at_least(0),
            carried=False,
        ),
        ColumnSpec("weight", "all", "", _text("10"), _at_least(0, strict=True)),
        ColumnSpec(
            "deadline",
            "optional",
            N_("may lie outside the period"),
            _last_day,
            review=deadline_passed,
        ),
        ColumnSpec(
            "completed_on",
            "optional",
            N_("after the deadline: scored as late"),
            _last_day,
            carried=False,
        ),
        ColumnSpec(
            "curve",
            "optional",
            N_("blank: scored by the completion ratio; never on a 评分 row"),
            _first(curves),
            curves,
            when=lambda rules: bool(rules.indicators.curves),
        ),
    ),
    carried=True,
    note=N_("one row per indicator assigned to a department; may have no rows"),
)

CITY_RANKINGS = SheetSpec(
    "city_rankings",
    (
        ColumnSpec("indicator", "all", N_("each once"), _text("地区生产总值增速")),
        ColumnSpec("weight", "all", "", _text("20"), _at_least(0, strict=True)),
        ColumnSpec(
            "rank",
            "all",
            N_("at most 参评单位数"),
            _text("2"),
            _at_least(1, whole=True),
            carried=False,
        ),
        ColumnSpec("participants", "all", "", _text("9"), _at_least(2, whole=True)),
    ),
    carried=True,
    note=N_("one row per indicator the city ranks the zone on; at least one row"),
)

CITY_SHARES = SheetSpec(
    "city_shares",
    (
        ColumnSpec("indicator", "all", "", _text("地区生产总值增速"), _sheet("city_rankings", "indicator")),
        ColumnSpec(
            "department",
            "all",
            N_("one row per indicator and department"),
            _text("招商部"),
            _sheet("departments", "department"),
        ),
        ColumnSpec("share", "all", "", _text("0.6"), share),
    ),
    carried=True,
    note=N_("which departments carry which city indicator, and what share; may have no rows"),
)

VETOES = SheetSpec(
    "vetoes",
    (
        ColumnSpec(
            "target",
            "all",
            TARGET_NOTE,
            _text("综合部"),
            _sheet("people", "id", strict=False, or_department=True),
        ),
        ColumnSpec("item", "all", "", _first(veto_items), veto_items),
        ColumnSpec("date", "all", "", _first_day, in_period),
        ColumnSpec("note", "optional", "", _text("")),
    ),
    note=N_("one row per one-vote veto; may stay empty"),
)

SERVICE_REQUESTS = SheetSpec(
    "service_requests",
    (
        ColumnSpec("id", "all", N_("one per request, each once"), _text("SQ001")),
        ColumnSpec(
            "company",
            "all",
            N_("the enterprise that made the request"),
            _text("青岛某某科技有限公司"),
        ),
        ColumnSpec(
            "handler",
            "all",
            N_("the 工号 of the person in charge (staff or leader)"),
            _text("E001"),
            _sheet("people", "id"),
        ),
        ColumnSpec(
            "kind",
            "all",
            N_("the kind sets the working days to settle"),
            _first(request_kinds),
            request_kinds,
        ),
        ColumnSpec(
            "received",
            "all",
            N_("may lie before the period: list a request received earlier whose deadline falls in it"),
            _first_day,
        ),
        ColumnSpec("responded", "optional", N_("blank: not answered yet"), _first_day),
        ColumnSpec("resolved", "optional", N_("blank: not settled yet"), _last_day),
    ),
    # --from keeps only the requests with a deadline still to come (kpi.template.carry).
    carried=True,
    when=lambda rules: rules.service is not None,
    note=N_("one row per enterprise request (rules with a service section); may have no rows"),
)

EVALUATIONS = SheetSpec(
    "evaluations",
    (
        ColumnSpec(
            "target",
            "all",
            TARGET_NOTE,
            _text("招商部"),
            _sheet("people", "id", strict=False, or_department=True),
        ),
        ColumnSpec("rater_group", "all", "", _first(rater_groups), rater_groups),
        ColumnSpec(
            "rater",
            "optional",
            N_("a named rater rates a target once per group; blank on anonymous ballots"),
            _text("R01"),
        ),
        # Without votes in the rules every row has a 分数; with them, a 分数 or an 等次.
        ColumnSpec("score", "all", "", _text("90"), scores, when=lambda rules: not has_votes(rules)),
        ColumnSpec("score", "score_or_vote", "", _text("90"), scores, when=has_votes),
        ColumnSpec(
            "vote",
            "score_or_vote",
            N_("the rules turn a vote into a score"),
            _first(votes),
            votes,
            when=has_votes,
        ),
    ),
    when=lambda rules: rules.evaluation is not None,
    note=N_("one row per rating (rules with an evaluation section)"),
)

#: The sheets of the input workbook, in workbook order.
SHEETS: tuple[SheetSpec, ...] = (
    PEOPLE,
    DEPARTMENTS,
    POINTS,
    INDICATORS,
    CITY_RANKINGS,
    CITY_SHARES,
    VETOES,
    SERVICE_REQUESTS,
    EVALUATIONS,
)


def sheets_for(rules: Rules) -> list[tuple[SheetSpec, list[ColumnSpec]]]:
    """The sheets the rules use, each with the columns the rules use."""
    return [(s, [c for c in s.columns if c.when(rules)]) for s in SHEETS if s.when(rules)]
