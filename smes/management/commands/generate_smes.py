"""Make many synthetic SMEs quickly, for benchmarks: ``manage.py generate_smes 100000``."""

import io
import random
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext

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
# A load of at least this many SMEs, and at least half as many as the table holds already, sets
# the tables' secondary indexes and constraints aside and builds each once at the end, rather
# than keeping them up row by row (100,000 SMEs into an empty table: 6.1 s, then 3.7 s; onto
# 100,000 the two cost about the same, before the foreign keys' checks at commit). The caller's
# transaction must not have written to the tables yet: ALTER TABLE refuses while their
# deferred foreign-key checks are pending.
REBUILD_FROM = 10_000
REVENUE_BANDS = [value for value, _label in RevenueChange.choices]
VERIFICATION_STATES = [state for state, _label in SME.Verification.choices]
# The columns a synthetic SME sets one by one, in the order _synthetic_row returns them; the
# others are the same for every row: created_at, and the defaults.
ROW_COLUMNS = [
    "legal_name",
    "trading_name",
    "slug",
    "registration_number",
    "registration_key",
    "country",
    "city_id",
    "employees",
    "year_founded",
    "women_led",
    "youth_led",
    "capabilities",
    "revenue_change",
    "verification",
]


class Command(BaseCommand):
    help = "Create COUNT synthetic SMEs with bulk inserts (for benchmarks, not for demos)."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, count, seed, **options):
        started = time.perf_counter()
        created = generate(count, seed=seed)
        self.stdout.write(f"Created {created} SMEs in {time.perf_counter() - started:.1f} s.")


def generate(count, *, seed=2026):
    with transaction.atomic():
        rng = random.Random(seed)
        cities = [demo_city(slug) for slug in CITIES]
        sector_ids = list(Sector.objects.values_list("pk", flat=True))
        start = SME.objects.filter(slug__startswith="gen-").count()
        batches = _batches(range(start, start + count), rng, cities, sector_ids)
        if connection.vendor == "postgresql":
            _load(batches, count=count, now=timezone.now())
        else:
            for rows, links in batches:
                _bulk_create(rows, links)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # What autovacuum would do a minute later: mark the new pages all-visible, so the
        # directory counts its matches from the indexes alone rather than visiting each row.
        # (VACUUM cannot run inside a transaction: a caller's own one goes without.)
        with connection.cursor() as cursor:
            for model in (SME, SME.sectors.through):
                cursor.execute(f'VACUUM "{model._meta.db_table}"')
    return count


def _batches(numbers, rng, cities, sector_ids):
    """The SMEs numbered ``numbers`` as (rows, each row's sector ids), BATCH at a time."""
    for offset in range(0, len(numbers), BATCH):
        # Tuples of column values, not model instances: building 100,000 SME objects took a
        # quarter of the run.
        rows = [_synthetic_row(number, rng, cities) for number in numbers[offset : offset + BATCH]]
        yield rows, [rng.sample(sector_ids, rng.randint(1, 3)) for _row in rows]


def _synthetic_row(number, rng, cities):
    """One SME's values of ROW_COLUMNS."""
    city = rng.choice(cities)
    name = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {number}"
    return (
        f"{name} {rng.choice(FORMS)}",
        name,
        f"gen-{number}",
        f"GEN-{number:09d}",
        f"GEN{number:09d}",
        city.country,
        city.pk,
        int(rng.paretovariate(1.2) * 3),
        rng.randint(1985, 2025),
        rng.random() < 0.35,
        rng.random() < 0.25,
        ", ".join(rng.sample(CAPABILITIES, 2)).capitalize() + ".",
        rng.choice(REVENUE_BANDS),
        rng.choice(VERIFICATION_STATES),
    )


def _bulk_create(rows, links):
    made = SME.objects.bulk_create(SME(**dict(zip(ROW_COLUMNS, row, strict=True))) for row in rows)
    SME.sectors.through.objects.bulk_create(
        SME.sectors.through(sme_id=sme.pk, sector_id=sector_id)
        for sme, sector_ids in zip(made, links, strict=True)
        for sector_id in sector_ids
    )


def _load(batches, *, count, now):
    """PostgreSQL's COPY into a bare staging table, then one INSERT that adds the search
    vector: many times faster than INSERT statements and a later UPDATE. The next batch's text
    is built while PostgreSQL inserts the current one."""
    table = SME._meta.db_table
    through = SME.sectors.through._meta.db_table
    fixed = {"created_at": now} | {
        field.attname: field.get_default()
        for field in SME._meta.concrete_fields
        if field.attname not in ("id", "search_vector", "created_at", *ROW_COLUMNS)
    }
    columns = ", ".join(
        connection.ops.quote_name(SME._meta.get_field(name).column)
        for name in ["id", *ROW_COLUMNS, *fixed]
    )
    (names_sql, names_params), (capabilities_sql, capabilities_params) = _vector_sides()
    with connection.cursor() as cursor:
        cursor.execute(f'LOCK TABLE "{table}", "{through}" IN EXCLUSIVE MODE')
        cursor.execute(f'SELECT COALESCE(MAX(id), 0), COUNT(*) FROM "{table}"')
        last_id, existing = cursor.fetchone()
        texts = _copy_texts(batches, first_id=last_id + 1, fixed=fixed.values())
        rebuild = count >= REBUILD_FROM and 2 * count >= existing
        with _indexes_rebuilt(cursor, [table, through]) if rebuild else nullcontext():
            cursor.execute(f'CREATE TEMPORARY TABLE "staged_sme" (LIKE "{table}") ON COMMIT DROP')
            for smes, links in _built_ahead(texts):
                cursor.cursor.copy_expert(f'COPY "staged_sme" ({columns}) FROM STDIN', smes)
                # The capabilities come from a short list: their side of the vector is made
                # once per text, then joined to each row's names. The staging table takes the
                # real table's name as its alias, so the compiled sides' column references
                # resolve against it.
                cursor.execute(
                    f'WITH "capability_vectors" AS MATERIALIZED ('
                    f'SELECT "capabilities" AS "capabilities_text", '
                    f'{capabilities_sql} AS "capabilities_vector" '
                    f'FROM (SELECT DISTINCT "capabilities" FROM "staged_sme") AS "{table}") '
                    f'INSERT INTO "{table}" ({columns}, "search_vector") '
                    f'SELECT {columns}, ({names_sql}) || "capabilities_vector" '
                    f'FROM "staged_sme" AS "{table}" JOIN "capability_vectors" '
                    f'ON "capabilities_text" = "{table}"."capabilities"',
                    [*capabilities_params, *names_params],
                )
                cursor.execute('TRUNCATE "staged_sme"')
                cursor.cursor.copy_expert(
                    f'COPY "{through}" ("sme_id", "sector_id") FROM STDIN', links
                )
            cursor.execute('DROP TABLE "staged_sme"')
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, last_id + count]
        )
        # Fresh statistics, or the planner guesses the new rows wrong for the first searches.
        for name in (table, through):
            cursor.execute(f'ANALYZE "{name}"')


def _copy_texts(batches, *, first_id, fixed):
    """Each batch as the text COPY reads: its SMEs, numbered on from ``first_id`` and ending in
    the ``fixed`` values, and their sector links."""
    suffix = "".join(f"\t{_copy_value(value)}" for value in fixed) + "\n"
    for rows, links in batches:
        smes, sectors = io.StringIO(), io.StringIO()
        smes.writelines(
            f"{number}\t{'\t'.join(map(_copy_value, row))}{suffix}"
            for number, row in enumerate(rows, first_id)
        )
        sectors.writelines(
            f"{number}\t{sector_id}\n"
            for number, sector_ids in enumerate(links, first_id)
            for sector_id in sector_ids
        )
        first_id += len(rows)
        smes.seek(0)
        sectors.seek(0)
        yield smes, sectors


def _built_ahead(items):
    """``items``, each next one made in a thread while the caller uses the current one: Python
    builds a batch's rows while PostgreSQL inserts the one before (the wait frees the GIL)."""
    with ThreadPoolExecutor(max_workers=1) as builder:
        upcoming = builder.submit(next, items, None)
        while (item := upcoming.result()) is not None:
            upcoming = builder.submit(next, items, None)
            yield item


@contextmanager
def _indexes_rebuilt(cursor, tables):
    """Drop the tables' secondary indexes, unique and foreign-key constraints for a large load,
    then create each again as it was: one build costs far less than updating it row by row, and
    a constraint added back checks every row, old and new, in one pass (the deferred foreign
    keys otherwise check each new row on its own at commit: 1.8 s of 100,000 SMEs' load).
    Unique constraints come back before the foreign keys that may lean on them. The primary
    keys stay, and so does the search vector's GIN index: its pending list already takes rows
    in bulk, and building it whole again costs more once the table holds SMEs (100,000 onto
    100,000: 0.7 s kept up, 1.0 s built again)."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f') ORDER BY contype DESC",
        [tables],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "JOIN pg_class ON pg_class.oid = indexrelid JOIN pg_am ON pg_am.oid = relam "
        "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary AND amname <> 'gin' "
        "AND indexrelid NOT IN (SELECT conindid FROM pg_constraint)",
        [tables],
    )
    indexes = cursor.fetchall()
    for table, name, _definition in constraints:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    yield
    for _name, definition in indexes:
        cursor.execute(definition)
    for table, name, definition in constraints:
        cursor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
        )


def _copy_value(value):
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    text = str(value)
    if "\\" in text or not text.isprintable():
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        text = text.replace("\r", "\\r")
    return text


def _vector_sides():
    """The stored search vector's SQL, compiled from the model's own expression as the two
    sides it concatenates: the names' words, then the capabilities'. ``(names) || capabilities``
    is the very expression a save stores, evaluated in two steps."""
    expression = search_vector_expression()
    query = SME.objects.all().query
    compiler = query.get_compiler(connection=connection)
    return [
        compiler.compile(side.resolve_expression(query))
        for side in (expression.lhs, expression.rhs)
    ]
