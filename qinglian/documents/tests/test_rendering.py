import io
import shutil
import subprocess

import docx
import pytest
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from qinglian.documents.rendering import _refusing_fetcher, render_docx, render_pdf


def pdf_text(data: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is required: scripts/test.sh installs it")
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_docx_holds_the_chinese_text_and_gbt9704_page_setup(notice_content):
    document = docx.Document(io.BytesIO(render_docx(notice_content)))
    texts = [p.text for p in document.paragraphs]
    assert texts[:2] == ["中共甲县纪律检查委员会文件", "甲纪〔2026〕12号"]
    assert "关于开展廉政教育月活动的通知" in texts
    assert "各乡镇纪委，县直各单位：" in texts
    assert "二〇二六年十一月二十四日" in texts
    assert "抄送：县委办公室。" in texts
    assert document.tables[0].rows[1].cells[1].text == "甲县教育局"
    section = document.sections[0]
    assert [round(x.mm) for x in (section.top_margin, section.left_margin, section.right_margin)] == [
        37,
        28,
        26,
    ]
    assert round(section.bottom_margin.mm) == 35 and round(section.page_width.mm) == 210
    assert section.footer.paragraphs[0].text.startswith("— ")


def test_pdf_holds_the_chinese_text_with_page_numbers(notice_content, tmp_path):
    data = render_pdf(notice_content)
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path).replace(" ", "")  # pdftotext drops or keeps spaces at will
    for expected in (
        "中共甲县纪律检查委员会文件",
        "甲纪〔2026〕12号",
        "关于开展廉政教育月活动的通知",
        "甲县教育局",
        "二〇二六年十一月二十四日",
        "2026年11月24日印发",
        "—1—",
        "—2—",
    ):
        assert expected in text


def test_pdf_text_is_escaped_not_interpreted(notice_content, tmp_path):
    import dataclasses

    content = dataclasses.replace(notice_content, body=['<img src="http://127.0.0.1:9/x.png">第一段'])
    assert '<img src="http://127.0.0.1:9/x.png">第一段' in pdf_text(render_pdf(content), tmp_path)


def test_renderer_refuses_to_fetch_any_url():
    html = HTML(string='<img src="http://127.0.0.1:9/x.png">', base_url=None, url_fetcher=_refusing_fetcher())
    with pytest.raises(FatalURLFetchingError):
        html.write_pdf()
