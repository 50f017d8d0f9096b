from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    """The database cache's table, where production settings use one; nothing otherwise."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("clinic", "0010_therapist_credentials_are_medical")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
