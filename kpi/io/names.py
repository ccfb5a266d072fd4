"""Sheet and column names of the input workbook (method §3), Chinese and English.

Matching is on :func:`normalize_name` (NFKC, strip, casefold) so ``工号 ``,
``ＩＤ`` and ``Id`` all find the ``id`` column. The first name of each pair is the
Chinese one used in messages.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from kpi.i18n import _

SHEET_NAMES: dict[str, tuple[str, str]] = {
    "people": ("人员", "people"),
    "departments": ("部门", "departments"),
    "points": ("点数", "points"),
    "indicators": ("指标", "indicators"),
    "city_rankings": ("市级排名", "city_rankings"),
    "city_shares": ("市级分工", "city_shares"),
    "vetoes": ("否决", "vetoes"),
    "service_requests": ("企业诉求", "service_requests"),
    "evaluations": ("测评", "evaluations"),
}

OPTIONAL_SHEETS = frozenset({"points", "vetoes", "service_requests", "evaluations"})

COLUMN_NAMES: dict[str, dict[str, tuple[str, str]]] = {
    "people": {
        "id": ("工号", "id"),
        "name": ("姓名", "name"),
        "department": ("部门", "department"),
        "post_category": ("岗位类别", "post_category"),
        "role": ("职务", "role"),
        "bonus_base": ("绩效基数", "bonus_base"),
        "months": ("在岗月数", "months"),
    },
    "departments": {
        "department": ("部门", "department"),
        "leader_in_charge": ("分管领导", "leader_in_charge"),
    },
    "points": {
        "date": ("日期", "date"),
        "target": ("对象", "target"),
        "code": ("事项", "code"),
        "points": ("点数", "points"),
        "reason": ("事由", "reason"),
    },
    "indicators": {
        "id": ("编号", "id"),
        "name": ("名称", "name"),
        "level": ("层级", "level"),
        "department": ("责任部门", "department"),
        "direction": ("方向", "direction"),
        "target": ("目标值", "target"),
        "actual": ("完成值", "actual"),
        "weight": ("权重", "weight"),
        "deadline": ("截止日期", "deadline"),
        "completed_on": ("完成日期", "completed_on"),
        "curve": ("计分曲线", "curve"),
    },
    "city_rankings": {
        "indicator": ("指标", "indicator"),
        "weight": ("权重", "weight"),
        "rank": ("排名", "rank"),
        "participants": ("参评单位数", "participants"),
    },
    "city_shares": {
        "indicator": ("指标", "indicator"),
        "department": ("部门", "department"),
        "share": ("占比", "share"),
    },
    "vetoes": {
        "target": ("对象", "target"),
        "item": ("事项", "item"),
        "date": ("日期", "date"),
        "note": ("说明", "note"),
    },
    "service_requests": {
        "id": ("编号", "id"),
        "company": ("企业", "company"),
        "handler": ("负责人", "handler"),
        "kind": ("类别", "kind"),
        "received": ("受理日期", "received"),
        "responded": ("回应日期", "responded"),
        "resolved": ("办结日期", "resolved"),
    },
    "evaluations": {
        "target": ("对象", "target"),
        "rater_group": ("评价方", "rater_group"),
        "rater": ("评价人", "rater"),
        "score": ("分数", "score"),
        "vote": ("等次", "vote"),
    },
}

_SPACE = re.compile(r"\s+")


def normalize_name(text: str) -> str:
    """NFKC + strip + casefold; inner line breaks and spaces are dropped too.

    method §9 says strip only; header cells typed in Excel often carry a line
    break (Alt+Enter) or a space inside (``绩效 基数``), which users expect to
    match, and no two accepted names differ only by white space.
    """
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def accepted(names: tuple[str, str]) -> str:
    """``'工号 / id'`` for messages."""
    return f"{names[0]} / {names[1]}"


#: Normalised accepted sheet name → sheet key.
SHEET_ALIASES: dict[str, str] = {
    normalize_name(name): key for key, names in SHEET_NAMES.items() for name in names
}

#: Per sheet key: normalised accepted column name → column key.
COLUMN_ALIASES: dict[str, dict[str, str]] = {
    sheet: {normalize_name(name): key for key, names in columns.items() for name in names}
    for sheet, columns in COLUMN_NAMES.items()
}

#: difflib compares a value with every choice; beyond this many choices (a roster
#: of 50,000 工号) only the normalised-exact suggestion is made, to stay fast.
MAX_FUZZY_CHOICES = 2000


class Suggester:
    """Finds the choice a mistyped value was most likely meant to be.

    First a choice equal to the value up to :func:`normalize_name` (``ａ01`` →
    ``A01``, ``招商 `` → ``招商``), then difflib's closest match. The choices are
    normalised once, so checking many values against a long list stays fast.
    """

    def __init__(self, choices: Iterable[str]) -> None:
        self._choices = choices
        self.by_norm: dict[str, str] = {}
        self._norms: list[str] | None = None

    def __call__(self, value: str) -> str | None:
        if self._norms is None:  # normalised on first use: most checks find nothing
            for option in self._choices:
                self.by_norm.setdefault(normalize_name(option), option)
            self._norms = list(self.by_norm)
        key = normalize_name(value)
        if key in self.by_norm:
            return self.by_norm[key]
        if len(self._norms) > MAX_FUZZY_CHOICES:
            return None
        close = difflib.get_close_matches(key, self._norms, n=1, cutoff=0.6)
        return self.by_norm[close[0]] if close else None

    def hint(self, value: str) -> str:
        """``"; did you mean 'X'?"`` (a :class:`~kpi.i18n.Msg` tail, Chinese
        ``（是否应为“X”？）``) or ``""``."""
        guess = self(value)
        return _("; did you mean '{guess}'?", guess=guess) if guess is not None and guess != value else ""


def did_you_mean(value: str, choices: Iterable[str]) -> str | None:
    """The choice ``value`` was most likely meant to be, or None (see :class:`Suggester`)."""
    return Suggester(choices)(value)


def listing(choices: Iterable[str], limit: int = 12) -> str:
    """``'招商, 企业服务, 综合保障'`` for messages, shortened after ``limit`` items."""
    items = list(choices)
    text = ", ".join(items[:limit])
    if len(items) > limit:
        return _("{items}, … ({count} in all)", items=text, count=len(items))
    return text
