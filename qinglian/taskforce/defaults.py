"""The standard members of the "8+X" task force and the standard row types of the monthly report
(seed 000). Seeded idempotently: existing rows are never changed (the lead may have edited them)."""

# (code, name, tier, is_lead, order)
AGENCIES = [
    ("zuzhibu", "县委组织部", "core", True, 10),
    ("jiwei", "县纪委监委", "core", False, 20),
    ("laoganbu", "县委老干部局", "core", False, 30),
    ("renshe", "县人力资源和社会保障局", "core", False, 40),
    ("fulian", "县妇联", "core", False, 50),
    ("tuanxianwei", "团县委", "core", False, 60),
    ("shenji", "县审计局", "core", False, 70),
    ("fayuan", "县人民法院", "extra", False, 110),
    ("jianchayuan", "县人民检察院", "extra", False, 120),
    ("gongan", "县公安局", "extra", False, 130),
    ("xinfang", "县信访局", "extra", False, 140),
]

# (code, name, archive kind, counts, order)
ROW_TYPES = [
    ("audit_finding", "审计发现问题", "external.audit_finding", True, 10),
    ("court_judgment", "法院裁判（刑事、行政）", "external.court_judgment", True, 20),
    ("traffic_offence", "交通违法（如酒驾、醉驾）", "external.traffic_offence", True, 30),
    ("org_handling", "组织处理信息", "external.org_handling", True, 40),
    ("civil_case", "民事诉讼当事人", "external.civil_case", False, 50),
    ("petition", "信访人", "external.petition", False, 60),
    ("other", "其他监督信息", "external.other", True, 90),
]
