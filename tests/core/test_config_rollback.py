"""Configuration changed in a savepoint that rolls back (an import's dry run, a failed save
that re-renders) is not what the rest of the request reads."""

import pytest
from django.db import transaction

from escalations.core.unit_of_work import request_memo
from escalations.tickets.models import CustomStatus
from escalations.tickets.selectors.workflows import workflow_of

pytestmark = pytest.mark.django_db


class _Undo(Exception):
    pass


def test_the_rest_of_a_request_reads_the_configuration_a_rolled_back_change_left(ticket):
    workspace = ticket.workspace
    with request_memo():
        assert workflow_of(workspace.pk).is_builtin  # read and kept for the request
        with pytest.raises(_Undo), transaction.atomic():
            CustomStatus.objects.create(
                workspace=workspace, name="Draft", slug="draft", lifecycle_state="new"
            )
            assert not workflow_of(workspace.pk).is_builtin  # seen inside the savepoint
            raise _Undo
        # then the change is gone, for this request too
        assert workflow_of(workspace.pk).is_builtin
