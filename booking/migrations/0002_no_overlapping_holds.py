"""PostgreSQL only: no two active appointments of one therapist may hold overlapping time.

SQLite has no exclusion constraints; there the booking service checks for overlaps inside an
IMMEDIATE transaction, which holds the database's write lock for the whole check-and-insert.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE booking_appointment
    ADD CONSTRAINT appointment_no_overlapping_holds
    EXCLUDE USING gist (
        therapist_id WITH =,
        tstzrange(start, hold_until, '[)') WITH &&
    )
    WHERE (status IN ('requested', 'confirmed'));
"""
DROP = "ALTER TABLE booking_appointment DROP CONSTRAINT IF EXISTS appointment_no_overlapping_holds;"


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("booking", "0001_initial")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP), elidable=False)]
