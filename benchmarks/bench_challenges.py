"""Public challenge list and challenge page under concurrent load (500 challenges, 20,000 proposals).

The data is made once with bulk_create and kept; threads each with their own
test client and database connection request the pages at the same time.
"""

import random
import statistics
import threading
import time
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

CHALLENGES = 500
PROPOSALS_PER_CHALLENGE = 40
SMES = 600
THREADS = 4
REQUESTS_PER_THREAD = 40


def ensure_data():
    from cohorts.models import City, Cohort
    from procurement.models import Challenge, Clarification, Criterion, Proposal
    from smes.models import SME, Sector, normalise_registration_number

    if Challenge.objects.filter(slug__startswith="bench-").count() >= CHALLENGES:
        return
    now = timezone.now()
    with transaction.atomic():
        cities = [
            City.objects.get_or_create(
                slug=f"bench-city-{n}",
                defaults={"name": f"Bench City {n}", "country": "TH", "time_zone": "Asia/Bangkok"},
            )[0]
            for n in range(8)
        ]
        cohort, _ = Cohort.objects.get_or_create(
            slug="bench-cohort", defaults={"name": "Bench cohort", "year": 2026}
        )
        cohort.cities.add(*cities)
        SME.objects.bulk_create(
            SME(
                legal_name=f"Bench SME {n}", slug=f"bench-sme-{n}", registration_number=f"B{n}",
                registration_key=normalise_registration_number(f"B{n}"), country="TH", city=cities[n % 8], verification="verified",
            )
            for n in range(SMES)
        )  # fmt: skip
        smes = list(SME.objects.filter(slug__startswith="bench-sme-").order_by("pk"))
        statuses = ["published"] * 7 + ["closed", "evaluating", "cancelled"]
        Challenge.objects.bulk_create(
            Challenge(
                city=cities[n % 8], cohort=cohort, title=f"Bench challenge {n}", slug=f"bench-{n}",
                problem_statement="A **problem** in several paragraphs.\n\n" * 5,
                desired_outcomes="Outcomes.", co_benefits=["climate", "jobs"],
                budget_min=Decimal(1000), budget_max=Decimal(9000), currency="THB",
                questions_close=now + timedelta(days=n % 30 - 10),
                submissions_close=now + timedelta(days=n % 30 - 5),
                award_expected=now + timedelta(days=60),
                status=statuses[n % 10] if n % 30 >= 5 else "closed",
                published_at=now - timedelta(days=30),
            )
            for n in range(CHALLENGES)
        )  # fmt: skip
        challenges = list(Challenge.objects.filter(slug__startswith="bench-").order_by("pk"))
        water = Sector.objects.get(code="water")
        Challenge.sectors.through.objects.bulk_create(
            Challenge.sectors.through(challenge=c, sector=water) for c in challenges
        )
        Criterion.objects.bulk_create(
            Criterion(challenge=c, name=name, weight=weight, order=i)
            for c in challenges
            for i, (name, weight) in enumerate([("Impact", 50), ("Cost", 30), ("Team", 20)])
        )
        Clarification.objects.bulk_create(
            Clarification(
                challenge=c,
                sme=smes[i],
                question="A question?",
                answer="An answer.",
                answered_at=now,
            )
            for c in challenges
            for i in range(3)
        )
        Proposal.objects.bulk_create(
            Proposal(
                challenge=c, sme=smes[(index + k) % SMES], status="submitted",
                solution="Solution text " * 20, approach="Approach", price=Decimal(5000 + k),
                currency="THB", version=1, submitted_at=now, receipt_digest="0" * 64,
            )
            for index, c in enumerate(challenges)
            for k in range(PROPOSALS_PER_CHALLENGE)
        )  # fmt: skip


def load(paths, *, threads=THREADS):
    """Request ``paths`` from ``threads`` threads at once; per-request times and requests per second."""
    samples, failures = [], []
    lock = threading.Lock()
    start_line = threading.Barrier(threads)

    def worker(seed):
        client = Client()
        rng = random.Random(seed)
        client.get(paths[0])  # warm the connection and templates
        start_line.wait()
        mine = []
        for _ in range(REQUESTS_PER_THREAD):
            path = rng.choice(paths)
            began = time.perf_counter()
            response = client.get(path)
            mine.append((time.perf_counter() - began) * 1000)
            if response.status_code != 200:
                failures.append((path, response.status_code))
        with lock:
            samples.extend(mine)
        connection.close()

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    began = time.perf_counter()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - began
    assert not failures, failures[:3]
    samples.sort()
    return {
        "median_ms": statistics.median(samples),
        "p95_ms": samples[max(0, int(len(samples) * 0.95) - 1)],
        "rps": len(samples) / elapsed,
        "requests": len(samples),
        "threads": threads,
    }


def report(label, figures):
    print(
        f"   {label:<44} median {figures['median_ms']:7.1f} ms   p95 {figures['p95_ms']:7.1f} ms"
        f"   {figures['rps']:6.1f} req/s   ({figures['requests']} requests, {figures['threads']} threads)"
    )


def run():
    from procurement.models import Challenge, Proposal

    began = time.perf_counter()
    ensure_data()
    print(
        f"   data: {Challenge.objects.count()} challenges, {Proposal.objects.count()} proposals"
        f" (ready in {time.perf_counter() - began:.1f} s)"
    )
    published = list(
        Challenge.objects.filter(slug__startswith="bench-", status="published").values_list(
            "slug", flat=True
        )[:50]
    )
    list_paths = [
        "/challenges/",
        "/challenges/?page=3",
        "/challenges/?page=5",
        "/challenges/?status=published&sector=water",
        "/challenges/?closing_soon=on",
    ]
    page_paths = [f"/challenges/{slug}/" for slug in published]
    for threads in (1, THREADS):
        report("GET /challenges/ (pages 1-5, filters)", load(list_paths, threads=threads))
        report("GET /challenges/<slug>/", load(page_paths, threads=threads))
