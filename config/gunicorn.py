# gunicorn's settings for the clinic (deploy/clinic-web@.service and `make smoke`):
# `gunicorn -c python:config.gunicorn config.wsgi --bind 127.0.0.1:8001`.
from config.access_log import FORMAT

workers = 2
accesslog = "-"
access_log_format = FORMAT
logger_class = "config.access_log.PrivateAccessLogger"
