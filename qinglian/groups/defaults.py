"""The default supervision groups (seed 000: 分类施策, 细分子集). An administrator edits them on
screen; these are only the starting rules, created once."""

SERVING = {"field": "status", "op": "eq", "value": "serving"}

DEFAULT_GROUPS = [
    ("young", "年轻干部", "35周岁及以下的在职干部（三廉工程、集体廉政谈话）",
     {"combine": "and", "conditions": [{"field": "age", "op": "lte", "value": 35}, SERVING]}),
    ("middle", "中层干部", "股室、科室、所站负责人等中层干部（非班子成员）",
     {"combine": "and", "conditions": [
         {"combine": "or", "conditions": [{"field": "post_title", "op": "contains", "value": t}
                                          for t in ("股长", "科长", "所长", "站长", "中心主任")]},
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

# (group, name, description, stage, frequency, target, responsible, evidence, due days for on-entry)
DEFAULT_MEASURES = [
    ("young", "廉课（三廉工程）", "每季度为年轻干部上一次廉政党课", "in_office", "quarterly", "unit", "member_unit",
     "课程通知、签到表或现场照片", 30),
    ("young", "廉礼（三廉工程）", "新进入年轻干部群体时赠送廉洁读本、家书等", "pre", "on_entry", "member", "member_unit",
     "赠送记录（签收单）", 30),
    ("young", "廉语（三廉工程）", "每季度向年轻干部发送廉洁提醒寄语", "in_office", "quarterly", "member", "member_unit",
     "寄语内容和发送记录", 30),
    ("young", "集体廉政谈话（新录用、新提拔）", "新录用、新提拔的年轻干部参加集体廉政谈话", "pre", "on_entry", "member",
     "supervisor", "谈话记录和签到表", 30),
    ("middle", "任中廉政谈话", "中层干部在任期间每年至少一次廉政谈话，而不只在任职时", "in_office", "yearly", "member",
     "supervisor", "谈话记录", 30),
    ("leading", "任前廉政谈话", "新任领导干部任职前的廉政谈话", "pre", "on_entry", "member", "supervisor",
     "谈话记录", 15),
    ("retired", "退休干部廉洁提醒", "每年一次廉洁提醒谈话或走访", "retired", "yearly", "member", "member_unit",
     "谈话或走访记录", 30),
    ("retired", "违规兼职情况核查", "每年核查退休领导干部在企业、社会组织兼职情况", "retired", "yearly", "member",
     "member_unit", "核查表", 30),
    ("law_enforcement", "执法岗位廉政风险排查", "每年排查执法岗位廉政风险点并制定防控措施", "in_office", "yearly", "unit",
     "member_unit", "风险点排查表和防控措施", 30),
]  # fmt: skip
