"""The shipped handover checklist: the six handover items of seed 001 (六大交接事项), worded as
the examples of issue 7. org_supervision edits it on the checklist page; every change is a new
version and open cases keep the one they were opened with."""

DEFAULT_ITEMS = [
    {
        "title": "未完成的重大事项",
        "guidance": "在办的“三重一大”事项、重要工作部署及其进展、会议决定未落实事项",
    },
    {"title": "财务与资产", "guidance": "账户、资金、债权债务、固定资产与国有资产清单，财务印鉴与票据"},
    {"title": "工程项目与合同", "guidance": "在建和拟建项目、政府采购、对外签订的合同协议及履行情况"},
    {"title": "人事事项", "guidance": "编制与人员情况、在办的干部选拔任用和人事调整事项、人事档案"},
    {"title": "文件与印章", "guidance": "重要文件资料、涉密载体、单位及内设机构印章的移交清点"},
    {"title": "风险与问题", "guidance": "已知的廉政风险、信访矛盾、巡察审计反馈问题的整改情况及遗留问题"},
]

# What each supervising body does in a handover (seed 001: the duties of discipline,
# organisation and audit are to be named, not left vague).
DEFAULT_DUTIES = {
    "discipline": "监督交接过程；审查交接事项中发现的违纪违法问题线索；出具离任廉政情况意见",
    "organisation": "组织实施交接；确定交接期限，审核交接清单；督促接任人签收，归档离任信息",
    "audit": "开展离任（经济责任）审计，出具审计报告；对审计发现问题提出处理建议",
}
