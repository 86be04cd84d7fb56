"""Writes of the selfreports app: uploading reports, starting a detection run, storing its pairs,
and turning a pair into an inspection finding (only when an inspector records one)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from qinglian.accounts.scopes import has_capability, scope
from qinglian.audit.services import audit_record
from qinglian.front import filecheck
from qinglian.people.models import Cadre, Unit
from qinglian.selfreports import extract, similarity
from qinglian.selfreports.models import CopyPair, DetectionRun, ReportKind, SelfReport

CAP = "inspections.reports"
MAX_FILES = 200
RULE = "selfreports.copy_detection"
FORMATS = {filecheck.DOCX: "docx", filecheck.PDF: "pdf", filecheck.TEXT: "txt"}
_YEAR = re.compile(r"(?<!\d)(19[89]\d|20\d\d)(?!\d)")


def require(actor, unit: Unit, message: str = "该单位不在您的范围内") -> None:
    """`actor` None is the system (a background task, the demo generator)."""
    if actor is None:
        return
    if not has_capability(actor, CAP):
        raise PermissionDenied("您的角色无权进行此操作")
    if not scope(actor, CAP).contains(unit):
        raise PermissionDenied(message)


# ---------------------------------------------------------------------------------------------
# Upload


@dataclass
class UploadResult:
    stored: list[SelfReport] = field(default_factory=list)
    unread: list[SelfReport] = field(default_factory=list)  # stored, text not read (with reason)


def _year_from(name: str, default: int | None) -> int | None:
    found = _YEAR.findall(name)
    return int(found[-1]) if found else default


def _cadre_from(name: str, cadres: list[Cadre]) -> tuple[Cadre | None, str]:
    """The cadre whose name the file name contains (the longest name wins); else a reason."""
    hits = [c for c in cadres if c.name and c.name in name]
    if not hits:
        return None, "文件名中没有找到该单位干部的姓名（请在文件名中写明姓名，或选择干部后单独上传）"
    longest = max(len(c.name) for c in hits)
    hits = [c for c in hits if len(c.name) == longest]
    if len({c.pk for c in hits}) > 1:
        return None, f"文件名中的姓名“{hits[0].name}”对应多名干部，请选择干部后单独上传"
    return hits[0], ""


def _check_year(year: int | None, label: str) -> int:
    this_year = timezone.localdate().year
    if year is None:
        raise ValidationError(f"{label}：无法确定年度（请在文件名中写明年度，或填写年度）")
    if not 1980 <= year <= this_year:
        raise ValidationError(f"{label}：年度 {year} 不在 1980–{this_year} 之间")
    return year


@transaction.atomic
def reports_upload(
    *, actor, unit: Unit, kind: str, files, year: int | None = None, cadre: Cadre | None = None, request=None
) -> UploadResult:
    """Store many reports at once. `files`: (name, data) pairs. Each file's cadre is `cadre` or the
    cadre of `unit` (or a unit inside it) whose name the file name contains; its year is the one
    the file name carries, else `year`. Atomic: if any file is refused (type, size, no cadre, no
    year, already uploaded), nothing is stored and every problem is reported at once. Files that
    are accepted but cannot be read (encrypted, damaged, scanned PDFs) ARE stored and listed as
    not read, with the reason."""
    require(actor, unit)
    if kind not in ReportKind.values:
        raise ValidationError({"kind": "请选择材料类型"})
    files = list(files)
    if not files:
        raise ValidationError({"files": "请选择要上传的文件"})
    if len(files) > MAX_FILES:
        raise ValidationError({"files": f"一次最多上传 {MAX_FILES} 个文件"})
    if cadre is not None:
        if not cadre.unit.is_within(unit):
            raise ValidationError({"cadre": f"{cadre.name} 不在 {unit.name}"})
        cadres = [cadre]
    else:
        cadres = list(Cadre.objects.filter(unit__path__startswith=unit.path).select_related("unit"))
    s = scope(actor, CAP) if actor is not None else None
    errors: list[str] = []
    accepted = []
    seen: set[tuple] = set()
    for raw_name, data in files:
        name = filecheck.clean_name(raw_name)
        label = f"文件“{name}”"
        try:
            if name.lower().endswith(".docx") and extract.is_encrypted_office(data):
                if len(data) > filecheck.max_file_bytes():
                    raise ValidationError(f"{label}超过大小限制")
                fmt = "docx"
            else:
                checked = filecheck.check_file(name, data)
                fmt = FORMATS.get(checked.content_type)
                if fmt is None:
                    raise ValidationError(f"{label}：只接受 Word（.docx）、PDF 和纯文本（.txt）文件")
            who, why = (cadre, "") if cadre is not None else _cadre_from(name, cadres)
            if who is None:
                raise ValidationError(f"{label}：{why}")
            if s is not None and not s.contains(who.unit):
                raise ValidationError(f"{label}：{who.name} 所在单位不在您的范围内")
            y = _check_year(_year_from(name, year) if cadre is None or year is None else year, label)
            digest = hashlib.sha256(data).hexdigest()
            key = (who.pk, y, kind, digest)
            if key in seen or SelfReport.objects.filter(cadre=who, year=y, kind=kind, sha256=digest).exists():
                raise ValidationError(f"{label}：该干部该年度的同一文件已上传")
            seen.add(key)
            accepted.append((name, data, fmt, who, y, digest))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    result = UploadResult()
    now = timezone.now()
    for name, data, fmt, who, y, digest in accepted:
        got = extract.extract(data, fmt)
        text = got.text
        report = SelfReport(
            cadre=who, unit=who.unit, year=y, kind=kind, filename=name, file_format=fmt, sha256=digest,
            size=len(data), text=text, chars=len("".join(text.split())), readable=got.readable,
            unread_reason=got.reason[:200], uploaded_by=actor, uploaded_at=now,
        )  # fmt: skip
        report.file.save(f"sr-{digest[:16]}.{fmt}", ContentFile(data), save=False)
        report.save()
        audit_record(
            actor=actor, action="selfreports.report.upload", obj=report, person_id=who.pk, unit_id=who.unit_id,
            request=request, extra={"year": y, "kind": kind, "readable": got.readable, "sha256": digest},
        )  # fmt: skip
        (result.stored if got.readable else result.unread).append(report)
    return result


# ---------------------------------------------------------------------------------------------
# Detection


def current_params(on: date | None = None) -> dict:
    from qinglian.rules.registry import param

    on = on or timezone.localdate()
    return {
        "threshold": float(param(RULE, "threshold", as_of=on).value),
        "common_min_docs": int(param(RULE, "common_min_docs", as_of=on).value),
        "common_fraction": float(param(RULE, "common_fraction", as_of=on).value),
    }


@transaction.atomic
def run_start(*, actor, scope_unit: Unit, year_from: int | None = None, year_to: int | None = None,
              request=None, background: bool = True) -> DetectionRun:  # fmt: skip
    """Queue a detection run over the readable reports of `scope_unit` (and the units inside it).
    `background=False` (the demo generator) compares at once instead."""
    require(actor, scope_unit)
    if year_from and year_to and year_from > year_to:
        raise ValidationError({"year_to": "截止年度不能早于起始年度"})
    params = current_params()
    run = DetectionRun.objects.create(
        scope_unit=scope_unit, year_from=year_from, year_to=year_to, threshold=round(params["threshold"], 2),
        params=params, started_by=actor, created_at=timezone.now(),
    )  # fmt: skip
    audit_record(actor=actor, action="selfreports.run.start", obj=run, unit_id=scope_unit.pk, request=request,
                 extra=params)  # fmt: skip
    if not background:
        return run_execute(run)
    from qinglian.selfreports.tasks import detect

    transaction.on_commit(lambda: detect.enqueue(run.pk))
    return run


def run_reports(run: DetectionRun):
    qs = SelfReport.objects.filter(unit__path__startswith=run.scope_unit.path)
    if run.year_from:
        qs = qs.filter(year__gte=run.year_from)
    if run.year_to:
        qs = qs.filter(year__lte=run.year_to)
    if run.started_by_id:
        qs = qs.filter(scope(run.started_by, CAP).units_q("unit__"))
    return qs


def run_execute(run: DetectionRun) -> DetectionRun:
    """Compare the run's reports (called by the background task). Pairs above the threshold are
    stored with the share of each text that the other one shares (common passages excluded)."""
    import time

    DetectionRun.objects.filter(pk=run.pk).update(status=DetectionRun.Status.RUNNING)
    t0 = time.perf_counter()
    rows = list(run_reports(run).order_by("pk").values_list("pk", "cadre_id", "readable", "text"))
    readable = [r for r in rows if r[2]]
    p = run.params or current_params()
    params = similarity.Params(
        threshold=float(p["threshold"]),
        common_min_docs=int(p["common_min_docs"]),
        common_fraction=float(p["common_fraction"]),
    )
    texts = [r[3] for r in readable]
    corpus = similarity.Corpus.from_texts(texts, params.shingle)
    result = similarity.find_pairs(corpus, params)
    t1 = time.perf_counter()
    pairs = []
    for pair in result.pairs:
        a, b = readable[pair.i], readable[pair.j]
        if a[0] > b[0]:
            a, b = b, a
        _, _, share_a, share_b = similarity.shared_spans(a[3], b[3], result.common, params.shingle)
        pairs.append(
            CopyPair(run=run, report_a_id=a[0], report_b_id=b[0], same_person=a[1] == b[1],
                     jaccard=round(pair.jaccard, 4), share_a=round(share_a, 4), share_b=round(share_b, 4))
        )  # fmt: skip
    with transaction.atomic():
        CopyPair.objects.bulk_create(pairs, batch_size=500)
        run.status = DetectionRun.Status.DONE
        run.finished_at = timezone.now()
        run.reports = len(readable)
        run.unread = len(rows) - len(readable)
        run.pair_count = len(pairs)
        run.common = result.common.astype("<u4").tobytes()
        run.timings = {
            **{k: round(v, 3) for k, v in result.timings.items()},
            "total": round(time.perf_counter() - t0, 3),
            "compare": round(t1 - t0, 3),
            "bands": result.bands,
            "rows": result.rows,
            "candidates": result.candidates,
        }
        run.save()
        audit_record(actor=None, action="selfreports.run.finish", obj=run, unit_id=run.scope_unit_id,
                     extra={"reports": run.reports, "pairs": run.pair_count})  # fmt: skip
    return run


def run_fail(run_id: int, exc: Exception) -> None:
    DetectionRun.objects.filter(pk=run_id).update(
        status=DetectionRun.Status.FAILED,
        finished_at=timezone.now(),
        error=f"比对失败：{type(exc).__name__}"[:255],
    )


def common_of(run: DetectionRun) -> np.ndarray:
    return np.frombuffer(bytes(run.common or b""), dtype="<u4").astype(np.uint32)


# ---------------------------------------------------------------------------------------------
# A pair becomes a finding only when an inspector records one


@transaction.atomic
def pair_finding(*, actor, pair: CopyPair, round, side: str, text: str, request=None):
    """Record an inspection finding about the cadre of side "a" or "b" of the pair, through the
    inspections app (finding_record). Nothing is put on the cadre's file here: the finding follows
    the inspection procedure (the cadre's explanation, a named person's decision)."""
    from qinglian.inspections.services import finding_record

    pair = (
        CopyPair.objects.select_for_update()
        .select_related("report_a__cadre", "report_b__cadre")
        .get(pk=pair.pk)
    )
    if pair.finding_id:
        raise ValidationError({"pair": "这对材料已记录为巡察发现问题"})
    if side not in ("a", "b"):
        raise ValidationError({"side": "请选择涉及的干部"})
    report = pair.report_a if side == "a" else pair.report_b
    require(actor, report.unit)
    other = pair.report_b if side == "a" else pair.report_a
    require(actor, other.unit)
    source = f"述职述廉报告雷同比对 #{pair.run_id}/{pair.pk}"
    finding = finding_record(
        actor=actor,
        round=round,
        unit=report.unit,
        text=text,
        cadre=report.cadre,
        source=source,
        request=request,
    )
    pair.finding = finding
    pair.save(update_fields=["finding"])
    audit_record(
        actor=actor, action="selfreports.pair.finding", obj=pair, person_id=report.cadre_id, unit_id=report.unit_id,
        request=request, extra={"finding": finding.pk, "round": round.pk, "jaccard": pair.jaccard},
    )  # fmt: skip
    return finding


def finding_text(pair: CopyPair, side: str) -> str:
    """A suggested wording for the inspector to edit."""
    me = pair.report_a if side == "a" else pair.report_b
    other = pair.report_b if side == "a" else pair.report_a
    share = pair.share_a if side == "a" else pair.share_b
    if pair.same_person:
        what = (
            f"{me.cadre.name}{me.year}年{me.get_kind_display()}与其{other.year}年材料雷同（换年度不换内容）"
        )
    else:
        what = f"{me.cadre.name}{me.year}年{me.get_kind_display()}与{other.cadre.name}{other.year}年材料雷同"
    return f"{what}，重合文字约占{share:.0%}（5字片段相似度 {pair.jaccard:.2f}，已剔除政策原文等常见段落）。"
