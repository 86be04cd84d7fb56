"""The fourteen kinds grouped for the pages: rows to edit (forms) or to read (label/value pairs)."""

from __future__ import annotations

from dataclasses import dataclass, field

from qinglian.declarations.items import FAMILY, KINDS, Kind, RowForm, display_value
from qinglian.declarations.models import Declaration
from qinglian.declarations.selectors import items_of

GROUPS = ((FAMILY, "家庭事项（第三条）"), ("property", "财产事项（第四条）"))


@dataclass
class Section:
    kind: Kind
    rows: list = field(default_factory=list)


def _grouped(sections: dict[str, Section]) -> list[tuple[str, list[Section]]]:
    return [(label, [s for s in sections.values() if s.kind.group == group]) for group, label in GROUPS]


def sections_for_edit(d: Declaration, rows=None, errors: dict | None = None):
    sections = {code: Section(kind) for code, kind in KINDS.items()}
    if rows is None:
        for item in items_of(d):
            if item.kind in sections:
                sections[item.kind].rows.append(RowForm(KINDS[item.kind], f"i{item.pk}", item.data))
    else:
        for row in rows:
            if row.kind in sections:
                kind = KINDS[row.kind]
                sections[row.kind].rows.append(
                    RowForm(kind, row.token, row.raw, errors=(errors or {}).get((row.kind, row.token)))
                )
    return _grouped(sections)


def sections_for_read(d: Declaration):
    sections = {code: Section(kind) for code, kind in KINDS.items()}
    for item in items_of(d):
        kind = KINDS.get(item.kind)
        if kind is not None:
            sections[item.kind].rows.append(
                [(f.label, display_value(f, item.data.get(f.name))) for f in kind.fields]
            )
    return _grouped(sections)
