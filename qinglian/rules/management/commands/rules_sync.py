from django.core.management.base import BaseCommand

from qinglian.rules.services import rules_sync


class Command(BaseCommand):
    help = "Create the rules declared in code and their default parameters (never overwrites values)."

    def handle(self, *args, **options):
        result = rules_sync()
        self.stdout.write(
            f"rules created: {len(result['rules'])}, parameters created: {len(result['params'])}, "
            f"descriptions updated: {len(result['updated'])}"
        )
