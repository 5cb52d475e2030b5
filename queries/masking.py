"""Masking personal data for viewers (个人信息脱敏).

Editors and admins see everything whole; a ``viewer`` token sees:

* **phone numbers** with all but the first 3 and the last 4 characters
  replaced: ``13805370001`` → ``138****0001`` (7 characters or fewer: all
  replaced). This holds for a ``phone`` property anywhere, and for mobile
  numbers (11 digits starting with 1) written inside need titles and audit
  details.
* **people's names** (``Person.name``, and the secretaries, holders and
  findings that name a person) shortened to the surname and one ``*`` per
  remaining character: ``张建国`` → ``张**``, ``刘芳`` → ``刘*``; a compound
  surname (欧阳, 司马 …) is kept whole when the name is longer than it.
  A name that is not Chinese keeps its first character.
* **residents' names inside need titles**: a common surname followed by one or
  two Chinese characters, where a word that marks a person follows (家, 老人,
  大爷, 阿姨, 师傅, 反映 …), is shortened the same way: ``李秀英老人行动不便`` →
  ``李**老人行动不便``. Needs do not link to the residents who raise them, so
  this rule reads the text; it errs on the side of masking.

Everything that shows a viewer a person or a need's title masks it here,
before it is shown: the API's answers, the pages, the explorer's views
(their titles and tooltips too) and the audit's exports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from queries.audit import AuditReport, Finding, RuleResult

if TYPE_CHECKING:
    # Only for the annotations: queries.nodes imports this module, and
    # queries.matching, queries.needs and queries.route import queries.nodes.
    from queries.changes import HistoryEntry, NodeHistory
    from queries.matching import NeedCandidates
    from queries.needs import NeedRecord
    from queries.route import Route

_COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "令狐",
    "慕容",
    "司徒",
    "夏侯",
    "尉迟",
    "公孙",
    "长孙",
    "宇文",
    "澹台",
)
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章"
    "鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉"
    "骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦"
    "戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄"
    "丛仲虞敖巩明佘池查麻苑迟邝"
)
_PERSON_MARKERS = (
    "老人",
    "大爷",
    "大妈",
    "大娘",
    "大叔",
    "大姐",
    "阿姨",
    "奶奶",
    "爷爷",
    "老师",
    "师傅",
    "女士",
    "先生",
    "同志",
    "老伯",
    "一家",
    "家",
    "反映",
    "来电",
    "诉求",
    "申请",
    "求助",
)
_NAME_IN_TEXT = re.compile(
    "(?P<name>(?:"
    + "|".join(_COMPOUND_SURNAMES)
    + f"|[{_SURNAMES}])[\u4e00-\u9fff]{{1,2}}?)(?=(?:"
    + "|".join(_PERSON_MARKERS)
    + "))"
)
_NOT_NAMES = frozenset(
    {
        "高龄",
        "单亲",
        "全家",
        "安全",
        "文明",
        "和谐",
        "向阳",
        "温馨",
        "万家",
        "关爱",
        "应急",
        "常年",
        "时常",
        "许多",
        "明天",
        "白天",
        "金色",
        "华府",
        "龙湖",
        "阳光",
        "幸福",
        "平安",
    }
)
"""Words that begin with a surname but name no one, next to a person marker."""

_MOBILE = re.compile(r"(?<!\d)1\d{10}(?!\d)")


def mask_phone(phone: str) -> str:
    """``13805370001`` → ``138****0001``: the first 3 and the last 4 characters kept."""
    text = str(phone)
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def mask_person_name(name: str) -> str:
    """``张建国`` → ``张**``: the surname kept, one ``*`` per other character."""
    text = str(name).strip()
    if len(text) <= 1:
        return text
    for surname in _COMPOUND_SURNAMES:
        if text.startswith(surname) and len(text) > len(surname):
            return surname + "*" * (len(text) - len(surname))
    return text[0] + "*" * (len(text) - 1)


_MASKED_FORM = re.compile("(?P<prefix>" + "|".join(_COMPOUND_SURNAMES) + r"|[^*\s])(?P<stars>\*+)")


def masked_name_form(text: str) -> tuple[str, int] | None:
    """What a masked name stands for: ``刘**`` → ``("刘", 3)``, the names with
    that surname and that many characters; ``None`` for any other text."""
    found = _MASKED_FORM.fullmatch(text.strip())
    if found is None:
        return None
    prefix = found.group("prefix")
    return prefix, len(prefix) + len(found.group("stars"))


def mask_text(text: str) -> str:
    """A free text (a need's title, an audit detail) with mobile numbers and
    residents' names masked."""
    masked = _MOBILE.sub(lambda match: mask_phone(match.group(0)), str(text))

    def shorten(match: re.Match[str]) -> str:
        name = match.group("name")
        return name if name in _NOT_NAMES else mask_person_name(name)

    return _NAME_IN_TEXT.sub(shorten, masked)


def mask_name(labels: Iterable[str], name: str | None) -> str | None:
    """A node's name as a viewer sees it: a person's shortened, a need's
    title masked, any other name whole."""
    if name is None:
        return None
    kinds = set(labels)
    if "Person" in kinds:
        return mask_person_name(name)
    if "Need" in kinds:
        return mask_text(name)
    return name


def mask_properties(labels: Iterable[str], properties: Mapping[str, Any]) -> dict[str, Any]:
    """A node's (or relationship's) properties as a viewer sees them."""
    kinds = set(labels)
    masked: dict[str, Any] = {}
    for key, value in properties.items():
        if value is None:
            masked[key] = value
        elif key == "phone":
            masked[key] = mask_phone(str(value))
        elif key == "name":
            masked[key] = mask_name(kinds, str(value))
        elif key == "title" and "Need" in kinds:
            masked[key] = mask_text(str(value))
        else:
            masked[key] = value
    return masked


def mask_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A node record (``labels`` and properties side by side, as the view and
    GraphML queries return them) as a viewer sees it."""
    labels = record.get("labels") or ()
    return {**record, **mask_properties([labels] if isinstance(labels, str) else labels, record)}


def mask_finding(finding: Finding) -> Finding:
    """An audit finding as a viewer sees it: a person's name shortened, a
    need's title and every detail masked as free text."""
    name = finding.name
    if name is not None:
        name = mask_person_name(name) if finding.kind == "person" else mask_text(name)
    return replace(finding, name=name, detail=mask_text(finding.detail))


def mask_report(report: AuditReport) -> AuditReport:
    """An audit report with every finding masked (:func:`mask_finding`)."""
    results = tuple(
        RuleResult(result.rule, tuple(mask_finding(f) for f in result.findings), result.seconds)
        for result in report.results
    )
    return replace(report, results=results)


def mask_need(record: NeedRecord) -> NeedRecord:
    """A need as a viewer sees it: its title masked as free text."""
    return replace(record, title=mask_text(record.title))


def mask_need_candidates(found: NeedCandidates) -> NeedCandidates:
    """A need's candidates as a viewer sees them: the need's title masked
    (the resources and their providers are organizations, shown whole)."""
    return replace(found, need=replace(found.need, name=mask_text(found.need.name)))


def mask_route(route: Route) -> Route:
    """An escalation route as a viewer sees it: the need's title masked, each
    secretary's name shortened."""
    steps = tuple(
        replace(step, secretary_name=mask_person_name(step.secretary_name))
        if step.secretary_name
        else step
        for step in route.steps
    )
    return replace(route, need_name=mask_text(route.need_name), steps=steps)


def mask_history(history: NodeHistory) -> NodeHistory:
    """A node's history as a viewer sees it: the node's properties before
    and after each change masked as the node is."""

    def masked(entry: HistoryEntry) -> HistoryEntry:
        if entry.kind != "node":
            return entry
        return replace(
            entry,
            before=mask_properties(history.labels, entry.before) if entry.before else entry.before,
            after=mask_properties(history.labels, entry.after) if entry.after else entry.after,
        )

    return replace(history, entries=[masked(entry) for entry in history.entries])
