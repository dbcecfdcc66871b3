"""Issue 22: a status change on Autotask, where one global status list serves every queue. The
reference data repeats each status per queue; the change must be accepted on any queue, not
only on the queue listed first."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from psa.providers.base import PSAValidationError
from tickets import services

pytestmark = pytest.mark.django_db

WAITING_VENDOR = 12


def _open_ticket_outside_the_first_queue(at_sim: Any) -> dict[str, Any]:
    tenant = at_sim.app.tenant
    first_queue = int(tenant.picklist("Tickets", "queueID")[0]["value"])
    return next(
        t
        for t in tenant.records("Tickets")
        if t["queueID"] != first_queue and t["status"] not in (5, WAITING_VENDOR)
    )


def test_a_global_status_is_set_on_a_ticket_in_any_queue(lakeside, at_sim) -> None:
    ticket = _open_ticket_outside_the_first_queue(at_sim)
    avery = get_user_model().objects.get(username="avery")

    change = services.ticket_status_update(
        account=lakeside, user=avery, ticket_id=ticket["id"], status_id=WAITING_VENDOR
    )

    assert change.new_status == "Waiting Vendor"
    assert at_sim.app.tenant.get("Tickets", ticket["id"])["status"] == WAITING_VENDOR


def test_a_status_autotask_does_not_have_is_refused_in_its_words(lakeside, at_sim) -> None:
    ticket = _open_ticket_outside_the_first_queue(at_sim)
    avery = get_user_model().objects.get(username="avery")

    with pytest.raises(PSAValidationError) as refused:
        services.ticket_status_update(
            account=lakeside, user=avery, ticket_id=ticket["id"], status_id=999
        )

    assert "queue's statuses" in refused.value.message
    assert at_sim.app.tenant.get("Tickets", ticket["id"])["status"] == ticket["status"]
