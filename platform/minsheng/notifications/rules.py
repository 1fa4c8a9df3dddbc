"""Pure rules of notifications: what a phone number a message can reach looks like."""

from __future__ import annotations

import re

MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")


def is_valid_phone(phone: str) -> bool:
    """A Chinese mobile number (1[3-9] and 9 digits) or a landline with area code (0xx-xxxxxxx)."""
    compact = re.sub(r"\s", "", phone)
    return bool(MOBILE.fullmatch(compact) or LANDLINE.fullmatch(compact))
