from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from psa.models import PSAConnection, PSAMemberMapping
from resolutionflow.models import Account, Membership


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"MSP {n}")
    slug = factory.Sequence(lambda n: f"msp-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.django.Password("resolutionflow")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    account = factory.SubFactory(AccountFactory)
    role = Membership.Role.ENGINEER


class PSAConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PSAConnection

    account = factory.SubFactory(AccountFactory)
    site = "http://127.0.0.1:9"
    company_id = "baysideit"
    public_key = "rfdemo-public"
    private_key = "rfdemo-private"
    client_id = "rf-tests"


class MemberMappingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PSAMemberMapping

    account = factory.SubFactory(AccountFactory)
    user = factory.SubFactory(UserFactory)
    member_id = factory.Sequence(lambda n: 100 + n)
    member_identifier = factory.Sequence(lambda n: f"member{n}")
    member_name = "Some Member"
