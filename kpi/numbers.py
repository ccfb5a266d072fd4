"""Exact decimal helpers: the only place rounding is defined (method §5).

Python's ``round`` rounds half to even and binary floats cannot hold 0.35, so
every published number goes through :func:`r2` or :func:`round0` on a Decimal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, localcontext
from fractions import Fraction

CENT = Decimal("0.01")
#: Ratios (ρ) are shown, never published as a step, with at most 6 decimals.
RATIO_PLACES = Decimal("0.000001")
ONE = Decimal(1)
ZERO = Decimal(0)

#: Enough precision that no intermediate of a weighted mean is ever rounded
#: before the published step rounds it.
EXACT = Context(prec=60, rounding=ROUND_HALF_UP)


def _unsigned_zero(x: Decimal) -> Decimal:
    """0.00 for −0.00: a small negative value rounds to zero, and zero is published
    unsigned (Excel's ROUND(−0.002, 2) is 0; a sheet or a CSV showing -0.00 is wrong)."""
    return x.copy_abs() if x.is_zero() else x


def r2(x: Decimal) -> Decimal:
    """Round to 2 decimals, half away from zero (Excel ROUND): 89.995 → 90.00, −0.004 → 0.00."""
    return _unsigned_zero(EXACT.quantize(x, CENT))


def r2_exact(x: Fraction) -> Decimal:
    """:func:`r2` of an exact fraction, with no decimal step before it: 1/8 → 0.13, −1/8 → −0.13."""
    cents = abs(x) * 100
    whole = math.floor(cents + Fraction(1, 2))
    return Decimal(-whole if x < 0 else whole).scaleb(-2)


def cents_half_up(numerator: int, denominator: int) -> int:
    """round2 of numerator/denominator (denominator > 0), in whole cents, exactly."""
    quotient, rest = divmod(abs(numerator) * 100, denominator)
    cents = quotient + (1 if 2 * rest >= denominator else 0)
    return -cents if numerator < 0 else cents


def round0(x: Decimal) -> Decimal:
    """Round to a whole number, half away from zero (whole yuan)."""
    return _unsigned_zero(EXACT.quantize(x, ONE))


def r6(x: Decimal) -> Decimal:
    """A ratio as shown (指标明细, explain): 6 decimals half away from zero, trailing
    zeros dropped (0.855050 → 0.85505, 1.200000 → 1.2)."""
    shown = _unsigned_zero(EXACT.quantize(x, RATIO_PLACES)).normalize()
    return shown.quantize(ONE) if shown == shown.to_integral_value() else shown


def at_least_cents(x: Decimal) -> Decimal:
    """Show an exact value with at least 2 decimals (3 → 3.00, 0.125 stays 0.125)."""
    exponent = x.as_tuple().exponent
    return x.quantize(CENT) if isinstance(exponent, int) and exponent > -2 else x


def floor_int(x: Decimal) -> int:
    with localcontext(EXACT):
        return int(x.to_integral_value(rounding=ROUND_FLOOR))


def ceil_int(x: Decimal) -> int:
    return -floor_int(-x)


def clamp(x: Decimal, lo: Decimal, hi: Decimal) -> Decimal:
    return max(lo, min(hi, x))


def div(a: Decimal, b: Decimal) -> Decimal:
    """Exact-enough division (60 significant digits) before a published rounding."""
    return EXACT.divide(a, b)


def exact_mean(pairs: list[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Σ wᵢxᵢ / Σ wᵢ before rounding (kept so explain can show it); None when Σ wᵢ = 0."""
    with localcontext(EXACT):
        total_w = sum((w for w, _ in pairs), ZERO)
        if total_w == 0:
            return None
        return sum((w * x for w, x in pairs), ZERO) / total_w


@dataclass(frozen=True)
class Exact:
    """A published value beside the exact value it was rounded from (for explain)."""

    exact: Decimal

    @property
    def value(self) -> Decimal:
        return r2(self.exact)


def from_float(x: float) -> Decimal:
    """The decimal a spreadsheet shows for a stored double (at most 15 significant digits)."""
    if not math.isfinite(x):
        raise ValueError(f"not a finite number: {x!r}")
    if x.is_integer() and abs(x) < 1e15:
        return Decimal(int(x))
    return Decimal(f"{x:.15g}")


def plain(x: Decimal) -> str:
    """A decimal as plain text without exponent or trailing zeros (1.30 → '1.3', 1E+2 → '100')."""
    return format(x.normalize(), "f")
