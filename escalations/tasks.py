"""django-q2 entry points: thin, each calls one service."""

from escalations.services.drills import drill_run


def drill_run_task(drill_id: int) -> None:
    drill_run(drill_id=drill_id)


def notification_email_task(notification_id: int) -> None:
    from escalations.services.notifications import notification_email

    notification_email(notification_id=notification_id)


def webhook_deliver_task(delivery_id: int) -> None:
    from escalations.services.webhooks import webhook_deliver

    webhook_deliver(delivery_id=delivery_id)
