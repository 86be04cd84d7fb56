from django.core.management.base import BaseCommand

from qinglian.audit.checkpoints import checkpoint_path, checkpoint_text
from qinglian.audit.services import audit_checkpoint


class Command(BaseCommand):
    help = "Append the audit chain head to the checkpoint file outside the database (写入审计链检查点)."

    def handle(self, *args, **options):
        checkpoint = audit_checkpoint()
        self.stdout.write(checkpoint_text(checkpoint))
        self.stdout.write(f"已写入 (written to)：{checkpoint_path()}")
