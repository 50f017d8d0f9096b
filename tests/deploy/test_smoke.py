"""`make smoke` (deploy/smoke/run.py): the parts that decide what it touches on this machine."""

import importlib.util

import pytest

from config.settings.base import BASE_DIR

spec = importlib.util.spec_from_file_location("smoke", BASE_DIR / "deploy" / "smoke" / "run.py")
smoke = importlib.util.module_from_spec(spec)
spec.loader.exec_module(smoke)

CLUSTERS = """\
14  main    5432 online postgres /var/lib/postgresql/14/main /var/log/postgresql/postgresql-14-main.log
15  main    5433 online postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log
"""


def test_smoke_restarts_the_cluster_its_database_is_on_not_the_first_listed():
    assert smoke.cluster_on_port(CLUSTERS, 5433) == ("15", "main")
    assert smoke.cluster_on_port(CLUSTERS, 5432) == ("14", "main")


def test_smoke_refuses_to_restart_a_cluster_it_cannot_find():
    with pytest.raises(smoke.SmokeFailure, match="port 5999"):
        smoke.cluster_on_port(CLUSTERS, 5999)
