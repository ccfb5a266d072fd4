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

from kpi.io.cells import DATE, INTEGER, NUMBER, TEXT
from kpi.io.checks.columns import KINDS
from kpi.io.checks.indicators import DIRECTIONS
from kpi.io.names import COLUMN_NAMES, SHEET_NAMES
from kpi.numbers import plain
from kpi.periods import Period
from kpi.rules.schema import Rules

#: A text in Chinese and in English.
Bilingual = tuple[str, str]


def pick(text: Bilingual, lang: str) -> str:
    return text[1] if lang == "en" else text[0]


@dataclass(frozen=True)
class RulesList:
    """Allowed values listed in the rules (``source`` is the key path shown in 填表说明,
    empty for values fixed by the contract such as 方向)."""

    values: tuple[str, ...]
    source: str
    #: What each value means, shown beside it (an event code's name), or empty.
    labels: tuple[Bilingual, ...] = ()
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
    text: Bilingual = ("", "")


Allowed = RulesList | SheetList | Bound


def _always(rules: Rules) -> bool:
    return True


@dataclass(frozen=True)
class ColumnSpec:
    """One column: how it is filled, checked and described."""

    key: str
    #: On which rows the cell must be filled: a key of :data:`NEEDS`.
    need: str
    note: Bilingual
    example: Callable[[Rules, Period], str]
    allowed: Callable[[Rules, Period], Allowed | None] = lambda rules, period: None
    when: Callable[[Rules], bool] = _always
    #: ``--from`` carries the column's values over; False: they are cleared.
    carried: bool = True
    #: Why a value read by ``--from`` (typed, or text as written) deserves a look in the
    #: new period, or None when it does not; its message follows "<column> <value>".
    review: Callable[[Any, Period], str | None] | None = None


@dataclass(frozen=True)
class SheetSpec:
    key: str
    columns: tuple[ColumnSpec, ...]
    #: ``--from`` carries the sheet's rows over from the previous period.
    carried: bool = False
    when: Callable[[Rules], bool] = _always
    #: What the sheet holds, for 填表说明.
    note: Bilingual = ("", "")


NEEDS: dict[str, Bilingual] = {
    "all": ("是", "yes"),
    "optional": ("否", "no"),
    "staff": ("员工必填；领导可空", "staff rows; a leader may leave it blank"),
    "measured": ("正向、反向指标必填；评分指标可空", "正向 and 反向 rows; blank on 评分 rows"),
    "score_or_vote": ("分数和等次填且只填一项", "one of 分数 and 等次, not both"),
}

KIND_TEXT: dict[str, Bilingual] = {
    TEXT: ("文本", "text"),
    NUMBER: ("数字", "number"),
    INTEGER: ("整数", "whole number"),
    DATE: ("日期", "date"),
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
    return RulesList(tuple(events), "points.events", tuple((e.name, e.name) for e in events.values()))


def curves(rules: Rules, period: Period) -> Allowed | None:
    return RulesList(tuple(rules.indicators.curves or ()), "indicators.curves")


def rater_groups(rules: Rules, period: Period) -> Allowed | None:
    if rules.evaluation is None:
        return None
    groups = rules.evaluation.groups
    labels = tuple((f"权重 {plain(w)}", f"weight {plain(w)}") for w in groups.values())
    return RulesList(tuple(groups), "evaluation.groups", labels)


def votes(rules: Rules, period: Period) -> Allowed | None:
    if rules.evaluation is None or rules.evaluation.votes is None:
        return None
    scores = rules.evaluation.votes
    labels = tuple((f"{plain(v)} 分", f"scores {plain(v)}") for v in scores.values())
    return RulesList(tuple(scores), "evaluation.votes", labels)


def scores(rules: Rules, period: Period) -> Allowed:
    return Bound("decimal", "between", Decimal(0), Decimal(100), text=("0 至 100", "0 to 100"))


def has_votes(rules: Rules) -> bool:
    return rules.evaluation is not None and rules.evaluation.votes is not None


def request_kinds(rules: Rules, period: Period) -> Allowed | None:
    """类别 of a service request, each with its working days to settle."""
    if rules.service is None:
        return None
    days = rules.service.resolve_days
    labels = tuple((f"{n} 个工作日办结", f"settled in {n} working days") for n in days.values())
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
        text=(f"{first} 至 {last}（{period}）", f"{first} to {last} ({period})"),
    )


def _at_least(low: int, strict: bool = False, whole: bool = False) -> Callable[[Rules, Period], Allowed]:
    sign = ">" if strict else "≥"

    def bound(rules: Rules, period: Period) -> Allowed:
        return Bound(
            "whole" if whole else "decimal",
            "greaterThan" if strict else "greaterThanOrEqual",
            Decimal(low),
            text=(
                f"{sign} {low}" + (" 的整数" if whole else ""),
                f"{'whole number ' if whole else ''}{sign} {low}",
            ),
        )

    return bound


def months(rules: Rules, period: Period) -> Allowed:
    n = period.months
    return Bound(
        "decimal",
        "between",
        Decimal(0),
        Decimal(n),
        text=(f"0 至 {n}；空白表示整个期间", f"0 to {n}; blank means the whole period"),
    )


def months_cleared(value: Any, period: Period) -> str | None:
    """A 在岗月数 of less than a whole period may still hold in this one."""
    if isinstance(value, Decimal) and value == period.months:
        return None
    return (
        f"not carried over: blank means on post for the whole of {period}; "
        "fill it in on the new sheet if this person is not"
    )


def deadline_passed(value: Any, period: Period) -> str | None:
    """A deadline before the period starts was most likely last period's."""
    if isinstance(value, date) and value < period.first_day:
        return (
            f"is before {period} starts ({period.first_day.isoformat()}): carried over, but an "
            "indicator completed after it is scored as late; check it"
        )
    return None


def share(rules: Rules, period: Period) -> Allowed:
    return Bound(
        "custom",
        custom="AND(ISNUMBER({cell}),{cell}>0,{cell}<=1)",
        text=(
            "大于 0、不超过 1；同一指标的占比合计为 1",
            "more than 0, at most 1; one indicator's shares add up to 1",
        ),
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


TARGET_NOTE: Bilingual = (
    "人员表的工号，或部门表的部门",
    "a 工号 (id) of sheet people or a department of sheet departments",
)

# The sheets ---------------------------------------------------------------------------------

PEOPLE = SheetSpec(
    "people",
    (
        ColumnSpec("id", "all", ("每人一个工号，不能重复", "one per person, each once"), _text("E001")),
        ColumnSpec("name", "all", ("", ""), _text("张伟")),
        ColumnSpec(
            "department",
            "staff",
            ("领导行的部门不读取", "ignored on a leader's row"),
            _text("招商部"),
            _sheet("departments", "department"),
        ),
        ColumnSpec(
            "post_category",
            "staff",
            (
                "领导可空，填写时须为规则中的类别",
                "a leader may leave it blank; if given, a category of the rules",
            ),
            _first(post_categories),
            post_categories,
        ),
        ColumnSpec(
            "role",
            "all",
            (
                "规则 roles 决定主要领导、分管领导和员工",
                "the rules' roles decide main leaders, leaders in charge and staff",
            ),
            _first(roles),
            roles,
        ),
        ColumnSpec("bonus_base", "all", ("元/期", "yuan per period"), _text("8000"), _at_least(0)),
        ColumnSpec(
            "months",
            "optional",
            ("本期在岗月数", "months on post in this period"),
            lambda rules, period: str(period.months),
            months,
            carried=False,
            review=months_cleared,
        ),
    ),
    carried=True,
    note=("每人一行，领导也在内；至少一行", "one row per person, leaders included; at least one row"),
)

DEPARTMENTS = SheetSpec(
    "departments",
    (
        ColumnSpec("department", "all", ("每个部门一行，不能重复", "each department once"), _text("招商部")),
        ColumnSpec(
            "leader_in_charge",
            "all",
            (
                "人员表中职务属于 roles.leader_in_charge 的人的工号",
                "the 工号 of a person whose 职务 is in roles.leader_in_charge",
            ),
            _text("L02"),
            _sheet("people", "id"),
        ),
    ),
    carried=True,
    note=(
        "每个部门一行，写明分管领导；至少一行",
        "one row per department with its leader in charge; at least one row",
    ),
)

POINTS = SheetSpec(
    "points",
    (
        ColumnSpec("date", "all", ("", ""), _first_day, in_period),
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
            ("事项代码及名称见下方“事项代码”表", "codes and their names: see the table of event codes below"),
            _first(event_codes),
            event_codes,
        ),
        ColumnSpec(
            "points",
            "optional",
            ("空白取事项的默认点数；0 即为 0", "blank takes the code's default points; 0 counts as 0"),
            lambda rules, period: "5",
        ),
        ColumnSpec("reason", "optional", ("", ""), _text("签约智能制造项目")),
    ),
    note=("每个加点或扣点事项一行；本期没有可不填", "one row per add or deduct event; may stay empty"),
)

INDICATORS = SheetSpec(
    "indicators",
    (
        ColumnSpec("id", "all", ("不能重复", "each once"), _text("ZB01")),
        ColumnSpec("name", "all", ("", ""), _text("招商引资到位资金")),
        ColumnSpec("level", "all", ("", ""), _first(levels), levels),
        ColumnSpec("department", "all", ("", ""), _text("招商部"), _sheet("departments", "department")),
        ColumnSpec(
            "direction",
            "all",
            (
                "正向越高越好，反向越低越好，评分的完成值即 0–100 的得分",
                "正向 higher is better, 反向 lower is better, 评分 完成值 is a 0–100 score",
            ),
            _text("正向"),
            directions,
        ),
        ColumnSpec("target", "measured", ("", ""), _text("200"), _at_least(0, strict=True)),
        ColumnSpec(
            "actual",
            "all",
            ("评分指标不超过 100", "at most 100 on a 评分 row"),
            _text("180"),
            _at_least(0),
            carried=False,
        ),
        ColumnSpec("weight", "all", ("", ""), _text("10"), _at_least(0, strict=True)),
        ColumnSpec(
            "deadline",
            "optional",
            ("可不在本期内", "may lie outside the period"),
            _last_day,
            review=deadline_passed,
        ),
        ColumnSpec(
            "completed_on",
            "optional",
            ("晚于截止日期按逾期计分", "after the deadline: scored as late"),
            _last_day,
            carried=False,
        ),
        ColumnSpec(
            "curve",
            "optional",
            (
                "空白按完成比率计分；评分指标不填",
                "blank: scored by the completion ratio; never on a 评分 row",
            ),
            _first(curves),
            curves,
            when=lambda rules: bool(rules.indicators.curves),
        ),
    ),
    carried=True,
    note=(
        "每个分解到部门的指标一行；可以没有行",
        "one row per indicator assigned to a department; may have no rows",
    ),
)

CITY_RANKINGS = SheetSpec(
    "city_rankings",
    (
        ColumnSpec("indicator", "all", ("不能重复", "each once"), _text("地区生产总值增速")),
        ColumnSpec("weight", "all", ("", ""), _text("20"), _at_least(0, strict=True)),
        ColumnSpec(
            "rank",
            "all",
            ("不超过参评单位数", "at most 参评单位数"),
            _text("2"),
            _at_least(1, whole=True),
            carried=False,
        ),
        ColumnSpec("participants", "all", ("", ""), _text("9"), _at_least(2, whole=True)),
    ),
    carried=True,
    note=(
        "市里对本区排名的每个指标一行；至少一行",
        "one row per indicator the city ranks the zone on; at least one row",
    ),
)

CITY_SHARES = SheetSpec(
    "city_shares",
    (
        ColumnSpec(
            "indicator", "all", ("", ""), _text("地区生产总值增速"), _sheet("city_rankings", "indicator")
        ),
        ColumnSpec(
            "department",
            "all",
            ("同一指标同一部门只填一行", "one row per indicator and department"),
            _text("招商部"),
            _sheet("departments", "department"),
        ),
        ColumnSpec("share", "all", ("", ""), _text("0.6"), share),
    ),
    carried=True,
    note=(
        "各部门承担市级指标的占比；可以没有行",
        "which departments carry which city indicator, and what share; may have no rows",
    ),
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
        ColumnSpec("item", "all", ("", ""), _first(veto_items), veto_items),
        ColumnSpec("date", "all", ("", ""), _first_day, in_period),
        ColumnSpec("note", "optional", ("", ""), _text("")),
    ),
    note=("每个一票否决事项一行；没有可不填", "one row per one-vote veto; may stay empty"),
)

SERVICE_REQUESTS = SheetSpec(
    "service_requests",
    (
        ColumnSpec("id", "all", ("每条诉求一个编号，不能重复", "one per request, each once"), _text("SQ001")),
        ColumnSpec(
            "company",
            "all",
            ("提出诉求的企业", "the enterprise that made the request"),
            _text("青岛某某科技有限公司"),
        ),
        ColumnSpec(
            "handler",
            "all",
            ("负责人的工号（员工或领导）", "the 工号 of the person in charge (staff or leader)"),
            _text("E001"),
            _sheet("people", "id"),
        ),
        ColumnSpec(
            "kind",
            "all",
            ("类别决定办结时限", "the kind sets the working days to settle"),
            _first(request_kinds),
            request_kinds,
        ),
        ColumnSpec(
            "received",
            "all",
            (
                "可早于本期：上期受理、时限落在本期的诉求也要列出",
                "may lie before the period: list a request received earlier whose deadline falls in it",
            ),
            _first_day,
        ),
        ColumnSpec("responded", "optional", ("空白表示尚未回应", "blank: not answered yet"), _first_day),
        ColumnSpec("resolved", "optional", ("空白表示尚未办结", "blank: not settled yet"), _last_day),
    ),
    when=lambda rules: rules.service is not None,
    note=(
        "每条企业诉求一行（规则有 service 部分时）；可以没有行",
        "one row per enterprise request (rules with a service section); may have no rows",
    ),
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
        ColumnSpec("rater_group", "all", ("", ""), _first(rater_groups), rater_groups),
        ColumnSpec(
            "rater",
            "optional",
            (
                "署名的评价人在同一评价方内对同一对象只评一次；匿名票可空",
                "a named rater rates a target once per group; blank on anonymous ballots",
            ),
            _text("R01"),
        ),
        # Without votes in the rules every row has a 分数; with them, a 分数 or an 等次.
        ColumnSpec("score", "all", ("", ""), _text("90"), scores, when=lambda rules: not has_votes(rules)),
        ColumnSpec("score", "score_or_vote", ("", ""), _text("90"), scores, when=has_votes),
        ColumnSpec(
            "vote",
            "score_or_vote",
            ("规则把等次换算为分数", "the rules turn a vote into a score"),
            _first(votes),
            votes,
            when=has_votes,
        ),
    ),
    when=lambda rules: rules.evaluation is not None,
    note=(
        "每张评价票一行（规则有 evaluation 部分时）",
        "one row per rating (rules with an evaluation section)",
    ),
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
