from django.http import HttpRequest

from .tenancy import request_membership


def tenancy(request: HttpRequest) -> dict[str, object]:
    membership = request_membership(request)
    return {
        "membership": membership,
        "account": membership.account if membership else None,
    }
