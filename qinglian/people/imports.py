"""Excel import of units, cadres, posts and relatives.

Every row is validated by the same form as the web page (`cadre_forms`); nothing is written unless
every row is valid. Re-importing the same file changes nothing: rows are matched by the keyed hash
of the ID number. Writes are set-based: bulk inserts and updates in large batches.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from qinglian.accounts.scopes import has_capability, scope
from qinglian.audit.services import audit_record
from qinglian.core.crypto import keyed_hash
from qinglian.core.excel import Column, FileRejected, RowError, read_table
from qinglian.core.idnumber import mask
from qinglian.people import bulk
from qinglian.people.cadre_forms import CadreFieldsForm, PastDateField, RelativeForm
from qinglian.people.forms import UnitForm
from qinglian.people.identity import id_fields, name_tokens, tail_hashes
from qinglian.people.models import (
    SUPERVISING_KINDS,
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
    UnitChange,
    UnitKind,
    UnitLevel,
)
from qinglian.people.signals import announce_cadres_changed

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


@lru_cache(maxsize=64)
def _choice_map(choices) -> dict[str, str]:
    """Label or value -> value, for a TextChoices class: built once, not once per cell."""
    mapping = {label: value for value, label in choices.choices}
    mapping.update({value: value for value, _ in choices.choices})
    return mapping


def _to_form_data(
    values: dict, columns: list[Column], choice_fields: dict | None = None
) -> tuple[dict, list[tuple[str, str, str]]]:
    """Chinese labels → form values; returns problems (header, value, reason) found on the way."""
    data, problems = {}, []
    choice_fields = {**_CHOICE_FIELDS, **(choice_fields or {})}
    for col in columns:
        raw = values.get(col.header, "")
        if col.field in choice_fields and raw:
            mapping = _choice_map(choice_fields[col.field])
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
        value = str(form.data.get(fname, ""))
        if fname == "id_number":
            # An error report travels by e-mail and USB stick: never a full ID number, even a wrong one.
            value = mask(value.strip()) if len(value.strip()) >= 10 else "*" * len(value.strip())
        for e in errs:
            out.append((header, value, e))
    return out


def _units_by_code(actor) -> dict[str, Unit]:
    q = scope(actor, "people.manage").units_q() if actor is not None else None
    units = Unit.objects.filter(q) if q is not None else Unit.objects.all()
    return {u.code: u for u in units.only("id", "code", "kind", "path", "name")}


def validate_cadre_rows(*, actor, data: bytes, progress: Progress | None = None):
    """Validate every row. Returns (result, valid rows as cleaned dicts keyed by ID hash)."""
    from qinglian.people.cadre_forms import row_validator  # one form instance for every row

    result = ImportResult()
    units = _units_by_code(actor)
    rows: dict[str, dict] = {}
    first_row: dict[str, int] = {}
    cadre_form = row_validator(CadreFieldsForm)
    for number, values in read_table(data, CADRE_COLUMNS):
        result.total += 1
        form_data, problems = _to_form_data(values, CADRE_COLUMNS)
        code = values.get("单位代码", "")
        unit = units.get(code)
        if unit is None:
            problems.append(
                ("单位代码", code, "单位代码不存在或不在您的管理范围内" if code else "单位代码必填")
            )
        form = cadre_form(form_data)
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
    from qinglian.people.cadre_services import CADRE_FIELDS, POST_FIELDS, TOKEN_SOURCE_FIELDS, search_tokens

    if actor is not None and not has_capability(actor, "people.manage"):
        raise PermissionDenied("无权导入干部")
    result, rows = validate_cadre_rows(actor=actor, data=data, progress=progress)
    if not result.ok:
        return result
    today = timezone.localdate()
    hashes = list(rows)
    existing: dict[str, Cadre] = {}
    for i in range(0, len(hashes), BATCH):
        for c in Cadre.objects.filter(id_number_hash__in=hashes[i : i + BATCH]).select_related("unit"):
            existing[c.id_number_hash] = c
    open_posts = {
        p.cadre_id: p.start_date
        for p in Post.objects.filter(cadre__in=list(existing.values()), end_date__isnull=True).only(
            "cadre_id", "start_date"
        )
    }
    new_cadres, updates, retokened, post_changes = [], [], [], []
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
        if any(f in changes for f in TOKEN_SOURCE_FIELDS):  # the tokens carry copies of these
            retokened.append(cadre)
        updates.append(cadre)
    if not result.ok:
        return result
    with transaction.atomic():
        # New rows go in with COPY (PostgreSQL) / executemany (SQLite) under ids reserved up front:
        # much faster than bulk_create for a 50,000-row file (bench/people_import.py).
        now = timezone.now()
        for c, pk in zip(new_cadres, bulk.reserve_ids(Cadre, len(new_cadres)), strict=True):
            c.pk, c.created_at, c.updated_at = pk, now, now
        bulk.insert_objects(Cadre, new_cadres)
        tokens = [(c.pk, t, c.name, c.unit.path, c.status) for c in new_cadres for t in c._tokens]
        bulk.insert_rows(
            CadreSearchToken,
            bulk.TOKEN_LOAD_FIELDS,
            [
                (pk, *token)
                for pk, token in zip(bulk.reserve_ids(CadreSearchToken, len(tokens)), tokens, strict=True)
            ],
        )
        bulk.insert_rows(Post, bulk.POST_LOAD_FIELDS, [
            (pk, c.pk, c.unit_id, c.post_title or "—", c.post_level, c._post_start, None, "")
            for pk, c in zip(bulk.reserve_ids(Post, len(new_cadres)), new_cadres, strict=True)
        ])  # fmt: skip
        if updates:
            Cadre.objects.bulk_update(updates, [*CADRE_FIELDS, "search_text", "updated_at"], batch_size=BATCH)
            CadreSearchToken.objects.filter(cadre__in=retokened).delete()
            CadreSearchToken.objects.bulk_create(
                [t for c in retokened for t in search_tokens(c)], batch_size=BATCH * 4
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
        announce_cadres_changed([c.pk for c in new_cadres] + [c.pk for c in updates])
        digest = hashlib.sha256(data).hexdigest()
        audit_record(
            actor=actor, action="cadre.import", obj=("people.import", digest[:16], filename),
            extra={"rows": result.total, "created": result.created, "updated": result.updated,
                   "unchanged": result.unchanged, "sha256": digest},
        )  # fmt: skip
    return result


_RELATIVE_TEXT = ("employer_credit_code", "employer_name", "job", "source")
_RELATIVE_OTHER = ("birth_date", "source_date", "abroad", "emigrated")


def _relative_unchanged(current: Relative, cleaned: dict) -> bool:
    """Whether a re-imported row says nothing new about an existing relative."""
    unit = cleaned.get("employer_unit")
    return (
        all(getattr(current, k) == (cleaned.get(k) or "") for k in _RELATIVE_TEXT)
        and all(getattr(current, k) == cleaned.get(k) for k in _RELATIVE_OTHER)
        and current.employer_unit_id == (unit.pk if unit else None)
    )


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
            if current is not None and _relative_unchanged(current, form.cleaned_data):
                result.unchanged += 1
                continue
            relative_save(actor=actor, cadre=cadre, data=form.cleaned_data, relative=current)
            if current is None:
                result.created += 1
            else:
                result.updated += 1
    return result


# --- units -------------------------------------------------------------------------------------

UNIT_COLUMNS = [
    Column("单位代码", "code", True, "字母、数字、下划线、短横线；按单位代码匹配：已有的更新，没有的新增"),
    Column("单位名称", "name", True),
    Column("单位类型", "kind", True, choices=_labels(UnitKind)),
    Column("层级", "level", True, choices=_labels(UnitLevel)),
    Column(
        "上级单位代码",
        "parent",
        True,
        "系统中已有的单位，或本文件中的另一行（顺序不限）；只有本辖区的根单位留空。"
        "已有单位的隶属关系不能通过导入调整",
    ),
    Column("监督主体代码", "supervisor", note="派驻纪检监察组、乡镇纪委或纪委监委的单位代码"),
    Column("行业", "sector", note="用于利益冲突规则的行业/领域"),
]
POST_COLUMNS = [
    Column("干部身份证号", "cadre", True, "该任职经历所属干部的身份证号；干部须已在干部库中"),
    Column("单位代码", "unit", True, "任职单位的单位代码"),
    Column("职务", "title", True),
    Column("职务层级", "post_level", True, choices=_labels(PostLevel)),
    Column("任职时间", "start_date", True, "YYYY-MM-DD"),
    Column("免职时间", "end_date", note="YYYY-MM-DD；现任职务留空（每名干部最多一条现任职务）"),
]
_UNIT_CHOICES = {"kind": UnitKind, "level": UnitLevel}


class _UnitRowForm(UnitForm):
    """The unit page's own field rules (code pattern, lengths); parent and supervisor are codes here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, units=Unit.objects.none(), **kwargs)
        del self.fields["parent"], self.fields["supervisor"]


def _snapshot(unit: Unit) -> dict:
    from qinglian.people.services import _snapshot as snapshot

    return snapshot(unit)


def _unit_order(new_rows: dict[str, dict]) -> tuple[list[list[str]], set[str]]:
    """New units in generations, parents first (Kahn); returns (generations, codes left in a cycle)."""
    waiting = {code: r["parent"] for code, r in new_rows.items() if r["parent"] in new_rows}
    generations, placed = [], set()
    current = [code for code in new_rows if code not in waiting]
    while current:
        generations.append(current)
        placed.update(current)
        current = [code for code, parent in waiting.items() if parent in placed and code not in placed]
    return generations, set(new_rows) - placed


def import_units(*, actor, data: bytes, filename: str = "", progress: Progress | None = None) -> ImportResult:
    """Units keyed by 单位代码: new codes are created under their parent (in the file or already in the
    tree), existing ones get their name, kind, level, sector and supervisor updated, with history.

    A different parent for an existing unit is refused: a move carries a reason and reshapes a
    whole subtree, so it is done one unit at a time through `services.unit_move`.
    """
    if actor is not None and not has_capability(actor, "units.manage"):
        raise PermissionDenied("无权导入单位：需要“单位管理”权限（系统管理员）")
    result = ImportResult()
    rows: dict[str, dict] = {}
    parsed = []
    for number, values in read_table(data, UNIT_COLUMNS):
        result.total += 1
        form_data, problems = _to_form_data(values, UNIT_COLUMNS, _UNIT_CHOICES)
        form = _UnitRowForm(data=form_data)
        if not form.is_valid():
            problems.extend(_form_problems(form, UNIT_COLUMNS))
        code = values.get("单位代码", "")
        if code and code in rows:
            problems.append(("单位代码", code, f"与第 {rows[code]['_row']} 行的单位代码重复"))
        elif code:
            rows[code] = {
                **form_data,
                "_row": number,
                "parent": values.get("上级单位代码", ""),
                "supervisor": values.get("监督主体代码", ""),
            }
        if not problems:
            rows[code].update(form.cleaned_data)
        parsed.append((number, code, problems))
        if progress and result.total % 1000 == 0:
            progress(result.total, 0)

    allowed = scope(actor, "units.manage") if actor is not None else None

    def in_scope(unit: Unit) -> bool:
        return allowed is None or allowed.contains(unit)

    codes = set(rows) | {r["parent"] for r in rows.values()} | {r["supervisor"] for r in rows.values()}
    known = {
        u.code: u
        for i in range(0, len(codes), BATCH)
        for u in Unit.objects.filter(code__in=sorted(codes)[i : i + BATCH]).select_related("parent")
    }
    new_rows = {code: r for code, r in rows.items() if code not in known}
    generations, cyclic = _unit_order(new_rows)
    for number, code, problems in parsed:
        r = rows.get(code)
        if r is None or r["_row"] != number:
            result.errors.extend(RowError(number, h, v, why) for h, v, why in problems)
            continue
        existing = known.get(code)
        parent_code, sup_code = r["parent"], r["supervisor"]
        if existing is not None:
            if not in_scope(existing):
                problems.append(("单位代码", code, "该单位代码已被使用，且该单位不在您的管理范围内"))
            current = existing.parent.code if existing.parent_id else ""
            if parent_code != current:
                problems.append((
                    "上级单位代码", parent_code,
                    f"导入不调整已有单位的隶属关系：该单位现隶属“{existing.parent or '无'}”"
                    f"（代码 {current or '—'}）。调整隶属须填写事由，请在单位管理中逐个办理",
                ))  # fmt: skip
        elif not parent_code:
            problems.append(("上级单位代码", "", "新单位必须填写上级单位代码"))
        elif code in cyclic:
            problems.append(("上级单位代码", parent_code, "上级单位关系形成循环，或其上级处于循环之中"))
        elif parent_code in known:
            parent = known[parent_code]
            if not in_scope(parent):
                problems.append(("上级单位代码", parent_code, "上级单位不存在或不在您的管理范围内"))
            elif not parent.is_active:
                problems.append(("上级单位代码", parent_code, f"上级单位“{parent.name}”已撤销"))
        elif parent_code not in rows:
            problems.append(
                ("上级单位代码", parent_code, "上级单位不存在或不在您的管理范围内（也不在本文件中）")
            )
        if sup_code:
            sup = known.get(sup_code)
            sup_kind = rows[sup_code].get("kind") if sup_code in rows else (sup.kind if sup else None)
            if sup_code == code:
                problems.append(("监督主体代码", sup_code, "监督主体不能是单位自身"))
            elif sup_kind is None or (sup_code not in rows and not in_scope(sup)):
                problems.append(("监督主体代码", sup_code, "监督主体不存在或不在您的管理范围内"))
            elif sup_kind not in SUPERVISING_KINDS:
                problems.append(
                    ("监督主体代码", sup_code, "监督主体必须是派驻纪检监察组、乡镇纪委或纪委监委")
                )
        result.errors.extend(RowError(number, h, v, why) for h, v, why in problems)
    if not result.ok:
        return result

    def supervisor_of(r: dict, created: dict[str, Unit]) -> Unit | None:
        code = r["supervisor"]
        return (created.get(code) or known.get(code)) if code else None

    with transaction.atomic():
        created: dict[str, Unit] = {}
        for generation in generations:
            batch = []
            for code in generation:
                r = new_rows[code]
                parent = created.get(r["parent"]) or known[r["parent"]]
                batch.append(Unit(
                    code=code, name=r["name"], kind=r["kind"], level=r["level"], sector=r["sector"],
                    parent=parent, depth=parent.depth + 1,
                ))  # fmt: skip
            Unit.objects.bulk_create(batch, batch_size=BATCH)
            for unit in batch:
                unit.path = f"{unit.parent.path}{unit.pk}/"
                created[unit.code] = unit
        for code, unit in created.items():
            unit.supervisor = supervisor_of(new_rows[code], created)
        Unit.objects.bulk_update(list(created.values()), ["path", "supervisor"], batch_size=BATCH)
        history = [
            UnitChange(unit=u, kind=UnitChange.Kind.CREATED, after=_snapshot(u), changed_by=actor)
            for u in created.values()
        ]
        updated = []
        for code, r in rows.items():
            unit = known.get(code)
            if unit is None:
                continue
            before = _snapshot(unit)
            unit.name, unit.kind, unit.level, unit.sector = r["name"], r["kind"], r["level"], r["sector"]
            unit.supervisor = supervisor_of(r, created)
            after = _snapshot(unit)
            if after == before:
                result.unchanged += 1
                continue
            if before["name"] != after["name"]:
                kind = UnitChange.Kind.RENAMED
            elif before["supervisor_id"] != after["supervisor_id"]:
                kind = UnitChange.Kind.SUPERVISOR
            else:
                kind = UnitChange.Kind.UPDATED
            history.append(UnitChange(
                unit=unit, kind=kind, before=before, after=after, reason=f"Excel 导入：{filename}"[:255],
                changed_by=actor,
            ))  # fmt: skip
            updated.append(unit)
        Unit.objects.bulk_update(updated, ["name", "kind", "level", "sector", "supervisor"], batch_size=BATCH)
        UnitChange.objects.bulk_create(history, batch_size=BATCH)
        result.created, result.updated = len(created), len(updated)
        digest = hashlib.sha256(data).hexdigest()
        audit_record(
            actor=actor, action="unit.import", obj=("people.import", digest[:16], filename),
            extra={"rows": result.total, "created": result.created, "updated": result.updated,
                   "unchanged": result.unchanged, "sha256": digest},
        )  # fmt: skip
    return result


# --- posts -------------------------------------------------------------------------------------


class _PostRowForm(forms.Form):
    title = forms.CharField(label="职务", max_length=100)
    post_level = forms.ChoiceField(label="职务层级", choices=PostLevel.choices)
    start_date = PastDateField(label="任职时间")
    end_date = PastDateField(label="免职时间", required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "免职时间不能早于任职时间")
        return data


def import_posts(*, actor, data: bytes, filename: str = "", progress: Progress | None = None) -> ImportResult:
    """Posts held (任职经历) keyed by (cadre, unit, title, start date): a re-import updates the level
    and end date instead of duplicating. Each cadre keeps at most one open post (no end date).

    The cadre's current post fields are not touched: the cadre import (or the profile form) owns them.
    """
    from qinglian.core.idnumber import IdNumberError, parse

    if actor is not None and not has_capability(actor, "people.manage"):
        raise PermissionDenied("无权导入任职经历")
    result = ImportResult()
    parsed = []
    for number, values in read_table(data, POST_COLUMNS):
        result.total += 1
        form_data, problems = _to_form_data(values, POST_COLUMNS)
        form = _PostRowForm(data=form_data)
        if not form.is_valid():
            problems.extend(_form_problems(form, POST_COLUMNS))
        cadre_hash = None
        try:
            cadre_hash = keyed_hash(parse(values.get("干部身份证号", "")).number)
        except IdNumberError as exc:
            problems.append(("干部身份证号", "", exc.message))
        parsed.append((number, values, form, cadre_hash, problems))
        if progress and result.total % 1000 == 0:
            progress(result.total, 0)

    allowed = scope(actor, "people.manage") if actor is not None else None
    hashes = sorted({h for *_, h, _ in parsed if h})
    cadres = {
        c.id_number_hash: c
        for i in range(0, len(hashes), BATCH)
        for c in Cadre.objects.filter(id_number_hash__in=hashes[i : i + BATCH]).select_related("unit")
    }
    unit_codes = sorted({v.get("单位代码", "") for _, v, *_ in parsed})
    units = {
        u.code: u
        for i in range(0, len(unit_codes), BATCH)
        for u in Unit.objects.filter(code__in=unit_codes[i : i + BATCH]).only("id", "code", "name")
    }
    good = []  # (number, key, cleaned)
    seen: dict[tuple, int] = {}
    for number, values, form, cadre_hash, problems in parsed:
        cadre = cadres.get(cadre_hash)
        if cadre_hash and (cadre is None or (allowed is not None and not allowed.contains(cadre.unit))):
            problems.append(("干部身份证号", "", "干部库中没有该身份证号的干部，或不在您的管理范围内"))
        code = values.get("单位代码", "")
        if code not in units:
            problems.append(("单位代码", code, "单位代码不存在" if code else "单位代码必填"))
        if not problems and form.is_valid():
            c = form.cleaned_data
            key = (cadre.pk, units[code].pk, c["title"], c["start_date"])
            if key in seen:
                problems.append(
                    (
                        "任职时间",
                        str(c["start_date"]),
                        f"与第 {seen[key]} 行重复（同一干部、单位、职务和任职时间）",
                    )
                )
            else:
                seen[key] = number
                good.append((number, key, c))
        result.errors.extend(RowError(number, h, v, why) for h, v, why in problems)
    if not result.ok:
        return result

    cadre_ids = sorted({key[0] for _, key, _ in good})
    existing = {
        (p.cadre_id, p.unit_id, p.title, p.start_date): p
        for i in range(0, len(cadre_ids), BATCH)
        for p in Post.objects.filter(cadre_id__in=cadre_ids[i : i + BATCH]).select_related("unit")
    }
    # At most one open post per cadre, counting the posts the file leaves as they are.
    in_file = {key for _, key, _ in good}
    open_posts: dict[int, list[tuple[int | None, str]]] = {}
    for key, p in existing.items():
        if p.end_date is None and key not in in_file:
            open_posts.setdefault(p.cadre_id, []).append(
                (None, f"系统中已有现任职务“{p.unit.name} {p.title}”（{p.start_date:%Y-%m-%d} 起）")
            )
    for number, key, c in good:
        if c["end_date"] is None:
            open_posts.setdefault(key[0], []).append((number, f"第 {number} 行也未填免职时间"))
    for entries in open_posts.values():
        if len(entries) < 2:
            continue
        for number, _ in entries:
            if number is None:
                continue
            others = "；".join(text for n, text in entries if n != number)
            result.errors.append(RowError(
                number, "免职时间", "", f"每名干部最多一条现任职务（未填免职时间）：{others}",
            ))  # fmt: skip
    if not result.ok:
        result.errors.sort(key=lambda e: e.row)
        return result

    new_posts, changed = [], []
    for _number, key, c in good:
        post = existing.get(key)
        if post is None:
            new_posts.append(Post(
                cadre_id=key[0], unit_id=key[1], title=c["title"], level=c["post_level"],
                start_date=c["start_date"], end_date=c["end_date"],
            ))  # fmt: skip
        elif (post.level, post.end_date) != (c["post_level"], c["end_date"]):
            post.level, post.end_date = c["post_level"], c["end_date"]
            changed.append(post)
        else:
            result.unchanged += 1
    with transaction.atomic():
        Post.objects.bulk_create(new_posts, batch_size=BATCH)
        Post.objects.bulk_update(changed, ["level", "end_date"], batch_size=BATCH)
        result.created, result.updated = len(new_posts), len(changed)
        digest = hashlib.sha256(data).hexdigest()
        audit_record(
            actor=actor, action="post.import", obj=("people.import", digest[:16], filename),
            extra={"rows": result.total, "created": result.created, "updated": result.updated,
                   "unchanged": result.unchanged, "cadres": len(cadre_ids), "sha256": digest},
        )  # fmt: skip
    return result


__all__ = [
    "CADRE_COLUMNS",
    "POST_COLUMNS",
    "RELATIVE_COLUMNS",
    "UNIT_COLUMNS",
    "FileRejected",
    "ImportResult",
    "import_cadres",
    "import_posts",
    "import_relatives",
    "import_units",
]
