"""A pilot KPI as a chart: baseline, target and readings over the pilot's dates, drawn as
inline SVG by the ``kpi_chart`` tag (so browsers and the PDF renderer draw the same thing).

Read live, never copied: the pilot's page and the case studies that relate the pilot ask
for charts at render time.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from .models import KPI, KPIReading

CHART_WIDTH = 320
CHART_HEIGHT = 80


@dataclass
class KPIChart:
    kpi: KPI
    readings: list  # (date, value), oldest first
    latest: Decimal | None
    share: Decimal
    points: str  # SVG polyline points of the readings over the pilot's dates
    target_y: int
    baseline_y: int

    width = CHART_WIDTH
    height = CHART_HEIGHT

    @property
    def percent(self):
        return int((self.share * 100).to_integral_value())

    @property
    def bar_width(self):
        return int(self.share * CHART_WIDTH)


def chart(kpi, readings, pilot):
    """The chart of ``kpi`` from its ``readings`` ((date, value), oldest first)."""
    values = [value for _on, value in readings]
    low = min([kpi.baseline, kpi.target, *values])
    high = max([kpi.baseline, kpi.target, *values])
    span_days = max((pilot.ends_on - pilot.starts_on).days, 1)

    def y(value):
        return int(CHART_HEIGHT - 4 - (Decimal(value) - low) / (high - low) * (CHART_HEIGHT - 8))

    def x(on):
        days = min(max((on - pilot.starts_on).days, 0), span_days)
        return int(days / span_days * CHART_WIDTH)

    points = [(x(pilot.starts_on), y(kpi.baseline))] + [(x(on), y(v)) for on, v in readings]
    latest = values[-1] if values else None
    return KPIChart(
        kpi=kpi,
        readings=readings,
        latest=latest,
        share=kpi.progress(latest),
        points=" ".join(f"{px},{py}" for px, py in points),
        target_y=y(kpi.target),
        baseline_y=y(kpi.baseline),
    )


def readings_of(kpis):
    """Each KPI's readings as (date, value), oldest first, in one query: {kpi id: [...]}."""
    per_kpi = defaultdict(list)
    for kpi_id, on, value in (
        KPIReading.objects.filter(kpi__in=[kpi.pk for kpi in kpis])
        .values_list("kpi_id", "update__reported_on", "value")
        .order_by("update__reported_on", "update_id")
    ):
        per_kpi[kpi_id].append((on, value))
    return per_kpi


def charts_of_pilots(pilots):
    """[(pilot, [chart, …]), …] for ``pilots`` (a queryset), in two queries whatever their
    number and their KPIs': the KPIs with their pilots, then every reading."""
    kpis = list(
        KPI.objects.filter(pilot__in=pilots)
        .select_related("pilot__challenge__city", "pilot__sme")
        .order_by("pilot__started_at", "pilot_id", "order", "id")
    )
    per_kpi = readings_of(kpis)
    grouped = {}
    for kpi in kpis:
        grouped.setdefault(kpi.pilot_id, (kpi.pilot, []))[1].append(
            chart(kpi, per_kpi[kpi.pk], kpi.pilot)
        )
    return list(grouped.values())
