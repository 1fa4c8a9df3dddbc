"""The page of an official document (党政机关公文格式, GB/T 9704-2012), in one place for PDF and DOCX.

A4; the text block (版心) 156 × 225 mm, 37 mm from the top and 28 mm from the left edge; the body in a
FangSong at 三号 (16 pt), 22 lines of 28 characters; the title in a 小标宋 at 二号 (22 pt); headings
of the first level in 黑体, of the second in 楷体; the page number in 4 号 half-width digits between
two dashes ("— 1 —"), 7 mm below the text block, one character in from the outside edge (right on
odd pages, left on even ones); the issuing body and the date at the end, set from the right (see
:func:`signature_indents`). ``platform/docs/documents.md`` tells the whole story.

Everything here is a plain number or name: ``pdf`` turns them into CSS, ``docx`` into Word's own
settings, and the tests read them back from both files.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from minsheng.web.build_assets import HEI_FAMILY, KAI_FAMILY, SONG_FAMILY

MM_PER_PT = 25.4 / 72

PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM = 37
MARGIN_BOTTOM_MM = 35
MARGIN_LEFT_MM = 28
MARGIN_RIGHT_MM = 26
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156
TEXT_HEIGHT_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM  # 225

#: Chinese type sizes (号) in points.
SIZE_2 = 22.0  # 二号: the title
SIZE_3 = 16.0  # 三号: the body
SIZE_4 = 14.0  # 四号: the page number
SIZE_SMALL_4 = 12.0  # 小四: tables

LINES_PER_PAGE = 22
CHARACTERS_PER_LINE = 28
#: The distance from one line to the next, so that 22 lines fill the text block.
LINE_PITCH_PT = TEXT_HEIGHT_MM / LINES_PER_PAGE / MM_PER_PT
#: The advance of one character, so that 28 fill a line: a little less than the type size.
CHARACTER_PITCH_PT = TEXT_WIDTH_MM / CHARACTERS_PER_LINE / MM_PER_PT
#: The page number's dashes sit this far below the text block.
PAGE_NUMBER_GAP_MM = 7


#: What each part is set in: the official font (named in DOCX, for Word or WPS on an office PC)
#: and the free font of the same style embedded in PDFs.
@dataclass(frozen=True)
class Typeface:
    official: str
    free: str
    free_weight: int = 400


TITLE_FACE = Typeface("方正小标宋简体", SONG_FAMILY, 700)
BODY_FACE = Typeface("仿宋_GB2312", KAI_FAMILY)
HEADING_FACE = Typeface("黑体", HEI_FAMILY)
SUBHEADING_FACE = Typeface("楷体_GB2312", KAI_FAMILY)
PAGE_NUMBER_FACE = Typeface("宋体", SONG_FAMILY)

#: How far the issuing body's line stays from the right edge, in characters (右空二字).
SIGNATURE_RIGHT = 2.0
#: The date's first character stands this many characters right of the body's first (首字右移二字).
DATE_SHIFT = 2.0


def text_width(text: str) -> float:
    """The width of ``text`` in characters: a Chinese character 1, a half-width digit or letter ½."""
    return sum(0.5 if unicodedata.east_asian_width(ch) in ("Na", "H") else 1.0 for ch in text.strip())


def signature_indents(lines: Sequence[str]) -> list[float]:
    """How far each line of a closing (落款) stays from the right edge, in characters.

    The issuing body stands 2 characters from the right; the date goes on the line below, its first
    character 2 characters right of the body's first. When the date is the longer, the date stands 2
    from the right and the body moves left to keep that shift. Lines above the last two (a second
    issuer of a joint document) align with the body.
    """
    if len(lines) < 2:
        return [SIGNATURE_RIGHT for _ in lines]
    *bodies, date = lines
    body = max(text_width(line) for line in bodies)
    date_width = text_width(date)
    if date_width + DATE_SHIFT <= body:
        body_right = SIGNATURE_RIGHT
        date_right = SIGNATURE_RIGHT + body - DATE_SHIFT - date_width
    else:
        date_right = SIGNATURE_RIGHT
        body_right = SIGNATURE_RIGHT + date_width + DATE_SHIFT - body
    # Each issuer line ends where the widest one ends would misplace shorter ones: they start aligned.
    return [body_right + body - text_width(line) for line in bodies] + [date_right]


def letterhead_size(issuer: str) -> float:
    """The issuing body's mark (发文机关标志) in points: large, yet on one line of the text block."""
    width = max(text_width(issuer), 1.0)
    return max(12.0, min(36.0, round(TEXT_WIDTH_MM / MM_PER_PT / width - 0.5, 1)))


#: Where a long title may turn to a second line without splitting a word (回行时词意完整): after
#: these words, or before those.
BREAK_AFTER = ("会议", "常务委员会", "主席团")
BREAK_BEFORE = ("关于", "民生实事项目", "主席团公告", "专题询问", "满意度测评", "监督计划", "工作方案")


def title_lines(title: str) -> list[str]:
    """A title as it is set in 二号: one line if it fits the text block, else two lines split at a word
    boundary (as even as the words allow), else one line for the layout to wrap."""
    per_line = TEXT_WIDTH_MM / MM_PER_PT / SIZE_2
    if text_width(title) <= per_line:
        return [title]
    cuts = {title.find(word) + len(word) for word in BREAK_AFTER if word in title}
    cuts |= {title.find(word) for word in BREAK_BEFORE if title.find(word) > 0}
    fitting = [
        cut
        for cut in cuts
        if 0 < cut < len(title) and text_width(title[:cut]) <= per_line and text_width(title[cut:]) <= per_line
    ]
    if not fitting:
        return [title]
    best = min(fitting, key=lambda cut: (abs(text_width(title[:cut]) - text_width(title[cut:])), cut))
    return [title[:best], title[best:]]
