"""Chinese names for the scenario generator: people, places and organizations.

Every name is drawn from a ``random.Random`` the caller owns, so a scenario is
the same for the same seed. People get a common surname (weighted roughly as
in Shandong) and a one- or two-character given name; places and organizations
are composed from word pools in the style of a county seat (春晖社区, 锦绣花园,
汶上鑫源物业服务有限公司). Phone numbers are fake by construction: all start
``1990000`` (see :func:`fake_phone`).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

_SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 90),
    ("张", 80),
    ("李", 75),
    ("刘", 60),
    ("孙", 35),
    ("陈", 30),
    ("杨", 28),
    ("赵", 26),
    ("徐", 20),
    ("马", 18),
    ("高", 18),
    ("朱", 16),
    ("郭", 15),
    ("吴", 12),
    ("周", 12),
    ("胡", 10),
    ("韩", 10),
    ("田", 10),
    ("孔", 10),
    ("颜", 6),
    ("曹", 9),
    ("宋", 9),
    ("魏", 8),
    ("程", 8),
    ("董", 8),
    ("袁", 6),
    ("于", 8),
    ("冯", 7),
    ("许", 7),
    ("邢", 6),
    ("范", 6),
    ("石", 6),
    ("姜", 6),
    ("任", 6),
    ("闫", 5),
    ("贾", 5),
    ("吕", 5),
    ("丁", 5),
    ("侯", 5),
    ("路", 4),
    ("尹", 4),
    ("谢", 4),
    ("崔", 4),
    ("蒋", 3),
    ("彭", 3),
    ("梁", 3),
    ("黄", 3),
    ("林", 3),
    ("宁", 3),
    ("薛", 3),
)
_SURNAME_CHOICES = tuple(surname for surname, _ in _SURNAMES)
_SURNAME_WEIGHTS = tuple(weight for _, weight in _SURNAMES)

_GIVEN_MALE = "伟强军平刚勇杰涛明磊超华建国志红斌鹏飞宇浩辉峰昌庆波海东林成文广德振兴兵利新春"
_GIVEN_FEMALE = "芳娜敏静丽艳秀英霞燕玲梅兰红华娟萍婷洁雪琳慧颖倩丹凤云翠荣淑桂珍玉莉晶"


def person_name(rng: random.Random) -> str:
    """A common Chinese personal name, e.g. ``王建国`` or ``李娜``.

    Args:
        rng: the scenario's random source.

    Returns:
        Surname plus a one- or two-character given name.
    """
    surname = rng.choices(_SURNAME_CHOICES, _SURNAME_WEIGHTS)[0]
    pool = _GIVEN_MALE if rng.random() < 0.5 else _GIVEN_FEMALE
    if rng.random() < 0.3:
        return surname + rng.choice(pool)
    return surname + rng.choice(pool) + rng.choice(pool)


def fake_phone(serial: int) -> str:
    """A phone number that cannot belong to anyone.

    The scheme is ``1990000`` followed by four digits of the person's serial
    number: the ``199 0000`` block is never issued in these scenarios' world,
    and a reader sees at once that the numbers are made up. Numbers repeat
    every 10,000 people; they are for display, never a key.

    Args:
        serial: the person's running number within the county.

    Returns:
        An 11-digit string such as ``19900000042``.
    """
    return f"1990000{serial % 10000:04d}"


COMMUNITY_WORDS: tuple[str, ...] = (
    "春晖",
    "和平",
    "光明",
    "文昌",
    "东关",
    "西关",
    "南关",
    "北关",
    "新华",
    "建设",
    "人民",
    "幸福",
    "安康",
    "府前",
    "宝相",
    "昌平",
    "泉河",
    "翠竹",
    "丰泽",
    "康乐",
    "育才",
    "永安",
    "兴隆",
    "振兴",
    "长虹",
    "明星",
    "金城",
    "杏花",
    "利民",
    "惠民",
    "朝阳",
    "东升",
    "荷花",
    "龙山",
    "凤凰",
    "青年",
    "翠屏",
    "紫薇",
    "银河",
    "锦华",
)
"""Words for community names (``{word}社区``); enough for 40 per county."""

_AREA_PREFIXES = (
    "锦绣",
    "阳光",
    "金色",
    "翰林",
    "幸福",
    "和谐",
    "明珠",
    "富源",
    "泰和",
    "丽景",
    "盛世",
    "书香",
    "滨河",
    "学府",
    "御景",
    "东方",
    "龙城",
    "世纪",
    "康居",
    "怡和",
    "紫荆",
    "金桥",
    "名仕",
    "水岸",
    "香榭",
    "福寿",
    "凤凰城",
    "新城",
    "馨园",
    "翠湖",
    "状元",
    "文苑",
    "清华",
    "银座",
    "嘉禾",
    "长安",
)
_AREA_SUFFIXES = ("小区", "花园", "家园", "苑", "名邸", "新村", "雅居", "华庭", "佳苑", "公馆")


def area_names(rng: random.Random, count: int) -> list[str]:
    """Distinct residential-area names, e.g. ``锦绣花园``, ``学府佳苑``.

    Args:
        rng: the scenario's random source.
        count: how many names (at most 360).

    Returns:
        ``count`` different names in random order.
    """
    pool = [prefix + suffix for prefix in _AREA_PREFIXES for suffix in _AREA_SUFFIXES]
    return rng.sample(pool, count)


BRANDS: tuple[str, ...] = (
    "鑫源",
    "恒泰",
    "华宇",
    "安居",
    "瑞丰",
    "宏达",
    "嘉诚",
    "润泽",
    "盛隆",
    "鸿运",
    "德信",
    "福康",
    "顺通",
    "金达",
    "海润",
    "佳和",
    "兴旺",
    "博远",
    "中正",
    "天成",
    "永盛",
    "万和",
    "仁和",
    "新民",
    "东泰",
    "利达",
    "华信",
    "恒昌",
    "泰丰",
    "汇通",
    "和顺",
    "信达",
    "荣昌",
    "聚源",
    "广源",
    "长青",
    "振华",
    "祥和",
    "同济",
    "启明",
)
"""Trade-name words for firms (``{county}{brand}物业服务有限公司``)."""

CARE_BRANDS: tuple[str, ...] = (
    "春晖",
    "同心",
    "暖阳",
    "爱心",
    "彩虹",
    "向日葵",
    "启航",
    "益友",
    "和美",
    "善邻",
    "映山红",
    "馨语",
    "红烛",
    "晨曦",
    "知心",
    "仁爱",
    "康宁",
    "乐龄",
)
"""Warm words for social organizations (``{county}{word}社会工作服务中心``)."""

_TWO_NEW_TRADES = (
    "商贸有限公司",
    "科技有限公司",
    "建材有限公司",
    "餐饮管理有限公司",
    "家政服务有限公司",
    "律师事务所",
    "会计师事务所",
    "大药房",
    "超市",
    "培训学校",
    "口腔诊所",
    "物流有限公司",
    "房地产经纪有限公司",
    "广告传媒有限公司",
    "汽车服务有限公司",
    "电子商务有限公司",
    "酒店管理有限公司",
    "农业科技有限公司",
    "装饰工程有限公司",
    "文化传播有限公司",
)
_TWO_NEW_ASSOCIATIONS = (
    "个体劳动者协会",
    "餐饮行业协会",
    "物流行业协会",
    "电商协会",
    "书法家协会",
    "摄影家协会",
    "商会",
    "女企业家协会",
)


def two_new_names(rng: random.Random, county_short: str, count: int) -> list[str]:
    """Names of non-public enterprises and social organizations (“两新”组织).

    Args:
        rng: the scenario's random source.
        county_short: the county's name without 县, e.g. ``汶上``.
        count: how many names.

    Returns:
        ``count`` names; distinct as far as the pools allow, then numbered
        branches (``…第2分店``).
    """
    pool = [f"{county_short}{brand}{trade}" for brand in BRANDS for trade in _TWO_NEW_TRADES]
    pool += [f"{county_short}{association}" for association in _TWO_NEW_ASSOCIATIONS]
    rng.shuffle(pool)
    names = pool[:count]
    branch = 2
    while len(names) < count:
        names.extend(f"{name}第{branch}分店" for name in pool[: count - len(names)])
        branch += 1
    return names


def pick_distinct(rng: random.Random, pool: Sequence[str], count: int) -> list[str]:
    """``count`` different items of ``pool`` when it is big enough, else with repeats.

    Args:
        rng: the scenario's random source.
        pool: the candidates.
        count: how many to draw.

    Returns:
        The drawn items in random order.
    """
    if count <= len(pool):
        return rng.sample(list(pool), count)
    return [rng.choice(pool) for _ in range(count)]


_ZH_DIGITS = "零一二三四五六七八九"


def zh_number(number: int) -> str:
    """A number from 1 to 99 in Chinese characters (``11`` → ``十一``).

    Args:
        number: between 1 and 99.

    Returns:
        The number as a Chinese numeral, for names such as ``第三实验小学``.
    """
    tens, ones = divmod(number, 10)
    if tens == 0:
        return _ZH_DIGITS[ones]
    head = "十" if tens == 1 else _ZH_DIGITS[tens] + "十"
    return head + (_ZH_DIGITS[ones] if ones else "")
