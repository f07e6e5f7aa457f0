"""The database itself refuses to change or delete an audit event, whatever the application does."""

from django.db import migrations

SQLITE = [
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON cases_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON cases_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
]
POSTGRES = [
    "CREATE FUNCTION audit_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON cases_auditevent "
    "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON cases_auditevent "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    for statement in POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
