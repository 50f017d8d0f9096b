"""gunicorn as production runs it (config/gunicorn.py): two instances side by side."""

import importlib
from types import SimpleNamespace

from gunicorn.config import Config

production = importlib.import_module("config.gunicorn")


def control_socket(*arguments):
    """The control socket of an instance started as `gunicorn -c python:config.gunicorn …`."""
    config = Config()
    config.set("bind", [])
    for name, value in zip(arguments[::2], arguments[1::2], strict=True):
        config.set(name, value)
    production.on_starting(SimpleNamespace(cfg=config))
    return config.control_socket


def test_each_instance_has_its_own_control_socket():
    first = control_socket("bind", ["127.0.0.1:8001"])
    second = control_socket("bind", ["127.0.0.1:8002"])
    assert first != second
    assert first.endswith("8001.ctl")


def test_a_control_socket_given_by_the_operator_is_kept():
    given = control_socket("bind", ["127.0.0.1:8001"], "control_socket", "/run/clinic/web.ctl")
    assert given == "/run/clinic/web.ctl"
