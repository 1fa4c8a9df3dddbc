"""The demo year of 赵庄镇, as data: suggestions, projects, deputies, the vote and the year's follow-up.

Everything here is invented sample data (the villages are the ``示例`` places of the manifest); the
steps in ``collect``, ``vote`` and ``follow_up`` feed it through the platform's services.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

TOWNSHIP = "baofeng-zhaozhuang"
ADMIN = "zhaozhuang-admin"
PRESIDIUM = "zhaozhuang-presidium"
GOVERNMENT = "zhaozhuang-government"
TELLER = "zhaozhuang-teller"
DEMO_DEPUTY = "zhaozhuang-deputy"

#: The roster: the demo deputy plus 34 deputies whose accounts have no usable password yet (an
#: administrator invites them to set one); 31 check in, all of them vote.
ROSTER_SIZE = 35
PRESENT = 31
SEATS = 5


@dataclass(frozen=True)
class DemoSuggestion:
    content: str
    category: str
    place: str
    channel: str  # online | qr_code | liaison_station | symposium | letter | notice | email
    project: str | None = None  # key of the project it is merged into
    declined: str | None = None  # the reason its author reads


@dataclass(frozen=True)
class DemoProject:
    key: str
    title: str
    content: str
    category: str
    budget: Decimal
    location: str
    screening: str  # accepted | rejected | negative_list | pool
    notes: str = ""


PROJECTS = (
    DemoProject(
        "road",
        "示例东庄村至集镇道路硬化",
        "硬化东庄村至集镇道路2.6公里，宽4.5米，两侧排水沟。",
        "roads_transport",
        Decimal(1200000),
        "示例东庄村",
        "accepted",
    ),
    DemoProject(
        "canteen",
        "镇中心小学食堂改造",
        "改造镇中心小学食堂600平方米，更新厨具，解决学生就餐拥挤。",
        "education",
        Decimal(800000),
        "示例集镇社区",
        "accepted",
    ),
    DemoProject(
        "water",
        "农村饮水安全提升工程",
        "新打机井2眼，更换老旧供水管网8公里，覆盖南岗、北岗两村。",
        "utilities",
        Decimal(950000),
        "示例南岗村",
        "accepted",
    ),
    DemoProject(
        "elderly",
        "镇养老服务中心助餐点",
        "在镇养老服务中心设老年助餐点，为80岁以上老人提供午餐。",
        "elderly_care",
        Decimal(450000),
        "示例新华社区",
        "accepted",
    ),
    DemoProject(
        "lights",
        "村内主干道路灯安装",
        "在河湾、柳树、杨树岭三村主干道安装太阳能路灯320盏。",
        "roads_transport",
        Decimal(380000),
        "示例河湾村",
        "accepted",
    ),
    DemoProject(
        "fitness",
        "文化广场健身器材配置",
        "为六个村文化广场配置健身器材和篮球架。",
        "culture_sports",
        Decimal(260000),
        "示例西庄村",
        "accepted",
    ),
    DemoProject(
        "market",
        "集镇农贸市场提升改造",
        "改造集镇农贸市场顶棚、地面和排水，规范摊位。",
        "industry",
        Decimal(1500000),
        "示例集镇社区",
        "accepted",
    ),
    DemoProject(
        "office",
        "镇政府办公楼维修改造",
        "维修镇政府办公楼外墙和屋面，更换办公设备。",
        "other",
        Decimal(900000),
        "镇政府",
        "negative_list",
        "属负面清单（办公楼、办公设备），不列入民生实事项目。",
    ),
    DemoProject(
        "highway",
        "高速公路互通立交建设",
        "在集镇东侧新建高速公路出入口和互通立交。",
        "roads_transport",
        Decimal(80000000),
        "示例集镇社区",
        "rejected",
        "超出乡镇事权和财力，建议向县人大代表转交，作为县级建议办理。",
    ),
    DemoProject(
        "waste",
        "垃圾分类收集点建设",
        "每村建设垃圾分类收集点，配备分类桶。",
        "environment",
        Decimal(300000),
        "示例石桥村",
        "pool",
    ),
)

SUGGESTIONS = (
    DemoSuggestion(
        "东庄村到集镇的土路一下雨就没法走，孩子上学、卖菜都难，希望硬化。",
        "roads_transport",
        "示例东庄村",
        "online",
        "road",
    ),
    DemoSuggestion(
        "建议把东庄村通往集镇的路修成水泥路，并修好排水沟。", "roads_transport", "示例东庄村", "qr_code", "road"
    ),
    DemoSuggestion(
        "东庄、西庄两村群众出行靠一条坑洼路，农产品运不出去。",
        "roads_transport",
        "示例西庄村",
        "liaison_station",
        "road",
    ),
    DemoSuggestion(
        "中心小学食堂太小，学生分三批吃饭，冬天饭菜都凉了。", "education", "示例集镇社区", "online", "canteen"
    ),
    DemoSuggestion("学校食堂灶具老化有安全隐患，希望改造。", "education", "示例集镇社区", "letter", "canteen"),
    DemoSuggestion("家长们反映学生午饭排队时间长，建议扩建食堂。", "education", "示例新华社区", "symposium", "canteen"),
    DemoSuggestion("南岗村自来水经常停水，夏天水压低，水还发黄。", "utilities", "示例南岗村", "qr_code", "water"),
    DemoSuggestion(
        "北岗村供水管子是二十年前铺的，漏水严重，请更换。", "utilities", "示例北岗村", "liaison_station", "water"
    ),
    DemoSuggestion("建议给南岗、北岗再打一眼深井，解决吃水难。", "utilities", "示例南岗村", "notice", "water"),
    DemoSuggestion(
        "村里老人多，子女在外打工，中午吃饭成问题，建议办老年食堂。",
        "elderly_care",
        "示例新华社区",
        "online",
        "elderly",
    ),
    DemoSuggestion("希望养老服务中心能提供送餐或助餐服务。", "elderly_care", "示例柳树村", "symposium", "elderly"),
    DemoSuggestion("河湾村主干道晚上一片黑，老人孩子出门不安全。", "roads_transport", "示例河湾村", "online", "lights"),
    DemoSuggestion("建议在柳树村和杨树岭村装路灯。", "roads_transport", "示例杨树岭村", "qr_code", "lights"),
    DemoSuggestion("村里晚上跳广场舞没有灯，也没有健身器材。", "culture_sports", "示例西庄村", "online", "fitness"),
    DemoSuggestion("希望文化广场添置篮球架，年轻人有地方活动。", "culture_sports", "示例石桥村", "email", "fitness"),
    DemoSuggestion(
        "集镇农贸市场一下雨满地泥水，摊位乱摆，建议改造。", "industry", "示例集镇社区", "liaison_station", "market"
    ),
    DemoSuggestion("农贸市场没有顶棚，商户和群众都盼着改造。", "industry", "示例集镇社区", "letter", "market"),
    DemoSuggestion("镇政府办公楼年久失修，建议列入今年民生实事维修。", "other", "示例集镇社区", "letter", "office"),
    DemoSuggestion(
        "建议在集镇东边修高速出入口，方便群众出行和招商。", "roads_transport", "示例集镇社区", "online", "highway"
    ),
    DemoSuggestion("各村垃圾乱堆，建议设置垃圾分类收集点。", "environment", "示例石桥村", "qr_code", "waste"),
    DemoSuggestion("希望垃圾能分类收集，定时清运。", "environment", "示例北岗村", "symposium", "waste"),
    DemoSuggestion(
        "建议给我家门口的私人鱼塘修围栏。",
        "other",
        "示例河湾村",
        "online",
        declined="属个人事务，不属于公共民生实事，已转村委会协调。",
    ),
    DemoSuggestion(
        "要求给村干部涨工资。",
        "other",
        "示例西庄村",
        "qr_code",
        declined="不属于民生实事项目征集范围，已转镇政府相关部门答复。",
    ),
    DemoSuggestion(
        "建议在柳树村建一座大型游乐场。",
        "culture_sports",
        "示例柳树村",
        "letter",
        declined="投资规模远超乡镇财力，本年度不予采纳，已向本人说明。",
    ),
    DemoSuggestion(
        "杨树岭村卫生室的空调坏了。",
        "health",
        "示例杨树岭村",
        "liaison_station",
        declined="属日常维修，已由镇卫生院当月修复，无需列入项目。",
    ),
    DemoSuggestion("建议开展农村电商培训，帮助群众网上卖红薯。", "employment", "示例杨树岭村", "symposium"),
    DemoSuggestion("希望镇卫生院增加儿科医生。", "health", "示例新华社区", "online"),
    DemoSuggestion("低保户家里房子漏雨，希望帮助修缮。", "social_assistance", "示例南岗村", "notice"),
    DemoSuggestion("建议发展大棚蔬菜，给村里找条致富路。", "industry", "示例北岗村", "email"),
    DemoSuggestion("石桥村小河淤堵发臭，建议清淤。", "environment", "示例石桥村", "qr_code"),
)

MEETINGS = {
    "liaison_station": "赵庄镇人大代表联络站接待日",
    "symposium": "民生实事项目征集座谈会",
    "letter": "群众来信",
    "notice": "征集公告回执",
    "email": "电子邮件",
}

#: Yes votes of each candidate in the round, by project key (31 deputies vote, 18 yes needed).
YES_VOTES = {"road": 29, "canteen": 30, "water": 27, "elderly": 24, "lights": 21, "fitness": 13, "market": 9}

AGENDA = (
    ("听取镇人民政府关于民生实事候选项目征集情况的报告", "镇人民政府"),
    ("听取主席团关于候选项目的说明", "主席团"),
    ("审议通过民生实事项目票决办法", "主席团"),
    ("代表分组审议候选项目", ""),
    ("电子票决民生实事项目", ""),
    ("宣布票决结果", "主席团"),
)

#: Progress of the chosen projects: (percent done, share of the budget spent, report text); the last
#: report counts. The ``lights`` plan's deadline has passed before it was finished: it is overdue.
PROGRESS = {
    "road": [(35, "0.3", "完成路基施工1.2公里，排水沟开挖同步推进。"), (60, "0.55", "完成路面硬化1.6公里。")],
    "canteen": [(50, "0.45", "主体改造完成，厨具招标结束。"), (100, "0.97", "食堂改造完工并投入使用。")],
    "water": [(45, "0.4", "两眼机井成井，管网更换完成3.5公里。")],
    "elderly": [(30, "0.25", "助餐点选址和装修完成，正在采购厨具。")],
    "lights": [(70, "0.65", "已安装路灯220盏，杨树岭村段因供货延误滞后。")],
}

RATINGS = {"satisfied": 22, "basically_satisfied": 6, "unsatisfied": 1, "abstain": 1}
