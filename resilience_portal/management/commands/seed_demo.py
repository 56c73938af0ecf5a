"""Load an idempotent demo programme and print the demo logins."""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from resilience_portal import demo, mail

SEEDING_APPS = ["resilience_portal", "cohorts", "smes", "procurement", "mentorship", "casestudies"]


class Command(BaseCommand):
    help = "Load the demo programme (safe to run again) and print who can sign in."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off (demo accounts share a published password).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "Demo accounts have a published password: run with DJANGO_DEBUG=true, "
                "or pass --allow-production if you really mean it."
            )
        with transaction.atomic(), mail.suppressed():
            for app in SEEDING_APPS:
                try:
                    module = import_module(f"{app}.demo")
                except ModuleNotFoundError as error:
                    if error.name != f"{app}.demo":
                        raise
                    continue
                module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo programme loaded. Sign in with:"))
        for email, role_note in demo.logins:
            self.stdout.write(f"  {email:<42} {demo.DEMO_PASSWORD}   ({role_note})")
        for line in demo.second_factor_notes([email for email, _note in demo.logins]):
            self.stdout.write(line)
