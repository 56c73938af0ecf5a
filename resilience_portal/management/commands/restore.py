"""`make restore`: see resilience_portal/backups.py."""

from django.core.management.base import BaseCommand

from resilience_portal import backups


class Command(BaseCommand):
    help = "Load a backup folder into the configured database and stores."

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder, **options):
        counts = backups.restore(folder)
        files = ", ".join(f"{count} {alias}" for alias, count in counts.items())
        self.stdout.write(f"Restored the database and files ({files}): {folder}")
