"""Make the audit log append-only in the database itself.

PostgreSQL: a trigger rejects UPDATE and DELETE on events and checkpoints. (The application's database role
should also lack TRUNCATE on these tables; see docs/operations.md.)
SQLite: a trigger rejects UPDATE; deletions are found by ``verify_audit`` through the sequence and chain head.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION sanxiang_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计日志只能追加，不能修改或删除（%% on %%）', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION sanxiang_audit_append_only();
CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION sanxiang_audit_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_checkpoint_append_only ON audit_checkpoint;
DROP FUNCTION IF EXISTS sanxiang_audit_append_only();
"""
SQLITE_UP = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能修改'); END;""",
    """CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON audit_checkpoint
       BEGIN SELECT RAISE(ABORT, '审计检查点只能追加，不能修改'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_event_no_update;", "DROP TRIGGER IF EXISTS audit_checkpoint_no_update;"]


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP.replace("%%", "%"), params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
