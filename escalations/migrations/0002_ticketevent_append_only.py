"""The database itself refuses to rewrite the audit trail."""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION handoff_ticketevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'escalations_ticketevent is append-only: rows are never updated';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ticketevent_no_update BEFORE UPDATE ON escalations_ticketevent
    FOR EACH ROW EXECUTE FUNCTION handoff_ticketevent_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS ticketevent_no_update ON escalations_ticketevent;
DROP FUNCTION IF EXISTS handoff_ticketevent_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER ticketevent_no_update BEFORE UPDATE ON escalations_ticketevent
BEGIN
    SELECT RAISE(ABORT, 'escalations_ticketevent is append-only: rows are never updated');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS ticketevent_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("escalations", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
