"""The words of the scenario generator: who the county departments are and what
they answer for, what stationed units, social organizations, volunteer teams
and micro-organizations typically do, and how residents phrase their needs.

Kept apart from the generator's logic so that a reader can check the realism
of the Chinese in one place. Category ids are those of the default taxonomy
(``loaders/data/categories.csv``); a test checks that every one exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from loaders.scenario.names import zh_number


@dataclass(frozen=True)
class DepartmentTemplate:
    """A county department (县直部门) of the leading group.

    Attributes:
        name: the name with ``{county}`` for the county's name.
        domains: the top-level categories it answers for (街呼县应).
        service_categories: the leaf categories of the county-wide services it
            offers itself (a hotline, a window); may be empty.
    """

    name: str
    domains: tuple[str, ...]
    service_categories: tuple[str, ...]


DEPARTMENTS: tuple[DepartmentTemplate, ...] = (
    DepartmentTemplate("中共{county}委组织部", ("cat_policy_consultation",), ()),
    DepartmentTemplate(
        "{county}民政局",
        ("cat_elderly_care", "cat_hardship_relief"),
        ("cat_hardship_subsistence", "cat_elderly_daycare"),
    ),
    DepartmentTemplate(
        "{county}住房和城乡建设局", ("cat_property_repair",), ("cat_repair_elevator",)
    ),
    DepartmentTemplate(
        "{county}司法局",
        ("cat_legal_aid", "cat_dispute_mediation"),
        ("cat_legal_consult", "cat_dispute_family"),
    ),
    DepartmentTemplate(
        "{county}卫生健康局",
        ("cat_health", "cat_mental_health"),
        ("cat_health_family_doctor", "cat_mental_crisis"),
    ),
    DepartmentTemplate(
        "{county}教育和体育局",
        ("cat_education", "cat_culture_sports", "cat_child_care"),
        ("cat_education_parenting",),
    ),
    DepartmentTemplate(
        "{county}人力资源和社会保障局",
        ("cat_employment", "cat_policy_consultation"),
        ("cat_employment_jobs", "cat_policy_social_security"),
    ),
    DepartmentTemplate("{county}公安局", ("cat_public_safety",), ("cat_safety_anti_fraud",)),
    DepartmentTemplate(
        "{county}综合行政执法局",
        ("cat_environment", "cat_public_safety"),
        ("cat_env_cleaning", "cat_safety_parking"),
    ),
    DepartmentTemplate(
        "{county}残疾人联合会", ("cat_disability_support",), ("cat_disability_rehab",)
    ),
    DepartmentTemplate(
        "{county}妇女联合会",
        ("cat_child_care", "cat_dispute_mediation"),
        ("cat_child_left_behind",),
    ),
    DepartmentTemplate(
        "{county}行政审批服务局",
        ("cat_proxy_services", "cat_policy_consultation"),
        ("cat_proxy_paperwork",),
    ),
    DepartmentTemplate("{county}文化和旅游局", ("cat_culture_sports",), ("cat_culture_events",)),
    DepartmentTemplate("{county}医疗保障局", ("cat_health", "cat_hardship_relief"), ()),
    DepartmentTemplate("{county}应急管理局", ("cat_public_safety",), ("cat_safety_fire",)),
    DepartmentTemplate("共青团{county}委员会", ("cat_education", "cat_child_care"), ()),
    DepartmentTemplate(
        "{county}总工会",
        ("cat_employment", "cat_legal_aid"),
        ("cat_legal_wage_arrears",),
    ),
    DepartmentTemplate("{county}市场监督管理局", ("cat_public_safety",), ()),
    DepartmentTemplate("{county}信访局", ("cat_dispute_mediation",), ()),
)
"""The departments in order; a county with ``n`` departments takes the first
``n``. The first 17 already answer for every top-level category between them."""


UNIT_CATEGORIES: dict[str, tuple[str, ...]] = {
    "bank": (
        "cat_safety_anti_fraud",
        "cat_proxy_payments",
        "cat_policy_social_security",
        "cat_employment_startup",
    ),
    "school": (
        "cat_education_tutoring",
        "cat_child_after_school",
        "cat_education_parenting",
        "cat_culture_reading",
        "cat_mental_youth",
    ),
    "health": (
        "cat_health_checkup",
        "cat_health_chronic",
        "cat_health_family_doctor",
        "cat_elderly_home_care",
        "cat_mental_counselling",
    ),
    "utility": (
        "cat_repair_utilities",
        "cat_proxy_payments",
        "cat_safety_fire",
        "cat_repair_heating",
    ),
    "justice": (
        "cat_legal_consult",
        "cat_legal_representation",
        "cat_dispute_neighbour",
        "cat_dispute_family",
    ),
    "police": (
        "cat_safety_patrol",
        "cat_safety_fire",
        "cat_safety_parking",
        "cat_safety_anti_fraud",
    ),
    "agency": (
        "cat_env_garbage",
        "cat_env_greening",
        "cat_hardship_visits",
        "cat_elderly_visit",
        "cat_policy_housing",
        "cat_employment_training",
        "cat_culture_events",
        "cat_proxy_errands",
        "cat_elderly_care",
        "cat_environment",
    ),
    "enterprise": (
        "cat_hardship_visits",
        "cat_employment_jobs",
        "cat_env_cleaning",
        "cat_culture_fitness",
        "cat_hardship_relief",
    ),
}
"""What a stationed unit of each type builds with its community (共驻共建 by
its duties); a top-level id means a broad project."""


def stationed_unit_pool(county: str, streets: list[str]) -> list[tuple[str, str]]:
    """Every stationed unit a county seat plausibly has, with its type.

    Args:
        county: the county's full name, e.g. ``汶上县``.
        streets: the county's street names, e.g. ``中都街道``.

    Returns:
        ``(name, type)`` pairs, 140 of them for two streets, in a fixed order; the
        types are the keys of :data:`UNIT_CATEGORIES`.
    """
    short = county.removesuffix("县")
    street_shorts = [street.removesuffix("街道") for street in streets]
    pool: list[tuple[str, str]] = []
    for bank in (
        "中国工商银行",
        "中国农业银行",
        "中国建设银行",
        "中国银行",
        "中国邮政储蓄银行",
        "齐鲁银行",
        "济宁银行",
        "中国光大银行",
    ):
        pool.append((f"{bank}{short}支行", "bank"))
        pool.extend((f"{bank}{short}{street}支行", "bank") for street in street_shorts)
    pool.append((f"{short}农村商业银行", "bank"))
    pool.extend((f"{short}农村商业银行{street}支行", "bank") for street in street_shorts)
    pool.extend((f"{county}第{zh_number(n)}实验小学", "school") for n in range(1, 21))
    pool.extend((f"{county}第{zh_number(n)}中学", "school") for n in range(1, 11))
    pool.extend((f"{county}第{zh_number(n)}实验幼儿园", "school") for n in range(1, 17))
    pool.append((f"{county}职业中等专业学校", "school"))
    for hospital in ("人民医院", "中医院", "妇幼保健院", "疾病预防控制中心", "第二人民医院"):
        pool.append((f"{county}{hospital}", "health"))
    pool.extend((f"{street}街道社区卫生服务中心", "health") for street in street_shorts)
    pool.extend(
        (name.format(short=short, county=county), "utility")
        for name in (
            "国网{county}供电公司",
            "{county}自来水有限公司",
            "{short}港华燃气有限公司",
            "中国移动{short}分公司",
            "中国联通{short}分公司",
            "中国电信{short}分公司",
            "中国邮政{short}分公司",
            "{county}热力有限公司",
        )
    )
    pool.extend(
        (name.format(county=county), "justice")
        for name in (
            "{county}人民法院",
            "{county}人民检察院",
            "{county}公证处",
            "{county}法律援助中心",
        )
    )
    pool.extend((f"{county}公安局{street}派出所", "police") for street in street_shorts)
    pool.extend(
        (name.format(county=county), "police")
        for name in ("{county}消防救援大队", "{county}公安局交通管理大队")
    )
    pool.extend(
        (f"{county}{agency}", "agency")
        for agency in (
            "财政局",
            "发展和改革局",
            "自然资源和规划局",
            "统计局",
            "审计局",
            "农业农村局",
            "水务局",
            "交通运输局",
            "商务局",
            "科学技术局",
            "档案馆",
            "图书馆",
            "文化馆",
            "融媒体中心",
            "机关事务服务中心",
            "住房公积金管理中心",
            "退役军人事务局",
            "供销合作社",
            "气象局",
            "税务局",
            "烟草专卖局",
            "政务服务中心",
            "城市管理服务中心",
            "园林绿化服务中心",
            "工业和信息化局",
            "林业保护发展中心",
            "社会保险事业中心",
            "人民武装部",
            "委党校",
            "公路事业发展中心",
            "红十字会",
            "科学技术协会",
        )
    )
    pool.extend(
        (name.format(short=short, county=county), "enterprise")
        for name in (
            "中国石化{short}分公司",
            "中国石油{short}分公司",
            "中国人寿{short}支公司",
            "中国人民财产保险{short}支公司",
            "{county}城市建设投资有限公司",
            "{county}国有资产运营有限公司",
            "{county}公共交通有限公司",
            "{county}粮食储备有限公司",
            "{county}水务集团有限公司",
            "{county}文化旅游发展有限公司",
            "新华书店{short}分店",
        )
    )
    return pool


SOCIAL_ORG_TEMPLATES: tuple[tuple[str, str], ...] = (
    ("{short}{brand}社会工作服务中心", "cat_elderly_care"),
    ("{short}{brand}养老服务中心", "cat_elderly_meal"),
    ("{short}{brand}居家养老服务中心", "cat_elderly_home_care"),
    ("{short}{brand}心理咨询服务中心", "cat_mental_health"),
    ("{short}{brand}助残服务中心", "cat_disability_support"),
    ("{short}{brand}家庭教育指导中心", "cat_education_parenting"),
    ("{short}{brand}人民调解协会", "cat_dispute_mediation"),
    ("{short}{brand}法律服务志愿者协会", "cat_legal_aid"),
    ("{short}{brand}托育服务中心", "cat_child_nursery"),
    ("{short}{brand}艺术团", "cat_culture_events"),
    ("{short}{brand}环保公益协会", "cat_env_garbage"),
    ("{short}{brand}爱心救助协会", "cat_hardship_relief"),
    ("{short}{brand}就业创业服务中心", "cat_employment_training"),
    ("{short}{brand}青少年服务中心", "cat_mental_youth"),
    ("{short}{brand}老年大学", "cat_education_seniors"),
    ("{short}{brand}无障碍促进会", "cat_disability_accessibility"),
)
"""Social organizations (社会组织): name pattern and the category they serve."""

VOLUNTEER_THEMES: tuple[tuple[str, str], ...] = (
    ("助老", "cat_elderly_visit"),
    ("敬老助餐", "cat_elderly_meal"),
    ("环保", "cat_env_garbage"),
    ("文明劝导", "cat_safety_parking"),
    ("助学", "cat_education_tutoring"),
    ("关爱儿童", "cat_child_left_behind"),
    ("平安巡逻", "cat_safety_patrol"),
    ("义诊", "cat_health_checkup"),
    ("法律服务", "cat_legal_consult"),
    ("爱心理发", "cat_elderly_home_care"),
    ("红色代办", "cat_proxy_services"),
    ("银发", "cat_elderly_care"),
    ("巾帼", "cat_hardship_visits"),
    ("青年", "cat_culture_events"),
    ("党员先锋", "cat_proxy_errands"),
    ("护绿", "cat_env_greening"),
    ("邻里帮帮", "cat_repair_utilities"),
    ("阳光助残", "cat_disability_care"),
)
"""Volunteer teams (志愿服务队): theme word and the category they serve."""

MICRO_ORG_TYPES: tuple[tuple[str, str], ...] = (
    ("邻里互助会", "cat_proxy_errands"),
    ("银发帮帮团", "cat_elderly_visit"),
    ("巧手坊", "cat_culture_events"),
    ("读书会", "cat_culture_reading"),
    ("广场舞队", "cat_culture_fitness"),
    ("睦邻调解小组", "cat_dispute_neighbour"),
    ("四点半课堂", "cat_child_after_school"),
    ("护绿队", "cat_env_greening"),
    ("垃圾分类督导队", "cat_env_garbage"),
    ("平安巡逻队", "cat_safety_patrol"),
    ("红色代办小组", "cat_proxy_paperwork"),
    ("维修帮帮团", "cat_repair_utilities"),
    ("楼道清理小分队", "cat_env_clutter"),
    ("老年食堂帮厨队", "cat_elderly_meal"),
    ("议事会", "cat_dispute_property"),
)
"""Micro-organizations (微组织) of a residential area: name suffix and category."""


LEAF_TEXTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "cat_elderly_meal": ("长者助餐", ("独居老人希望每天送餐上门", "想给父母办理老年助餐卡")),
    "cat_elderly_visit": (
        "独居老人上门探访",
        ("独居老人近来身体不好，希望常来看看", "空巢老人想找人聊聊天"),
    ),
    "cat_elderly_daycare": (
        "日间照料",
        ("老人白天无人照看，想申请日间照料", "日间照料中心还有床位吗"),
    ),
    "cat_elderly_home_care": ("居家护理", ("失能老人需要上门护理", "老人行动不便，希望上门理发")),
    "cat_child_nursery": ("婴幼儿托育", ("双职工家庭需要托育名额", "想咨询普惠托育的收费")),
    "cat_child_after_school": ("四点半课堂", ("孩子放学后无人接送看护", "希望开设四点半课堂")),
    "cat_child_left_behind": (
        "留守儿童关爱",
        ("留守儿童需要学习用品", "希望为留守儿童安排结对帮扶"),
    ),
    "cat_legal_consult": ("法律咨询", ("咨询房屋买卖合同纠纷", "想了解遗产继承的法律规定")),
    "cat_legal_representation": (
        "诉讼代理",
        ("交通事故赔偿需要律师代理", "工伤赔偿打官司需要帮助"),
    ),
    "cat_legal_wage_arrears": ("欠薪维权", ("务工工资被拖欠三个月", "装修工人讨薪需要帮助")),
    "cat_dispute_neighbour": (
        "邻里纠纷调解",
        ("楼上漏水邻里协商不成", "邻居占用楼道堆放杂物引发矛盾"),
    ),
    "cat_dispute_family": ("婚姻家庭纠纷调解", ("赡养老人问题兄弟姐妹有分歧", "夫妻矛盾希望调解")),
    "cat_dispute_property": (
        "物业纠纷调解",
        ("对物业费上涨有异议", "业主与物业就停车收费发生争议"),
    ),
    "cat_mental_counselling": ("心理疏导", ("家人长期情绪低落需要疏导", "失业后压力大想找人谈谈")),
    "cat_mental_crisis": (
        "心理危机干预",
        ("家属出现轻生念头需要紧急干预", "居民情绪失控需要专业帮助"),
    ),
    "cat_mental_youth": ("青少年心理辅导", ("孩子厌学需要心理辅导", "初三学生考前焦虑")),
    "cat_repair_utilities": ("水电维修", ("家中水管爆裂急需维修", "楼道电路跳闸需要检修")),
    "cat_repair_elevator": ("电梯维修", ("电梯频繁停运老人上下楼困难", "电梯异响存在安全隐患")),
    "cat_repair_leak": ("房屋渗漏维修", ("顶楼雨天漏水多次报修未解决", "外墙渗水导致室内发霉")),
    "cat_repair_heating": ("供暖维修", ("暖气不热室温偏低", "供暖管道漏水")),
    "cat_repair_public": ("公共设施维修", ("小区路灯损坏夜间出行不便", "单元门禁损坏无法关闭")),
    "cat_env_garbage": ("垃圾分类指导", ("垃圾桶满溢清运不及时", "希望开展垃圾分类宣传")),
    "cat_env_greening": ("绿化养护", ("小区树木遮挡采光需要修剪", "绿地被占用种菜")),
    "cat_env_cleaning": ("环境清洁", ("背街小巷卫生脏乱", "小区门口积水淤泥需要清理")),
    "cat_env_clutter": ("楼道杂物清理", ("楼道堆放杂物影响通行", "地下室杂物堆积有火灾隐患")),
    "cat_safety_fire": ("消防安全检查", ("电动车楼道充电存在隐患", "消防通道被占用")),
    "cat_safety_patrol": ("治安巡逻", ("夜间有陌生人在小区徘徊", "车棚电动车多次被盗")),
    "cat_safety_anti_fraud": ("反诈宣传", ("老人接到可疑电话想核实", "希望给老年人讲讲防骗知识")),
    "cat_safety_parking": ("停车秩序劝导", ("小区乱停车堵塞消防通道", "门口车辆乱停影响出行")),
    "cat_employment_jobs": ("岗位推荐", ("下岗职工希望推荐工作", "大学毕业生想找本地就业岗位")),
    "cat_employment_training": ("技能培训", ("想参加育婴师培训", "希望学习电商直播技能")),
    "cat_employment_startup": ("创业扶持", ("想申请创业担保贷款", "开小吃店需要办理哪些手续")),
    "cat_health_checkup": ("健康体检", ("老人想参加免费健康体检", "希望社区组织义诊")),
    "cat_health_family_doctor": ("家庭医生签约", ("想签约家庭医生", "家庭医生能否上门随访")),
    "cat_health_chronic": ("慢病管理", ("高血压老人需要定期随访", "糖尿病患者想领取慢病药品")),
    "cat_culture_events": ("文艺演出", ("希望社区多组织文艺活动", "老年合唱队需要排练场地")),
    "cat_culture_fitness": ("全民健身", ("健身器材损坏需要更换", "希望增设乒乓球台")),
    "cat_culture_reading": ("读书活动", ("社区书屋希望增加儿童读物", "想给孩子借阅课外书")),
    "cat_education_tutoring": ("课业辅导", ("孩子数学跟不上需要辅导", "希望暑期开设作业辅导班")),
    "cat_education_parenting": ("家庭教育指导", ("孩子沉迷手机家长束手无策", "想听家庭教育讲座")),
    "cat_education_seniors": ("老年教育", ("老人想学用智能手机", "希望开设老年书法班")),
    "cat_disability_rehab": ("康复训练", ("肢体残疾人需要康复训练", "自闭症儿童康复咨询")),
    "cat_disability_accessibility": ("无障碍改造", ("轮椅进出单元门困难", "希望在楼道加装扶手")),
    "cat_disability_care": ("残疾人托养", ("重度残疾人白天无人照护", "想申请残疾人托养服务")),
    "cat_hardship_subsistence": ("低保申请", ("家庭困难想申请低保", "低保年审需要准备哪些材料")),
    "cat_hardship_temporary": ("临时救助", ("家人突发重病需要临时救助", "房屋失火生活困难")),
    "cat_hardship_visits": (
        "困难家庭帮扶",
        ("困难家庭孩子需要一套冬衣", "希望为困难老人送一台电暖器"),
    ),
    "cat_policy_social_security": (
        "社保医保咨询",
        ("咨询灵活就业人员社保缴纳", "异地就医备案怎么办理"),
    ),
    "cat_policy_housing": ("住房政策咨询", ("咨询公租房申请条件", "老旧小区改造何时开始")),
    "cat_policy_household": ("户籍证照咨询", ("新生儿落户需要哪些材料", "身份证到期换领流程")),
    "cat_proxy_paperwork": ("证件代办", ("老人行动不便需要代办身份证", "代办老年优待证")),
    "cat_proxy_errands": ("生活代办", ("独居老人需要代买生活用品", "希望帮忙代取药品")),
    "cat_proxy_payments": ("缴费代办", ("老人不会用手机缴电费", "代缴有线电视费")),
}
"""For every leaf category: how a provider names its service, and how residents
phrase a need in it."""
