"""The default common responsibility lists (共性责任清单), by recipient type. Editable on screen."""

DEFAULT_COMMON_ITEMS = {
    "top_leader": [
        "履行全面从严治党第一责任人职责，本季度至少专题研究一次党风廉政建设工作",
        "对班子成员和下级主要负责人开展廉政提醒谈话",
        "落实“三重一大”集体决策制度，不搞“一言堂”",
        "带头执行中央八项规定精神，管好家属和身边工作人员",
        "推动巡察、审计发现问题按期整改到位",
    ],
    "leadership": [
        "落实“一岗双责”，抓好分管领域党风廉政建设",
        "对分管部门负责人开展廉政提醒谈话",
        "排查分管领域廉政风险点并落实防控措施",
        "严格执行中央八项规定精神，管好家属和身边工作人员",
    ],
    "lower_head": [
        "履行本单位全面从严治党主体责任，本季度至少专题研究一次党风廉政建设工作",
        "落实村（社区）级权力清单和“三务”公开",
        "推动群众反映问题和巡察、审计发现问题整改到位",
        "严格执行中央八项规定精神，管好家属和身边工作人员",
    ],
}

# 十必谈 (seed 000): (code, situation, talk kind, archive entry kinds that raise it automatically)
DEFAULT_TALK_TRIGGERS = [
    ("new_post", "新任职或岗位调整", "pre_appointment", ["info.post_change"]),
    ("card_unfulfilled", "主体责任提醒卡事项未落实", "reminder", []),
    ("unit_clue", "本单位出现问题线索（与主要负责人谈）", "integrity", ["unit.clue"]),
    ("inspection_finding", "巡察发现本单位问题", "integrity", ["unit.inspection_finding"]),
    ("audit_finding", "审计发现本单位问题", "integrity", ["unit.audit_finding"]),
    ("public_complaints", "群众反映强烈", "reminder", []),
    ("unit_failing", "单位履行主体责任不力", "integrity", []),
    ("appraisal_poor", "年度考核基本称职或不称职", "reminder", ["appraisal.basically_competent", "appraisal.incompetent"]),
    ("after_handling", "受到组织处理或处分后回访", "integrity",
     ["handling.admonishment", "org.suspension", "org.reassignment", "org.ordered_resignation", "org.removal",
      "org.demotion", "party.warning", "party.serious_warning", "gov.warning", "gov.demerit", "gov.major_demerit"]),
    ("before_retirement", "退休前", "integrity", []),
]  # fmt: skip
