"""Staff accounts and admin sign-in attempts in the register of personal data
(clinic/personal_data.py)."""

import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog

from clinic.personal_data import STAFF_AND_PUBLIC, Holding, plural

SIGN_IN_ATTEMPTS_KEPT = datetime.timedelta(days=30)


def _purge_sign_in_attempts(clinic, now):
    removed = sum(
        model.objects.filter(attempt_time__lt=now - SIGN_IN_ATTEMPTS_KEPT).delete()[0]
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    )
    return f"remove {plural(removed, 'record')}"


HOLDINGS = [
    Holding(
        key="staff",
        title="Staff accounts",
        kept=f"Staff accounts (name, email, two-factor devices) and roles are {STAFF_AND_PUBLIC}",
        models=("accounts.User", "otp_totp.TOTPDevice", "auth.Group", "auth.Permission"),
    ),
    Holding(
        key="sign_in_attempts",
        title="Admin sign-in attempts",
        kept=(
            "Sign-ins to the admin, and attempts that failed (the username tried, internet "
            f"address, browser), are deleted after {SIGN_IN_ATTEMPTS_KEPT.days} days."
        ),
        models=("axes.AccessAttempt", "axes.AccessFailureLog", "axes.AccessLog"),
        purge=_purge_sign_in_attempts,
    ),
]
