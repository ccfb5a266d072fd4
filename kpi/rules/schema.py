"""The rules schema (method §4 and §9 "Rules") as pydantic models.

Every model forbids unknown keys, so a typo like ``quata`` is an error rather
than a silently ignored rule. Numbers are :class:`~decimal.Decimal` built from
the YAML text by the loader, never from a binary float. ``null`` counts as
missing for required keys (pydantic rejects ``None`` for a non-optional field).

Checks that span several keys raise :class:`PydanticCustomError` whose context
carries ``at``: the key path, relative to the error's own location, of the
value to blame. The loader appends it so the message points at the offending
line (the out-of-order band, the role listed twice) rather than at the section.
"""

from __future__ import annotations

import difflib
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from kpi.i18n import KeyPath, Msg, _


def _error(kind: str, message: Msg, at: tuple[object, ...]) -> PydanticCustomError:
    """A cross-key check's error: pydantic shows the English; ``ctx`` carries the message
    itself (``message``, rendered in any language by :mod:`kpi.rules.messages`) and
    ``at``, the key path of the value to blame."""
    return PydanticCustomError(kind, message, {"at": at, "message": message})


def _unknown_band(path: str, grade: str, bands: str, names: list[str]) -> PydanticCustomError:
    """A grade key (``veto.max_grade``) naming no band of its grade list."""
    return _error(
        "unknown_band",
        _(
            "{path} {grade} is not a band of {bands} ({names})",
            path=KeyPath(path),
            grade=repr(grade),
            bands=KeyPath(bands),
            names=", ".join(names),
        ),
        (path.rsplit(".", 1)[-1],),
    )


NonNeg = Annotated[Decimal, Field(ge=0)]
Positive = Annotated[Decimal, Field(gt=0)]
Fraction = Annotated[Decimal, Field(ge=0, le=1)]
Label = Annotated[str, Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Cap(_Model):
    """Magnitudes of the add and deduct limits: net points are clamped to [−deduct, +add]."""

    add: NonNeg
    deduct: NonNeg


class Event(_Model):
    name: Label
    points: Decimal
    max_per_period: NonNeg | None = None


class Points(_Model):
    person_cap: Cap
    department_cap: Cap
    events: dict[Label, Event]


class Coefficients(_Model):
    post_category: dict[Label, NonNeg]
    role: dict[Label, NonNeg] | None = None


#: One point of a scoring curve: [x, y], both ≥ 0.
CurvePoint = Annotated[list[NonNeg], Field(min_length=2, max_length=2)]


class Curve(_Model):
    """A scoring curve: the completion ratio ρ mapped to a score through points [x, y]."""

    mode: Literal["linear", "step"]
    points: list[CurvePoint]


class Indicators(_Model):
    level_multiplier: dict[Label, NonNeg]
    cap: Positive
    late_factor: NonNeg
    curves: dict[Label, Curve] | None = None

    @field_validator("curves")
    @classmethod
    def _curve_points(cls, curves: dict[str, Curve] | None) -> dict[str, Curve] | None:
        for name, curve in (curves or {}).items():
            need = 2 if curve.mode == "linear" else 1
            if len(curve.points) < need:
                path = KeyPath(f"indicators.curves.{name}")
                if need > 1:
                    needs = _(
                        "{path}: a {mode} curve needs at least {need} points [x, y], got {count}",
                        path=path,
                        mode=curve.mode,
                        need=need,
                        count=len(curve.points),
                    )
                else:
                    needs = _(
                        "{path}: a {mode} curve needs at least 1 point [x, y], got {count}",
                        path=path,
                        mode=curve.mode,
                        count=len(curve.points),
                    )
                raise _error("curve_points", needs, (name, "points"))
            for i, (before, after) in enumerate(pairwise(curve.points), start=1):
                if not after[0] > before[0]:
                    raise _error(
                        "curve_order",
                        _(
                            "{path}: x values must be strictly increasing, "
                            "but point {n} has x {x} after x {before}",
                            path=KeyPath(f"indicators.curves.{name}"),
                            n=i + 1,
                            x=after[0],
                            before=before[0],
                        ),
                        (name, "points", i),
                    )
        return curves


class TableRankScore(_Model):
    method: Literal["table"]
    table: dict[Annotated[int, Field(ge=1)], Decimal]
    default: Decimal | None = None


class LinearRankScore(_Model):
    method: Literal["linear"]
    top: Decimal
    step: NonNeg
    floor: Decimal


class PercentileRankScore(_Model):
    method: Literal["percentile"]
    top: Decimal
    bottom: Decimal


RankScore = Annotated[TableRankScore | LinearRankScore | PercentileRankScore, Field(discriminator="method")]


class LeaderInChargeWeights(_Model):
    zone: NonNeg
    departments: NonNeg
    evaluation: NonNeg | None = None  # evaluation score weight; absent = 0

    @model_validator(mode="after")
    def _not_both_zero(self) -> LeaderInChargeWeights:
        if self.evaluation is None and self.zone + self.departments == 0:
            raise ValueError(_("zone and departments weights cannot both be 0"))
        if self.zone + self.departments + (self.evaluation or 0) == 0:
            raise ValueError(_("zone, departments and evaluation weights cannot all be 0"))
        return self


class MainLeaderWeights(_Model):
    """A main leader's score as a blend of the zone score and the evaluation score."""

    zone: NonNeg
    evaluation: NonNeg | None = None  # absent = 0

    @model_validator(mode="after")
    def _not_both_zero(self) -> MainLeaderWeights:
        if self.zone + (self.evaluation or 0) == 0:
            raise ValueError(_("zone and evaluation weights cannot both be 0"))
        return self


class Weighting(_Model):
    rank_score: RankScore
    leader_in_charge: LeaderInChargeWeights
    main_leader: MainLeaderWeights | None = None  # absent: L = Z + P (v1)


class DepartmentWeights(_Model):
    indicators: NonNeg
    city: NonNeg
    evaluation: NonNeg | None = None  # evaluation score weight; absent = 0


class Department(_Model):
    weights: DepartmentWeights


class IndividualWeights(_Model):
    department: NonNeg
    personal: NonNeg
    evaluation: NonNeg | None = None  # absent = 0; a by_role entry's own key counts

    @model_validator(mode="after")
    def _not_both_zero(self) -> IndividualWeights:
        if self.evaluation is None and self.department + self.personal == 0:
            raise _error("weights_zero", _("department and personal weights cannot both be 0"), ())
        if self.department + self.personal + (self.evaluation or 0) == 0:
            raise _error("weights_zero", _("department, personal and evaluation weights cannot all be 0"), ())
        return self


class Individual(_Model):
    weights: IndividualWeights
    by_role: dict[Label, IndividualWeights] | None = None


class Roles(_Model):
    main_leader: list[Label]
    leader_in_charge: list[Label]
    department_head: list[Label]

    @model_validator(mode="after")
    def _leader_roles_disjoint(self) -> Roles:
        both = [r for r in self.leader_in_charge if r in self.main_leader]
        if both:
            raise _error(
                "roles_overlap",
                _(
                    "职务 {roles} listed as both main_leader and leader_in_charge "
                    "(a leader is one or the other)",
                    roles=", ".join(both),
                ),
                ("leader_in_charge", self.leader_in_charge.index(both[0])),
            )
        return self


class Cascade(_Model):
    department_head: StrictBool
    leader_in_charge: StrictBool
    members: StrictBool


class Veto(_Model):
    items: list[Label]
    #: A published score (2 decimals): a finer cap such as 59.995 would be
    #: exceeded by the rounded score r2(min(score, cap)) = 60.00.
    score_cap: Annotated[Decimal, Field(decimal_places=2)]
    max_grade: Label
    forfeit_bonus: StrictBool
    cascade: Cascade


class Band(_Model):
    name: Label
    min: Decimal
    quota: Fraction | None = None
    #: An individual's quota by the grade of the individual's department.
    quota_by_department_grade: dict[Label, Fraction] | None = None
    factor: NonNeg


class Grades(_Model):
    quota_scope: Literal["zone", "department"]
    quota_rounding: Literal["floor", "round", "ceil"]
    bands: Annotated[list[Band], Field(min_length=1)]

    @field_validator("bands")
    @classmethod
    def _descending(cls, bands: list[Band]) -> list[Band]:
        for i, (higher, lower) in enumerate(pairwise(bands), start=1):
            if not lower.min < higher.min:
                raise _error(
                    "bands_order",
                    _(
                        "bands must be listed highest first with strictly decreasing min: "
                        "{lower} (min {lower_min}) follows {higher} (min {higher_min})",
                        lower=lower.name,
                        lower_min=lower.min,
                        higher=higher.name,
                        higher_min=higher.min,
                    ),
                    (i, "min"),
                )
        names = [b.name for b in bands]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise _error(
                    "bands_duplicate",
                    _(
                        "band name {name} is listed more than once in {path}",
                        name=name,
                        path=KeyPath("grades.bands"),
                    ),
                    (i, "name"),
                )
        return bands

    @model_validator(mode="after")
    def _quota_by_department_grade(self) -> Grades:
        """Allowed with ``quota_scope: department`` only, and listing every band."""
        names = [b.name for b in self.bands]
        for i, band in enumerate(self.bands):
            by_grade = band.quota_by_department_grade
            if by_grade is None:
                continue
            at = ("bands", i, "quota_by_department_grade")
            if self.quota_scope != "department":
                raise _error(
                    "quota_scope",
                    _(
                        "band {band}: quota_by_department_grade needs quota_scope: department "
                        "(individual quotas per department), not {scope}",
                        band=band.name,
                        scope=self.quota_scope,
                    ),
                    at,
                )
            unknown = [g for g in by_grade if g not in names]
            if unknown:
                raise _error(
                    "unknown_band",
                    _(
                        "band {band}: quota_by_department_grade names {grade}, which is "
                        "not a band of {path} ({names})",
                        band=band.name,
                        grade=repr(unknown[0]),
                        path=KeyPath("grades.bands"),
                        names=", ".join(names),
                    ),
                    (*at, unknown[0]),
                )
            missing = [n for n in names if n not in by_grade]
            if missing:
                raise _error(
                    "missing_band",
                    _(
                        "band {band}: quota_by_department_grade must list every band; missing {missing}",
                        band=band.name,
                        missing=", ".join(missing),
                    ),
                    at,
                )
        return self


class Bonus(_Model):
    mode: Literal["pool", "fixed"]
    pool: NonNeg | None = None
    yuan_per_point: NonNeg
    include_leaders: StrictBool

    @model_validator(mode="after")
    def _pool_rules(self) -> Bonus:
        if self.mode == "pool" and self.pool is None:
            raise _error(
                "missing",
                _(
                    "missing required key 'pool' in {path} (required when mode is pool)",
                    path=KeyPath("bonus"),
                ),
                ("pool",),
            )
        if self.pool is not None and self.pool != self.pool.to_integral_value():
            raise _error(
                "whole_yuan",
                _("{path} must be whole yuan, got {value}", path=KeyPath("bonus.pool"), value=self.pool),
                ("pool",),
            )
        return self


# Service requests (method §6.0) ------------------------------------------------------------


def _whole_days(value: object) -> object:
    """A count of working days: a whole number (2.0 is 2), never true/false or text."""
    if isinstance(value, bool | str):
        raise PydanticCustomError("int_type", _("Input should be a valid integer"))
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return value


def _day(value: object) -> object:
    """Refuse numbers, which pydantic would read as Unix timestamps (0 → 1970-01-01)."""
    if isinstance(value, int | Decimal | float) and not isinstance(value, bool):
        raise PydanticCustomError("date_type", _("Input should be a valid date"))
    return value


#: Working days: whole, ≥ 0, and at most about four years' worth (a safety limit).
WholeDays = Annotated[int, Field(ge=0, le=1000), BeforeValidator(_whole_days)]
Day = Annotated[date, BeforeValidator(_day)]


class ServiceCalendar(_Model):
    statutory: StrictBool
    holidays: list[Day] | None = None
    workdays: list[Day] | None = None

    @model_validator(mode="after")
    def _off_or_on(self) -> ServiceCalendar:
        holidays = set(self.holidays or ())
        both = [(i, d) for i, d in enumerate(self.workdays or ()) if d in holidays]
        if both:
            days = ", ".join(dict.fromkeys(d.isoformat() for __, d in both))
            raise _error(
                "day_both",
                _(
                    "{days} listed in both {holidays} and {workdays}: "
                    "a day is either a day off or a working day; remove it from one list",
                    days=days,
                    holidays=KeyPath("service.calendar.holidays"),
                    workdays=KeyPath("service.calendar.workdays"),
                ),
                ("workdays", both[0][0]),
            )
        return self


class Evaluation(_Model):
    """Evaluations (民主测评, 共建共评): rater groups and their weights, optional votes, trimming."""

    groups: Annotated[dict[Label, Positive], Field(min_length=1)]
    votes: dict[Label, Annotated[Decimal, Field(ge=0, le=100)]] | None = None
    trim: Annotated[int, Field(ge=0)]
    min_raters: Annotated[int, Field(ge=1)]

    @model_validator(mode="after")
    def _enough_raters(self) -> Evaluation:
        least = 2 * self.trim + 1
        if self.min_raters < least:
            raise _error(
                "min_raters",
                _(
                    "{path} must be at least 2 × trim + 1 = {least}, got {value}: trim {trim} drops the "
                    "{trim} lowest and the {trim} highest scores of a group, and at least one must be left",
                    path=KeyPath("evaluation.min_raters"),
                    least=least,
                    value=self.min_raters,
                    trim=self.trim,
                ),
                ("min_raters",),
            )
        return self


class ServiceEvents(_Model):
    late_response: Label
    late_resolution: Label
    on_time: Label | None = None


class Service(_Model):
    respond_days: WholeDays
    resolve_days: Annotated[dict[Label, WholeDays], Field(min_length=1)]
    calendar: ServiceCalendar
    events: ServiceEvents


# The annual appraisal (method §10) -----------------------------------------------------------

#: The four quarters a year's weights name.
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
Quarter = Literal["Q1", "Q2", "Q3", "Q4"]
#: A count of quarters: a whole number from 0 to 4 (2.0 is 2).
QuarterCount = Annotated[int, Field(ge=0, le=4), BeforeValidator(_whole_days)]


class AnnualWeights(_Model):
    """The weights of the quarters' mean A and of the year-end evaluation E_year in Y."""

    quarters: NonNeg
    evaluation: NonNeg

    @model_validator(mode="after")
    def _not_both_zero(self) -> AnnualWeights:
        if self.quarters + self.evaluation == 0:
            raise _error(
                "weights_zero",
                _("{path}: quarters and evaluation cannot both be 0", path=KeyPath("annual.weights")),
                (),
            )
        return self


class AnnualBonus(_Model):
    """The year-end pool, shared out like a quarter's pool (whole yuan)."""

    pool: NonNeg

    @field_validator("pool")
    @classmethod
    def _whole_yuan(cls, pool: Decimal) -> Decimal:
        if pool != pool.to_integral_value():
            raise _error(
                "whole_yuan",
                _("{path} must be whole yuan, got {value}", path=KeyPath("annual.bonus.pool"), value=pool),
                (),
            )
        return pool


class Annual(_Model):
    """The annual appraisal (年度考核): the four quarters' results rolled up into a year."""

    quarter_weights: dict[Quarter, NonNeg] | None = None  # absent = equal
    weights: AnnualWeights
    min_quarters: QuarterCount
    veto_any_quarter: StrictBool
    veto_max_grade: Label | None = None  # required when veto_any_quarter is true
    grades: Grades
    bonus: AnnualBonus | None = None

    @field_validator("quarter_weights")
    @classmethod
    def _all_four(cls, weights: dict[str, Decimal] | None) -> dict[str, Decimal] | None:
        if weights is None:
            return None
        missing = [q for q in QUARTERS if q not in weights]
        if missing:
            raise _error(
                "quarters_missing",
                _(
                    "{path} must list all four quarters (Q1, Q2, Q3, Q4); missing "
                    "{missing} (leave the key out for equal weights)",
                    path=KeyPath("annual.quarter_weights"),
                    missing=", ".join(missing),
                ),
                (),
            )
        if not any(weights.values()):
            raise _error(
                "weights_zero", _("{path} cannot all be 0", path=KeyPath("annual.quarter_weights")), ()
            )
        return {q: weights[q] for q in QUARTERS}

    @model_validator(mode="after")
    def _veto_max_grade(self) -> Annual:
        names = [b.name for b in self.grades.bands]
        if self.veto_max_grade is None:
            if self.veto_any_quarter:
                raise _error(
                    "missing",
                    _(
                        "missing required key 'veto_max_grade' in {path} (required when veto_any_quarter "
                        "is true): the highest annual band a member vetoed in the year can get",
                        path=KeyPath("annual"),
                    ),
                    ("veto_any_quarter",),
                )
            return self
        if self.veto_max_grade not in names:
            raise _unknown_band("annual.veto_max_grade", self.veto_max_grade, "annual.grades.bands", names)
        start = names.index(self.veto_max_grade)
        open_bands = [
            b for b in self.grades.bands[start:] if b.quota is None and b.quota_by_department_grade is None
        ]
        if self.veto_any_quarter and not open_bands:
            raise _error(
                "no_open_band",
                _(
                    "{path} is {grade}, but no band without a quota lies at or below it: a member vetoed "
                    "in the year never takes a quota place, so add such a band to {bands}",
                    path=KeyPath("annual.veto_max_grade"),
                    grade=self.veto_max_grade,
                    bands=KeyPath("annual.grades.bands"),
                ),
                ("veto_max_grade",),
            )
        return self


class Rules(_Model):
    """A whole rules file.

    ``grades`` is declared before ``veto`` so that ``veto.max_grade`` can be
    checked against the bands as soon as both sections are valid, even when
    other sections have problems (all problems are reported at once).
    """

    name: Label
    version: Label
    source: str | None = None
    effective_from: date | None = None
    base_score: Decimal
    points: Points
    coefficients: Coefficients
    indicators: Indicators
    weighting: Weighting
    department: Department
    individual: Individual
    roles: Roles
    grades: Grades
    veto: Veto
    bonus: Bonus
    service: Service | None = None
    evaluation: Evaluation | None = None
    annual: Annual | None = None

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: object) -> object:
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, Decimal, float)):
            return str(value)
        return value

    @field_validator("effective_from", mode="before")
    @classmethod
    def _date_not_number(cls, value: object) -> object:
        """Refuse numbers, which pydantic would read as Unix timestamps (0 → 1970-01-01)."""
        if isinstance(value, (int, Decimal, float)) and not isinstance(value, bool):
            raise PydanticCustomError("date_type", _("Input should be a valid date"))
        return value

    @field_validator("veto")
    @classmethod
    def _max_grade_is_a_band(cls, veto: Veto, info: ValidationInfo) -> Veto:
        grades = info.data.get("grades")
        if grades is None:  # grades has its own problems; they are reported instead
            return veto
        names = [b.name for b in grades.bands]
        if veto.max_grade not in names:
            raise _unknown_band("veto.max_grade", veto.max_grade, "grades.bands", names)
        return veto

    @field_validator("service")
    @classmethod
    def _service_codes_are_events(cls, service: Service | None, info: ValidationInfo) -> Service | None:
        points = info.data.get("points")
        if service is None or points is None:  # points has its own problems
            return service
        codes = service.events.model_dump(exclude_none=True)
        unknown = [key for key, code in codes.items() if code not in points.events]
        if unknown:
            close = difflib.get_close_matches(codes[unknown[0]], list(points.events), n=1)
            hint = _(" — did you mean {choice}?", choice="'" + close[0] + "'") if close else ""
            items = [
                _("{path} {code}", path=KeyPath("service.events." + k), code="'" + codes[k] + "'")
                for k in unknown
            ]
            listed = items[-1]
            for item in reversed(items[:-1]):
                listed = _("{first} and {rest}", first=item, rest=listed)
            if len(unknown) == 1:
                message = _(
                    "{listed} is not a code of {events} ({codes}){hint}: a service event must be "
                    "in the catalogue; add it to {events} or correct the code",
                    listed=listed,
                    events=KeyPath("points.events"),
                    codes=", ".join(points.events),
                    hint=hint,
                )
            else:
                message = _(
                    "{listed} are not codes of {events} ({codes}){hint}: a service event must be "
                    "in the catalogue; add it to {events} or correct the code",
                    listed=listed,
                    events=KeyPath("points.events"),
                    codes=", ".join(points.events),
                    hint=hint,
                )
            raise _error("unknown_code", message, ("events", unknown[0]))
        return service

    # Convenience look-ups used by the engine ---------------------------------

    def band(self, name: str) -> Band:
        return next(b for b in self.grades.bands if b.name == name)

    def leader_kind(self, role: str) -> str | None:
        """'main_leader', 'leader_in_charge' or None for a 职务 text."""
        if role in self.roles.main_leader:
            return "main_leader"
        if role in self.roles.leader_in_charge:
            return "leader_in_charge"
        return None
