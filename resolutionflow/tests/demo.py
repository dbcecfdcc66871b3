"""Handles on the seeded demo world, for tests."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser

from resolutionflow.models import Account


@dataclass
class DemoWorld:
    bayside: Account
    northshore: Account
    jordan: AbstractUser
    morgan: AbstractUser
    riley: AbstractUser
    admin: AbstractUser
    casey: AbstractUser

    @classmethod
    def load(cls) -> DemoWorld:
        users = {u.username: u for u in get_user_model().objects.all()}
        return cls(
            bayside=Account.objects.get(slug="bayside"),
            northshore=Account.objects.get(slug="northshore"),
            jordan=users["jordan"],
            morgan=users["morgan"],
            riley=users["riley"],
            admin=users["admin"],
            casey=users["casey"],
        )
