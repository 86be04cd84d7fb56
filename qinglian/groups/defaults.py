"""The default supervision groups (seed 000: 分类施策, 细分子集). An administrator edits them on
screen; these are only the starting rules, created once."""

SERVING = {"field": "status", "op": "eq", "value": "serving"}

DEFAULT_GROUPS = [
    ("young", "年轻干部", "35周岁及以下的在职干部（三廉工程、集体廉政谈话）",
     {"combine": "and", "conditions": [{"field": "age", "op": "lte", "value": 35}, SERVING]}),
    ("middle", "中层干部", "乡科级在职干部（非班子成员）",
     {"combine": "and", "conditions": [{"field": "post_level", "op": "in", "value": ["deputy_section", "section"]},
                                       {"field": "is_leadership_member", "op": "eq", "value": False}, SERVING]}),
    ("leading", "领导干部", "县处级及以上，或单位领导班子成员",
     {"combine": "and", "conditions": [
         {"combine": "or", "conditions": [{"field": "post_level", "op": "gte", "value": "deputy_division"},
                                          {"field": "is_leadership_member", "op": "eq", "value": True}]},
         SERVING]}),
    ("top_leader", "“一把手”", "单位主要负责人",
     {"combine": "and", "conditions": [{"field": "is_top_leader", "op": "eq", "value": True}, SERVING]}),
    ("retired", "退休干部", "已退休干部（离职后从业限制、作风观察员）",
     {"combine": "and", "conditions": [{"field": "status", "op": "eq", "value": "retired"}]}),
    ("law_enforcement", "执法人员", "行政执法岗位",
     {"combine": "and", "conditions": [{"field": "is_law_enforcement", "op": "eq", "value": True}, SERVING]}),
    ("judicial", "司法人员", "审判、检察等司法岗位",
     {"combine": "and", "conditions": [{"field": "is_judicial", "op": "eq", "value": True}, SERVING]}),
    ("soe", "国企管理人员", "国有企业人员",
     {"combine": "and", "conditions": [
         {"combine": "or", "conditions": [{"field": "employment_type", "op": "eq", "value": "soe"},
                                          {"field": "unit_kind", "op": "eq", "value": "soe"}]},
         SERVING]}),
    ("public_service", "教育卫生系统人员", "学校、医院等公共服务单位",
     {"combine": "and", "conditions": [{"field": "unit_sector", "op": "in", "value": ["教育", "卫生健康"]}, SERVING]}),
    ("contract", "编外聘用人员", "编外、聘用人员",
     {"combine": "and", "conditions": [{"field": "employment_type", "op": "eq", "value": "contract"}, SERVING]}),
    ("key_post", "人财物关键岗位", "管人、管钱、管物的关键岗位",
     {"combine": "and", "conditions": [{"field": "is_key_post", "op": "eq", "value": True}, SERVING]}),
]  # fmt: skip
