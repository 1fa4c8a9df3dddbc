"""Duplicate hints that work for Chinese: which suggestions of a tenant's year say the same thing.

Chinese has no spaces, and people describe one road in many ways ("水泥路坑坑洼洼", "路面破损严重",
"路太烂了", "年久失修"), so matching words or even character pairs finds few of the duplicates a
clerk would see. A text is read instead as a weighted set of terms:

- its characters and character pairs (what two texts literally share), function characters left out;
- the livelihood topics it names (:data:`TOPICS`): "公路", "村道" and "马路" are one topic, "坑洼",
  "破损" and "烂" another, so differently worded suggestions about the same thing meet. Longer words
  are read first, so "路灯" is lighting and not a road;

each term weighed by how rare it is in the year's suggestions (TF-IDF: a character that every
suggestion has, like 村, says little), and two texts compared by the cosine of their weights. Pure and
CPU-bound: the service runs it off the event loop. ``platform/docs/public-record.md`` explains it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# Characters that carry no subject: particles, pronouns, prepositions.
FUNCTION_CHARACTERS = frozenset(
    "的了是在和与及或我们你他她它这那有也都就很太能要请把被让给对向从到为以而但呢吗吧啊呀一个些"
)

#: Livelihood topics and the words that name them. A text naming any of them carries the topic.
TOPICS: Mapping[str, tuple[str, ...]] = {
    "道路": ("公路", "马路", "村道", "道路", "路面", "水泥路", "砂石路", "土路", "路", "桥", "通行", "出行", "行车"),
    "破损": ("坑坑洼洼", "坑洼", "破损", "损坏", "失修", "泥泞", "不平", "烂", "泥", "坑", "塌", "裂", "坏"),
    "修缮": ("修缮", "维修", "整修", "硬化", "改造", "翻新", "整治", "铺设", "修"),
    "集镇": ("乡政府", "镇政府", "集镇", "镇区", "镇上", "镇里", "乡里", "镇", "集市", "街上"),
    "照明": ("路灯", "照明", "灯"),
    "交通安全": ("红绿灯", "斑马线", "减速带", "信号灯", "危险"),
    "供水": ("自来水", "饮水", "供水", "停水", "水质", "管网", "水管", "水井"),
    "排水": ("排水", "下水道", "污水", "积水", "沟渠"),
    "环境": ("垃圾", "发臭", "脏乱", "卫生", "厕所", "河道", "清淤", "绿化"),
    "教育": ("学校", "小学", "中学", "幼儿园", "入园", "上学", "教室", "操场", "学生"),
    "医疗": ("卫生室", "卫生院", "医院", "诊所", "医生", "看病", "就医", "药"),
    "养老": ("养老", "老年", "敬老院", "照料", "助餐", "食堂"),
    "文体": ("广场", "健身", "文化", "图书", "体育", "活动室"),
    "网络": ("宽带", "网络", "信号", "通信", "光纤"),
    "农业": ("灌溉", "水利", "农田", "机耕", "大棚", "养殖", "种植"),
    "住房": ("危房", "住房", "房屋", "安置"),
    "公交": ("公交", "班车", "客车", "站台", "停车"),
}
# A topic counts for more than one character: it stands for a whole family of words. What is wrong
# and what is asked (broken, repair) and where (the township seat) say less than the subject itself:
# a broken street light is not a broken road.
TOPIC_WEIGHT = 3.0
SECONDARY_TOPICS = {"破损": 1.5, "修缮": 1.5, "集镇": 1.5}
# Below this cosine two suggestions are not worth a clerk's look.
THRESHOLD = 0.2

_NOT_TEXT = re.compile(r"[^\w]|_", re.UNICODE)
_GAP = "\x00"  # where a topic word was read: no character pair spans it
_TOPIC_WORDS = sorted(((word, topic) for topic, words in TOPICS.items() for word in words), key=lambda p: -len(p[0]))


def normalise_text(text: str) -> str:
    """Text reduced to what carries meaning: NFKC (full-width to half-width), lower case, no
    punctuation or spaces, so that "修路！" and "修 路" read the same."""
    return _NOT_TEXT.sub("", unicodedata.normalize("NFKC", text).casefold())


def terms(text: str) -> Counter[str]:
    """The terms of ``text`` and how often each occurs (see the module docstring); topics are written
    〔道路〕 so they never collide with a character pair."""
    rest = normalise_text(text)
    found: Counter[str] = Counter()
    for word, topic in _TOPIC_WORDS:
        if word in rest:
            found[f"〔{topic}〕"] += rest.count(word)
            rest = rest.replace(word, _GAP)
    for index, character in enumerate(rest):
        if character == _GAP or character in FUNCTION_CHARACTERS:
            continue
        found[character] += 1
        following = rest[index + 1 : index + 2]
        if following and following != _GAP and following not in FUNCTION_CHARACTERS:
            found[character + following] += 1
    return found


@dataclass(frozen=True)
class Match:
    key: object
    score: float


def _weights(counts: Counter[str], idf: Mapping[str, float]) -> dict[str, float]:
    weights = {}
    for term, count in counts.items():
        boost = SECONDARY_TOPICS.get(term[1:-1], TOPIC_WEIGHT) if term.startswith("〔") else 1.0
        weights[term] = boost * (1 + math.log(count)) * idf[term]
    return weights


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(b) < len(a):
        a, b = b, a
    dot = sum(weight * b.get(term, 0.0) for term, weight in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def most_similar(
    text: str, others: Iterable[tuple[object, str]], *, limit: int = 5, threshold: float = THRESHOLD
) -> list[Match]:
    """The ``limit`` texts of ``others`` (key, text) most like ``text``, best first, each at least
    ``threshold`` alike (0 nothing shared, 1 the same terms); ties keep the order of ``others``.
    ``others`` should be the rest of the year's suggestions: they tell which terms are common."""
    corpus: Sequence[tuple[object, Counter[str]]] = [(key, terms(other)) for key, other in others]
    mine = terms(text)
    if not mine:
        return []
    documents = [mine, *(counts for _key, counts in corpus)]
    frequency: Counter[str] = Counter()
    for counts in documents:
        frequency.update(counts.keys())
    idf = {term: math.log((1 + len(documents)) / (1 + n)) + 1 for term, n in frequency.items()}
    target = _weights(mine, idf)
    scored = []
    for key, counts in corpus:
        if not counts:
            continue
        score = _cosine(target, _weights(counts, idf))
        if score >= threshold:
            scored.append(Match(key, round(min(score, 1.0), 4)))
    scored.sort(key=lambda match: -match.score)
    return scored[:limit]


def similarity(a: str, b: str) -> float:
    """How alike two texts are on their own (no year's suggestions to tell common terms apart)."""
    found = most_similar(a, [(0, b)], limit=1, threshold=0.0)
    return found[0].score if found else 0.0
