"""The account activity log moves from `psa` to `resolutionflow`, its owner: sign-in, tokens,
two-factor and admin changes are written by the foundation, which imports no app.

Only Django's state moves. The table keeps its name (`psa_activityevent`, set as `db_table`) and
every row, so nothing is copied or renamed on a live database: a table rename would take a lock
and, on PostgreSQL, rename nothing else (sequence, indexes) with it, for a name no one reads.
`psa` 0006 drops the model from psa's state after this has taken it over. The content type is
relabelled so admin log entries and permissions that point at the log keep pointing at it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def relabel_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="resolutionflow", model="activityevent").exists():
        ContentType.objects.filter(app_label="psa", model="activityevent").update(
            app_label="resolutionflow"
        )


def relabel_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="psa", model="activityevent").exists():
        ContentType.objects.filter(app_label="resolutionflow", model="activityevent").update(
            app_label="psa"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("resolutionflow", "0003_account_require_two_factor"),
        # The table is created (and last altered) by psa's migrations.
        ("psa", "0005_admin_activity_actions"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ActivityEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("actor_name", models.CharField(blank=True, max_length=150)),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("connection.saved", "Connection saved"),
                                    ("connection.refused", "Connection change refused"),
                                    ("connection.tested", "Connection tested"),
                                    ("mapping.set", "Member mapping set"),
                                    ("mapping.deleted", "Member mapping removed"),
                                    ("mappings.confirmed", "Member mappings confirmed"),
                                    ("mappings.matched", "Member mappings matched by email"),
                                    ("login", "Signed in"),
                                    ("login.failed", "Failed sign-in"),
                                    ("token.created", "API token created"),
                                    ("token.revoked", "API token revoked"),
                                    ("two_factor.enrolled", "Two-factor sign-in set up"),
                                    ("two_factor.codes_created", "Recovery codes generated"),
                                    ("two_factor.code_used", "Recovery code used"),
                                    ("two_factor.failed", "Wrong two-factor code"),
                                    ("two_factor.rule", "Two-factor rule changed"),
                                    ("admin.added", "Added in Django admin"),
                                    ("admin.changed", "Changed in Django admin"),
                                    ("admin.deleted", "Deleted in Django admin"),
                                ],
                                max_length=32,
                            ),
                        ),
                        ("target", models.CharField(blank=True, max_length=255)),
                        ("detail", models.TextField(blank=True)),
                        ("ip", models.GenericIPAddressField(blank=True, null=True)),
                        ("created", models.DateTimeField(auto_now_add=True, db_index=True)),
                        (
                            "account",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="activity",
                                to="resolutionflow.account",
                            ),
                        ),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "activity event",
                        "ordering": ["-created", "-id"],
                        "db_table": "psa_activityevent",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_type, relabel_content_type_back),
    ]
