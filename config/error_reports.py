"""What the admins' error email may say (the error tracker keeps the same rule: error_tracker.py).

A report has to tell a person what broke and where, in code. It is read outside the clinic's
walls (a mailbox), so it says nothing a patient typed or holds: no form values, no cookies, no
addresses or headers that identify a visitor, no local variables (a form, a patient), and no
token of a secret route (clinic/secret_routes.py). The query string and the token in the
page's address are taken out before the report is written (config/log_filters.py).
"""

from django.views.debug import SafeExceptionReporterFilter

from clinic.secret_routes import redact

# Request headers and server values that say how a request came, never who sent it or what it
# held. Everything else in META (address, Cookie, Referer, User-Agent, query) is hidden.
SAFE_META = frozenset(
    {
        "CONTENT_LENGTH",
        "CONTENT_TYPE",
        "HTTP_ACCEPT",
        "HTTP_HOST",
        "HTTP_X_FORWARDED_PROTO",
        "PATH_INFO",
        "REQUEST_METHOD",
        "SCRIPT_NAME",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "wsgi.url_scheme",
    }
)


class PrivateExceptionReporterFilter(SafeExceptionReporterFilter):
    """DEFAULT_EXCEPTION_REPORTER_FILTER: every POST value, cookie and identifying META value
    hidden, names kept so a reader still sees what the request carried."""

    def is_active(self, request):
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_safe_cookies(self, request):
        return dict.fromkeys(getattr(request, "COOKIES", {}), self.cleansed_substitute)

    def get_safe_request_meta(self, request):
        return {
            key: redact(value) if key in SAFE_META else self.cleansed_substitute
            for key, value in getattr(request, "META", {}).items()
        }

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
