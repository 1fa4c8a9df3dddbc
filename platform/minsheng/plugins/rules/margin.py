"""The margin rule (差额比例): how many more candidates than seats a vote must have.

platform/docs/domain.md, "Margin": with margin = candidates − seats, the default rule allows
``max(1, ceil(lower × seats)) ≤ margin ≤ max(that lower bound, floor(upper × seats))`` with
lower = 0.2 and upper = 0.5, and a region may also allow margin 0 (等额). Ratios are exact fractions:
a float 0.2 × 10 is not exactly 2, and one candidate more or less is a legal question.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from minsheng.plugins.verdicts import MarginVerdict, Reason

DEFAULT_LOWER_RATIO = Fraction(1, 5)
DEFAULT_UPPER_RATIO = Fraction(1, 2)


def parse_ratio(text: str) -> Fraction:
    """Read a ratio written as a decimal string ("0.2") exactly; it must lie between 0 and 1."""
    try:
        # Decimal first, because Fraction alone would also accept "1/5" and "1e-1", which the
        # settings schema does not promise to plugin authors.
        ratio = Fraction(Decimal(text))
    except (InvalidOperation, ValueError, OverflowError) as error:
        raise ValueError(f"not a decimal ratio: {text!r}") from error
    if not 0 <= ratio <= 1:
        raise ValueError(f"ratio {text!r} is not between 0 and 1")
    return ratio


def margin_range(seats: int, lower_ratio: Fraction, upper_ratio: Fraction) -> tuple[int, int]:
    """Return the smallest and largest margin allowed for ``seats`` seats (margin 0 aside)."""
    minimum = max(1, math.ceil(lower_ratio * seats))
    # The upper bound never falls below the lower one, so small votes (1 seat: 2 candidates) stay possible.
    maximum = max(minimum, math.floor(upper_ratio * seats))
    return minimum, maximum


def margin_rule(
    seats: int,
    candidates: int,
    *,
    lower_ratio: Fraction = DEFAULT_LOWER_RATIO,
    upper_ratio: Fraction = DEFAULT_UPPER_RATIO,
    allow_no_margin: bool = False,
) -> MarginVerdict:
    """Decide whether ``candidates`` candidates may be voted on for ``seats`` seats (platform/docs/domain.md:
    margin)."""
    if seats < 1:
        return MarginVerdict(
            allowed=False,
            reason=Reason("a vote must fill at least one seat, not {seats}", {"seats": seats}),
            minimum=0,
            maximum=0,
        )
    minimum, maximum = margin_range(seats, lower_ratio, upper_ratio)
    margin = candidates - seats
    params: dict[str, object] = {
        "seats": seats,
        "candidates": candidates,
        "margin": margin,
        "minimum": minimum,
        "maximum": maximum,
    }

    def verdict(allowed: bool, reason: Reason | None) -> MarginVerdict:
        return MarginVerdict(allowed, reason, minimum, maximum, no_margin_allowed=allow_no_margin)

    if margin == 0 and allow_no_margin:
        return verdict(True, None)
    if margin < 0:
        return verdict(False, Reason("{candidates} candidates are fewer than the {seats} seats", params))
    if margin < minimum:
        return verdict(False, Reason("margin {margin} is below the required minimum of {minimum}", params))
    if margin > maximum:
        return verdict(False, Reason("margin {margin} is above the allowed maximum of {maximum}", params))
    return verdict(True, None)
