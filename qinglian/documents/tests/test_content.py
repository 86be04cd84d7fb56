from datetime import date

import pytest

from qinglian.documents.content import OfficialDocument, arabic_date, chinese_date


@pytest.mark.parametrize(
    ("d", "text"),
    [
        (date(2026, 11, 24), "二〇二六年十一月二十四日"),
        (date(2026, 1, 1), "二〇二六年一月一日"),
        (date(2030, 10, 10), "二〇三〇年十月十日"),
        (date(2025, 12, 31), "二〇二五年十二月三十一日"),
        (date(2026, 2, 20), "二〇二六年二月二十日"),
    ],
)
def test_chinese_date_is_written_as_in_official_documents(d, text):
    assert chinese_date(d) == text


def test_arabic_date_has_no_leading_zeros():
    assert arabic_date(date(2026, 3, 5)) == "2026年3月5日"


def test_attachments_are_numbered_only_when_there_are_several():
    one = OfficialDocument(
        title="通知", body=[], issuing_body="甲县纪委", date=date(2026, 1, 5), attachments=["名单"]
    )
    assert one.attachment_lines == ["附件：名单"]
    two = OfficialDocument(
        title="通知", body=[], issuing_body="甲县纪委", date=date(2026, 1, 5), attachments=["名单", "表格"]
    )
    assert two.attachment_lines == ["附件：1．名单", "　　　2．表格"]


def test_document_without_a_title_is_refused():
    with pytest.raises(ValueError):
        OfficialDocument(title=" ", body=[], issuing_body="甲县纪委", date=date(2026, 1, 5))
