import pytest

from tests.helpers.cluster import start_cluster, stop_cluster


@pytest.fixture
def cluster():
    process = start_cluster()
    yield process
    stop_cluster(process)
