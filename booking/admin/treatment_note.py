"""A visit's treatment note in the admin: the treating therapist writes the draft (the patient's
latest screening beside it) and signs it; once locked it reads as signed, with its addenda and a
form to add one. Who reads the text is the selectors' rule (each read logged by
booking/rules/treatment_notes.read_note); whoever may see the visit sees that a note exists."""

from django import forms
from django.contrib import messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from booking.admin.patients import latest_screening
from booking.models import Appointment, NoteTemplate, Patient, TreatmentNote
from booking.rules import selectors
from booking.rules import treatment_notes as notes
from clinic.personal_data import plural

# The note's fields as the note page shows them; a note template's page shows them the same way.
NOTE_WIDGETS = {
    name: forms.Textarea(attrs={"rows": 3})
    for name in ("subjective", "assessment", "response", "plan")
}


class NoteForm(forms.ModelForm):
    class Meta:
        model = TreatmentNote
        fields = list(notes.NOTE_FIELDS)
        widgets = NOTE_WIDGETS

    def clean(self):
        cleaned = super().clean()
        if self.data.get("action") == "sign" and not any(
            (cleaned.get(name) or "").strip() for name in notes.NOTE_FIELDS
        ):
            raise forms.ValidationError("Write the note before signing it.")
        return cleaned


class StartFromForm(forms.Form):
    """Which of her own templates the writer starts the note from; another's is no choice."""

    template = forms.ModelChoiceField(
        queryset=NoteTemplate.objects.none(),
        label="Start from a template",
        empty_label="Choose one of your templates",
        help_text="What you have written stays; nothing is saved until you save the draft.",
        error_messages={
            "required": "Choose a template first.",
            "invalid_choice": "Choose one of your own templates.",
        },
    )

    def __init__(self, *args, author, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = notes.templates_of(author)


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Add an addendum", max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


def urls(model_admin):
    """The note's admin URL, under the appointment admin's."""

    def view(request, pk):
        return note_view(model_admin, request, pk)

    def record(request, pk):
        return record_view(model_admin, request, pk)

    return [
        path(
            "<int:pk>/note/",
            model_admin.admin_site.admin_view(require_http_methods(["GET", "POST"])(view)),
            name="booking_appointment_note",
        ),
        path(
            "patient/<int:pk>/treatment-record/",
            model_admin.admin_site.admin_view(require_http_methods(["GET"])(record)),
            name="booking_appointment_treatment_record",
        ),
    ]


def record_view(model_admin, request, pk):
    """One patient's notes this account may read, with their addenda, on a page that prints
    (for a referral, or the patient's own request). Producing it reads every note on it, so each
    read is logged, and the record's admin log says it was produced and by whom."""
    readable = (
        selectors.treatment_notes_visible_to(
            request.user, TreatmentNote.objects.filter(patient_id=pk)
        )
        .select_related("appointment__therapist", "appointment__service", "author__therapist")
        .prefetch_related("addenda__author__therapist")
        .order_by("appointment__start", "pk")
    )
    listed = list(readable)
    if not listed:
        # Nothing this account may read: the same answer as for a record that does not exist.
        raise Http404
    patient = listed[0].patient
    with transaction.atomic():
        for note in listed:
            notes.read_note(note=note, reader=request.user)
        LogEntry.objects.create(
            user=request.user,
            content_type=ContentType.objects.get_for_model(Patient),
            object_id=str(patient.pk),
            object_repr=f"Patient record #{patient.pk}",
            action_flag=CHANGE,
            change_message=f"Printable treatment record produced ({plural(len(listed), 'note')}).",
        )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Appointment._meta,
        "title": "Treatment record",
        "patient": patient,
        "produced_at": timezone.now(),
        "notes": [
            {
                "visit": note.appointment,
                "author": notes.author_name(note.author),
                "signed_at": note.signed_at,
                "fields": [
                    (TreatmentNote._meta.get_field(name).verbose_name, getattr(note, name))
                    for name in notes.NOTE_FIELDS
                ],
                "addenda": [
                    {"author": notes.author_name(a.author), "at": a.created_at, "text": a.text}
                    for a in note.addenda.all()
                ],
            }
            for note in listed
        ],
    }
    return TemplateResponse(request, "admin/booking/patient/treatment_record.html", context)


def note_view(model_admin, request, pk):
    # The visit through the selectors: one this account may see (the appointment admin's
    # queryset), or one whose note it may read (a therapist the owner shared the patient with).
    readable_notes = selectors.treatment_notes_visible_to(request.user, TreatmentNote.objects.all())
    visible = model_admin.get_queryset(request).values("pk")
    appointment = get_object_or_404(
        Appointment.objects.filter(Q(pk__in=visible) | Q(treatment_note__in=readable_notes))
        .select_related("therapist", "service", "patient"),
        pk=pk,
    )  # fmt: skip
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    note = (
        TreatmentNote.objects.select_related("author__therapist", "appointment")
        .filter(appointment=appointment)
        .first()
    )
    readable = note is not None and notes.may_read(request.user, note)
    if note is None:
        writable = (
            notes.writes_notes_for(request.user, appointment)
            and appointment.start <= timezone.now()
            and appointment.status in notes.TOOK_PLACE
            and appointment.patient_id is not None
        )
    else:
        writable = note.author_id == request.user.pk and not notes.is_locked(note)
    here = reverse("admin:booking_appointment_note", args=[pk])
    form = NoteForm(instance=note) if writable else None
    start_from = StartFromForm(author=request.user) if writable else None
    addendum_form = AddendumForm() if readable and notes.is_locked(note) else None

    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("save", "sign") and writable:
                form = NoteForm(request.POST, instance=note)
                if form.is_valid():
                    with transaction.atomic():
                        fields = {name: form.cleaned_data[name] for name in notes.NOTE_FIELDS}
                        note = notes.save_draft(
                            appointment=appointment, author=request.user, fields=fields
                        )
                        if action == "sign":
                            notes.sign(note=note, by=request.user)
                    messages.success(
                        request, "The note is signed." if action == "sign" else "Draft saved."
                    )
                    return redirect(here)
            elif action == "template" and writable:
                # The page comes back with what was typed (saved or not) and the template in
                # the fields still empty; nothing is saved until the draft is.
                start_from = StartFromForm(request.POST, author=request.user)
                typed = {name: request.POST.get(name, "") for name in notes.NOTE_FIELDS}
                if start_from.is_valid():
                    template = start_from.cleaned_data["template"]
                    typed = notes.start_from(template=template, fields=typed)
                    messages.info(
                        request,
                        f"The empty fields are filled from “{template}”. "
                        "Nothing is saved until you save the draft.",
                    )
                form = NoteForm(instance=note, initial=typed)
            elif action == "sign" and note is not None and note.author_id == request.user.pk:
                # A draft locked by time, unchanged, can still be signed by its author.
                notes.sign(note=note, by=request.user)
                messages.success(request, "The note is signed.")
                return redirect(here)
            elif action == "addendum" and addendum_form is not None:
                addendum_form = AddendumForm(request.POST)
                if addendum_form.is_valid():
                    notes.add_addendum(
                        note=note, author=request.user, text=addendum_form.cleaned_data["text"]
                    )
                    messages.success(request, "Addendum added.")
                    return redirect(f"{here}#addenda")
            elif readable:
                # A tab left open on a draft that has since been signed or locked.
                raise notes.NoteRefused(
                    "This note is locked (signed, or 24 hours after the visit): nothing was "
                    "changed; add an addendum instead."
                )
            else:
                raise PermissionDenied
        except notes.NoteRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(here)

    if readable:
        notes.read_note(note=note, reader=request.user)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Appointment._meta,
        "title": "Treatment note",
        "appointment": appointment,
        "change_url": reverse("admin:booking_appointment_change", args=[pk]),
        "note": note if readable else None,
        "summary": notes.summary(note),
        "form": form,
        "start_from": start_from,
        "addendum_form": addendum_form,
        "addenda": [
            {
                "author": notes.author_name(addendum.author),
                "at": addendum.created_at,
                "text": addendum.text,
            }
            for addendum in note.addenda.select_related("author__therapist")
        ]
        if readable
        else (),
        "author": notes.author_name(note.author) if readable else "",
        "may_sign": readable and note.signed_at is None and note.author_id == request.user.pk,
        # Who else read it: for its author and the owner, whom the log is for.
        "reads": [
            {"reader": notes.author_name(read.reader), "at": read.at}
            for read in note.reads.select_related("reader__therapist")[:50]
        ]
        if readable
        and (
            note.author_id == request.user.pk or selectors.reads_every_treatment_note(request.user)
        )
        else (),
        "screening": (
            latest_screening(
                selectors.appointments_visible_to(
                    request.user, Appointment.objects.filter(patient_id=appointment.patient_id)
                )
            )
            if (form is not None or readable) and appointment.patient_id
            else None
        ),
        "fields": [
            (TreatmentNote._meta.get_field(name).verbose_name, getattr(note, name, ""))
            for name in notes.NOTE_FIELDS
        ]
        if readable
        else (),
    }
    return TemplateResponse(request, "admin/booking/appointment/treatment_note.html", context)
