from datetime import date

import pytest

from qinglian.documents.content import OfficialDocument, Table


@pytest.fixture
def notice_content():
    return OfficialDocument(
        title="关于开展廉政教育月活动的通知",
        body=[
            "为深入推进全面从严治党，经研究，决定于十二月在全县开展廉政教育月活动。",
            Table(["序号", "单位", "人数"], [["1", "甲县教育局", "12"]], caption="参加人员名额表"),
            "请各单位认真组织，按时报送总结。",
        ],
        issuing_body="中共甲县纪律检查委员会",
        date=date(2026, 11, 24),
        number="甲纪〔2026〕12号",
        addressee="各乡镇纪委，县直各单位",
        red_header="中共甲县纪律检查委员会文件",
        attachments=["参加人员名额表"],
        cc="县委办公室",
        printed_by="中共甲县纪律检查委员会办公室",
    )
