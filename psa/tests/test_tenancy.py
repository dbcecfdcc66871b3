import pytest
from django.db import IntegrityError, transaction

from psa.providers.base import PSANotConfigured
from psa.selectors import provider_for_account
from psa.tests.factories import (
    AccountFactory,
    MemberMappingFactory,
    MembershipFactory,
    PSAConnectionFactory,
)

pytestmark = pytest.mark.django_db


def test_each_account_gets_only_its_own_connection() -> None:
    bayside = PSAConnectionFactory(company_id="baysideit").account
    northshore = PSAConnectionFactory(company_id="northshore").account

    assert provider_for_account(account=bayside).client.config.company_id == "baysideit"
    assert provider_for_account(account=northshore).client.config.company_id == "northshore"


def test_account_without_connection_gets_an_actionable_error() -> None:
    with pytest.raises(PSANotConfigured, match="/account/integrations/"):
        provider_for_account(account=AccountFactory())


def test_inactive_connection_counts_as_not_connected() -> None:
    conn = PSAConnectionFactory(is_active=False)
    with pytest.raises(PSANotConfigured):
        provider_for_account(account=conn.account)


def test_a_user_maps_to_one_member_per_account() -> None:
    membership = MembershipFactory()
    MemberMappingFactory(account=membership.account, user=membership.user, member_id=17)
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberMappingFactory(account=membership.account, user=membership.user, member_id=18)


def test_a_member_maps_to_one_user_per_account() -> None:
    account = AccountFactory()
    MemberMappingFactory(
        account=account, user=MembershipFactory(account=account).user, member_id=17
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberMappingFactory(
            account=account, user=MembershipFactory(account=account).user, member_id=17
        )


def test_the_same_member_id_may_be_mapped_in_another_account() -> None:
    first, second = AccountFactory(), AccountFactory()
    MemberMappingFactory(account=first, user=MembershipFactory(account=first).user, member_id=17)
    MemberMappingFactory(account=second, user=MembershipFactory(account=second).user, member_id=17)
