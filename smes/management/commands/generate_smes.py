"""Make many synthetic SMEs quickly, for benchmarks: ``manage.py generate_smes 100000``."""

import io
import random
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from smes.demo import CITIES, demo_city
from smes.models import SME, RevenueChange, Sector, search_vector_expression

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
BATCH = 20_000
REVENUE_BANDS = [value for value, _label in RevenueChange.choices]
VERIFICATION_STATES = [state for state, _label in SME.Verification.choices]


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
    sector_ids = list(Sector.objects.values_list("pk", flat=True))
    start = SME.objects.filter(slug__startswith="gen-").count()
    insert = _copy_rows if connection.vendor == "postgresql" else _bulk_create
    now = timezone.now()
    first_id = None
    for offset in range(0, count, BATCH):
        numbers = range(start + offset, start + min(offset + BATCH, count))
        # Plain dicts of column values, not model instances: building 100,000 SME objects
        # took a quarter of the run.
        rows = [_synthetic_row(number, rng, cities, now) for number in numbers]
        links = [rng.sample(sector_ids, rng.randint(1, 3)) for _row in rows]
        batch_first = insert(rows, links)
        first_id = first_id or batch_first
    if first_id and connection.vendor == "postgresql":
        # Fresh statistics, or the planner guesses the new rows wrong for the first searches.
        with connection.cursor() as cursor:
            for model in (SME, SME.sectors.through):
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    return count


def _stored_fields():
    return [
        field for field in SME._meta.concrete_fields if field.name not in ("id", "search_vector")
    ]


def _synthetic_row(number, rng, cities, now):
    """One SME's column values by attribute name; the fields left out take their defaults."""
    city = rng.choice(cities)
    name = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {number}"
    return {
        "legal_name": f"{name} {rng.choice(FORMS)}",
        "trading_name": name,
        "slug": f"gen-{number}",
        "registration_number": f"GEN-{number:09d}",
        "registration_key": f"GEN{number:09d}",
        "country": city.country,
        "city_id": city.pk,
        "employees": int(rng.paretovariate(1.2) * 3),
        "year_founded": rng.randint(1985, 2025),
        "women_led": rng.random() < 0.35,
        "youth_led": rng.random() < 0.25,
        "capabilities": ", ".join(rng.sample(CAPABILITIES, 2)).capitalize() + ".",
        "revenue_change": rng.choice(REVENUE_BANDS),
        "verification": rng.choice(VERIFICATION_STATES),
        "created_at": now,
    }


def _bulk_create(rows, links):
    made = SME.objects.bulk_create(SME(**row) for row in rows)
    SME.sectors.through.objects.bulk_create(
        SME.sectors.through(sme_id=sme.pk, sector_id=sector_id)
        for sme, sector_ids in zip(made, links, strict=True)
        for sector_id in sector_ids
    )
    return made[0].pk


def _copy_value(value):
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy(cursor, table, columns, rows):
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_value(value) for value in row))
        buffer.write("\n")
    buffer.seek(0)
    quoted = ", ".join(f'"{column}"' for column in columns)
    cursor.cursor.copy_expert(f'COPY "{table}" ({quoted}) FROM STDIN', buffer)


def _vector_sql():
    """The stored search vector's SQL, compiled from the model's own expression."""
    query = SME.objects.all().query
    compiler = query.get_compiler(connection=connection)
    return compiler.compile(search_vector_expression().resolve_expression(query))


def _copy_rows(rows, links):
    """PostgreSQL's COPY into a bare staging table, then one INSERT that adds the search
    vector: many times faster than INSERT statements and a later UPDATE."""
    table = SME._meta.db_table
    fields = _stored_fields()
    defaults = {field.attname: field.get_default() for field in fields}
    attnames = ["id", *(field.attname for field in fields)]
    columns = ", ".join(f'"{column}"' for column in ["id", *(field.column for field in fields)])
    vector_sql, vector_params = _vector_sql()
    with connection.cursor() as cursor:
        cursor.execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE')
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        first_id = cursor.fetchone()[0] + 1
        for number, row in enumerate(rows):
            row["id"] = first_id + number
        cursor.execute(f'CREATE TEMPORARY TABLE "staged_sme" (LIKE "{table}") ON COMMIT DROP')
        _copy(
            cursor,
            "staged_sme",
            ["id", *(field.column for field in fields)],
            ([row.get(name, defaults.get(name)) for name in attnames] for row in rows),
        )
        # The staging table takes the real table's name as its alias, so the compiled
        # vector expression's column references resolve against it.
        cursor.execute(
            f'INSERT INTO "{table}" ({columns}, "search_vector") '
            f'SELECT {columns}, {vector_sql} FROM "staged_sme" AS "{table}"',
            vector_params,
        )
        cursor.execute('DROP TABLE "staged_sme"')
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
            [table, first_id + len(rows) - 1],
        )
        through = SME.sectors.through._meta.db_table
        _copy(
            cursor,
            through,
            ["sme_id", "sector_id"],
            (
                (row["id"], sector_id)
                for row, sector_ids in zip(rows, links, strict=True)
                for sector_id in sector_ids
            ),
        )
    return first_id
