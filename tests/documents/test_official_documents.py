"""Every kind of document, rendered for a county whose session title already names it, read back from
the PDF (pypdf) and the DOCX (python-docx): the wording an office writes, the right issuing body, and
the official page (GB/T 9704: A4, margins, fonts, page numbers)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from conftest import County, docx_text, open_county, pdf_text, render
from docx import Document
from pypdf import PdfReader
from year import LEADER, YearOfRecords, seed_year

from minsheng.documents import layout
from minsheng.documents.kinds import all_kinds
from minsheng.testing import Api

COUNTY = "鲁山县"
SESSION = f"{COUNTY}第十七届人民代表大会第三次会议"
MM = 72 / 25.4
#: The words a Chinese document may hold in Latin letters: file formats and units.
LATIN_ALLOWED = {"PDF", "DOCX", "Excel", "QR", "mm"}
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
HEX_DIGEST = re.compile(r"[0-9a-f]{32,}")
URL = re.compile(r"https?://\S+|/t/\S+")


@dataclass
class Rendered:
    kind: str
    pdf: bytes | None
    docx: bytes | None

    @property
    def pdf_text(self) -> str:
        return pdf_text(self.pdf) if self.pdf else ""

    @property
    def docx_text(self) -> str:
        return docx_text(self.docx) if self.docx else ""

    @property
    def texts(self) -> list[str]:
        """Each format's text with the lines joined (a line wrapped by the layout is not a break)."""
        return [text.replace("\n", "") for text in (self.pdf_text, self.docx_text) if text]


def subjects(year: YearOfRecords) -> dict[str, str | None]:
    return {
        "voting_method": year.round_id,
        "ballot_paper": year.round_id,
        "tally_sheet": year.round_id,
        "result_announcement": year.round_id,
        "resolution": year.round_id,
        "supervision_plan": year.plan_id,
        "inquiry_record": year.inquiry_id,
        "satisfaction_report": year.reevaluation_id,
    }


async def render_every_kind(county: County, year: YearOfRecords) -> dict[str, Rendered]:
    by_kind = subjects(year)
    documents = {}
    for kind in all_kinds():
        subject = by_kind.get(kind.code)
        documents[kind.code] = Rendered(
            kind.code,
            await render(county, kind.code, subject, "pdf") if "pdf" in kind.formats else None,
            await render(county, kind.code, subject, "docx") if "docx" in kind.formats else None,
        )
    return documents


@pytest.fixture
async def county_year(api: Api) -> tuple[County, dict[str, Rendered]]:
    county = await open_county(api, name=COUNTY)
    year = await seed_year(county, SESSION)
    return county, await render_every_kind(county, year)


ISSUERS = {
    "qr_posters": f"{COUNTY}人民代表大会常务委员会",
    "collection_report": f"{COUNTY}人民代表大会常务委员会",
    "voting_method": f"{SESSION}主席团",
    "ballot_paper": SESSION,
    "tally_sheet": SESSION,
    "result_announcement": f"{SESSION}主席团",
    "resolution": SESSION,
    "supervision_plan": f"{COUNTY}人民代表大会常务委员会",
    "inquiry_record": f"{COUNTY}人民代表大会常务委员会",
    "satisfaction_report": f"{COUNTY}人民代表大会常务委员会",
    "work_plans": f"{COUNTY}人民政府",
    "completion_report": f"{COUNTY}人民政府",
}


def check_the_county_is_named_once_beside_its_issuing_body(documents: dict[str, Rendered]) -> None:
    assert set(documents) == set(ISSUERS), "a new kind needs its issuing body here"
    for kind, document in documents.items():
        for text in document.texts:
            assert COUNTY * 2 not in text, (kind, text[:200])
            assert ISSUERS[kind] in text, (kind, text[:300])
            assert "选票" not in text and "当选" not in text, kind
            assert "。。" not in text and "，。" not in text, kind
            assert '"' not in text and "'" not in text, (kind, "ASCII quotes")


def check_the_vote_is_stated_with_its_thresholds_and_validity(documents: dict[str, Rendered]) -> None:
    for text in documents["result_announcement"].texts:
        for figure in ("应到代表5名", "实到代表5名", "发出表决票5张", "收回5张", "有效票5张", "无效票0张"):
            assert figure in text, figure
        assert "过半数即3票以上赞成票" in text
        assert "确定为鲁山县2026年民生实事项目" in text and "孤寡老人义诊未确定为民生实事项目" in text
        assert "票决有效" in text
    for text in documents["voting_method"].texts:
        assert "全体代表5名" in text and "过半数即3票以上赞成票的，始得确定为民生实事项目" in text
    for text in documents["tally_sheet"].texts:
        assert "发出表决票5张，收回5张，其中有效票5张，无效票0张" in text
        assert all(f"{role}（签名）" in text for role in ("总监票人", "监票人", "计票人"))
        assert "道路提质改造" in text and "孤寡老人义诊" in text


def check_the_resolution_has_its_session_adoption_line_and_supervision(documents: dict[str, Rendered]) -> None:
    pdf, word = documents["resolution"].texts
    for text in (pdf, word):
        assert f"{SESSION}关于2026年民生实事项目的决议" in text
        assert re.search(rf"（\d{{4}}年\d{{1,2}}月\d{{1,2}}日{SESSION}通过）", text), text[:200]
        assert f"{COUNTY}人民代表大会常务委员会加强对项目实施的监督" in text
        assert "提请县人大常委会审议决定" in text
    # The adoption line is a paragraph of its own (题注), and no sentence breaks in the middle.
    paragraphs = [p.text for p in Document(io.BytesIO(documents["resolution"].docx or b"")).paragraphs]
    assert any(re.fullmatch(r"（\d{4}年\d{1,2}月\d{1,2}日.+第三次会议通过）", p) for p in paragraphs), paragraphs


def check_the_later_records_keep_their_whole_history(documents: dict[str, Rendered]) -> None:
    for text in documents["satisfaction_report"].texts:
        assert "第1次" in text and "第2次" in text
        assert "不满意" in text and "增加两名辅导教师" in text  # the rectification stays on the record
        assert "测评结果为“满意”" in text
    for text in documents["completion_report"].texts:
        assert "不满意" in text and "整改后再次测评：满意" in text
        assert "最新进展：路基已完成。" in text
    for text in documents["supervision_plan"].texts:
        assert "第1监督小组" in text and LEADER in text and "代表000" in text
        assert "年初看计划、年中问进度、年终评成效" in text
        assert "完成设计和招标" in text
    for text in documents["work_plans"].texts:
        assert re.search("[一二]、道路提质改造", text) and re.search("[一二]、课后延时服务", text)
        assert "计划投资250万元" in text and "资金来源为县级财政" in text


def check_no_document_holds_english_words(documents: dict[str, Rendered]) -> None:
    found = {}
    for kind, document in documents.items():
        for text in document.texts:
            cleaned = HEX_DIGEST.sub("", URL.sub("", text))
            words = set(LATIN_WORD.findall(cleaned)) - LATIN_ALLOWED
            if words:
                found[kind] = sorted(words)
    assert not found


#: A line of a paragraph may end only where a sentence or a clause does.
LINE_ENDS = ("。", "；", "：", "！", "？", "）", "」", "”")


def check_no_sentence_breaks_in_the_middle(documents: dict[str, Rendered]) -> None:
    for kind, document in documents.items():
        if document.docx is None:
            continue
        paragraphs = [p.text for p in Document(io.BytesIO(document.docx)).paragraphs if p.text.strip()]
        for text in paragraphs[1:]:  # the title turns at a word, not a sentence
            for line in text.split("\n")[:-1]:
                assert line.rstrip().endswith(LINE_ENDS), (kind, text)


def check_table_cells_keep_their_words(documents: dict[str, Rendered]) -> None:
    content = documents["collection_report"].pdf
    assert content is not None
    raw = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert raw.count("道路交通") == raw.replace("\n", "").count("道路交通") > 0  # never "道路交/通"


async def test_every_kind_reads_as_its_office_writes_it(county_year) -> None:
    """One county's year, every kind in both formats: each check reads all of them."""
    _county, documents = county_year
    check_the_county_is_named_once_beside_its_issuing_body(documents)
    check_the_vote_is_stated_with_its_thresholds_and_validity(documents)
    check_the_resolution_has_its_session_adoption_line_and_supervision(documents)
    check_the_later_records_keep_their_whole_history(documents)
    check_no_document_holds_english_words(documents)
    check_no_sentence_breaks_in_the_middle(documents)
    check_table_cells_keep_their_words(documents)


def _text_boxes(content: bytes) -> list[tuple[int, float, float, str]]:
    """Every piece of text of a PDF with its page and position (points from the bottom left)."""
    boxes: list[tuple[int, float, float, str]] = []
    for number, page in enumerate(PdfReader(io.BytesIO(content)).pages):

        def visit(text: str, cm: list[float], tm: list[float], *_: object, number: int = number) -> None:
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                boxes.append((number, x, y, text))

        page.extract_text(visitor_text=visit)
    return boxes


def _fonts(content: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        fonts = page["/Resources"].get_object().get("/Font") or {}
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1].replace("-", ""))
    return names


OFFICIAL_KINDS = ("result_announcement", "resolution", "collection_report", "completion_report", "tally_sheet")


def check_pdfs_have_the_official_page(documents: dict[str, Rendered]) -> None:
    for kind in OFFICIAL_KINDS:
        content = documents[kind].pdf
        assert content is not None
        reader = PdfReader(io.BytesIO(content))
        width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
        assert (round(width / MM), round(height / MM)) == (210, 297), kind
        fonts = _fonts(content)
        assert {"NotoSerifSCBold", "LXGWWenKai"} <= fonts, (kind, fonts)  # the styles of 小标宋 and 仿宋
        boxes = _text_boxes(content)
        body = [(x, y) for _page, x, y, text in boxes if not re.fullmatch(r"[—\s\d]+", text)]
        left = min(x for x, _y in body)
        top = max(y for _x, y in body)
        assert abs(left - 28 * MM) < 1.5, (kind, left / MM)  # 左白边 28 mm: a line set flush left
        # 上白边 37 mm: the first baseline of a page lies one line's ascent under it, never above.
        assert 297 * MM - 37 * MM - 30 < top <= 297 * MM - 37 * MM, (kind, (297 * MM - top) / MM)
        assert all(x < (210 - 26) * MM for x, _y in body), kind  # nothing right of the text block
        numbers = [(page, x, text) for page, x, y, text in boxes if "—" in text and y < 35 * MM]
        assert numbers and numbers[0][2].replace(" ", "").startswith("—1—"), (kind, numbers)
        assert numbers[0][1] > 105 * MM, kind  # page 1 (odd): the number at the right


def check_word_files_name_the_official_fonts_and_margins(documents: dict[str, Rendered]) -> None:
    for kind in OFFICIAL_KINDS:
        content = documents[kind].docx
        assert content is not None
        document = Document(io.BytesIO(content))
        section = document.sections[0]
        margins = [round(m.mm) for m in (section.top_margin, section.bottom_margin)]
        margins += [round(m.mm) for m in (section.left_margin, section.right_margin)]
        assert margins == [37, 35, 28, 26], kind
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        grid = section._sectPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}docGrid")
        assert grid is not None and grid.get(f"{{{W}}}type") == "linesAndChars"
        fonts = _east_asian_fonts(document)
        assert layout.BODY_FACE.official in fonts[("Normal", 16.0)], kind
        assert any(face == "方正小标宋简体" and size == 22.0 for (_s, size), faces in fonts.items() for face in faces)
        footers = section.footer.paragraphs[0]._p.xml + section.even_page_footer.paragraphs[0]._p.xml
        assert footers.count("PAGE") == 2 and "— " in footers, kind


async def test_pdf_and_word_files_have_the_official_page(api: Api) -> None:
    """GB/T 9704 read back: A4, margins, the fonts (embedded free ones; named official ones), page numbers."""
    county = await open_county(api, name=COUNTY)
    year = await seed_year(county, SESSION)
    documents = {}
    for kind in OFFICIAL_KINDS:
        subject = subjects(year).get(kind)
        documents[kind] = Rendered(
            kind, await render(county, kind, subject, "pdf"), await render(county, kind, subject, "docx")
        )
    check_pdfs_have_the_official_page(documents)
    check_word_files_name_the_official_fonts_and_margins(documents)
    for kind in ("tally_sheet", "completion_report"):  # the same data, the same bytes
        subject = subjects(year).get(kind)
        assert await render(county, kind, subject, "pdf") == documents[kind].pdf, kind
        assert await render(county, kind, subject, "docx") == documents[kind].docx, kind


async def test_a_township_signs_with_its_presidium(api: Api) -> None:
    """A township has no standing committee: its 人大主席团 collects, supervises and evaluates, and its
    congress decides adjustments."""
    township = await open_county(api, name="赵庄镇", level="township")
    year = await seed_year(township, "赵庄镇第十八届人民代表大会第三次会议")
    by_kind = subjects(year)
    for kind in ("collection_report", "inquiry_record", "satisfaction_report", "supervision_plan"):
        text = docx_text(await render(township, kind, by_kind.get(kind), "docx"))
        assert "赵庄镇人民代表大会主席团" in text and "人民代表大会常务委员会" not in text, kind
    resolution = docx_text(await render(township, "resolution", year.round_id, "docx"))
    assert "提请镇人民代表大会审议决定" in resolution and "赵庄镇人民代表大会主席团加强对项目实施的监督" in resolution
    assert "赵庄镇赵庄镇" not in resolution


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _east_asian_fonts(document) -> dict[tuple[str, float], set[str]]:
    """The East Asian font named for each (paragraph style, size) of a Word document."""
    normal = document.styles["Normal"].element.rPr.rFonts.get(f"{{{W}}}eastAsia")
    found: dict[tuple[str, float], set[str]] = {("Normal", 16.0): {normal}}
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            fonts = run._r.rPr.rFonts if run._r.rPr is not None else None
            if fonts is not None and run.font.size is not None:
                found.setdefault(("run", run.font.size.pt), set()).add(fonts.get(f"{{{W}}}eastAsia"))
    return found
