"""The test suite's email backend: Django's in-memory one, refusing any message that did not
come through the outbox (emails/outbox.py), so a feature that sends mail another way fails its
tests at once. Django's error emails to ADMINS (logging) are their own mechanism and pass."""

from django.conf import settings
from django.core.mail.backends.locmem import EmailBackend

from emails.outbox import OUTBOX_HEADER


class SentAroundTheOutbox(AssertionError):
    pass


class OutboxOnlyBackend(EmailBackend):
    def send_messages(self, messages):
        admins = {address for _name, address in _admins()}
        for message in messages:
            if OUTBOX_HEADER not in message.extra_headers and not set(message.to) <= admins:
                raise SentAroundTheOutbox(
                    f"An email ({message.subject!r}) was sent around the outbox: "
                    "use emails.outbox.send."
                )
        return super().send_messages(messages)


def _admins():
    return [(a if isinstance(a, tuple | list) else ("", a)) for a in settings.ADMINS] or []
