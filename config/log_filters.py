"""Django's own log records without a secret route's token (clinic/secret_routes.py).

Django writes paths into its messages ("Forbidden (CSRF cookie not set.):
/book/appointment/<token>/move/"), and the admins' error email prints the request found on the
record: its address, query and headers. Every handler in LOGGING carries this filter, so neither
reaches a journal or an inbox.
"""

import copy
import logging

from django.http import QueryDict

from clinic.secret_routes import redact


def private_request(request):
    """A copy of the request that says which page, without its token or query string."""
    private = copy.copy(request)
    private.path = redact(request.path)
    private.path_info = redact(request.path_info)
    private.META = {**request.META, "PATH_INFO": private.path_info, "QUERY_STRING": ""}
    for raw in ("RAW_URI", "REQUEST_URI"):
        private.META.pop(raw, None)
    private.GET = QueryDict()
    return private


class RedactSecretPaths(logging.Filter):
    def filter(self, record):
        # A changed copy: the record itself may still be on its way to another handler.
        private = copy.copy(record)
        private.msg, private.args = redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            # Exception messages can quote a path too; formatters use exc_text when it is set.
            private.exc_text = logging.Formatter().formatException(record.exc_info)
        if private.exc_text:
            private.exc_text = redact(private.exc_text)
        if getattr(record, "request", None) is not None:
            private.request = private_request(record.request)
        return private
