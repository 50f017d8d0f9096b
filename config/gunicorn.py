# gunicorn's settings for the clinic (deploy/clinic-web@.service and `make smoke`):
# `gunicorn -c python:config.gunicorn config.wsgi --bind 127.0.0.1:8001`.
import os
import re

from gunicorn.config import ControlSocket

from config.access_log import FORMAT

workers = 2
accesslog = "-"
access_log_format = FORMAT
logger_class = "config.access_log.PrivateAccessLogger"


def on_starting(server):
    """Each instance gets its own control socket, named after its address.

    gunicorn's default path is one per user, and the clinic runs two instances as one user:
    the second would take the first one's socket, and `gunicornc` would reach the wrong one.
    An explicit --control-socket is left alone.
    """
    if server.cfg.control_socket != ControlSocket.default:
        return
    address = re.sub(r"[^\w.-]+", "-", "_".join(server.cfg.bind))
    folder = os.path.dirname(ControlSocket.default)
    server.cfg.set("control_socket", os.path.join(folder, f"gunicorn-{address}.ctl"))
