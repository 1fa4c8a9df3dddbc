"""Pure pieces of rendering: Chinese dates and money, Markdown marks, escaping, Word output."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from minsheng.documents.docx import markdown_to_docx
from minsheng.documents.kinds import DocumentKind, all_kinds
from minsheng.documents.markdown import to_html
from minsheng.documents.template_resolution import escape_markdown
from minsheng.documents.wording import chinese_date, ends_with_date, ten_thousand_yuan


@pytest.mark.parametrize(
    ("value", "expected"),
    [(date(2026, 1, 10), "2026年1月10日"), ("2026-12-31", "2026年12月31日"), (None, ""), ("", "")],
)
def test_dates_are_written_the_chinese_way(value: object, expected: str) -> None:
    assert chinese_date(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("yuan", "expected"),
    [(3_000_000, "300"), (Decimal("12345"), "1.23"), (Decimal("10000.00"), "1"), (0, "0"), (None, "")],
)
def test_budgets_are_printed_in_ten_thousand_yuan(yuan: object, expected: str) -> None:
    assert ten_thousand_yuan(yuan) == expected  # type: ignore[arg-type]


def test_only_a_paragraph_ending_in_a_date_is_a_closing() -> None:
    assert ends_with_date("宝丰县人民代表大会\n2026年1月10日")
    assert ends_with_date("主席团\n2026-01-10")
    assert not ends_with_date("五、票决结果由主席团公告。")
    assert not ends_with_date("")


def test_markdown_keeps_data_as_text_and_marks_closing_and_note() -> None:
    html = to_html("# 题目\n\n（2026年1月10日通过）\n\n<script>x</script>正文\n\n主席团\n2026年1月10日\n")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<p class="note">（2026年1月10日通过）</p>' in html
    assert '<div class="closing"><div class="signature"><p>主席团</p><p class="date">2026年1月10日</p>' in html
    assert '<p class="keep">' in html  # the last paragraph keeps the closing company


def test_a_printed_value_cannot_break_a_markdown_table() -> None:
    title = "路|灯 *改造*"
    html = to_html(f"| 项目 |\n| --- |\n| {escape_markdown(title)} |\n")
    assert '<td class="short">路|灯 *改造*</td>' in html


def test_word_output_sets_the_closing_right_and_numbers_lists() -> None:
    content = markdown_to_docx(
        [{"markdown": "# 决议\n\n1. 道路\n2. 学校\n\n人民代表大会\n2026年1月10日\n"}],
        title="决议",
        letterhead={"issuer": "宝丰县人民代表大会", "number": "宝人大〔2026〕1号"},
        document_date="2026-01-10",
    )
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    assert texts[:2] == ["宝丰县人民代表大会", "宝人大〔2026〕1号"]
    assert "1. 道路" in texts and "2. 学校" in texts
    assert document.paragraphs[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert document.core_properties.created.year == 2026


def test_every_kind_has_its_default_template_and_a_known_format() -> None:
    kinds = {kind.code: kind for kind in all_kinds()}
    assert {
        "qr_posters",
        "collection_report",
        "voting_method",
        "ballot_paper",
        "result_announcement",
        "resolution",
    } <= set(kinds)
    for kind in kinds.values():
        assert (kind.template_dir / kind.default_template).is_file(), kind.code


def test_a_kind_with_an_unknown_format_is_refused() -> None:
    async def context(*_: object) -> dict[str, object]:
        return {}

    with pytest.raises(ValueError, match="formats"):
        DocumentKind("x", "X", ("odt",), context, all_kinds()[0].template_dir, "x.md.j2")
