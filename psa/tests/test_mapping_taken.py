"""Mapping a ConnectWise member another user already has: a clear error naming who has it, on the
integrations page and in Django admin, never the constraint's name or a 500 (issue 13, item 13)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from psa.models import PSAMemberMapping
from psa.providers.base import PSAMember
from psa.services import member_mapping_set

pytestmark = pytest.mark.django_db

JSMITH = 17  # jordan's member in the demo
TAKEN = "Jordan Smith (jsmith) is already mapped to jordan (Jordan Smith)."


def test_the_service_names_who_has_the_member(demo) -> None:
    member = PSAMember(id=JSMITH, identifier="jsmith", name="Jordan Smith")

    with pytest.raises(ValidationError) as caught:
        member_mapping_set(account=demo.bayside, user=demo.riley, member=member)

    assert caught.value.message_dict == {
        "member_id": [
            f"{TAKEN} One ConnectWise member is one person: remove jordan's mapping first, "
            "or choose another member."
        ]
    }
    assert not PSAMemberMapping.objects.filter(user=demo.riley).exists()


def test_mapping_someone_to_the_member_they_already_have_is_fine(demo) -> None:
    member = PSAMember(id=JSMITH, identifier="jsmith", name="Jordan Smith")

    mapping = member_mapping_set(account=demo.bayside, user=demo.jordan, member=member)

    assert mapping.member_id == JSMITH


def test_the_integrations_page_says_it_in_that_users_row(client, demo) -> None:
    client.force_login(demo.morgan)

    response = client.post(
        f"/account/integrations/mappings/{demo.riley.pk}/", {"member_id": JSMITH}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert TAKEN in html and "data-mapping-error" in html
    assert "constraint" not in html.lower()
    assert f'aria-describedby="mapping-error-{demo.riley.pk}"' in html
    # riley's row keeps the member that was chosen; jordan's still shows his own.
    assert html.count(f'<option value="{JSMITH}" selected>') == 2
    assert not PSAMemberMapping.objects.filter(user=demo.riley).exists()


def test_django_admin_says_it_on_the_member_field(admin_client, demo) -> None:
    response = admin_client.post(
        "/admin/psa/psamembermapping/add/",
        {
            "account": demo.bayside.pk,
            "user": demo.riley.pk,
            "member": f"{demo.bayside.pk}:{JSMITH}",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200  # the form again, not a 500
    assert TAKEN in html and "constraint" not in html.lower()
    assert not PSAMemberMapping.objects.filter(user=demo.riley).exists()


def test_django_admin_lets_a_mapping_keep_its_own_member(admin_client, demo) -> None:
    mapping = PSAMemberMapping.objects.get(user=demo.jordan)

    response = admin_client.post(
        f"/admin/psa/psamembermapping/{mapping.pk}/change/",
        {
            "account": demo.bayside.pk,
            "user": demo.jordan.pk,
            "member": f"{demo.bayside.pk}:{JSMITH}",
        },
    )

    assert response.status_code == 302
