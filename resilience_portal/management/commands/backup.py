"""`make backup`: see resilience_portal/backups.py."""

from django.core.management.base import BaseCommand

from resilience_portal import backups


class Command(BaseCommand):
    help = "Dump the database and copy every stored file into a folder."

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder, **options):
        counts = backups.back_up(folder)
        files = ", ".join(f"{count} {alias}" for alias, count in counts.items())
        self.stdout.write(f"Backed up the database and files ({files}): {folder}")
