"""Run the archive scan now, or a backtest: what the rules would have raised on a past date."""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from qinglian.archive.scan import archive_scan


class Command(BaseCommand):
    help = "档案扫描：刷新等次、检查限制事项并运行全部预警规则（--backtest 只计算不保存）"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="基准日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--backtest", action="store_true", help="回测：只计算该日会产生的预警，不保存")

    def handle(self, *args, as_of=None, backtest=False, **options):
        day = None
        if as_of:
            try:
                day = date.fromisoformat(as_of)
            except ValueError:
                raise CommandError("日期格式应为 YYYY-MM-DD") from None
        try:
            result = archive_scan(day, backtest=backtest)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(result.summary(), ensure_ascii=False, indent=2))
        if backtest:
            for c in result.warnings:
                self.stdout.write(f"{c.rule}\t{c.key}\t{c.explanation}")
