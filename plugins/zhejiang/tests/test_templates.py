"""The Zhejiang document templates: every declared file is shipped and renders with a small context."""

from __future__ import annotations

from importlib import resources

import jinja2
import pytest
from minsheng_zhejiang import DOCUMENT_TEMPLATES, TEMPLATE_FOLDER, TEMPLATE_PACKAGE
from minsheng_zhejiang.ranking import PRIORITY_RANKING

from minsheng.testing import with_document_filters

CONTEXT = {
    "tenant": {"name": "镇海区"},
    "year": 2026,
    "session": {"title": "第三次会议", "name": "镇海区第三次会议", "date": "2026-01-10"},
    "presidium": "镇海区第三次会议主席团",
    "issuer": "镇海区人民代表大会常务委员会",
    "closing_date": "2026年6月30日",
    "majority": 21,
    "seats": 2,
    "instruction": PRIORITY_RANKING.paper_layout.instruction.format(seats=2),
    "candidates": [{"title": "老旧小区改造"}, {"title": "农村公路养护"}, {"title": "社区食堂"}],
    "result": {
        "entitled": 40,
        "present": 38,
        "ballots_issued": 38,
        "ballots_returned": 38,
        "valid": 37,
        "invalid": 1,
        "candidates": [
            {"title": "社区食堂", "yes": 30, "points": 52, "chosen": True, "rank": 1},
            {"title": "老旧小区改造", "yes": 28, "points": 45, "chosen": True, "rank": 2},
            {"title": "农村公路养护", "yes": 16, "points": 20, "chosen": False, "rank": None},
        ],
    },
    "announced_on": "2026-01-10",
    "project": {"title": "社区食堂"},
    "inquiry": {
        "held_on": "2026-06-18",
        "participants": ["代表甲", "代表乙", "民政局局长"],
        "questions": [
            {
                "asked_by": "代表甲",
                "question": "食堂何时开业？",
                "answered_by": "民政局局长",
                "answer": "九月",
                "promised_fix": "七月底前完成装修",
            },
            {"asked_by": "代表乙", "question": "老人用餐补贴？", "answered_by": "民政局局长", "answer": "每餐补贴三元"},
        ],
    },
    "members": 29,
    "evaluations": [
        {
            "title": "社区食堂",
            "satisfied": 20,
            "basically_satisfied": 5,
            "unsatisfied": 1,
            "abstain": 2,
            "not_rated": 1,
            "outcome": "satisfied",
        },
        {
            "title": "老旧小区改造",
            "satisfied": 10,
            "basically_satisfied": 3,
            "unsatisfied": 6,
            "abstain": 10,
            "not_rated": 0,
            "outcome": "unsatisfied",
        },
    ],
}

EXPECTED = {
    "voting_method": ["从3个候选项目中票决产生2个", "最多排序2个项目", "按排序得分确定"],
    "ballot_paper": ["镇海区第三次会议2026年民生实事项目排序表决票", "| 3 | 社区食堂 |  |"],
    "result_announcement": [
        "| 1 | 社区食堂 | 30 | 52 | 确定 |",
        "| — | 农村公路养护 | 16 | 20 | 未确定 |",
        "过半数即21票以上",
    ],
    "inquiry_record": ["1. 问（代表甲）：食堂何时开业？", "整改承诺：七月底前完成装修", "2. 问（代表乙）"],
    "satisfaction_report": [
        "| 老旧小区改造 | 10 | 3 | 6 | 10 | 0 | 不满意 |",
        "弃权票单独列示",
        "镇海区人民代表大会常务委员会",
    ],
}


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(TEMPLATE_PACKAGE, TEMPLATE_FOLDER),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    return with_document_filters(env)


def test_every_kind_is_declared_once() -> None:
    kinds = [t.kind for t in DOCUMENT_TEMPLATES]
    assert sorted(kinds) == sorted(EXPECTED)
    assert len(set(kinds)) == len(kinds)


@pytest.mark.parametrize("template", DOCUMENT_TEMPLATES, ids=lambda t: t.kind)
def test_every_declared_template_is_shipped_and_renders(template) -> None:
    shipped = resources.files(TEMPLATE_PACKAGE).joinpath(TEMPLATE_FOLDER, template.template)
    assert shipped.is_file(), f"{template.template} is not in the package"
    text = environment().get_template(template.template).render(CONTEXT)
    for expected in EXPECTED[template.kind]:
        assert expected in text, (expected, text)
