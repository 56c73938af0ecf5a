"""Bulk OCDS export (/ocds/releases.json) over 500 challenges and 20,000 proposals.

Uses the challenge bench's data; a tenth of the closed challenges carry an award and a
running pilot with milestones and payments, so every stage's release is built. Prints
each page's median and p95, and the time to walk every page by ``links.next``.
"""

import time
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.test import Client
from django.utils import timezone

from .bench_challenges import ensure_data
from .timing import measure, report

PILOTS = 50


def ensure_pilots():
    from procurement.models import Award, Challenge, Milestone, Payment, Pilot, Proposal

    if Pilot.objects.filter(challenge__slug__startswith="bench-").count() >= PILOTS:
        return
    now = timezone.now()
    closed = Challenge.objects.filter(slug__startswith="bench-", status="closed").order_by("pk")
    with transaction.atomic():
        for challenge in closed[:PILOTS]:
            proposal = Proposal.objects.filter(challenge=challenge).order_by("pk").first()
            award = Award.objects.create(
                challenge=challenge, proposal=proposal, sme_id=proposal.sme_id,
                amount=Decimal(8000), currency="THB", justification="Best value.",
                bidders=40, decided_at=now - timedelta(days=40),
                standstill_ends_at=now - timedelta(days=30),
            )  # fmt: skip
            Challenge.objects.filter(pk=challenge.pk).update(status="awarded")
            pilot = Pilot.objects.create(
                award=award, challenge=challenge, sme_id=proposal.sme_id, summary="A pilot.",
                starts_on=(now - timedelta(days=25)).date(), ends_on=(now + timedelta(days=150)).date(),
            )  # fmt: skip
            Milestone.objects.bulk_create(
                Milestone(pilot=pilot, title=f"Step {n}", due_on=(now + timedelta(days=30 * n - 40)).date())
                for n in range(4)
            )  # fmt: skip
            Payment.objects.bulk_create(
                Payment(pilot=pilot, paid_on=(now - timedelta(days=d)).date(), amount=Decimal(2000))
                for d in (20, 5)
            )  # fmt: skip


def run():
    from procurement.models import Challenge, Pilot, Proposal

    began = time.perf_counter()
    ensure_data()
    ensure_pilots()
    print(
        f"   data: {Challenge.objects.count()} challenges, {Proposal.objects.count()} proposals,"
        f" {Pilot.objects.count()} pilots (ready in {time.perf_counter() - began:.1f} s)"
    )
    client = Client()
    middle = Challenge.objects.order_by("pk").values_list("pk", flat=True)[250]
    report("GET /ocds/releases.json (first page)", measure("/ocds/releases.json", repeat=30))
    report(
        "GET /ocds/releases.json?after=… (middle)",
        measure(f"/ocds/releases.json?after={middle}", repeat=30),
    )
    awarded = Challenge.objects.filter(slug__startswith="bench-", status="awarded").first()
    if awarded is not None:
        report(
            "GET /challenges/<slug>/ocds.json (pilot)",
            measure(f"/challenges/{awarded.slug}/ocds.json"),
        )
    walks = []
    for _ in range(5):
        started, url, pages, releases = time.perf_counter(), "/ocds/releases.json", 0, 0
        while url:
            body = client.get(url).json()
            releases += len(body["releases"])
            url = body.get("links", {}).get("next")
            pages += 1
        walks.append((time.perf_counter() - started) * 1000)
    walks.sort()
    print(
        f"   whole export by links.next: {pages} pages, {releases} releases,"
        f" median {walks[2]:.0f} ms, slowest {walks[-1]:.0f} ms (5 walks)"
    )
