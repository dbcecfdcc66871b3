from __future__ import annotations

from celery import shared_task


@shared_task(autoretry_for=(), ignore_result=False)
def refresh_reference_data(account_id: int) -> dict[str, int | None]:
    """Re-read an account's boards, statuses, priorities, members, companies and the schedule
    type assignments use into the cache."""
    from resolutionflow.models import Account

    from .selectors import reference_data_refresh

    data = reference_data_refresh(account=Account.objects.get(pk=account_id))
    return {
        "boards": len(data.boards),
        "statuses": len(data.statuses),
        "priorities": len(data.priorities),
        "members": len(data.members),
        "companies": len(data.companies),
        "schedule_type_id": data.schedule_type.id if data.schedule_type else None,
    }


@shared_task
def refresh_all_reference_data() -> int:
    """Beat entry point: fan out one refresh per active connection."""
    from .models import PSAConnection

    account_ids = list(
        PSAConnection.objects.filter(is_active=True).values_list("account_id", flat=True)
    )
    for account_id in account_ids:
        refresh_reference_data.delay(account_id)
    return len(account_ids)
