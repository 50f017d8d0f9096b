"""Change history for appointments and patient records (django-simple-history), under the
same access rule as the records themselves, with every time in clinic time."""

import datetime

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from booking.templatetags.booking_tags import clinic_time


class ClinicTimeChanges(HistoricalRecordContextHelper):
    """A changed time reads in clinic time, with its zone, as the rest of the page (simple-
    history shows the stored UTC value)."""

    def prepare_delta_change_value(self, change, value):
        if isinstance(value, datetime.datetime):
            return clinic_time(value)
        return super().prepare_delta_change_value(change, value)


class GuardedHistoryAdmin(SimpleHistoryAdmin):
    """simple-history's history page, but only for records this account may open, and with no
    revert: a revert would write an old time back without the booking rules' checks."""

    object_history_template = "admin/booking/object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back to the history itself when get_queryset hides the record,
        # which would show a therapist another's patient: refuse first.
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404
        extra_context = {**(extra_context or {}), "zone": timezone.get_current_timezone_name()}
        return super().history_view(request, object_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return ClinicTimeChanges(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        raise PermissionDenied
