import datetime
import io
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Topic
from articles.services import save_article
from clinic.models import Closure, Service, Specialty, Therapist, TimeOff, WorkingHours

# A PDF that a patient might rename to .jpg before uploading it.
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def image_bytes(image_format="JPEG", size=(80, 100), color=(30, 120, 100)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=image_format)
    return buffer.getvalue()


def image_upload(name="portrait.jpg", image_format="JPEG", size=(80, 100)):
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}.get(
        image_format, "application/octet-stream"
    )
    return SimpleUploadedFile(name, image_bytes(image_format, size), content_type=content_type)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    is_staff = True
    password = factory.django.Password("correct horse battery")


class SpecialtyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Specialty
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Specialty {n}")
    slug = factory.Sequence(lambda n: f"specialty-{n}")


class TherapistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Therapist
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Therapist {n}")
    slug = factory.Sequence(lambda n: f"therapist-{n}")
    title = "Registered Massage Therapist"
    credentials = "RMT"
    short_bio = factory.LazyAttribute(lambda t: f"{t.name} treats back and neck pain.")
    bio = "Works with office workers.\n\nExplains each step."
    languages = "English, French"
    years_in_practice = 5

    @factory.post_generation
    def specialties(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.specialties.set(extracted)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    summary = "Firm pressure for tight muscles."
    description = "A focused treatment."
    duration_minutes = 60
    buffer_minutes = 15
    price = Decimal("100.00")

    @factory.post_generation
    def therapists(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.therapists.set(extracted)


class WorkingHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingHours

    therapist = factory.SubFactory(TherapistFactory)
    weekday = 0
    start_time = datetime.time(9)
    end_time = datetime.time(17)


class TimeOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeOff

    therapist = factory.SubFactory(TherapistFactory)
    start = datetime.datetime(2030, 1, 7, 14, tzinfo=datetime.UTC)
    end = datetime.datetime(2030, 1, 7, 18, tzinfo=datetime.UTC)


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    name = "Holiday"
    start_date = datetime.date(2030, 1, 1)
    end_date = datetime.date(2030, 1, 1)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    description = "Articles about this topic."


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article, its body rendered the way the admin renders it."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = "A short summary of the article."
    body = "## First section\n\nSome words about massage.\n\n## Second section\n\nMore words."
    author_therapist = factory.SubFactory(TherapistFactory)
    reviewer = factory.SubFactory(TherapistFactory, credentials="MS, ATC")
    reviewed_on = datetime.date(2026, 1, 10)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        article = model_class(*args, **kwargs)
        return save_article(article=article)

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.topics.set(extracted)

    @factory.post_generation
    def related_services(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.related_services.set(extracted)
