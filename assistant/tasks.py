from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def generate_reply(message_id: int) -> None:
    """Write the pending assistant reply `message_id` (idempotent; see services.reply_generate)."""
    from .services import reply_generate

    reply_generate(message_id=message_id)
