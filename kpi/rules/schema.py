"""The rules schema (SPEC §4 and §7 "Rules") as pydantic models.

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


class Indicators(_Model):
    level_multiplier: dict[Label, NonNeg]
    cap: Positive
    late_factor: NonNeg


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

    @model_validator(mode="after")
    def _not_both_zero(self) -> LeaderInChargeWeights:
        if self.zone + self.departments == 0:
            raise ValueError("zone and departments weights cannot both be 0")
        return self


class Weighting(_Model):
    rank_score: RankScore
    leader_in_charge: LeaderInChargeWeights


class DepartmentWeights(_Model):
    indicators: NonNeg
    city: NonNeg


class Department(_Model):
    weights: DepartmentWeights


class IndividualWeights(_Model):
    department: NonNeg
    personal: NonNeg

    @model_validator(mode="after")
    def _not_both_zero(self) -> IndividualWeights:
        if self.department + self.personal == 0:
            raise PydanticCustomError(
                "weights_zero", "department and personal weights cannot both be 0", {"at": ()}
            )
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
            raise PydanticCustomError(
                "roles_overlap",
                f"职务 {', '.join(both)} listed as both main_leader and leader_in_charge "
                f"(a leader is one or the other)",
                {"at": ("leader_in_charge", self.leader_in_charge.index(both[0]))},
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
                raise PydanticCustomError(
                    "bands_order",
                    f"bands must be listed highest first with strictly decreasing min: "
                    f"{lower.name} (min {lower.min}) follows {higher.name} (min {higher.min})",
                    {"at": (i, "min")},
                )
        names = [b.name for b in bands]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise PydanticCustomError(
                    "bands_duplicate",
                    f"band name {name} is listed more than once in grades.bands",
                    {"at": (i, "name")},
                )
        return bands


class Bonus(_Model):
    mode: Literal["pool", "fixed"]
    pool: NonNeg | None = None
    yuan_per_point: NonNeg
    include_leaders: StrictBool

    @model_validator(mode="after")
    def _pool_rules(self) -> Bonus:
        if self.mode == "pool" and self.pool is None:
            raise PydanticCustomError(
                "missing",
                "missing required key 'pool' in bonus (required when mode is pool)",
                {"at": ("pool",)},
            )
        if self.pool is not None and self.pool != self.pool.to_integral_value():
            raise PydanticCustomError(
                "whole_yuan", f"bonus.pool must be whole yuan, got {self.pool}", {"at": ("pool",)}
            )
        return self


# Service requests (SPEC §8) ------------------------------------------------------------


def _whole_days(value: object) -> object:
    """A count of working days: a whole number (2.0 is 2), never true/false or text."""
    if isinstance(value, bool | str):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return value


def _day(value: object) -> object:
    """Refuse numbers, which pydantic would read as Unix timestamps (0 → 1970-01-01)."""
    if isinstance(value, int | Decimal | float) and not isinstance(value, bool):
        raise PydanticCustomError("date_type", "Input should be a valid date")
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
            days = ", ".join(dict.fromkeys(d.isoformat() for _, d in both))
            raise PydanticCustomError(
                "day_both",
                f"{days} listed in both service.calendar.holidays and service.calendar.workdays: "
                "a day is either a day off or a working day; remove it from one list",
                {"at": ("workdays", both[0][0])},
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
            raise PydanticCustomError("date_type", "Input should be a valid date")
        return value

    @field_validator("veto")
    @classmethod
    def _max_grade_is_a_band(cls, veto: Veto, info: ValidationInfo) -> Veto:
        grades = info.data.get("grades")
        if grades is None:  # grades has its own problems; they are reported instead
            return veto
        names = [b.name for b in grades.bands]
        if veto.max_grade not in names:
            raise PydanticCustomError(
                "unknown_band",
                f"veto.max_grade {veto.max_grade!r} is not a band of grades.bands ({', '.join(names)})",
                {"at": ("max_grade",)},
            )
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
            listed = " and ".join(f"service.events.{key} '{codes[key]}'" for key in unknown)
            verb = "is not a code" if len(unknown) == 1 else "are not codes"
            close = difflib.get_close_matches(codes[unknown[0]], list(points.events), n=1)
            hint = f" — did you mean '{close[0]}'?" if close else ""
            raise PydanticCustomError(
                "unknown_code",
                f"{listed} {verb} of points.events ({', '.join(points.events)}){hint}: "
                "a service event must be in the catalogue; add it to points.events or correct the code",
                {"at": ("events", unknown[0])},
            )
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
