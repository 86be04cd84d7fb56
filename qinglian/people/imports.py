"""Excel import and export of cadres and relatives (units and posts follow the same pattern).

Every row is validated by the same form as the web page (`cadre_forms`); nothing is written unless
every row is valid. Re-importing the same file changes nothing: rows are matched by the keyed hash
of the ID number. Writes are set-based: bulk inserts and updates in large batches.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from qinglian.accounts.scopes import has_capability, scope
from qinglian.audit.services import audit_record
from qinglian.core.crypto import keyed_hash
from qinglian.core.excel import Column, FileRejected, RowError, read_table
from qinglian.people.cadre_forms import CadreFieldsForm, RelativeForm
from qinglian.people.identity import id_fields, name_tokens, tail_hashes
from qinglian.people.models import (
    Cadre,
    CadreSearchToken,
    CadreStatus,
    Education,
    EmploymentType,
    Gender,
    ManagingBody,
    Post,
    PostLevel,
    Rank,
    Relation,
    Relative,
    RelativeSource,
    Unit,
)

YES_NO = ["是", "否"]
BATCH = 2000


def _labels(choices) -> list[str]:
    return [label for _, label in choices.choices]


CADRE_COLUMNS = [
    Column("姓名", "name", True),
    Column("身份证号", "id_number", True, "18位；旧版15位号码自动转换"),
    Column("单位代码", "unit", True, "本系统的单位代码，见“单位”页面"),
    Column("职务", "post_title"),
    Column("职务层级", "post_level", True, choices=_labels(PostLevel)),
    Column("职级", "rank", choices=_labels(Rank)),
    Column("性别", "gender", note="留空则按身份证号", choices=_labels(Gender)),
    Column("出生日期", "birth_date", note="YYYY-MM-DD；留空则按身份证号；与身份证号不一致时标记待核实"),
    Column("民族", "ethnicity"),
    Column("中共党员", "party_member", choices=YES_NO),
    Column("入党时间", "party_join_date", note="YYYY-MM-DD"),
    Column("学历", "education", choices=_labels(Education)),
    Column("班子成员", "is_leadership_member", choices=YES_NO),
    Column("一把手", "is_top_leader", choices=YES_NO),
    Column("人财物关键岗位", "is_key_post", choices=YES_NO),
    Column("执法岗位", "is_law_enforcement", choices=YES_NO),
    Column("司法岗位", "is_judicial", choices=YES_NO),
    Column("一肩挑", "is_dual_role", choices=YES_NO),
    Column("管理权限", "managing_body", choices=_labels(ManagingBody)),
    Column("人员类别", "employment_type", choices=_labels(EmploymentType)),
    Column("状态", "status", choices=_labels(CadreStatus)),
    Column("状态变更日期", "status_date", note="YYYY-MM-DD"),
    Column("现职任职时间", "post_start_date", note="YYYY-MM-DD"),
    Column("联系电话", "phone"),
]
RELATIVE_COLUMNS = [
    Column("干部身份证号", "cadre", True, "该亲属所属干部的身份证号"),
    Column("关系", "relation", True, choices=_labels(Relation)),
    Column("姓名", "name", True),
    Column("身份证号", "id_number", note="已知时填写"),
    Column("出生日期", "birth_date", note="YYYY-MM-DD"),
    Column("工作单位代码", "employer_unit", note="本辖区单位填单位代码"),
    Column("工作单位统一社会信用代码", "employer_credit_code"),
    Column("工作单位名称", "employer_name"),
    Column("职务/职业", "job"),
    Column("在国（境）外", "abroad", choices=YES_NO),
    Column("已移居国（境）外", "emigrated", choices=YES_NO),
    Column("来源", "source", True, choices=_labels(RelativeSource)),
    Column("来源日期", "source_date", note="YYYY-MM-DD"),
]

_CHOICE_FIELDS = {
    "post_level": PostLevel, "rank": Rank, "gender": Gender, "education": Education,
    "managing_body": ManagingBody, "employment_type": EmploymentType, "status": CadreStatus,
    "relation": Relation, "source": RelativeSource,
}  # fmt: skip
_BOOL_FIELDS = {
    "party_member", "is_leadership_member", "is_top_leader", "is_key_post", "is_law_enforcement",
    "is_judicial", "is_dual_role", "abroad", "emigrated",
}  # fmt: skip


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


Progress = Callable[[int, int], None]


def _to_form_data(values: dict, columns: list[Column]) -> tuple[dict, list[tuple[str, str, str]]]:
    """Chinese labels → form values; returns problems (header, value, reason) found on the way."""
    data, problems = {}, []
    for col in columns:
        raw = values.get(col.header, "")
        if col.field in _CHOICE_FIELDS and raw:
            mapping = {label: value for value, label in _CHOICE_FIELDS[col.field].choices}
            mapping.update({value: value for value, _ in _CHOICE_FIELDS[col.field].choices})
            if raw not in mapping:
                problems.append(
                    (col.header, raw, f"“{raw}”不是有效的{col.header}，可选：{'、'.join(col.choices)}")
                )
                continue
            data[col.field] = mapping[raw]
        elif col.field in _BOOL_FIELDS:
            if raw in ("是", "Y", "y", "1", "TRUE", "True", "true"):
                data[col.field] = "on"
            elif raw not in ("", "否", "N", "n", "0", "FALSE", "False", "false"):
                problems.append((col.header, raw, f"{col.header}只能填“是”或“否”"))
        else:
            data[col.field] = raw
    return data, problems


def _form_problems(form, columns: list[Column]) -> list[tuple[str, str, str]]:
    by_field = {c.field: c.header for c in columns}
    out = []
    for fname, errs in form.errors.items():
        header = by_field.get(fname, "")
        for e in errs:
            out.append((header, str(form.data.get(fname, "")), e))
    return out


def _units_by_code(actor) -> dict[str, Unit]:
    q = scope(actor, "people.manage").units_q() if actor is not None else None
    units = Unit.objects.filter(q) if q is not None else Unit.objects.all()
    return {u.code: u for u in units.only("id", "code", "kind", "path", "name")}


def validate_cadre_rows(*, actor, data: bytes, progress: Progress | None = None):
    """Validate every row. Returns (result, valid rows as cleaned dicts keyed by ID hash)."""
    result = ImportResult()
    units = _units_by_code(actor)
    rows: dict[str, dict] = {}
    first_row: dict[str, int] = {}
    for number, values in read_table(data, CADRE_COLUMNS):
        result.total += 1
        form_data, problems = _to_form_data(values, CADRE_COLUMNS)
        code = values.get("单位代码", "")
        unit = units.get(code)
        if unit is None:
            problems.append(
                ("单位代码", code, "单位代码不存在或不在您的管理范围内" if code else "单位代码必填")
            )
        form = CadreFieldsForm(data=form_data)
        if not form.is_valid():
            problems.extend(_form_problems(form, CADRE_COLUMNS))
        elif unit is not None and form.cleaned_data.get("is_dual_role") and unit.kind != "village":
            problems.append(("一肩挑", values.get("一肩挑", ""), "一肩挑只适用于村（社区）干部"))
        if not problems:
            cleaned = form.cleaned_data
            cleaned["unit"] = unit
            h = keyed_hash(cleaned["id_number"].number)
            if h in rows:
                problems.append(
                    ("身份证号", cleaned["id_number"].masked, f"与第 {first_row[h]} 行的身份证号重复")
                )
            else:
                cleaned["_row"] = number
                rows[h] = cleaned
                first_row[h] = number
        result.errors.extend(RowError(number, h, v, r) for h, v, r in problems)
        if progress and result.total % 1000 == 0:
            progress(result.total, 0)
    return result, rows


def _changed(cadre: Cadre, cleaned: dict) -> dict:
    from qinglian.people.cadre_services import CADRE_FIELDS

    out = {}
    for f in CADRE_FIELDS:
        if f not in cleaned:
            continue
        current = cadre.unit_id if f == "unit" else getattr(cadre, f)
        new = cleaned[f].pk if f == "unit" else cleaned[f]
        if f in ("education",) and new is None:
            new = ""
        if current != new:
            out[f] = cleaned[f]
    return out


def import_cadres(
    *, actor, data: bytes, filename: str = "", progress: Progress | None = None
) -> ImportResult:
    """Validate all rows; if every row is valid, write them all in one transaction."""
    from qinglian.people.cadre_services import CADRE_FIELDS, POST_FIELDS

    if actor is not None and not has_capability(actor, "people.manage"):
        raise PermissionDenied("无权导入干部")
    result, rows = validate_cadre_rows(actor=actor, data=data, progress=progress)
    if not result.ok:
        return result
    today = timezone.localdate()
    hashes = list(rows)
    existing: dict[str, Cadre] = {}
    for i in range(0, len(hashes), BATCH):
        for c in Cadre.objects.filter(id_number_hash__in=hashes[i : i + BATCH]):
            existing[c.id_number_hash] = c
    open_posts = {
        p.cadre_id: p.start_date
        for p in Post.objects.filter(cadre__in=list(existing.values()), end_date__isnull=True).only(
            "cadre_id", "start_date"
        )
    }
    new_cadres, updates, renamed, post_changes = [], [], [], []
    for h, cleaned in rows.items():
        cadre = existing.get(h)
        if cadre is None:
            number = cleaned["id_number"]
            c = Cadre(**{f: cleaned[f] for f in CADRE_FIELDS if f in cleaned})
            c.education = c.education or ""
            for k, v in {**id_fields(number), **tail_hashes(number.number)}.items():
                setattr(c, k, v)
            tokens = sorted(name_tokens(c.name))
            c.search_text = " ".join(tokens)[:255]
            c._tokens, c._post_start = tokens, cleaned.get("post_start_date") or today
            new_cadres.append(c)
            continue
        changes = _changed(cadre, cleaned)
        if not changes:
            result.unchanged += 1
            continue
        if any(f in changes for f in POST_FIELDS):
            when = cleaned.get("post_start_date") or today
            if cadre.pk in open_posts and when < open_posts[cadre.pk]:
                result.errors.append(RowError(
                    cleaned["_row"], "现职任职时间", str(when),
                    f"职务有变化，新职务的任职时间不能早于现职任职时间（{open_posts[cadre.pk]:%Y-%m-%d}）",
                ))  # fmt: skip
                continue
            post_changes.append((cadre, when))
        for f, v in changes.items():
            setattr(cadre, f, v)
        if "name" in changes:
            cadre.search_text = " ".join(sorted(name_tokens(cadre.name)))[:255]
            renamed.append(cadre)
        updates.append(cadre)
    if not result.ok:
        return result
    with transaction.atomic():
        Cadre.objects.bulk_create(new_cadres, batch_size=BATCH)
        CadreSearchToken.objects.bulk_create(
            [CadreSearchToken(cadre=c, token=t) for c in new_cadres for t in c._tokens], batch_size=BATCH * 4
        )
        Post.objects.bulk_create(
            [Post(cadre=c, unit=c.unit, title=c.post_title or "—", level=c.post_level, start_date=c._post_start)
             for c in new_cadres],
            batch_size=BATCH,
        )  # fmt: skip
        if updates:
            Cadre.objects.bulk_update(updates, [*CADRE_FIELDS, "search_text", "updated_at"], batch_size=BATCH)
            CadreSearchToken.objects.filter(cadre__in=renamed).delete()
            CadreSearchToken.objects.bulk_create(
                [CadreSearchToken(cadre=c, token=t) for c in renamed for t in sorted(name_tokens(c.name))],
                batch_size=BATCH * 4,
            )
        for cadre, when in post_changes:
            Post.objects.filter(cadre=cadre, end_date__isnull=True, start_date__lte=when).update(
                end_date=when
            )
            Post.objects.create(
                cadre=cadre,
                unit=cadre.unit,
                title=cadre.post_title or "—",
                level=cadre.post_level,
                start_date=when,
            )
        result.created, result.updated = len(new_cadres), len(updates)
        audit_record(
            actor=actor, action="cadre.import", obj=("people.import", hashlib.sha256(data).hexdigest()[:16], filename),
            extra={"rows": result.total, "created": result.created, "updated": result.updated,
                   "unchanged": result.unchanged, "sha256": hashlib.sha256(data).hexdigest()},
        )  # fmt: skip
    return result


def import_relatives(
    *, actor, data: bytes, filename: str = "", progress: Progress | None = None
) -> ImportResult:
    """Relatives keyed by (cadre, relation, name): a re-import updates instead of duplicating."""
    if actor is not None and not has_capability(actor, "people.manage"):
        raise PermissionDenied("无权导入亲属信息")
    result = ImportResult()
    parsed_rows = []
    for number, values in read_table(data, RELATIVE_COLUMNS):
        result.total += 1
        form_data, problems = _to_form_data(values, RELATIVE_COLUMNS)
        form = RelativeForm(
            data={k: v for k, v in form_data.items() if k not in ("cadre", "employer_unit")},
            units=Unit.objects.none(),
        )
        if not form.is_valid():
            problems.extend(_form_problems(form, RELATIVE_COLUMNS))
        parsed_rows.append((number, values, form, problems))
    cadre_hashes = set()
    from qinglian.core.idnumber import IdNumberError, parse

    for _number, values, _form, problems in parsed_rows:
        try:
            values["_cadre_hash"] = keyed_hash(parse(values.get("干部身份证号", "")).number)
            cadre_hashes.add(values["_cadre_hash"])
        except IdNumberError as exc:
            problems.append(("干部身份证号", "", exc.message))
    allowed = scope(actor, "people.manage") if actor is not None else None
    cadres = {
        c.id_number_hash: c
        for c in Cadre.objects.filter(id_number_hash__in=cadre_hashes).select_related("unit")
    }
    units = {
        u.code: u for u in Unit.objects.filter(code__in={v.get("工作单位代码") for _, v, _, _ in parsed_rows})
    }
    seen = {}
    for number, values, form, problems in parsed_rows:
        cadre = cadres.get(values.get("_cadre_hash"))
        if values.get("_cadre_hash") and (
            cadre is None or (allowed is not None and not allowed.contains(cadre.unit))
        ):
            problems.append(("干部身份证号", "", "干部库中没有该身份证号的干部，或不在您的管理范围内"))
        code = values.get("工作单位代码", "")
        if code and code not in units:
            problems.append(("工作单位代码", code, "单位代码不存在"))
        if not problems and form.is_valid():
            key = (cadre.pk, form.cleaned_data["relation"], form.cleaned_data["name"])
            if key in seen:
                problems.append(("姓名", form.cleaned_data["name"], f"与第 {seen[key]} 行重复"))
            seen[key] = number
            values["_cadre"] = cadre
            form.cleaned_data["employer_unit"] = units.get(code)
        result.errors.extend(RowError(number, h, v, r) for h, v, r in problems)
    if not result.ok:
        return result
    from qinglian.people.cadre_services import relative_save

    existing = {
        (r.cadre_id, r.relation, r.name): r
        for r in Relative.objects.filter(cadre__in=[v["_cadre"] for _, v, _, _ in parsed_rows])
    }
    with transaction.atomic():
        for _number, values, form, _problems in parsed_rows:
            cadre = values["_cadre"]
            current = existing.get((cadre.pk, form.cleaned_data["relation"], form.cleaned_data["name"]))
            if (
                current is not None
                and all(
                    getattr(current, k)
                    == (form.cleaned_data.get(k) or ("" if isinstance(getattr(current, k), str) else None))
                    for k in (
                        "employer_credit_code",
                        "employer_name",
                        "job",
                        "birth_date",
                        "source",
                        "source_date",
                    )
                )
                and current.employer_unit_id
                == (form.cleaned_data["employer_unit"].pk if form.cleaned_data["employer_unit"] else None)
                and current.abroad == form.cleaned_data["abroad"]
                and current.emigrated == form.cleaned_data["emigrated"]
            ):
                result.unchanged += 1
                continue
            relative_save(actor=actor, cadre=cadre, data=form.cleaned_data, relative=current)
            if current is None:
                result.created += 1
            else:
                result.updated += 1
    return result


__all__ = [
    "CADRE_COLUMNS",
    "RELATIVE_COLUMNS",
    "FileRejected",
    "ImportResult",
    "import_cadres",
    "import_relatives",
]
