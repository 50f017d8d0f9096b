"""A therapist's note templates: her own wording to start a treatment note from ("Low back,
first visit"). Every account sees, changes and deletes only the templates it wrote, the owner
too: they are personal wording, not the clinic's records (treatment_notes.templates_of)."""

from django import forms
from django.contrib import admin

from booking.admin.treatment_note import NOTE_WIDGETS
from booking.models import NoteTemplate
from booking.rules import treatment_notes as notes


class NoteTemplateForm(forms.ModelForm):
    # The signed-in account, set by NoteTemplateAdmin.get_form on the class Django makes for
    # each request. The author is no field of the form, so Django's own check of the
    # (author, name) constraint is skipped: clean_name makes it instead of a database error.
    author = None

    class Meta:
        model = NoteTemplate
        fields = ["name", *notes.NOTE_FIELDS]
        widgets = NOTE_WIDGETS

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = notes.templates_of(self.author).filter(name=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("You already have a template of that name.")
        return name


@admin.register(NoteTemplate)
class NoteTemplateAdmin(admin.ModelAdmin):
    form = NoteTemplateForm
    list_display = ["name", "added"]

    def get_queryset(self, request):
        """Every view of a template (list, change, delete, history, actions) reads through this:
        another account's template is, for this one, a template that does not exist."""
        return notes.templates_of(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.author = request.user
        return form

    def save_model(self, request, obj, form, change):
        obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="Added", ordering="created_at")
    def added(self, template):
        return template.created_at

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {"title": "Note templates", **(extra_context or {})}
        )

    def add_view(self, request, form_url="", extra_context=None):
        context = {"title": "Add a note template", **(extra_context or {})}
        return super().add_view(request, form_url, context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {"title": "Change the note template", **(extra_context or {})}
        return super().change_view(request, object_id, form_url, context)
