from django.core.management.base import BaseCommand, CommandError

from qinglian.audit.checkpoints import checkpoint_text
from qinglian.audit.verify import BATCH_SIZE, verify_chain


class Command(BaseCommand):
    help = (
        "Recompute the whole audit chain: seq continuity, every row's hash and link, the head and "
        "the checkpoints. Exits non-zero and names the first broken or missing row on any problem."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="rows read per query")

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size 必须是正整数 (must be a positive integer)")
        result = verify_chain(batch_size=batch_size)
        if result.ok:
            self.stdout.write(self.style.SUCCESS(result.summary()))
            self.stdout.write(checkpoint_text(result.checkpoint))
            return
        for problem in sorted(result.problems, key=lambda p: p.seq):
            self.stderr.write(f"[{problem.kind}] seq {problem.seq}: {problem.message}")
        raise CommandError(result.summary(), returncode=1)
