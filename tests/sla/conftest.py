import pytest

from tests.helpers.sla import make_policy


@pytest.fixture
def policy(l1_team):
    return make_policy(l1_team.workspace)


@pytest.fixture
def migrate():
    """Runs the migrations to a point and gives the models there; afterwards the schema goes
    back to the latest, as the tests after this one expect it."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def to(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    yield to
    executor = MigrationExecutor(connection)
    to(executor.loader.graph.leaf_nodes())
