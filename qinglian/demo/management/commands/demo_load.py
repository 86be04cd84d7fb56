from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qinglian.demo.load import load


class Command(BaseCommand):
    help = "Load the fictional demo jurisdiction and one user per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", default=None)

    def handle(self, *args, data_dir=None, **options):
        if not settings.DEMO_MODE:
            raise CommandError("演示数据只能在演示模式（QINGLIAN_DEMO=true）下加载")
        load(Path(data_dir) if data_dir else settings.DATA_DIR)
