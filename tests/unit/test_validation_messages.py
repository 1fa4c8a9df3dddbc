"""The framework's English validation messages come out in the reader's language, never as they are."""

from __future__ import annotations

import pytest

from minsheng.http.validation import explain, label


@pytest.mark.parametrize(
    ("message", "chinese", "english"),
    [
        ("Expected `int | null`, got `str`", "应填整数或空", "Expected a whole number or nothing"),
        ("Expected `int` >= 1 - at `$.page`", "不能小于1", "Must be at least 1"),
        ("Expected `int` <= 2100", "不能大于2100", "Must be at most 2100"),
        ("Expected `str` of length <= 100", "最多100个字", "At most 100 characters"),
        ("Expected `array` of length >= 1", "至少1项", "At least 1 items"),
        ("Object missing required field `content`", "内容为必填项", "Content is required"),
        ("Object contains unknown field `colour`", "未知字段 colour", "Unknown field colour"),
        ("Invalid enum value 'zz'", "'zz'不在可选范围内", "'zz' is not one of the choices"),
        ("Invalid UUID", "不是有效的编号", "Not a valid identifier"),
        ("Invalid RFC3339 encoded date", "不是有效日期（年-月-日）", "Not a valid date (YYYY-MM-DD)"),
        ("Expected `str` matching regex '^[a-z]+$'", "格式不对", "Not in the expected form"),
        ("Missing required query parameter 'year' for path /x?y=1", "年度为必填项", "Year is required"),
        ("Something msgspec may say one day", "填写的内容无效", "This value is not valid"),
    ],
)
def test_each_message_is_said_in_the_reader_s_language(message: str, chinese: str, english: str) -> None:
    assert explain(message, "zh_CN") == chinese
    assert explain(message, "en") == english


def test_fields_are_named_by_their_label_and_unknown_ones_as_sent() -> None:
    assert label("year", "zh_CN") == "年度"
    assert label("suggestions.0.content", "zh_CN") == "内容"
    assert label("colour", "zh_CN") == "colour"
