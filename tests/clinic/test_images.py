from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from PIL import Image

from clinic import images
from clinic.images import validate_image_upload
from clinic.models import Therapist
from tests.factories import PDF_BYTES, TherapistFactory, image_bytes, image_upload
from tests.html import head_metadata, tags


def _error_codes(upload):
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload)
    return error.value.code, error.value.messages[0]


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_real_photos_in_allowed_formats_are_accepted(image_format):
    validate_image_upload(image_upload(f"photo.{image_format.lower()}", image_format))


def test_a_pdf_renamed_to_jpg_is_refused_with_a_clear_message():
    code, message = _error_codes(SimpleUploadedFile("portrait.jpg", PDF_BYTES, "image/jpeg"))
    assert code == "not_an_image"
    assert (
        message == "This file is not an image we can read. Please upload a JPEG, PNG or WebP photo."
    )


def test_a_truncated_image_is_refused():
    broken = image_bytes("PNG", (200, 200))[:60]
    code, _ = _error_codes(SimpleUploadedFile("cut.png", broken, "image/png"))
    assert code == "not_an_image"


def test_a_real_image_in_another_format_is_refused():
    code, message = _error_codes(SimpleUploadedFile("anim.gif", image_bytes("GIF"), "image/gif"))
    assert code == "wrong_format"
    assert message.startswith("GIF images are not accepted.")


def test_a_file_over_the_size_limit_is_refused_before_decoding(settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 1000
    code, message = _error_codes(image_upload(size=(400, 400)))
    assert code == "too_large"
    assert "the limit is 1000" in message


def test_an_image_with_too_many_pixels_is_refused(settings):
    settings.IMAGE_UPLOAD_MAX_PIXELS = 100 * 100
    code, message = _error_codes(image_upload(size=(101, 100)))
    assert code == "too_many_pixels"
    assert "101 × 100 pixels" in message


@pytest.mark.django_db
def test_portraits_are_served_as_webp_renditions_with_their_size_set():
    therapist = TherapistFactory(photo=image_upload(size=(800, 1000)), photo_alt="Dana smiling")
    html = Template("{% load clinic_tags %}{% portrait t width=320 %}").render(
        Context({"t": therapist})
    )
    assert 'width="320"' in html
    assert 'height="400"' in html
    assert 'alt="Dana smiling"' in html
    for width in (160, 320, 640):
        assert f".webp {width}w" in html
    rendition = therapist.photo_320
    rendition.generate()
    with rendition.storage.open(rendition.name) as stored, Image.open(stored) as image:
        assert image.format == "WEBP"
        assert image.size == (320, 400)


@pytest.mark.django_db
def test_a_therapist_without_a_photo_gets_a_placeholder_hidden_from_screen_readers():
    therapist = TherapistFactory(name="Kenji")
    html = Template("{% load clinic_tags %}{% portrait t %}").render(Context({"t": therapist}))
    assert "<img" not in html
    assert 'aria-hidden="true"' in html


@pytest.mark.django_db
def test_saving_a_profile_whose_stored_photo_went_missing_still_works():
    therapist = TherapistFactory(photo=image_upload(), photo_alt="Portrait")
    therapist.photo.storage.delete(therapist.photo.name)
    therapist = Therapist.objects.get(pk=therapist.pk)  # as the admin loads it
    therapist.short_bio = "Updated."
    therapist.full_clean()
    therapist.save()


def missing_images(html):
    """(width, height) of each placeholder a page shows for an image it could not read."""
    return [
        (attrs["width"], attrs["height"])
        for _, attrs in tags(html, "img")
        if "image-missing" in attrs.get("class", "")
    ]


@pytest.mark.django_db
def test_a_lost_photo_file_shows_a_placeholder_of_the_same_size_and_is_logged_once(
    client, admin_client, clinic, caplog
):
    from django.core.files.storage import default_storage
    from django.urls import reverse

    from tests.factories import ArticleFactory

    therapist = TherapistFactory(photo=image_upload(size=(800, 1000)), photo_alt="Dana smiling")
    article = ArticleFactory(
        author_therapist=therapist,
        featured=True,
        hero_image=image_upload("hero.jpg", size=(1600, 900)),
        hero_alt="A treatment room",
    )
    # A database restored without its media: the files the rows point at are gone.
    default_storage.delete(therapist.photo.name)
    default_storage.delete(article.hero_image.name)

    pages = [
        reverse("clinic:home"),
        reverse("clinic:therapist_list"),
        therapist.get_absolute_url(),
        article.get_absolute_url(),
    ]
    for url in pages * 2:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(therapist.get_absolute_url()).content.decode()
    assert ("320", "400") in missing_images(page)  # the portrait (the article card: its hero)
    assert "og:image" not in head_metadata(page)
    article_page = client.get(article.get_absolute_url()).content.decode()
    assert ("960", "540") in missing_images(article_page)

    admin_page = admin_client.get(reverse("admin:clinic_therapist_change", args=[therapist.pk]))
    assert "The photo’s file is missing" in admin_page.content.decode()
    assert admin_client.get(reverse("admin:clinic_therapist_changelist")).status_code == 200

    logged = [r.getMessage() for r in caplog.records if r.name == "clinic.images"]
    assert len(logged) == 2  # each lost file once, however many pages asked for it
    assert therapist.photo.name in " ".join(logged)


@pytest.mark.django_db
def test_rendition_urls_are_worked_out_once_per_photo_not_on_every_view(client, clinic):
    therapist = TherapistFactory(photo=image_upload())
    client.get(therapist.get_absolute_url())
    with mock.patch.object(images, "rendition_url", wraps=images.rendition_url) as naming:
        page = client.get(therapist.get_absolute_url()).content.decode()
    assert naming.call_count == 0
    first = {
        attrs["src"] for tag, attrs in tags(page, "img") if "portrait" in attrs.get("class", "")
    }
    # A new photo is a new source file, so its renditions get their own URLs at once.
    therapist.photo = image_upload(name="new-portrait.jpg")
    therapist.save()
    page = client.get(therapist.get_absolute_url()).content.decode()
    second = {
        attrs["src"] for tag, attrs in tags(page, "img") if "portrait" in attrs.get("class", "")
    }
    assert first
    assert second
    assert first.isdisjoint(second)
