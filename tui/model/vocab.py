"""The words the parser looks for: KPI and incident section names, KPI aliases, "found by" words.

Built-in defaults; the config file can add more (see `tui.config`).
"""

from __future__ import annotations


KPI_SECTION_WORDS = ["系统运行数据", "运行数据", "指标", "kpi", "metrics"]
INCIDENT_SECTION_WORDS = ["生产事件", "线上事故", "故障", "事故", "incidents", "incident"]
PLAN_SECTION_WORDS = ["下周", "下期", "next week", "next steps", "plans"]
FOUND_BY_WORDS = [
    "监控发现", "业务发现", "商户反馈", "用户反馈", "客户反馈", "客服反馈", "人工发现",
    "巡检发现", "告警发现", "测试发现", "内部发现",
]
# Property lines under the title that name the report's author (`Created by: 张三`, `作者：张三`).
AUTHOR_PROPERTY_WORDS = [
    "created by", "author", "owner", "person", "作者", "负责人", "汇报人", "填写人", "创建人", "创建者", "姓名",
]

# canonical name -> aliases (the canonical name matches itself; case and spaces do not matter). English
# aliases only where they say exactly the same (`Inbound success rate` is not `入金有效成功率`, which counts
# *effective* payments: it stays its own series unless the config file aliases it).
KPI_ALIASES: dict[str, list[str]] = {
    "入金有效成功率": ["effective inbound success rate", "inbound effective success rate"],
    "出金有效成功率": ["effective outbound success rate", "outbound effective success rate"],
    "一次支付成功率": ["first-attempt payment success rate", "first attempt payment success rate",
                "one-time payment success rate"],
    "年度可用性": ["支付系统年度可用性", "系统年度可用性", "annual availability", "yearly availability"],
    "不可用时间": ["年度不可用时间", "annual downtime", "yearly downtime"],
    "AB级事故数": ["AB级事故", "事故数AB级", "AB incidents", "A/B incidents", "AB-level incidents"],
    "CD级事故数": ["CD级事故", "事故数CD级", "CD incidents", "C/D incidents", "CD-level incidents"],
    "生产事件数": ["production incidents", "production incident count"],
}

# Direction that counts as an improvement: +1 higher is better, -1 lower is better.
KPI_GOOD_DIRECTION: dict[str, int] = {
    "入金有效成功率": 1,
    "出金有效成功率": 1,
    "一次支付成功率": 1,
    "年度可用性": 1,
    "不可用时间": -1,
    "AB级事故数": -1,
    "CD级事故数": -1,
    "生产事件数": -1,
}


def guess_direction(name: str) -> int:
    """Good direction of a KPI not configured: rates and availability up, counts of bad things down."""
    low = name.lower()
    if any(w in low for w in ("事故", "事件", "故障", "失败", "错误", "不可用", "延迟", "耗时", "error", "fail",
                              "incident", "latency", "downtime")):
        return -1
    return 1


class Vocabulary:
    """Everything the parser matches by name, so that a config file can extend it (each list or table
    given replaces the built-in one)."""

    def __init__(self, kpi_sections: list[str] | None = None, incident_sections: list[str] | None = None,
                 plan_sections: list[str] | None = None, found_by: list[str] | None = None,
                 kpi_aliases: dict[str, list[str]] | None = None, good_direction: dict[str, int] | None = None,
                 author_properties: list[str] | None = None, author_aliases: dict[str, list[str]] | None = None):
        self.kpi_sections = list(KPI_SECTION_WORDS) if kpi_sections is None else kpi_sections
        self.incident_sections = list(INCIDENT_SECTION_WORDS) if incident_sections is None else incident_sections
        self.plan_sections = list(PLAN_SECTION_WORDS) if plan_sections is None else plan_sections
        self.found_by = list(FOUND_BY_WORDS) if found_by is None else found_by
        self.kpi_aliases = {k: list(v) for k, v in KPI_ALIASES.items()} if kpi_aliases is None else kpi_aliases
        self.good_direction = dict(KPI_GOOD_DIRECTION) if good_direction is None else good_direction
        self.author_properties = list(AUTHOR_PROPERTY_WORDS) if author_properties is None else author_properties
        # name as shown -> other spellings of it (applied after loading, so not part of the fingerprint)
        self.author_aliases: dict[str, list[str]] = {} if author_aliases is None else author_aliases

    def __repr__(self) -> str:
        return f"Vocabulary({self.fingerprint()})"

    def canonical(self, name: str) -> str:
        """The canonical KPI name for a name as written (itself when it is no alias)."""
        key = name.replace(" ", "").lower()
        for canon, aliases in self.kpi_aliases.items():
            if key == canon.lower() or key in (a.replace(" ", "").lower() for a in aliases):
                return canon
        return name.strip()

    def all_kpi_names(self) -> list[str]:
        """Canonical names and aliases, longest first (for matching names glued to numbers)."""
        names = set(self.kpi_aliases)
        for aliases in self.kpi_aliases.values():
            names.update(aliases)
        return sorted(names, key=len, reverse=True)

    def direction(self, name: str) -> int:
        """+1 when a higher value of this KPI is good, -1 when lower is good."""
        return self.good_direction.get(name, guess_direction(name))

    def fingerprint(self) -> str:
        """A stable string that changes when the vocabulary changes (for cache keys)."""
        import json

        return json.dumps(
            [self.kpi_sections, self.incident_sections, self.plan_sections, self.found_by, self.kpi_aliases,
             self.author_properties],
            ensure_ascii=False,
            sort_keys=True,
        )


DEFAULT_VOCABULARY = Vocabulary()
