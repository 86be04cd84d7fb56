"""What an official document (公文) says, independent of its file format.

The fields follow the parts of GB/T 9704-2012 (党政机关公文格式): 版头 (red header with the
issuing body's mark, the document number and a red rule), 主体 (title, addressee, body,
attachments note, signature and date) and 版记 (copied-to and printed-by lines).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

_DIGITS = "〇一二三四五六七八九"


def _small_number(n: int) -> str:
    """1..31 in Chinese numerals: 十, 十一, 二十, 二十四, 三十一."""
    if not 1 <= n <= 31:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    out = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return out + (_DIGITS[ones] if ones else "")


def chinese_date(d: date) -> str:
    """二〇二六年十一月二十四日."""
    year = "".join(_DIGITS[int(c)] for c in str(d.year))
    return f"{year}年{_small_number(d.month)}月{_small_number(d.day)}日"


def arabic_date(d: date) -> str:
    """2026年11月24日 (no leading zeros, as GB/T 9704-2012 7.3.5.1 and 8.3 ask)."""
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass(frozen=True)
class Table:
    """A simple table: a header row and text cells."""

    header: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass(frozen=True)
class OfficialDocument:
    title: str
    body: list[str | Table]  # paragraphs (indented two characters) and tables, in order
    issuing_body: str  # 发文机关署名, e.g. 中共甲县纪律检查委员会
    date: date  # 成文日期
    number: str = ""  # 发文字号, e.g. 东纪〔2026〕12号; filled in when a number is allocated
    addressee: str = ""  # 主送机关, without the final colon
    red_header: str = ""  # 发文机关标志, e.g. 中共甲县纪律检查委员会文件; empty: no red header
    attachments: list[str] = field(default_factory=list)  # 附件名称, in order
    cc: str = ""  # 抄送, e.g. 县委办公室，县政府办公室
    printed_by: str = ""  # 印发机关; with printed_on, the 印发 line of the 版记
    printed_on: date | None = None
    # GB/T 9704-2012 writes the date with Arabic numerals; many commissions' templates still use
    # Chinese numerals (二〇二六年十一月二十四日), which the platform uses by default.
    date_numerals: str = "chinese"  # or "arabic"

    def __post_init__(self):
        if not self.title.strip():
            raise ValueError("an official document needs a title")
        if self.date_numerals not in ("chinese", "arabic"):
            raise ValueError("date_numerals is 'chinese' or 'arabic'")

    @property
    def date_text(self) -> str:
        return chinese_date(self.date) if self.date_numerals == "chinese" else arabic_date(self.date)

    @property
    def printed_text(self) -> str:
        if not self.printed_by:
            return ""
        return arabic_date(self.printed_on or self.date) + "印发"

    @property
    def attachment_lines(self) -> list[str]:
        """附件：1．… / 2．… (a single attachment is not numbered)."""
        if not self.attachments:
            return []
        if len(self.attachments) == 1:
            return [f"附件：{self.attachments[0]}"]
        return [
            ("附件：" if i == 1 else "　　　") + f"{i}．{name}" for i, name in enumerate(self.attachments, 1)
        ]

    @property
    def text(self) -> str:
        """Plain text of the document, e.g. for search or a preview."""
        parts = [self.red_header, self.number, self.title, f"{self.addressee}：" if self.addressee else ""]
        for block in self.body:
            if isinstance(block, Table):
                parts += [block.caption, " ".join(block.header), *(" ".join(r) for r in block.rows)]
            else:
                parts.append(block)
        parts += [*self.attachment_lines, self.issuing_body, self.date_text]
        return "\n".join(p for p in parts if p)
