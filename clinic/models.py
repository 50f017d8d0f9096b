"""The clinic's own records: its details and policy (one row, read once a request), therapists,
services, weekly hours, time off and closures. Over 300 lines because Django keeps an app's
models in one module; each model is short."""

import contextvars
import zoneinfo
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    FileExtensionValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property

from clinic.images import PORTRAIT, validate_image_upload

# Names in the tz database that are not places a clinic could be.
NOT_PLACES = {"localtime", "Factory", "posixrules"}


def time_zone_names():
    """The zones this machine's tz database knows, for the admin to offer as a list.

    Read at run time, never frozen into a migration: tzdata differs between machines.
    """
    return sorted(zoneinfo.available_timezones() - NOT_PLACES)


def validate_time_zone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            "%(value)s is not a time zone we know. Choose one from the list, e.g. America/Toronto.",
            code="unknown_time_zone",
            params={"value": value},
        ) from error
    if value in NOT_PLACES:
        raise ValidationError(
            "%(value)s is not a place. Choose the zone of the clinic’s city.",
            code="not_a_place",
            params={"value": value},
        )


# The clinic record read for this request (clinic/middleware.py), so the views, services,
# emails and templates a request runs read it once; outside a request, each asks the database.
_read_for_this_request = contextvars.ContextVar("clinic_for_this_request", default=None)


class ClinicQuerySet(models.QuerySet):
    def current(self):
        """The one clinic record, created with placeholders on first use; read once a request."""
        remembered = _read_for_this_request.get()
        if remembered is not None:
            return remembered
        clinic, _ = self.get_or_create(
            pk=Clinic.SINGLETON_ID, defaults={"name": Clinic.PLACEHOLDER_NAME}
        )
        return clinic


def read_clinic_for_this_request():
    """Read the record and keep it until forget_read_clinic (clinic/middleware.py does both
    around each request): Clinic.objects.current() then costs no query."""
    _read_for_this_request.set(None)
    clinic = Clinic.objects.current()
    _read_for_this_request.set(clinic)
    return clinic


def forget_read_clinic(**kwargs):
    """The request is over, or the record was saved: the next read asks the database."""
    _read_for_this_request.set(None)


class Clinic(models.Model):
    """The clinic's own details and its policies: exactly one row.

    Policy (booking, limits on online requests, how long personal data is kept, staff
    sign-in) stays on this row rather than in a model of its own: the owner sets it on one
    admin page, in a group per policy (clinic/admin.py), and a request reads it once with the
    clinic's name and zone (read_clinic_for_this_request)."""

    SINGLETON_ID = 1
    PLACEHOLDER_NAME = "Our clinic"

    name = models.CharField(max_length=120)
    short_description = models.CharField(
        max_length=300,
        blank=True,
        help_text="One or two sentences for the home page and search engines.",
    )
    street_address = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField("state / province", max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=40, blank=True, help_text="As patients should dial it.")
    email = models.EmailField(blank=True)
    time_zone = models.CharField(
        max_length=64,
        validators=[validate_time_zone],
        default="America/Toronto",
        help_text="Schedules are entered and shown in this zone.",
    )
    currency_symbol = models.CharField(max_length=5, default="$")
    currency = models.CharField(
        "currency code",
        max_length=3,
        default="CAD",
        validators=[RegexValidator(r"^[A-Z]{3}$", "Three capital letters, e.g. CAD.")],
        help_text="Fees and payments are kept in this currency (ISO code, e.g. CAD).",
    )
    tax_number = models.CharField(
        "tax number",
        max_length=40,
        blank=True,
        help_text="e.g. a GST/HST registration number, printed on receipts when there is one.",
    )
    late_cancellation_fee = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="The policy's fee for a cancellation inside the notice; blank: none. The desk "
        "chooses, visit by visit, whether to charge it.",
    )
    no_show_fee = models.DecimalField(
        "no-show fee",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="The policy's fee for a missed visit; blank: none. Charged only when the desk "
        "chooses to.",
    )
    email_receipts = models.BooleanField(
        "email each receipt",
        default=False,
        help_text="Email the patient a receipt as soon as a visit is paid in full (the desk can "
        "always email or print one from the visit).",
    )
    opening_hours = models.TextField(
        blank=True,
        help_text='Shown on the site as written, one line each, e.g. "Monday–Friday: 9:00–19:00".',
    )
    directions = models.TextField(
        blank=True, help_text="How to get here: transit, parking, entrance, accessibility."
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        "minimum notice (hours)",
        default=12,
        help_text="Patients cannot request a time sooner than this.",
    )
    booking_horizon_days = models.PositiveSmallIntegerField(
        "booking horizon (days)",
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="How far ahead patients may request a time.",
    )
    slot_step_minutes = models.PositiveSmallIntegerField(
        "slot step (minutes)",
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
        help_text="Offered start times are this many minutes apart.",
    )
    cancellation_notice_hours = models.PositiveSmallIntegerField(
        "cancellation notice (hours)",
        default=24,
        help_text=(
            "Patients may move or cancel online until this long before the visit (a request "
            "not yet confirmed may be withdrawn until the visit)."
        ),
    )
    request_expiry_hours = models.PositiveSmallIntegerField(
        "request expiry (hours)",
        default=24,
        validators=[MinValueValidator(1)],
        help_text="A request staff have not answered in this time expires and frees the slot.",
    )
    # Limits on online requests, so nobody can hold the calendar (staff bookings are exempt).
    max_holds_per_contact = models.PositiveSmallIntegerField(
        "coming requests per email or phone",
        default=2,
        validators=[MinValueValidator(1)],
        help_text="How many coming visits one email address or phone number may hold online.",
    )
    max_requests_per_address_hour = models.PositiveSmallIntegerField(
        "requests per internet address per hour",
        default=5,
        validators=[MinValueValidator(1)],
        help_text="Online requests one internet address may send in an hour.",
    )

    # How long personal details are kept (manage.py purge_personal_data anonymises after).
    keep_visits_months = models.PositiveSmallIntegerField(
        "keep visit records (months)",
        default=24,
        validators=[MinValueValidator(1)],
        help_text="Patients' details and health answers are removed this long after a visit.",
    )
    keep_unbooked_days = models.PositiveSmallIntegerField(
        "keep requests that never happened (days)",
        default=30,
        validators=[MinValueValidator(1)],
        help_text="Cancelled, declined and expired requests lose their details after this.",
    )
    receipts_kept_years = models.PositiveSmallIntegerField(
        "keep receipts and payments (years)",
        default=7,
        validators=[MinValueValidator(6), MaxValueValidator(100)],
        help_text=(
            "Counted from the end of the visit's year. Canada's tax agency asks for at least six "
            "years after the end of the tax year they belong to; seven covers a December visit "
            "paid in January."
        ),
    )
    treatment_notes_kept_years = models.PositiveSmallIntegerField(
        "keep treatment notes (years)",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=(
            "Counted from the patient's last visit. Ontario's College of Massage Therapists asks "
            "for at least 10 years (for a minor, 10 years after they turn 18)."
        ),
    )
    # The health library's policy: how long readers may comment under a new article.
    comments_open_days = models.PositiveSmallIntegerField(
        "comments stay open (days)",
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text="Readers may comment on an article for this many days after it is published; "
        "an article can also close its comments sooner (on the article's page).",
    )
    # The mailing list's digest (manage.py send_article_digest, run by the periodic timer).
    digest_every_days = models.PositiveSmallIntegerField(
        "send the new-articles email every (days)",
        default=7,
        validators=[MaxValueValidator(365)],
        help_text="Subscribers get the articles published since their last email, this many "
        "days apart (7: weekly); nothing is sent when there are none. 0 sends no email.",
    )
    digest_hour = models.PositiveSmallIntegerField(
        "at (hour, clinic time)",
        default=9,
        validators=[MaxValueValidator(23)],
        help_text="The hour of the day it goes out, 0–23.",
    )
    visit_preparation = models.TextField(
        "what to wear or bring",
        blank=True,
        default="Wear or bring loose, comfortable clothing. Bring a list of the medicines you "
        "take and, if you have one, your doctor's note or insurance details.",
        help_text="Printed in confirmation and reminder emails.",
    )
    patient_moves_stay_confirmed = models.BooleanField(
        "a confirmed visit the patient moves stays confirmed",
        default=False,
        help_text="Off: a patient's move sends the visit back to the requests for staff to "
        "confirm again.",
    )
    instant_booking_for_returning = models.BooleanField(
        "confirm returning patients' requests at once",
        default=False,
        help_text="For patients who have been seen here before and whose health questions "
        "raise nothing: their online request is confirmed straight away.",
    )
    # Only the owner may change it (the require_two_factor permission; see ClinicAdmin).
    require_two_factor = models.BooleanField(
        "require two-factor sign-in for all staff",
        default=False,
        help_text="Everyone then signs in with a code from an authenticator app as well as "
        "their password; anyone without one sets it up at their next sign-in.",
    )

    objects = ClinicQuerySet.as_manager()

    class Meta:
        verbose_name = "clinic details"
        verbose_name_plural = "clinic details"
        permissions = [("require_two_factor", "Can require two-factor sign-in for all staff")]
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="clinic_single_row"),
            models.CheckConstraint(
                condition=Q(slot_step_minutes__gte=5), name="clinic_slot_step_min"
            ),
            models.CheckConstraint(
                condition=Q(booking_horizon_days__gte=1), name="clinic_booking_horizon_min"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("clinic:about")

    @cached_property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def time_zone_city(self):
        """How patients name the zone: "Toronto" for America/Toronto."""
        return self.time_zone.rsplit("/", 1)[-1].replace("_", " ")

    @property
    def address_lines(self):
        locality = " ".join(part for part in (self.city, self.region, self.postal_code) if part)
        return [line for line in (self.street_address, locality, self.country) if line]

    @property
    def map_url(self):
        """The address on OpenStreetMap, for emails only (pages load nothing from elsewhere)."""
        if not self.street_address:
            return ""
        return "https://www.openstreetmap.org/search?" + urlencode(
            {"query": ", ".join(self.address_lines)}
        )

    @property
    def opening_hours_lines(self):
        return [line.strip() for line in self.opening_hours.splitlines() if line.strip()]

    @property
    def phone_href(self):
        return "tel:" + "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")


class Specialty(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self):
        return self.name


class TherapistQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def for_listing(self):
        return self.active().prefetch_related("specialties")


def therapist_photo_path(instance, filename):
    return f"therapists/{instance.slug}/{filename}"


class Therapist(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(
        "professional title", max_length=120, help_text='e.g. "Registered Massage Therapist"'
    )
    credentials = models.CharField(
        max_length=60, blank=True, help_text='Letters after the name, e.g. "RMT" or "MS, ATC".'
    )
    credentials_are_medical = models.BooleanField(
        "medical credentials",
        default=False,
        help_text="A licence to practise medicine (e.g. MD, DO, NP). Only then do articles this "
        'person reviews say "Medically reviewed"; otherwise "Reviewed".',
    )
    # What an insurer's receipt must name (booking/receipts.py): the registration with the
    # regulatory college. The professional title above is the designation.
    registration_number = models.CharField(
        max_length=40,
        blank=True,
        help_text="With the college that registers this therapist; printed on every receipt.",
    )
    college = models.CharField(
        max_length=160,
        blank=True,
        help_text='e.g. "College of Massage Therapists of Ontario".',
    )
    registration_on_profile = models.BooleanField(
        "show the registration on the profile",
        default=False,
        help_text="Patients checking the public register can look the number up.",
    )
    photo = models.ImageField(
        upload_to=therapist_photo_path,
        blank=True,
        validators=[
            FileExtensionValidator(["jpg", "jpeg", "png", "webp"]),
            validate_image_upload,
        ],
        help_text="JPEG, PNG or WebP, up to 5 MB. Shown cropped to a 4:5 portrait.",
    )
    photo_alt = models.CharField(
        "photo description",
        max_length=200,
        blank=True,
        help_text="What the photo shows, for patients who use a screen reader.",
    )
    short_bio = models.CharField(max_length=300, help_text="One or two sentences for lists.")
    bio = models.TextField(
        blank=True, help_text="The full profile. Blank lines start new paragraphs."
    )
    specialties = models.ManyToManyField(Specialty, blank=True, related_name="therapists")
    languages = models.CharField(max_length=200, default="English", help_text="Comma-separated.")
    years_in_practice = models.PositiveSmallIntegerField(null=True, blank=True)
    accepting_new_patients = models.BooleanField(default=True)
    is_active = models.BooleanField(
        "active", default=True, help_text="Inactive therapists are hidden from the site."
    )
    display_order = models.PositiveSmallIntegerField(default=100)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="therapist",
        help_text="The staff account this therapist signs in with, if any.",
    )
    modified_at = models.DateTimeField(auto_now=True)

    objects = TherapistQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "name"]
        permissions = [("change_own_profile", "Can edit their own therapist profile")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("clinic:therapist_detail", args=[self.slug])

    def clean(self):
        if self.photo and not self.photo_alt.strip():
            raise ValidationError(
                {"photo_alt": "Describe the photo for patients who cannot see it."}
            )

    @property
    def name_with_credentials(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    @property
    def registration(self):
        """ "Registered Massage Therapist, registration no. 12345, College of Massage
        Therapists of Ontario", as a receipt says it; "" when no number is on record."""
        if not self.registration_number:
            return ""
        parts = [self.title, f"registration no. {self.registration_number}", self.college]
        return ", ".join(part for part in parts if part)

    @property
    def language_list(self):
        return [lang.strip() for lang in self.languages.split(",") if lang.strip()]


PORTRAIT.attach(Therapist)


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Service(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    summary = models.CharField(max_length=300, help_text="One or two sentences for lists.")
    description = models.TextField(blank=True, help_text="Blank lines start new paragraphs.")
    duration_minutes = models.PositiveSmallIntegerField(
        "duration (minutes)", validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        "buffer after (minutes)",
        default=0,
        validators=[MaxValueValidator(120)],
        help_text="Turnover time kept free after each appointment.",
    )
    price = models.DecimalField(
        max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    therapists = models.ManyToManyField(
        Therapist, blank=True, related_name="services", help_text="Who offers this service."
    )
    new_patients_allowed = models.BooleanField(
        "new patients may book",
        default=True,
        help_text="Untick for services only returning patients may book.",
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Inactive services are hidden from the site."
    )
    display_order = models.PositiveSmallIntegerField(default=100)
    modified_at = models.DateTimeField(auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5), name="service_duration_min"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="service_price_not_negative"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("clinic:service_detail", args=[self.slug])


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WorkingHours(models.Model):
    """One block of a therapist's weekly hours, in clinic time. Several a day allow breaks."""

    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["therapist", "weekday", "start_time"]
        verbose_name = "working hours"
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="working_hours_end_after_start",
                violation_error_message="A block must end after it starts.",
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="working_hours_valid_weekday"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def overlaps(self, other):
        return (
            self.weekday == other.weekday
            and self.start_time < other.end_time
            and other.start_time < self.end_time
        )

    def clean(self):
        # Overlaps between blocks are checked by the admin's inline formset, which sees every
        # block being saved together (a swap of two blocks is not a clash).
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": "A block must end after it starts."})


class TimeOff(models.Model):
    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="time_off")
    start = models.DateTimeField(help_text="Clinic time.")
    end = models.DateTimeField(help_text="Clinic time.")
    note = models.CharField(
        max_length=200, blank=True, help_text="Staff only; never shown to patients."
    )

    class Meta:
        ordering = ["start"]
        verbose_name = "time off"
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="time_off_end_after_start",
                violation_error_message="Time off must end after it starts.",
            ),
        ]

    def __str__(self):
        return f"{self.therapist}: {self.start:%Y-%m-%d %H:%M} – {self.end:%Y-%m-%d %H:%M}"

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "Time off must end after it starts."})


class Closure(models.Model):
    """Days the whole clinic is closed (holidays), inclusive of both dates."""

    name = models.CharField(max_length=120, help_text='e.g. "New Year\'s Day"')
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="closure_end_not_before_start",
                violation_error_message="A closure cannot end before it starts.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.start_date:%Y-%m-%d})"

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "A closure cannot end before it starts."})


class LimitedAction(models.Model):
    """One public post that stored a row or sent an email, counted by the limiter
    (clinic/limiter.py). Keyed hashes only: no address, email or phone is kept, and rows go
    after two days (the register of personal data)."""

    action = models.CharField(max_length=20)
    address_key = models.CharField(max_length=40, blank=True)
    contact_key = models.CharField(max_length=40, blank=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["action", "address_key", "at"]),
            models.Index(fields=["action", "contact_key", "at"]),
        ]

    def __str__(self):
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"
