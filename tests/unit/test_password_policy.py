"""The password policy (等保 level 3, 身份鉴别): length, character classes, no user name inside."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minsheng.accounts.passwords import MIN_LENGTH, character_classes, check_password_policy
from minsheng.errors import InvalidInput

TOO_SHORT = "The password must be at least {length} characters long"
TOO_FEW_CLASSES = "The password must mix at least three of: lower-case letters, upper-case letters, digits, symbols"
HOLDS_USERNAME = "The password must not contain the user name"

# (password, the refusal's message id or None when accepted); the user is "zhangwei".
BOUNDARIES = [
    ("Abcdefg12", TOO_SHORT),  # 9 characters, 3 classes
    ("Abcdefgh12", None),  # 10 characters, 3 classes
    ("Ab1!", TOO_SHORT),  # 4 classes do not make up for the length
    ("", TOO_SHORT),
    ("abcdefghij", TOO_FEW_CLASSES),  # 1 class
    ("abcdefgh12", TOO_FEW_CLASSES),  # lower + digits
    ("ABCDEFGH!!", TOO_FEW_CLASSES),  # upper + symbols
    ("abcdefgh!!", TOO_FEW_CLASSES),  # lower + symbols
    ("1234567890-", TOO_FEW_CLASSES),  # digits + symbols
    ("abcdefgh1!", None),  # lower + digits + symbols
    ("ABCDEFGH1!", None),  # upper + digits + symbols
    ("Abcdefgh!!", None),  # lower + upper + symbols
    ("Abcd efgh1", None),  # a space is a symbol
    ("Abcdefgh1!", None),  # all four
    ("密码密码密码密码12", TOO_FEW_CLASSES),  # Chinese characters are no class of their own
    ("密码密码密码密码1a!", None),
    ("zhangwei-2024", HOLDS_USERNAME),
    ("ZhangWei-2024", HOLDS_USERNAME),
    ("x!ZHANGWEI!9", HOLDS_USERNAME),
    ("zhang-Wei-2024", None),  # not the name as one piece
]


@pytest.mark.parametrize(("password", "refusal"), BOUNDARIES)
def test_password_policy_boundaries(password: str, refusal: str | None) -> None:
    if refusal is None:
        check_password_policy(password, "zhangwei")
        return
    with pytest.raises(InvalidInput) as refused:
        check_password_policy(password, "zhangwei")
    assert refused.value.message == refusal


def test_the_minimum_length_is_ten() -> None:
    assert MIN_LENGTH == 10
    with pytest.raises(InvalidInput) as refused:
        check_password_policy("Abcdefg12", "someone")
    assert refused.value.params == {"length": 10}


def test_a_user_name_in_capitals_is_found_in_a_lower_case_password() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_password_policy("li.ming#2024", "LI.MING")
    assert refused.value.message == HOLDS_USERNAME


@pytest.mark.parametrize(
    ("password", "classes"),
    [("abc", 1), ("aB", 2), ("aB3", 3), ("aB3$", 4), ("3$", 2), ("密", 0), (" ", 1)],
)
def test_character_classes_are_counted(password: str, classes: int) -> None:
    assert character_classes(password) == classes


@given(
    username=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._-@", min_size=3, max_size=20),
    prefix=st.text(max_size=10),
    suffix=st.text(max_size=10),
)
def test_a_password_holding_the_user_name_in_any_case_is_refused(username: str, prefix: str, suffix: str) -> None:
    password = prefix + username.upper() + suffix + "Aa1!" * 3
    with pytest.raises(InvalidInput):
        check_password_policy(password, username)


@given(
    lower=st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1),
    upper=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1),
    digits=st.text(alphabet="0123456789", min_size=1),
    rest=st.text(min_size=MIN_LENGTH - 3),
)
def test_long_passwords_of_three_classes_without_the_user_name_pass(
    lower: str, upper: str, digits: str, rest: str
) -> None:
    username = "~no~such~user~"
    password = lower + rest + upper + digits
    if username in password.lower():
        return
    check_password_policy(password, username)
