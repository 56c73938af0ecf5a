"""The demo's evaluated challenge put to work: a running pilot with KPI readings, payments
and one late milestone, built through the pilot's own acts."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import evaluation_services, pilot_services
from .demo_challenges import DOMAIN, demo_user
from .demo_evaluation import SLUG
from .models import Award, Pilot

# (indicator, unit, baseline, target, readings at weeks 2, 5 and 8)
KPIS = [
    ("households_protected", "", "0", "3000", ("400", "1100", "1650")),
    ("jobs_created", "", "0", "25", ("6", "11", "14")),
    ("co2e_avoided", "", "0", "120", ("8", "21", "37")),
]
UPDATES = [
    (14, "Tide sensors installed at the three outfalls; the first pumps run on their readings."),
    (35, "Two more pump stations on line; the spring tide passed with no street flooded."),
    (56, "Residents' WhatsApp alerts reach 1,650 households; the fish market stayed dry."),
]


def _final(award):
    """The demo's award was just recorded: move its standstill into the past, as if the ten
    days had gone by, and let the beat record it final."""
    past = timezone.now() - timedelta(days=70)
    Award.objects.filter(pk=award.pk, final_at__isnull=True).update(
        decided_at=past - timedelta(days=award.challenge.standstill_days),
        standstill_ends_at=past,
    )
    evaluation_services.record_final_awards()
    award.refresh_from_db()
    return award


def seed(out):
    User = get_user_model()
    award = Award.objects.select_related("challenge__city", "sme").filter(challenge__slug=SLUG)
    award = award.first()
    if award is None:
        return
    lead = User.objects.get(email=f"official.semarang@{DOMAIN}")
    member = User.objects.get(email=f"sme.banjir@{DOMAIN}")
    if not Pilot.objects.filter(award=award).exists():
        award = _final(award)
        today = timezone.localtime(timezone=award.challenge.city.zone).date()
        starts = today - timedelta(days=63)
        pilot = pilot_services.start_pilot(
            award,
            by=lead,
            summary="Tide-driven pumps and household flood alerts for Kampung Tambak Lorok, "
            "through one rainy season.",
            starts_on=starts,
            ends_on=starts + timedelta(days=180),
        )
        milestones = [
            pilot_services.add_milestone(pilot, by=lead, title=title, due_on=starts + timedelta(days=days))
            for title, days in (
                ("Sensors at the three outfalls", 21),
                ("Pump stations two and three running", 42),
                ("Alerts reach every household", 56),  # not done: late
                ("Rainy-season evaluation with residents", 170),
            )
        ]  # fmt: skip
        kpis = [
            pilot_services.add_kpi(
                pilot,
                by=lead,
                indicator=indicator,
                unit=unit,
                baseline=Decimal(baseline),
                target=Decimal(target),
            )
            for indicator, unit, baseline, target, _readings in KPIS
        ]
        for index, (days, text) in enumerate(UPDATES):
            moves = {milestones[index].pk: "done"} if index < 2 else {}
            pilot_services.post_progress_update(
                pilot,
                by=member if index != 1 else lead,
                reported_on=starts + timedelta(days=days),
                text=text,
                readings={kpi.pk: Decimal(KPIS[n][4][index]) for n, kpi in enumerate(kpis)},
                milestones=moves,
            )
        for days, amount in ((7, "192000000"), (45, "192000000")):
            pilot_services.record_payment(
                pilot, by=lead, paid_on=starts + timedelta(days=days), amount=Decimal(amount),
                description="Instalment",
            )  # fmt: skip
    demo_user(
        f"official.semarang@{DOMAIN}", "",
        role_note=f"plans the Tambak Lorok pilot at /challenges/{SLUG}/pilot/plan/ (one milestone late)",
    )  # fmt: skip
    demo_user(
        f"sme.banjir@{DOMAIN}", "",
        role_note=f"reports the pilot's progress at /challenges/{SLUG}/pilot/report/",
    )  # fmt: skip
    out.write(
        f"Pilot: /challenges/{SLUG}/pilot/ (public: KPIs against targets, a late milestone); "
        f"open data at /challenges/{SLUG}/ocds.json and /ocds/releases.json.\n"
    )
