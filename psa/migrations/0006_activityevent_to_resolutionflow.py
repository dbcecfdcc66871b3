"""The activity log's model now belongs to `resolutionflow` (its 0004 took over the state, same
table): psa forgets it. No database change."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("psa", "0005_admin_activity_actions"),
        ("resolutionflow", "0004_activityevent_from_psa"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ActivityEvent")],
            database_operations=[],
        ),
    ]
