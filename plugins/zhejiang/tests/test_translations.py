"""The plugin's own catalog: every text it marks is translated, and the platform shows it in Chinese."""

from __future__ import annotations

from pathlib import Path

import minsheng_zhejiang

from minsheng.i18n import translate
from minsheng.i18n.catalogs import missing_messages, untranslated_messages

PACKAGE = Path(minsheng_zhejiang.__file__).parent


def test_every_marked_text_is_in_the_catalog_and_translated() -> None:
    assert missing_messages("zh_CN", package=PACKAGE) == []
    assert untranslated_messages(PACKAGE) == []


def test_the_platform_translates_the_plugins_texts() -> None:
    message = "{ranked} candidates are ranked, more than the {seats} allowed: the ballot is invalid"
    assert translate(message, "zh_CN", ranked=4, seats=3) == "排序了 4 个候选项目，超过允许的 3 个：本票无效"
    assert translate(message, "en", ranked=4, seats=3) == message.format(ranked=4, seats=3)


def test_the_formats_label_and_paper_instruction_read_in_chinese() -> None:
    from minsheng_zhejiang.ranking import PRIORITY_RANKING

    assert translate(PRIORITY_RANKING.label, "zh_CN") == "按轻重缓急排序，所排候选项目不超过应选名额"
    instruction = translate(PRIORITY_RANKING.paper_layout.instruction, "zh_CN", seats=5)
    assert "填写 1 至 5" in instruction and "{seats}" not in instruction
