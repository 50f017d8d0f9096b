"""The clinic's staff roles: which permissions each group holds.

Every installation gets them: `migrate` brings them up to date (see AccountsConfig.ready), and
`manage.py setup_roles` does it on demand. They only ever add permissions, so whatever an owner
grants a group on top in the admin is kept.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db.models import Q

OWNER = "Owner"
FRONT_DESK = "Front desk"
THERAPISTS = "Therapists"
EDITORS = "Editors"


def _crud(app_label, *models, actions=("view", "add", "change", "delete")):
    return [f"{app_label}.{action}_{model}" for model in models for action in actions]


_WRITING = [
    *_crud("articles", "article", "articlereference", "articleimage"),
    "articles.view_topic",
]
_EDITING = [
    *_WRITING,
    "articles.publish_article",
    *_crud("articles", "topic", actions=("add", "change", "delete")),
    "articles.view_articleslugredirect",
]

# Readers' comments under articles: publishing or rejecting them follows who runs the site's
# content (the front desk, editors); answering them, who can speak as a clinician (therapists,
# editors). Everyone who handles them reads them.
_COMMENTS_MODERATE = ["comments.view_comment", "comments.moderate_comment"]
_COMMENTS_ANSWER = ["comments.view_comment", "comments.answer_comment"]
# The mailing list: the digests sent and how many subscribe, for whoever looks after the library;
# the addresses and their export stay the owner's (mailing.view_subscriber, export_subscribers).
_MAILING_FIGURES = ["mailing.view_digest"]

# Stands for every permission there is, present and future (the owner's role).
EVERYTHING = "*"

# Role name -> permissions, as "app_label.codename".
ROLES = {
    # Runs the business: everything, staff accounts included.
    OWNER: EVERYTHING,
    # Runs the schedule and the site's content: every therapist's day, bookings, the clinic's
    # details, therapists and services, and publishing articles.
    FRONT_DESK: [
        "clinic.view_clinic",
        "clinic.change_clinic",
        *_crud("clinic", "therapist", "service", "specialty", "workinghours", "timeoff", "closure"),
        "booking.view_appointment",
        "booking.view_all_appointments",
        "booking.view_health_details",
        "booking.add_appointment",
        "booking.change_appointment",
        "booking.view_appointmentevent",
        # The month in numbers (visits, hours, patients, requests): no patient named.
        "booking.view_month_report",
        # Checkout: fees, payments, refunds and receipts; the day's takings.
        "booking.take_payments",
        "booking.view_takings",
        "booking.view_charge",
        "booking.view_payment",
        *_crud("booking", "patient", actions=("view", "add", "change")),
        # Dated notes on a patient record: added, never changed or deleted.
        *_crud("booking", "patientnote", actions=("view", "add")),
        # Phone-only callers are added to the waitlist by the desk, and their offers handled.
        *_crud("booking", "waitlistentry", actions=("view", "add", "change", "delete")),
        *_EDITING,
        *_COMMENTS_MODERATE,
        *_MAILING_FIGURES,
    ],
    # See their own day (appointments of the therapist profile linked to their account) and
    # write drafts; an editor publishes.
    THERAPISTS: [
        "clinic.view_clinic",
        *_crud("clinic", "therapist", "service", "workinghours", "timeoff", "closure", actions=("view",)),
        "clinic.change_own_profile",
        "booking.view_appointment",
        "booking.view_appointmentevent",
        "booking.view_health_details",
        "booking.review_screening",
        "booking.view_patient",
        # Notes on their own patients' records only: the admin reads through the selectors.
        *_crud("booking", "patientnote", actions=("view", "add")),
        # Their own templates for treatment notes (the admin shows each only its author's).
        *_crud("booking", "notetemplate"),
        *_WRITING,
        *_COMMENTS_ANSWER,
    ],
    # Review and publish the health library, and look after its readers' comments.
    EDITORS: [*_EDITING, *_COMMENTS_MODERATE, "comments.answer_comment", *_MAILING_FIGURES],
}  # fmt: skip


# What each role may do, in one line, as the owner reads it when giving someone a role.
SUMMARIES = {
    OWNER: "Everything: bookings, the clinic's details, staff accounts and the System section.",
    FRONT_DESK: "Every therapist's calendar, bookings, patients, the waitlist and checkout; the "
    "clinic's details, therapists and services; publishing articles and readers' comments.",
    THERAPISTS: "Their own day and their own patients, their own profile, article drafts, and "
    "answering readers' comments.",
    EDITORS: "Reviewing and publishing the health library; publishing and answering readers' "
    "comments.",
}


def role_of(user):
    """The name of the role `user` holds, or None: an account without one can use nothing.

    Reads prefetched groups when there are (a list of accounts asks once, not per row). Should
    an account hold two roles, the wider one (the first in ROLES) is named; a superuser is an
    owner.
    """
    held = {group.name for group in user.groups.all()}
    if user.is_superuser:
        # Every permission, as the owner's role: what a superuser made at set-up is.
        held.add(OWNER)
    return next((name for name in ROLES if name in held), None)


def set_role(user, role):
    """Give `user` exactly one role (or none, with None); groups that are not roles are kept."""
    Group = global_apps.get_model("auth", "Group")
    user.groups.remove(*Group.objects.filter(name__in=ROLES).exclude(name=role))
    if role is not None:
        user.groups.add(Group.objects.get(name=role))


def ensure_roles(*, using="default", apps=global_apps, verbosity=0):
    """Create each role's group and give it the role's permissions (never taking any away)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # Django creates each app's permissions after migrating it; this may run before some of
    # those, so make sure they all exist (idempotent, as Django's own handler is).
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=verbosity, using=using, apps=apps)
    for name, permissions in ROLES.items():
        if permissions == EVERYTHING:
            group, _ = Group.objects.using(using).get_or_create(name=name)
            group.permissions.add(*Permission.objects.using(using).all())
            continue
        wanted = {tuple(permission.split(".")) for permission in permissions}
        matching = Q()
        for app_label, codename in wanted:
            matching |= Q(content_type__app_label=app_label, codename=codename)
        found = list(
            Permission.objects.using(using).filter(matching).select_related("content_type")
        )
        missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
        if missing:
            raise LookupError(f"The role {name!r} names permissions that do not exist: {missing}")
        group, created = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(*found)
        if created and verbosity:
            print(f"Created the staff role {name!r}.")
