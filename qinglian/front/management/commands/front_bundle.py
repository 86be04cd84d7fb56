"""Carry the public-front exchange as files across a one-way gateway (网闸), or run it over HTTP.

Front side:  front_bundle export FILE      new submissions and reporter messages, signed, sealed
             front_bundle apply FILE       a core's replies file (acknowledgements, status, messages)
Core side:   front_bundle import FILE --reply FILE
             front_bundle sync             pull and push over HTTP (QINGLIAN_FRONT_URL)
Either side: front_bundle keys             the public keys to give the other side
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from qinglian.front import keys, sync


class Command(BaseCommand):
    help = "外网前置数据包：导出/导入/同步（Public-front bundles: export, import, apply, sync）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "apply", "import", "sync", "keys"])
        parser.add_argument("file", nargs="?")
        parser.add_argument("--reply", help="core: where to write the replies file")

    def handle(self, action, file=None, reply=None, **options):
        try:
            return self._run(action, file, reply)
        except (sync.BundleError, ValidationError, OSError) as exc:
            raise CommandError(str(exc)) from exc

    def _run(self, action, file, reply):
        core_only = ("import", "sync")
        if action in core_only and settings.MODE != "core":
            raise CommandError("只能在核心端（QINGLIAN_MODE=core）运行")
        if action in ("export", "apply", "import") and not file:
            raise CommandError("请给出文件路径")
        if action == "keys":
            if settings.MODE == "core":
                self.stdout.write(f"QINGLIAN_FRONT_CORE_PUBLIC={keys.core_public_text()}")
            if settings.QINGLIAN_FRONT_KEY:
                self.stdout.write(f"QINGLIAN_FRONT_PUBLIC={keys.front_public_text()}")
            return
        if action == "export":
            Path(file).write_bytes(sync.export_submissions(limit=500))
            self.stdout.write(f"已导出到 {file}")
        elif action == "apply":
            counts = sync.apply_replies(Path(file).read_bytes())
            self.stdout.write(f"已导入：{counts}")
        elif action == "import":
            from qinglian.intake.public_sync import import_file

            if not reply:
                raise CommandError("请用 --reply 指定回执文件")
            data, delivered = import_file(Path(file).read_bytes())
            Path(reply).write_bytes(data)
            delivered()
            self.stdout.write(f"已导入；回执写入 {reply}")
        elif action == "sync":
            from qinglian.intake.public_sync import exchange_http

            self.stdout.write(f"已同步 {exchange_http()} 项")
