"""The plugin's own catalog: every text it marks is translated, and the platform shows it in Chinese."""

from __future__ import annotations

from pathlib import Path

import minsheng_zhejiang

from minsheng.testing import catalog_problems, translated

PACKAGE = Path(minsheng_zhejiang.__file__).parent


def test_every_marked_text_is_in_the_catalog_and_translated() -> None:
    assert catalog_problems(PACKAGE) == ([], [])


def test_the_platform_translates_the_plugins_texts() -> None:
    message = "{ranked} candidates are ranked, more than the {seats} allowed: the ballot is invalid"
    assert translated(message, "zh_CN", ranked=4, seats=3) == "排序了 4 个候选项目，超过允许的 3 个：本票无效"
    assert translated(message, "en", ranked=4, seats=3) == message.format(ranked=4, seats=3)


def test_the_formats_label_and_paper_instruction_read_in_chinese() -> None:
    from minsheng_zhejiang.ranking import PRIORITY_RANKING

    assert translated(PRIORITY_RANKING.label, "zh_CN") == "按轻重缓急排序，所排候选项目不超过应选名额"
    instruction = translated(PRIORITY_RANKING.paper_layout.instruction, "zh_CN", seats=5)
    assert "填写 1 至 5" in instruction and "{seats}" not in instruction
