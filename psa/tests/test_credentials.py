import pytest
from cryptography.fernet import Fernet
from django.db import connection

from psa.models import PSAConnection
from psa.tests.factories import PSAConnectionFactory

pytestmark = pytest.mark.django_db


def _raw_private_key(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key FROM psa_psaconnection WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_private_key_is_unreadable_in_the_raw_column() -> None:
    conn = PSAConnectionFactory(private_key="super-secret-private-key")

    raw = _raw_private_key(conn.pk)

    assert "super-secret-private-key" not in raw
    assert PSAConnection.objects.get(pk=conn.pk).private_key == "super-secret-private-key"


def test_rotated_keys_still_decrypt_old_values(settings) -> None:
    old_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    conn = PSAConnectionFactory(private_key="before-rotation")

    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old_key]

    assert PSAConnection.objects.get(pk=conn.pk).private_key == "before-rotation"


def test_private_key_never_appears_in_repr_or_admin_form(admin_client) -> None:
    conn = PSAConnectionFactory(private_key="do-not-show-me")

    page = admin_client.get(f"/admin/psa/psaconnection/{conn.pk}/change/")

    assert page.status_code == 200
    assert "do-not-show-me" not in page.content.decode()
    assert "do-not-show-me" not in repr(conn)
