"""The method's rounding (method §5) for the differential oracles, ``test_*_oracle.py``.

Written here from the method's words with exact fractions, apart from
``kpi.numbers``, so that no oracle shares a line of arithmetic with the program
it checks: half away from zero, as Excel's ROUND; a value that rounds to zero
has no sign.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction


def half_up(x: Fraction | Decimal | int, places: int) -> Decimal:
    """``x`` rounded half away from zero to ``places`` decimals: 89.995 → 90.00, −2.345 → −2.35."""
    exact = Fraction(x)
    magnitude = math.floor(abs(exact) * 10**places + Fraction(1, 2))
    return Decimal(-magnitude if exact < 0 else magnitude).scaleb(-places)


def r2(x: Fraction | Decimal | int) -> Decimal:
    """Two decimals, half away from zero, from the exact value."""
    return half_up(x, 2)


def round0(x: Fraction | Decimal | int) -> int:
    """Whole yuan, half away from zero: 67.5 → 68, −67.5 → −68."""
    exact = Fraction(x)
    whole = math.floor(abs(exact) + Fraction(1, 2))
    return -whole if exact < 0 else whole


def clamp(x: Fraction, lo: Fraction, hi: Fraction) -> Fraction:
    return max(lo, min(hi, x))
