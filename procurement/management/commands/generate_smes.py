"""Make many synthetic SMEs quickly, for benchmarks: ``manage.py generate_smes 100000``."""

import random
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from procurement.demo_smes import CITIES, demo_city
from procurement.models import SME, RevenueChange, Sector
from procurement.models.sme import search_vector_expression

FIRST = [
    "Green",
    "Blue",
    "River",
    "Coastal",
    "Urban",
    "Smart",
    "Safe",
    "Bright",
    "Delta",
    "Monsoon",
    "Lotus",
    "Harbour",
    "Island",
    "Summit",
    "Bamboo",
    "Coral",
    "Sun",
    "Rain",
    "Tide",
    "Market",
]
SECOND = [
    "Water",
    "Solar",
    "Build",
    "Data",
    "Health",
    "Farm",
    "Mobility",
    "Waste",
    "Learning",
    "Design",
    "Finance",
    "Tourism",
    "Craft",
    "Logistics",
    "Energy",
    "Care",
    "Roof",
    "Flood",
]
FORMS = ["Co., Ltd.", "PT", "CV", "Cong ty TNHH", "Enterprise", "Partners"]
CAPABILITIES = [
    "flood early warning sensors",
    "rooftop solar installation",
    "drainage and canal cleaning",
    "plastic recycling into building materials",
    "mangrove and coastal restoration",
    "community health outreach",
    "air quality monitoring",
    "electric last-mile delivery",
    "cool roofs and shading",
    "disaster preparedness training",
    "water filtration kiosks",
    "GIS mapping and open data",
    "micro-insurance for traders",
    "urban farming and food banks",
    "typhoon-resistant housing retrofits",
]
BATCH = 5000


class Command(BaseCommand):
    help = "Create COUNT synthetic SMEs with bulk inserts (for benchmarks, not for demos)."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, count, seed, **options):
        started = time.perf_counter()
        created = generate(count, seed=seed)
        self.stdout.write(f"Created {created} SMEs in {time.perf_counter() - started:.1f} s.")


@transaction.atomic
def generate(count, *, seed=2026):
    rng = random.Random(seed)
    cities = [demo_city(slug) for slug in CITIES]
    sectors = list(Sector.objects.all())
    bands = [value for value, _label in RevenueChange.choices]
    states = [state for state, _label in SME.Verification.choices]
    start = SME.objects.filter(slug__startswith="gen-").count()
    Through = SME.sectors.through
    first_id = None
    for offset in range(0, count, BATCH):
        batch = []
        for number in range(start + offset, start + min(offset + BATCH, count)):
            city = rng.choice(cities)
            name = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {number}"
            batch.append(
                SME(
                    legal_name=f"{name} {rng.choice(FORMS)}",
                    trading_name=name,
                    slug=f"gen-{number}",
                    registration_number=f"GEN-{number:09d}",
                    registration_key=f"GEN{number:09d}",
                    country=city.country,
                    city=city,
                    employees=int(rng.paretovariate(1.2) * 3),
                    year_founded=rng.randint(1985, 2025),
                    women_led=rng.random() < 0.35,
                    youth_led=rng.random() < 0.25,
                    capabilities=", ".join(rng.sample(CAPABILITIES, 2)).capitalize() + ".",
                    revenue_change=rng.choice(bands),
                    verification=rng.choice(states),
                )
            )
        made = SME.objects.bulk_create(batch)
        first_id = first_id or made[0].pk
        Through.objects.bulk_create(
            Through(sme_id=sme.pk, sector_id=sector.pk)
            for sme in made
            for sector in rng.sample(sectors, rng.randint(1, 3))
        )
    if first_id and connection.vendor == "postgresql":
        SME.objects.filter(pk__gte=first_id, search_vector__isnull=True).update(
            search_vector=search_vector_expression()
        )
    return count
