"""Demo content for the clinic app: the clinic, its team, services, schedules and staff logins.

Long because most of it is data (the demo team, their services and hours), not logic.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils.text import slugify

from clinic.models import Clinic, Closure, Service, Specialty, Therapist, WorkingHours
from clinic.portraits import draw_portrait

CLINIC = {
    "name": "Maple Grove Massage & Manual Therapy",
    "short_description": (
        "Registered massage therapists in midtown Toronto who focus on back and neck pain, "
        "sports injuries and care during pregnancy."
    ),
    "street_address": "418 Maple Grove Avenue, Suite 2",
    "city": "Toronto",
    "region": "ON",
    "postal_code": "M4S 2B5",
    "country": "Canada",
    "phone": "+1 416-555-0142",
    "email": "frontdesk@maplegrove.example",
    "time_zone": "America/Toronto",
    "currency_symbol": "$",
    "currency": "CAD",
    "tax_number": "81234 5678 RT0001",
    "late_cancellation_fee": Decimal("45.00"),
    "no_show_fee": Decimal("90.00"),
    "opening_hours": (
        "Monday–Thursday: 9:00–20:00\nFriday: 9:00–17:00\nSaturday: 10:00–15:00\nSunday: closed"
    ),
    "directions": (
        "We are a five-minute walk north of Eglinton station. Our entrance is beside the "
        "pharmacy; the clinic is on the ground floor with a step-free entrance.\n\n"
        "Two-hour street parking is on Maple Grove Avenue, and there is a paid lot behind the "
        "building."
    ),
}

# Weekly blocks as (weekday, start, end); two blocks a day leave room for lunch.
FULL_WEEK = [
    (day, start, end) for day in range(4) for start, end in (("09:00", "12:30"), ("13:30", "18:00"))
] + [(4, "09:00", "13:00")]
EVENINGS = [(day, "12:00", "20:00") for day in (0, 2, 3)] + [(5, "10:00", "15:00")]
MID_WEEK = [
    (day, start, end)
    for day in (1, 2, 4)
    for start, end in (("09:30", "12:30"), ("13:00", "17:00"))
]

THERAPISTS = [
    {
        "name": "Dana Whitfield",
        "title": "Registered Massage Therapist",
        "credentials": "RMT",
        "registration_number": "R-10482",
        "college": "College of Massage Therapists of Ontario",
        "registration_on_profile": True,
        "short_bio": (
            "Dana helps people with long-standing low back and neck pain get moving again, "
            "combining hands-on work with simple exercises for home."
        ),
        "bio": (
            "Dana has worked as a massage therapist for twelve years, most of them with "
            "office workers and tradespeople whose backs ache by the end of the week.\n\n"
            "Her sessions start with a short conversation and a look at how you move. "
            "She explains what she finds in plain words, works at a pressure you agree on, "
            "and leaves you with one or two stretches rather than a long list."
        ),
        "specialties": ["Low back pain", "Deep tissue", "Trigger point therapy"],
        "languages": "English, French",
        "years_in_practice": 12,
        "accepting_new_patients": True,
        "hours": FULL_WEEK,
        "portrait": {
            "background": (206, 226, 220),
            "skin": (234, 196, 168),
            "hair": (92, 58, 40),
            "clothing": (11, 94, 85),
        },
    },
    {
        "name": "Marcus Oyelaran",
        "title": "Athletic Therapist and Orthopedic Massage Therapist",
        "credentials": "MS, ATC",
        "registration_number": "AT-3307",
        "college": "Ontario Athletic Therapists Association",
        "registration_on_profile": False,
        "short_bio": (
            "Marcus holds a master's degree and athletic-trainer certification and treats "
            "sports injuries and pain that follows a strain."
        ),
        "bio": (
            "Marcus spent eight years with university and semi-professional teams before "
            "joining the clinic. He uses medical and orthopedic massage to target the tissue "
            "involved in an injury and works alongside physiotherapists and chiropractors when "
            "a joint needs more than soft-tissue care.\n\n"
            "He is direct about what massage can and cannot do, and will tell you when "
            "another professional should see you first."
        ),
        "specialties": ["Sports injuries", "Medical massage", "Low back pain"],
        "languages": "English, Yoruba",
        "years_in_practice": 9,
        "accepting_new_patients": True,
        "hours": EVENINGS,
        "portrait": {
            "background": (222, 214, 236),
            "skin": (120, 78, 54),
            "hair": (30, 24, 22),
            "clothing": (52, 64, 120),
        },
    },
    {
        "name": "Sofia Reyes",
        "title": "Registered Massage Therapist",
        "credentials": "RMT",
        "registration_number": "R-11935",
        "college": "College of Massage Therapists of Ontario",
        "registration_on_profile": True,
        "short_bio": (
            "Sofia is trained in prenatal massage and manual lymphatic drainage and sees many "
            "patients during and after pregnancy."
        ),
        "bio": (
            "Sofia completed further training in prenatal care and in manual lymphatic drainage "
            "after her diploma. She positions expectant patients on their side with supportive "
            "cushions and avoids the pressure points and oils that are best left alone during "
            "pregnancy.\n\n"
            "Patients say she makes a first visit feel unhurried."
        ),
        "specialties": ["Prenatal massage", "Lymphatic drainage", "Swedish massage"],
        "languages": "English, Spanish",
        "years_in_practice": 7,
        "accepting_new_patients": True,
        "hours": MID_WEEK,
        "portrait": {
            "background": (246, 224, 204),
            "skin": (205, 150, 115),
            "hair": (48, 30, 24),
            "clothing": (150, 52, 70),
        },
    },
    {
        "name": "Kenji Tanaka",
        "title": "Registered Massage Therapist",
        "credentials": "RMT",
        "registration_number": "R-12610",
        "college": "College of Massage Therapists of Ontario",
        "registration_on_profile": False,
        "short_bio": (
            "Kenji blends Swedish massage with shiatsu pressure-point work for stress, "
            "tension headaches and stiff shoulders."
        ),
        "bio": (
            "Kenji trained in shiatsu before qualifying as a registered massage therapist. "
            "His treatments are calm and steady, with long strokes to relax the body before "
            "focused work on the neck and shoulders.\n\n"
            "His list is full for now; returning patients can still book with him."
        ),
        "specialties": ["Shiatsu", "Swedish massage", "Neck and shoulder pain"],
        "languages": "English, Japanese",
        "years_in_practice": 15,
        "accepting_new_patients": False,
        "hours": [(day, "10:00", "18:00") for day in (0, 1, 3, 4)],
        "portrait": {
            "background": (214, 226, 240),
            "skin": (226, 186, 150),
            "hair": (20, 20, 24),
            "clothing": (70, 70, 70),
        },
    },
]

SERVICES = [
    {
        "name": "Initial assessment and treatment",
        "summary": "Your first visit: a health history, a movement assessment and a treatment plan, "
        "with hands-on treatment in the same session.",
        "description": (
            "We ask about your pain, your health and your goals, look at how you move, and explain "
            "what we find. Most of the session is treatment.\n\n"
            "You leave with a plan: how many sessions are likely to help, and what you can do "
            "between them."
        ),
        "duration_minutes": 60,
        "buffer_minutes": 15,
        "price": "120.00",
        "new_patients_allowed": True,
        "therapists": ["Dana Whitfield", "Marcus Oyelaran", "Sofia Reyes"],
    },
    {
        "name": "Swedish massage",
        "summary": "Long, flowing strokes at light to moderate pressure to ease tension and help you relax.",
        "description": (
            "A good choice for general muscle tension, stress and poor sleep, and for anyone new "
            "to massage who prefers a gentler pressure."
        ),
        "duration_minutes": 60,
        "buffer_minutes": 15,
        "price": "105.00",
        "new_patients_allowed": True,
        "therapists": ["Sofia Reyes", "Kenji Tanaka"],
    },
    {
        "name": "Deep tissue massage",
        "summary": "Slow, firm pressure that reaches deeper layers of muscle for stubborn tightness.",
        "description": (
            "Useful for chronic muscular back pain and areas that stay tight after everyday "
            "activity. Your therapist checks the pressure with you throughout; it should feel "
            "strong but never sharp."
        ),
        "duration_minutes": 60,
        "buffer_minutes": 15,
        "price": "115.00",
        "new_patients_allowed": True,
        "therapists": ["Dana Whitfield", "Marcus Oyelaran"],
    },
    {
        "name": "Medical and orthopedic massage",
        "summary": "Targeted, clinically informed treatment for a specific injury or painful area.",
        "description": (
            "Built around an assessment of the tissue involved, often alongside care from a "
            "physiotherapist or chiropractor. Suited to strains, post-injury stiffness and "
            "posture-related pain."
        ),
        "duration_minutes": 45,
        "buffer_minutes": 15,
        "price": "100.00",
        "new_patients_allowed": True,
        "therapists": ["Marcus Oyelaran", "Dana Whitfield"],
    },
    {
        "name": "Trigger point therapy",
        "summary": "Sustained pressure on tight knots in muscle that refer pain elsewhere.",
        "description": (
            "A short, focused session for knots that send pain into the head, shoulder or hip. "
            "Often added to a course of treatment for back pain."
        ),
        "duration_minutes": 30,
        "buffer_minutes": 10,
        "price": "65.00",
        "new_patients_allowed": False,
        "therapists": ["Dana Whitfield"],
    },
    {
        "name": "Prenatal massage",
        "summary": "Side-lying massage with supportive cushions, adapted for each stage of pregnancy.",
        "description": (
            "Eases the low back, hip and leg discomfort that pregnancy often brings. Your "
            "therapist avoids the pressure points and essential oils that are best left alone "
            "while pregnant."
        ),
        "duration_minutes": 60,
        "buffer_minutes": 15,
        "price": "110.00",
        "new_patients_allowed": True,
        "therapists": ["Sofia Reyes"],
    },
    {
        "name": "Manual lymphatic drainage",
        "summary": "Very light, rhythmic strokes that help the lymphatic system move fluid.",
        "description": (
            "Used for swelling after surgery or injury and for some chronic conditions. Please "
            "check with your doctor first if you are being treated for a heart condition or "
            "cancer."
        ),
        "duration_minutes": 60,
        "buffer_minutes": 15,
        "price": "110.00",
        "new_patients_allowed": True,
        "therapists": ["Sofia Reyes"],
    },
    {
        "name": "Extended follow-up treatment",
        "summary": "A longer session for returning patients who need work on several areas.",
        "description": (
            "For patients already in a treatment plan. Ninety minutes gives time for the back, "
            "neck and hips in one visit."
        ),
        "duration_minutes": 90,
        "buffer_minutes": 15,
        "price": "160.00",
        "new_patients_allowed": False,
        "therapists": ["Dana Whitfield", "Kenji Tanaka"],
    },
]

DEFAULT_PASSWORD = "demo-clinic-2026"

STAFF = [
    # (username, first name, last name, group, superuser, therapist name)
    ("admin", "Alex", "Owner", None, True, None),
    ("frontdesk", "Jordan", "Front Desk", "Front desk", False, None),
    ("dana", "Dana", "Whitfield", "Therapists", False, "Dana Whitfield"),
]


def _time(text):
    return datetime.time.fromisoformat(text)


def load_clinic():
    """Fill in the clinic's details unless staff have already given it a name of its own."""
    clinic = Clinic.objects.current()
    if clinic.name == Clinic.PLACEHOLDER_NAME:
        Clinic.objects.filter(pk=clinic.pk).update(**CLINIC)


def load_therapists():
    """Create the demo therapists that are missing; never overwrite what staff have edited."""
    for order, data in enumerate(THERAPISTS, start=1):
        data = dict(data)
        specialties = data.pop("specialties")
        hours = data.pop("hours")
        portrait = data.pop("portrait")
        slug = slugify(data["name"])
        therapist, created = Therapist.objects.get_or_create(
            slug=slug,
            defaults={
                **data,
                "display_order": order * 10,
                "photo_alt": f"Illustrated portrait of {data['name']}",
            },
        )
        if not created:
            continue
        therapist.specialties.set(
            Specialty.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
            for name in specialties
        )
        image = draw_portrait(seed=slug, **portrait)
        therapist.photo.save(f"{slug}.jpg", ContentFile(image), save=True)
        WorkingHours.objects.bulk_create(
            WorkingHours(
                therapist=therapist, weekday=day, start_time=_time(start), end_time=_time(end)
            )
            for day, start, end in hours
        )


def load_services():
    therapists = {t.name: t for t in Therapist.objects.all()}
    for order, data in enumerate(SERVICES, start=1):
        data = dict(data)
        offered_by = data.pop("therapists")
        service, created = Service.objects.get_or_create(
            slug=slugify(data["name"]),
            defaults={**data, "price": Decimal(data["price"]), "display_order": order * 10},
        )
        if created:
            service.therapists.set(therapists[name] for name in offered_by if name in therapists)


def load_closures(today):
    for year in (today.year, today.year + 1):
        for name, month, day in (("New Year's Day", 1, 1), ("Canada Day", 7, 1)):
            date = datetime.date(year, month, day)
            Closure.objects.get_or_create(name=name, start_date=date, defaults={"end_date": date})
        Closure.objects.get_or_create(
            name="Winter break",
            start_date=datetime.date(year, 12, 24),
            defaults={"end_date": datetime.date(year, 12, 26)},
        )


def load_staff(password=None):
    """Create the demo logins; returns (username, role, password or None if unchanged).

    An existing account keeps its password unless one is given explicitly, so running the
    loader again never resets a password someone has changed.
    """
    # The staff roles (accounts/roles.py), by their command: clinic imports no other app.
    call_command("setup_roles", verbosity=0)
    accounts = []
    user_model = get_user_model()
    for username, first, last, group_name, superuser, therapist_name in STAFF:
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@maplegrove.example",
                "is_staff": True,
                "is_superuser": superuser,
            },
        )
        new_password = password or (DEFAULT_PASSWORD if created else None)
        if new_password:
            user.set_password(new_password)
            user.save(update_fields=["password"])
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
        if therapist_name:
            Therapist.objects.filter(name=therapist_name, user=None).update(user=user)
        role = "superuser" if superuser else f"{group_name} group"
        accounts.append((username, role, new_password))
    return accounts


def load(*, password, today):
    load_clinic()
    load_therapists()
    load_services()
    load_closures(today)
    return load_staff(password)
