"""The 两报告一说明 templates: every declared file is shipped and renders with a small context."""

from __future__ import annotations

from importlib import resources

import jinja2
import pytest
from minsheng_henan import DOCUMENT_TEMPLATES, TEMPLATE_FOLDER, TEMPLATE_PACKAGE

CONTEXT = {
    "tenant": {"name": "宝丰县"},
    "issuer": "宝丰县人民代表大会常务委员会",
    "presidium": "宝丰县第十七届人民代表大会第三次会议主席团",
    "bodies": {"government": "宝丰县人民政府", "standing": "宝丰县人民代表大会常务委员会"},
    "entitled": 30,
    "majority": 16,
    "year": 2026,
    "session": {
        "title": "第十七届人民代表大会第三次会议",
        "name": "宝丰县第十七届人民代表大会第三次会议",
        "date": "2026-01-10",
    },
    "collection": {
        "opened_on": "2025-09-01",
        "closed_on": "2025-10-31",
        "channels": ["网络平台", "微信二维码", "代表联络站"],
        "suggestions": 1213,
    },
    "seats": 2,
    "ballot_format_label": "赞成、反对、弃权",
    "candidates": [
        {
            "title": "道路提质改造",
            "category": "道路交通",
            "budget": 300,
            "responsible_unit": "交通局",
            "suggestions": 86,
        },
        {"title": "课后延时服务", "category": "教育", "budget": 120, "responsible_unit": "教育局", "suggestions": 40},
        {
            "title": "孤寡老人义诊",
            "category": "医疗卫生",
            "budget": 30,
            "responsible_unit": "卫健委",
            "suggestions": 12,
        },
    ],
    "result": {
        "entitled": 30,
        "present": 28,
        "ballots_issued": 28,
        "ballots_returned": 28,
        "valid": 27,
        "invalid": 1,
        "candidates": [
            {"title": "道路提质改造", "yes": 25, "no": 2, "abstain": 0, "chosen": True},
            {"title": "课后延时服务", "yes": 20, "no": 6, "abstain": 1, "chosen": True},
            {"title": "孤寡老人义诊", "yes": 10, "no": 15, "abstain": 2, "chosen": False},
        ],
    },
    "chosen": [
        {"title": "道路提质改造", "responsible_unit": "交通局"},
        {"title": "课后延时服务", "responsible_unit": "教育局"},
    ],
    "announced_on": "2026-01-10",
    "adopted_on": "2026-01-11",
}

EXPECTED = {
    "collection_report": ["征集情况的说明", "共征集意见建议1213条", "| 3 | 孤寡老人义诊 |"],
    "voting_method": ["票决产生2个民生实事项目，差额1项", "全体代表过半数即16票以上赞成票的，始得确定为民生实事项目"],
    "result_announcement": [
        "应到代表30名，实到代表28名",
        "| 3 | 孤寡老人义诊 | 10 | 15 | 2 | 未确定 |",
        "过半数即16票以上",
    ],
    "resolution": [
        "以下2个项目",
        "2. 课后延时服务（责任单位：教育局）",
        "“回头看”",
        "宝丰县人民代表大会常务委员会对项目实施",
    ],
}


def environment() -> jinja2.Environment:
    # StrictUndefined: a template naming something the context lacks fails here, not on paper.
    return jinja2.Environment(
        loader=jinja2.PackageLoader(TEMPLATE_PACKAGE, TEMPLATE_FOLDER),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )


def test_the_declared_kinds_are_the_session_set() -> None:
    assert [t.kind for t in DOCUMENT_TEMPLATES] == [
        "collection_report",
        "voting_method",
        "result_announcement",
        "resolution",
    ]
    assert all(t.label for t in DOCUMENT_TEMPLATES)


@pytest.mark.parametrize("template", DOCUMENT_TEMPLATES, ids=lambda t: t.kind)
def test_every_declared_template_is_shipped_and_renders(template) -> None:
    shipped = resources.files(TEMPLATE_PACKAGE).joinpath(TEMPLATE_FOLDER, template.template)
    assert shipped.is_file(), f"{template.template} is not in the package"
    text = environment().get_template(template.template).render(CONTEXT)
    for expected in EXPECTED[template.kind]:
        assert expected in text
