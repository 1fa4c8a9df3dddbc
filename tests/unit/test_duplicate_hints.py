"""Duplicate hints for Chinese: differently worded suggestions about one thing meet, unrelated ones do not."""

from __future__ import annotations

import pytest

from minsheng.collection.similarity import most_similar, similarity, terms

#: Five citizens write about the same road, each in their own words.
ROAD = (
    "村东头到镇上的那条水泥路坑坑洼洼，下雨天根本没法走，希望能修一修",
    "建议修缮东村至镇区道路，路面破损严重",
    "从我们村去镇里的路太烂了，车都开不了",
    "东村通往镇上的公路年久失修，请政府尽快硬化",
    "村道破损，雨天泥泞，出行困难，请求维修东村到集镇的道路",
)
#: Two suggestions about other things.
UNRELATED = (
    "学校门口需要装红绿灯，孩子上学过马路太危险",
    "希望增设老年人日间照料中心，解决留守老人吃饭问题",
)
#: The rest of the year's suggestions: they tell which words are common.
YEAR = (
    "村里的自来水经常停水，水质发黄，希望改造供水管网",
    "卫生室缺少医生，看病要跑到县城",
    "建议在广场安装健身器材",
    "河道垃圾多，夏天发臭，请清理",
    "希望村里通宽带网络",
    "路灯坏了好几个月没人修，晚上出门很黑",
    "幼儿园太少，孩子入园难",
    "农贸市场环境脏乱，建议改造",
    "希望修建公共厕所",
    "村小学操场需要翻新",
)


def _hints(index: int, texts: tuple[str, ...]) -> set[int]:
    others = [(key, text) for key, text in enumerate(texts) if key != index]
    return {match.key for match in most_similar(texts[index], others, limit=5)}  # type: ignore[misc]


def test_five_suggestions_about_the_same_road_are_hinted_to_each_other() -> None:
    texts = ROAD + UNRELATED + YEAR
    road = set(range(len(ROAD)))
    for index in road:
        assert road - {index} <= _hints(index, texts), (index, _hints(index, texts))


def test_unrelated_suggestions_are_hinted_to_neither_the_road_nor_each_other() -> None:
    texts = ROAD + UNRELATED + YEAR
    first, second = len(ROAD), len(ROAD) + 1
    for index in (first, second):
        hints = _hints(index, texts)
        assert not hints & set(range(len(ROAD))), hints
        assert not hints & {first, second}, hints
    for index in range(len(ROAD)):
        assert not _hints(index, texts) & {first, second}


def test_a_street_light_is_lighting_not_a_road() -> None:
    assert "〔照明〕" in terms("路灯坏了") and "〔道路〕" not in terms("路灯坏了")
    assert "〔道路〕" in terms("马路") and "〔交通安全〕" in terms("红绿灯")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("修路", "修路", 1.0),
        ("修路！", "修 路", 1.0),  # punctuation and spaces do not count
        ("ＡＢ", "ab", 1.0),  # full width and case do not count
        ("修路", "路灯", 0.0),
        ("", "修路", 0.0),
        ("!!!", "修路", 0.0),
        ("修", "修", 1.0),
    ],
)
def test_similarity_boundaries(a: str, b: str, expected: float) -> None:
    assert similarity(a, b) == expected


def test_similarity_is_symmetric_and_between_zero_and_one() -> None:
    a, b = "村里的道路坑坑洼洼需要修", "希望修一下村里的道路"
    assert similarity(a, b) == similarity(b, a)
    assert 0 < similarity(a, b) < 1


def test_most_similar_ranks_cuts_and_keeps_the_threshold() -> None:
    others = [
        (1, "学校门口装红绿灯"),
        (2, "村里道路坑洼需要修缮"),
        (3, "村里的道路需要修"),
        (4, "完全无关的内容"),
    ]
    matches = most_similar("村里的道路需要修一修", others, limit=2)
    assert [m.key for m in matches] == [3, 2]
    assert matches[0].score >= matches[1].score
    assert most_similar("", others) == []
    assert [m.key for m in most_similar("村里的道路需要修一修", others, limit=5)] == [3, 2]
