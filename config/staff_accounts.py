"""Staff accounts as an owner sets them up: one role, a therapist profile to link, and an
invitation by email to set a password, so the owner never types one.

The invitation's link is Django's password-reset machinery (a token that stops working once the
password is set, the email changes or PASSWORD_RESET_TIMEOUT passes), with its own salt so a
link made for one purpose never opens the other. It lives in config, the project's glue: an
account is accounts', the therapist profile clinic's and the email emails' (pyproject.toml).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import roles
from clinic.models import Clinic, Therapist
from emails import outbox


class InvitationTokens(PasswordResetTokenGenerator):
    key_salt = "config.staff_accounts.InvitationTokens"


invitation_tokens = InvitationTokens()


class LastOwner(Exception):
    """The change would leave the clinic without an active owner to manage staff accounts."""


def is_owner(user):
    """Whether `user` manages staff accounts and sees the System section (the owner's role)."""
    return user.is_active and user.has_perm("accounts.add_user")


def link_lasts():
    """How long an invitation's link works, in words ("3 days", "12 hours")."""
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    if hours % 24 == 0:
        days = hours // 24
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{hours} hour{'s' if hours != 1 else ''}"


def invitation_link(user):
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("staff_set_password", args=[uidb64, invitation_tokens.make_token(user)])
    return outbox.absolute(path)


def send_invitation(user, *, invited_by):
    """Queue the email with the link to set a password (inside the caller's transaction)."""
    clinic = Clinic.objects.current()
    context = {
        "clinic": clinic,
        "name": user.get_full_name() or user.username,
        "username": user.username,
        "invited_by": invited_by.get_full_name() or invited_by.username,
        "link": invitation_link(user),
        "lasts": link_lasts(),
    }
    message = outbox.compose("staff_invite", context, to=user.email, clinic=clinic)
    return outbox.send(message, kind="staff_invite", about=f"staff:{user.pk}")


def _link_therapist(user, therapist):
    """Make `therapist` (or nobody) the profile `user` signs in as; one account per profile."""
    Therapist.objects.filter(user=user).exclude(pk=getattr(therapist, "pk", None)).update(user=None)
    if therapist is not None and therapist.user_id != user.pk:
        therapist.user = user
        therapist.save(update_fields=["user"])


def add_staff_member(*, first_name, last_name, email, role, therapist, invited_by):
    """Create a staff account with one role and no usable password, link the therapist profile,
    and email the person a link to set their password. The sign-in name is the email address:
    nothing to invent for the owner or to forget for the person."""
    with transaction.atomic():
        user = get_user_model()(
            username=email, email=email, first_name=first_name, last_name=last_name, is_staff=True
        )
        user.set_unusable_password()
        user.save()
        roles.set_role(user, role)
        _link_therapist(user, therapist)
        send_invitation(user, invited_by=invited_by)
    return user


def _other_active_owners(user):
    return (
        get_user_model()
        .objects.filter(Q(groups__name=roles.OWNER) | Q(is_superuser=True), is_active=True)
        .exclude(pk=user.pk)
        .exists()
    )


def update_staff_member(user, *, first_name, last_name, email, role, therapist, is_active):
    """Save an account's name, email, role, therapist profile and whether it may sign in.

    Raises LastOwner rather than take the owner's role (or the account) from the clinic's last
    active owner: nobody could then manage staff accounts. A sign-in name that was the old email
    follows the new one.
    """
    was_owner = user.is_active and roles.role_of(user) == roles.OWNER
    if was_owner and (role != roles.OWNER or not is_active) and not _other_active_owners(user):
        raise LastOwner
    if user.is_superuser and role != roles.OWNER:
        # Otherwise the superuser flag would still grant everything the new role does not.
        user.is_superuser = False
    with transaction.atomic():
        if user.username == user.email:
            user.username = email
        user.first_name, user.last_name, user.email = first_name, last_name, email
        user.is_active = is_active
        user.is_staff = True
        user.save()
        roles.set_role(user, role)
        _link_therapist(user, therapist)
    return user
