"""django-q2 entry points: thin, each calls one service."""

from escalations.services.drills import drill_run


def drill_run_task(drill_id: int) -> None:
    drill_run(drill_id=drill_id)
