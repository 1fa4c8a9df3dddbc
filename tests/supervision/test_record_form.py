"""A method's record fields as a page's form and back (no database): the page sends the service what
the API would, and leaves out what was not filled in so the method's rules name it."""

from __future__ import annotations

from typing import Any

from minsheng.http.forms import FormValues
from minsheng.plugins.registries import FieldDefinition, SupervisionMethod
from minsheng.plugins.rules.catalogs import SUPERVISION_METHODS
from minsheng.supervision import rules
from minsheng.supervision.records import form

METHODS = {method.code: method for method in SUPERVISION_METHODS}


def _values(**fields: Any) -> FormValues:
    items: list[tuple[str, Any]] = []
    for name, value in fields.items():
        key = name.replace("__", ".")
        items += [(key, v) for v in value] if isinstance(value, list) else [(key, value)]
    return FormValues(items)


def test_each_schema_picks_its_input() -> None:
    assert form.kind_of({"type": "string", "format": "date"}) == "date"
    assert form.kind_of({"type": "string", "enum": ["a", "b"]}) == "choice"
    assert form.kind_of({"type": "string", "maxLength": 200}) == "line"
    assert form.kind_of({"type": "string", "maxLength": 201}) == "text"
    assert form.kind_of({"type": "string", "minLength": 1}) == "text"
    assert form.kind_of({"type": "array", "items": {"type": "string"}}) == "lines"
    assert form.kind_of({"type": "array", "items": {"type": "object"}}) == "table"
    assert [form.kind_of({"type": t}) for t in ("integer", "number", "boolean")] == ["integer", "number", "boolean"]


def test_an_inspection_from_its_form_is_what_the_api_sends() -> None:
    fields = form.form_fields(METHODS["inspection"])
    assert [(f.code, f.kind, f.required) for f in fields] == [
        ("held_on", "date", True),
        ("places", "lines", True),
        ("participants", "lines", True),
        ("findings", "text", True),
    ]
    values = _values(field__held_on="2026-06-01", field__places="东村\n\n 西村 ", field__participants="张代表")
    record = form.record_fields(fields, values)
    assert record == {"held_on": "2026-06-01", "places": ["东村", "西村"], "participants": ["张代表"]}
    # What was left blank is left out, so the method's rule names it.
    problems = rules.record_problems(METHODS["inspection"], record)
    assert [p.key for p in problems] == ["fields.findings"]


def test_numbers_are_read_and_what_is_not_one_is_passed_on_for_the_schema_to_refuse() -> None:
    fields = form.form_fields(METHODS["quarterly_meeting"])
    record = form.record_fields(
        fields,
        _values(
            field__held_on="2026-04-01",
            field__participants="主席团",
            field__percent_done="40",
            field__funds_spent="1200.5",
        ),
    )
    assert record["percent_done"] == 40 and record["funds_spent"] == 1200.5
    wrong = form.record_fields(fields, _values(field__percent_done="四十", field__funds_spent="3"))
    assert wrong["percent_done"] == "四十" and wrong["funds_spent"] == 3
    problems = rules.record_problems(METHODS["quarterly_meeting"], wrong)
    assert "fields.percent_done" in [p.key for p in problems]


def test_a_table_keeps_its_filled_rows_and_offers_empty_ones() -> None:
    (_held_on, _participants, questions) = form.form_fields(METHODS["special_inquiry"])
    assert questions.kind == "table"
    assert [(c.code, c.required) for c in questions.columns] == [
        ("asked_by", True),
        ("question", True),
        ("answered_by", True),
        ("answer", True),
        ("promised_fix", False),
    ]
    assert questions.columns[0].label == "Asked by"
    values = _values(
        **{
            "field__questions__asked_by": ["张代表", "", ""],
            "field__questions__question": ["何时完工？", "", ""],
            "field__questions__answered_by": ["王局长", "", ""],
            "field__questions__answer": ["年底", "", ""],
            "field__questions__promised_fix": ["", "", ""],
        }
    )
    given, rows = form.field_value(questions, values)
    assert given and rows == [
        {"asked_by": "张代表", "question": "何时完工？", "answered_by": "王局长", "answer": "年底"}
    ]
    shown = form.shown_rows(questions, values)
    assert len(shown) == form.TABLE_ROWS and shown[0]["asked_by"] == "张代表" and shown[1]["asked_by"] == ""
    assert form.field_value(questions, _values())[0] is False


def test_a_box_left_unticked_says_no_and_a_choice_offers_its_values() -> None:
    method = SupervisionMethod(
        "check",
        "Check",
        (
            FieldDefinition("done", "Done", {"type": "boolean"}, required=True),
            FieldDefinition("grade", "Grade", {"type": "string", "enum": ["good", "poor"]}),
        ),
    )
    done, grade = form.form_fields(method)
    assert grade.kind == "choice" and grade.choices == ("good", "poor")
    assert form.record_fields([done, grade], _values()) == {"done": False}
    assert form.record_fields([done, grade], _values(field__done="on", field__grade="good")) == {
        "done": True,
        "grade": "good",
    }
