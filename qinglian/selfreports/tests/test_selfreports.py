"""Upload, extraction, detection runs, scope and findings through the services and the pages."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, timedelta

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from qinglian.audit.models import AuditEvent
from qinglian.selfreports import extract, services
from qinglian.selfreports.models import CopyPair, DetectionRun, SelfReport

RULES_ROLE = "case_management"
ALPHABET = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
QUOTE = "深入学习贯彻习近平新时代中国特色社会主义思想，坚决做到两个维护，" * 6


def words(n: int, seed: int) -> str:
    rng = np.random.default_rng(seed)
    return "".join(rng.choice(ALPHABET, n))


def report_text(seed: int) -> str:
    return QUOTE + "\n" + words(900, seed) + "\n" + QUOTE


def docx_bytes(text: str) -> bytes:
    import docx

    d = docx.Document()
    for para in text.split("\n"):
        d.add_paragraph(para)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def pdf_bytes(text: str) -> bytes:
    """A PDF with selectable Chinese text, made with WeasyPrint (installed for documents)."""
    from weasyprint import HTML

    return HTML(string=f"<html><body><p>{text}</p></body></html>").write_pdf()


@pytest.fixture
def office(tree, make_user):
    return make_user("inspection_office", tree.county_a)


@pytest.fixture
def people(tree, make_cadre):
    return {
        "zhang": make_cadre(tree.dept_a1, "张明"),
        "li": make_cadre(tree.dept_a1, "李强"),
        "wang": make_cadre(tree.dept_a2, "王芳", gender="female"),
        "zhao": make_cadre(tree.dept_b1, "赵刚"),
    }


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """Start a run and let its background task run (the immediate backend, after commit)."""

    def do(actor, unit, **kw):
        with django_capture_on_commit_callbacks(execute=True):
            run = services.run_start(actor=actor, scope_unit=unit, **kw)
        run.refresh_from_db()
        return run

    return do


def upload(actor, unit, files, **kw):
    kw.setdefault("kind", "shuzhi")
    return services.reports_upload(actor=actor, unit=unit, files=files, **kw)


# --- extraction ------------------------------------------------------------------------------


def test_text_is_read_from_docx_txt_and_gb18030():
    text = "述职述廉报告\n一、履行职责情况"
    assert extract.extract(docx_bytes(text), "docx").text.splitlines()[1] == "一、履行职责情况"
    assert extract.extract(text.encode("utf-8-sig"), "txt").text == text
    assert extract.extract(text.encode("gb18030"), "txt").text == text
    got = extract.extract(b"   \n", "txt")
    assert not got.readable and "空" in got.reason


@pytest.mark.skipif(not extract.pdf_tools_available(), reason="poppler-utils not installed")
def test_pdf_text_and_unreadable_pdfs():
    got = extract.extract(pdf_bytes("述职述廉报告：本人履行一岗双责"), "pdf")
    assert got.readable and "一岗双责" in got.text
    damaged = extract.extract(b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer <<>>\n%%EOF", "pdf")
    assert not damaged.readable and damaged.reason


@pytest.mark.skipif(not shutil.which("qpdf"), reason="qpdf not installed")
def test_password_protected_pdf_is_not_read(tmp_path):
    src = tmp_path / "a.pdf"
    src.write_bytes(pdf_bytes("机密"))
    out = tmp_path / "b.pdf"
    subprocess.run(["qpdf", "--encrypt", "user", "owner", "256", "--", str(src), str(out)], check=True)
    got = extract.extract(out.read_bytes(), "pdf")
    assert not got.readable and "加密" in got.reason


ENCRYPTED_DOCX = (
    extract.CFB_MAGIC + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64
    + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 1024
)  # fmt: skip


def test_encrypted_and_damaged_word_documents_are_listed_as_not_read(tree, office, people):
    broken = docx_bytes("正文")
    broken = broken[:200] + b"\x00" * 50 + broken[250:]
    result = upload(office, tree.dept_a1, [("2023年张明述职述廉报告.docx", ENCRYPTED_DOCX),
                                           ("2024年张明述职述廉报告.docx", broken)])  # fmt: skip
    assert result.stored == []
    reasons = {r.year: r.unread_reason for r in result.unread}
    assert "加密" in reasons[2023]
    assert reasons[2024]  # damaged: refused by the check or not read, never a crash
    assert SelfReport.objects.filter(readable=False).count() == 2


# --- upload ------------------------------------------------------------------------------------


def test_upload_matches_cadre_and_year_from_file_names(tree, office, people):
    result = upload(office, tree.dept_a1, [
        ("2022年张明述职述廉报告.docx", docx_bytes(report_text(1))),
        ("李强-2023.txt", report_text(2).encode()),
    ], year=2024)  # fmt: skip
    got = {(r.cadre.name, r.year, r.file_format) for r in result.stored}
    assert got == {("张明", 2022, "docx"), ("李强", 2023, "txt")}
    r = SelfReport.objects.get(cadre=people["zhang"])
    assert r.unit == tree.dept_a1 and r.readable and r.chars > 900
    assert AuditEvent.objects.filter(action="selfreports.report.upload").count() == 2


def test_a_bad_file_stores_nothing_and_every_problem_is_reported(tree, office, people):
    with pytest.raises(ValidationError) as exc:
        upload(office, tree.dept_a1, [
            ("2022年张明.txt", report_text(1).encode()),
            ("2023年无名氏.txt", report_text(2).encode()),
            ("2023年李强.exe.txt", b"MZ\x90\x00binary"),
            ("李强.txt", report_text(3).encode()),
        ])  # fmt: skip
    messages = " ".join(exc.value.messages)
    assert "无名氏" in messages and "没有找到" in messages
    assert "可执行程序" in messages
    assert "无法确定年度" in messages
    assert SelfReport.objects.count() == 0


def test_the_same_file_twice_is_refused(tree, office, people):
    data = report_text(1).encode()
    upload(office, tree.dept_a1, [("2022年张明.txt", data)])
    with pytest.raises(ValidationError, match="已上传"):
        upload(office, tree.dept_a1, [("2022年张明.txt", data)])


def test_upload_outside_scope_is_refused(tree, make_user, people):
    team = make_user("inspection_office", tree.county_b)
    with pytest.raises(PermissionDenied):
        upload(team, tree.dept_a1, [("2022年张明.txt", b"text")])


# --- detection ---------------------------------------------------------------------------------


def plant(tree, office, people):
    """张明 2023 ≈ 张明 2022 (cross-year), 王芳 2023 copies 李强 2023 (cross-person), 李强 2024
    copies three quarters of 李强 2023 (partial); every report quotes QUOTE."""
    base_zhang = report_text(10)
    base_li = report_text(20)
    cut = len(base_li) * 3 // 4  # three quarters copied: J ≈ 0.6
    files_a1 = [
        ("2022年张明.txt", base_zhang.encode()),
        ("2023年张明.txt", (base_zhang[:-40] + words(40, 11)).encode()),
        ("2023年李强.txt", base_li.encode()),
        ("2024年李强.txt", (base_li[:cut] + words(len(base_li) - cut, 21)).encode()),
    ]
    upload(office, tree.dept_a1, files_a1)
    upload(office, tree.dept_a2, [("2023年王芳.txt", (base_li[:-30] + words(30, 31)).encode())])
    return base_zhang, base_li


@pytest.fixture
def noise(tree, office, make_cadre):
    """22 other cadres' reports: their own words and the same quotation (so it is common)."""
    for i in range(22):
        make_cadre(tree.dept_a3, f"干部{i:02d}")
    upload(
        office, tree.dept_a3, [(f"2023年干部{i:02d}.txt", report_text(100 + i).encode()) for i in range(22)]
    )
    return 22


def test_detection_finds_cross_year_cross_person_and_partial_but_not_the_quotation(
    start, tree, office, people, noise
):
    plant(tree, office, people)
    run = start(office, tree.county_a)
    assert run.status == DetectionRun.Status.DONE, run.error
    assert run.reports == 5 + noise
    pairs = {(p.report_a.cadre.name, p.report_a.year, p.report_b.cadre.name, p.report_b.year): p
             for p in CopyPair.objects.filter(run=run).select_related("report_a__cadre", "report_b__cadre")}  # fmt: skip
    names = {frozenset([(k[0], k[1]), (k[2], k[3])]) for k in pairs}
    assert frozenset([("张明", 2022), ("张明", 2023)]) in names
    assert frozenset([("李强", 2023), ("王芳", 2023)]) in names
    assert frozenset([("李强", 2023), ("李强", 2024)]) in names  # partial copy, J ≈ 0.6 ≥ 0.5
    # the quotation all reports share is not copying: no pair among the noise reports
    assert not any("干部" in k[0] or "干部" in k[2] for k in pairs)
    same = [p for p in pairs.values() if p.same_person]
    assert len(same) == 2
    cross = next(
        p for k, p in pairs.items() if {(k[0], k[1]), (k[2], k[3])} == {("李强", 2023), ("王芳", 2023)}
    )
    # the shared quotation is not counted as copied text: 900 of the 1,274 characters are
    assert not cross.same_person and cross.jaccard > 0.9 and 0.65 < cross.share_a < 0.75


def test_threshold_comes_from_the_rule_registry(start, tree, office, people, noise, make_user):
    from django.utils import timezone

    from qinglian.rules.models import Rule
    from qinglian.rules.registry import param
    from qinglian.rules.services import rule_param_set

    plant(tree, office, people)
    rule = Rule.objects.get(code=services.RULE)
    admin = make_user(RULES_ROLE, tree.county_a)
    rule_param_set(actor=admin, rule=rule, key="threshold", value="0.90",
                   effective_from=timezone.localdate() - timedelta(days=1), reason="测试")  # fmt: skip
    assert float(param(services.RULE, "threshold", as_of=timezone.localdate()).value) == 0.9
    run = start(office, tree.county_a)
    assert float(run.threshold) == 0.9
    got = CopyPair.objects.filter(run=run)
    assert got.count() >= 1 and all(p.jaccard >= 0.9 for p in got)
    assert not got.filter(report_b__year=2024).exists()  # the partial copy is below 0.9


def test_unreadable_reports_are_counted_not_compared(start, tree, office, people):
    upload(
        office,
        tree.dept_a1,
        [("2023年张明.docx", ENCRYPTED_DOCX), ("2023年李强.txt", report_text(1).encode())],
    )
    run = start(office, tree.dept_a1)
    assert (run.reports, run.unread, run.pair_count) == (1, 1, 0)


# --- scope and pages ----------------------------------------------------------------------------


def test_team_sees_only_its_granted_unit_and_not_pairs_reaching_outside(
    start, tree, office, people, noise, make_user, login, client
):
    from django.utils import timezone

    from qinglian.accounts.services import scope_grant

    plant(tree, office, people)
    run = start(office, tree.county_a)
    team = make_user("inspection_team")
    now = timezone.now()
    scope_grant(actor=None, user=team, role="inspection_team", unit=tree.dept_a1, valid_from=now - timedelta(days=1),
                valid_until=now + timedelta(days=10), reason="本轮巡察")  # fmt: skip
    inside = CopyPair.objects.get(run=run, report_a__cadre__name="张明")
    reaching_out = CopyPair.objects.filter(
        run=run, report_b__cadre__name="王芳"
    ).first()  # 李强 (A1) – 王芳 (A2)
    login(team)
    assert client.get(f"/self-reports/pairs/{inside.pk}/").status_code == 200
    assert client.get(f"/self-reports/pairs/{reaching_out.pk}/").status_code == 404
    wang = SelfReport.objects.get(cadre__name="王芳")
    assert client.get(f"/self-reports/reports/{wang.pk}/").status_code == 404
    assert client.get(f"/self-reports/runs/{run.pk}/").status_code == 404  # the run covers the county
    page = client.get("/self-reports/")
    assert "王芳" not in page.content.decode() and "张明" in page.content.decode()
    outsider = make_user("inspection_office", tree.county_b)
    login(outsider)
    assert client.get(f"/self-reports/pairs/{inside.pk}/").status_code == 404
    assert client.get(f"/self-reports/runs/{run.pk}/").status_code == 404
    no_role = make_user("org_supervision", tree.county_a)
    login(no_role)
    assert client.get("/self-reports/").status_code == 403


def test_pages_upload_run_and_pair(
    django_capture_on_commit_callbacks, tree, office, people, noise, login, client
):
    login(office)
    base = report_text(10)
    files = [SimpleUploadedFile("2022年张明.txt", base.encode()),
             SimpleUploadedFile("2023年张明.docx", docx_bytes(base[:-20] + "今年新增的内容二十个字符号码")),
             SimpleUploadedFile("2023年李强.docx", ENCRYPTED_DOCX)]  # fmt: skip
    r = client.post("/self-reports/upload/", {"unit": tree.dept_a1.pk, "kind": "shuzhi", "files": files})
    assert r.status_code == 200, r.content.decode()[:2000]
    body = r.content.decode()
    assert "加密" in body and "未读取" in body
    bad = client.post("/self-reports/upload/", {"unit": tree.dept_a1.pk, "kind": "shuzhi",
                                                "files": [SimpleUploadedFile("张明.txt", b"x")]})  # fmt: skip
    assert bad.status_code == 400 and "无法确定年度" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/self-reports/runs/new/", {"scope_unit": tree.county_a.pk})
    assert r.status_code == 302
    run = DetectionRun.objects.get()
    page = client.get(f"/self-reports/runs/{run.pk}/")
    assert "逐对核看" in page.content.decode()
    pair = CopyPair.objects.get(run=run)
    page = client.get(f"/self-reports/pairs/{pair.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "ql-sr-copied" in html and "记录为巡察发现问题" in html
    assert AuditEvent.objects.filter(action="selfreports.pair.view").exists()
    assert client.post("/self-reports/runs/new/", {"scope_unit": tree.dept_b1.pk}).status_code == 400
    assert client.get(f"/self-reports/reports/{pair.report_a_id}/file/").status_code == 200


def test_run_page_has_a_fixed_number_of_queries(
    start, tree, office, people, noise, login, client, django_assert_max_num_queries
):
    plant(tree, office, people)
    run = start(office, tree.county_a)
    login(office)
    client.get(f"/self-reports/runs/{run.pk}/")
    with django_assert_max_num_queries(14):
        r = client.get(f"/self-reports/runs/{run.pk}/")
    assert r.status_code == 200
    with django_assert_max_num_queries(14):
        client.get("/self-reports/")


# --- findings -----------------------------------------------------------------------------------


@pytest.fixture
def round_(tree, office):
    from qinglian.inspections import services as insp

    five = insp.plan_create(
        actor=None, kind="five_year", title="五年规划", owner_unit=tree.county_a, start_year=2024
    )
    plan = insp.plan_create(actor=None, kind="annual", title="2026年计划", owner_unit=tree.county_a, start_year=2026,
                            parent=five)  # fmt: skip
    return insp.round_create(actor=None, plan=plan, number=1, kind="regular", start_date=date(2026, 3, 1),
                             end_date=date(2026, 5, 1), title="第一轮巡察", targets=[tree.dept_a1])  # fmt: skip


def test_a_pair_becomes_a_finding_only_when_an_inspector_records_one(
    start, tree, office, people, noise, round_, login, client
):
    from qinglian.archive.models import ArchiveEntry
    from qinglian.inspections.models import Finding

    plant(tree, office, people)
    run = start(office, tree.county_a)
    pair = CopyPair.objects.get(run=run, report_a__cadre__name="张明")
    assert Finding.objects.count() == 0 and pair.finding_id is None
    entries = ArchiveEntry.objects.count()
    login(office)
    text = services.finding_text(pair, "b")
    assert "换年度不换内容" in text
    r = client.post(
        f"/self-reports/pairs/{pair.pk}/finding/", {"round": round_.pk, "side": "b", "text": text}
    )
    assert r.status_code == 302
    pair.refresh_from_db()
    finding = Finding.objects.get()
    assert pair.finding == finding and finding.cadre == people["zhang"] and finding.unit == tree.dept_a1
    assert finding.source.startswith("述职述廉报告雷同比对")
    assert ArchiveEntry.objects.count() == entries  # nothing on the cadre's file yet
    again = client.post(
        f"/self-reports/pairs/{pair.pk}/finding/", {"round": round_.pk, "side": "b", "text": "再次"}
    )
    assert again.status_code == 400 and Finding.objects.count() == 1
    empty = CopyPair.objects.filter(run=run, report_b__cadre__name="王芳").first()
    r = client.post(f"/self-reports/pairs/{empty.pk}/finding/", {"round": round_.pk, "side": "b", "text": ""})
    assert r.status_code == 400 and Finding.objects.count() == 1
