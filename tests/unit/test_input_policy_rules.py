"""The input policy's rules, without the app: which characters, which nesting, which field is named."""

from __future__ import annotations

import json

import pytest

from minsheng.http.input_policy import (
    MAX_JSON_DEPTH,
    Problem,
    TooDeep,
    body_problem,
    json_problem,
    path_problem,
    query_problem,
)
from minsheng.storage.spreadsheets import cell_text


def nested(depth: int) -> object:
    value: object = "leaf"
    for _ in range(depth):
        value = [value]
    return value


def test_nesting_up_to_the_cap_passes_and_one_level_more_is_refused() -> None:
    assert json_problem(nested(MAX_JSON_DEPTH)) is None
    with pytest.raises(TooDeep):
        json_problem(nested(MAX_JSON_DEPTH + 1))


def test_a_body_nested_past_the_interpreters_stack_is_refused_too() -> None:
    with pytest.raises(TooDeep):
        body_problem(b"[" * 200_000 + b"]" * 200_000, "application/json")


@pytest.mark.parametrize("allowed", ["\t", "\n", "\r", "中文", "\u202e", "🙂"])
def test_text_in_a_body_may_hold_tabs_line_breaks_and_any_script(allowed: str) -> None:
    assert json_problem({"content": f"a{allowed}b"}) is None


@pytest.mark.parametrize("refused", ["\x00", "\x08", "\x0b", "\x1f", "\x7f", "\x80", "\x9f", "\ud800", "\ufffe"])
def test_control_characters_in_a_body_are_refused_naming_the_field(refused: str) -> None:
    assert json_problem({"rows": [{"content": "ok"}, {"content": f"a{refused}"}]}) == Problem("body", "rows.1.content")


def decoded_problem(body: bytes) -> Problem | None:
    """The policy's answer with the body always decoded: what ``body_problem`` must agree with."""
    try:
        return json_problem(json.loads(body))
    except ValueError:
        return None  # not JSON: left to the handler's decoder


@pytest.mark.parametrize("refused", ["\x00", "\x08", "\x0b", "\x1f", "\x7f", "\x80", "\x9f", "\ud800", "\ufffe"])
def test_a_json_body_is_judged_alike_whether_its_text_is_decoded_or_not(refused: str) -> None:
    # Bodies with no backslash and few brackets pass without being decoded; anything else is decoded.
    bodies = [
        '{"content": "建议修桥", "n": [1, 2]}'.encode(),
        b'{"content": "a\\nb\\tc"}',
        json.dumps({"content": f"a{refused}b"}).encode(),  # escaped: "\u0000", "\b" ...
        f'{{"content": "a{refused}b"}}'.encode("utf-8", "surrogatepass"),  # raw
        f'{{"a{refused}": 1}}'.encode("utf-8", "surrogatepass"),
        json.dumps({"content": "[" * (MAX_JSON_DEPTH + 5)}).encode(),  # brackets in a string are no nesting
    ]
    for body in bodies:
        assert body_problem(body, "application/json") == decoded_problem(body), body
    assert body_problem(bodies[0], "application/json") is None
    assert body_problem(bodies[2], "application/json") == Problem("body", "content")
    with pytest.raises(TooDeep):
        body_problem(json.dumps(nested(MAX_JSON_DEPTH + 1)).encode(), "application/json")


def test_a_parameter_refuses_tabs_and_line_breaks_too() -> None:
    assert query_problem(b"q=a%09b") == Problem("query", "q")
    assert query_problem(b"q=a%0Ab&page=1") == Problem("query", "q")
    assert query_problem(b"q=%E4%B8%AD&page=1") is None
    assert query_problem(b"q=%ff") == Problem("query", "")


def test_the_path_names_its_parameter() -> None:
    assert path_problem("/s/AB\x00CD", {"code": "AB\x00CD"}) == Problem("path", "code")
    assert path_problem("/s/ABCD", {"code": "ABCD"}) is None


def test_forms_are_read_by_their_content_type() -> None:
    assert body_problem(b"a=1&b=x%00", "application/x-www-form-urlencoded") == Problem("body", "b")
    assert body_problem(b"a=line%0D%0Abreak", "application/x-www-form-urlencoded") is None
    multipart = (
        b'--XX\r\nContent-Disposition: form-data; name="content"\r\n\r\nbad\x01\r\n'
        b'--XX\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\n'
        b"Content-Type: image/png\r\n\r\n\x00\x01\x02\r\n--XX--\r\n"
    )
    assert body_problem(multipart, "multipart/form-data; boundary=XX") == Problem("body", "content")
    # A file's bytes are the upload checks' business, not the text policy's.
    assert body_problem(multipart.replace(b"bad\x01", b"good"), "multipart/form-data; boundary=XX") is None


def test_a_cell_drops_what_a_workbook_cannot_hold_and_never_starts_a_formula() -> None:
    assert cell_text("a\x01b\x00") == "ab"
    assert cell_text("\x01=SUM(A1)") == "'=SUM(A1)"
    assert cell_text("第一行\n第二行") == "第一行\n第二行"
