"""Change history for appointments and patient records (django-simple-history), under the
same access rule as the records themselves."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class GuardedHistoryAdmin(SimpleHistoryAdmin):
    """simple-history's history page, but only for records this account may open, and with no
    revert: a revert would write an old time back without the booking rules' checks."""

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back to the history itself when get_queryset hides the record,
        # which would show a therapist another's patient: refuse first.
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        raise PermissionDenied
