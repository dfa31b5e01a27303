"""Load the official holiday arrangements 2004–2026 shipped by chinesecalendar."""

from django.db import migrations


def load(apps, schema_editor):
    from core.calendar_source import builtin_source, builtin_years

    Holiday = apps.get_model("core", "Holiday")
    CalendarYear = apps.get_model("core", "CalendarYear")
    source = builtin_source()
    for year, entries in builtin_years().items():
        if CalendarYear.objects.filter(year=year).exists():
            continue
        Holiday.objects.bulk_create(
            [Holiday(date=e.date, kind=e.kind, name=e.name, source=source) for e in entries], ignore_conflicts=True
        )
        CalendarYear.objects.create(year=year, source=source)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
