from django import forms

from clinic.forms import honeypot

LONGEST_COMMENT = 2000


class CommentForm(forms.Form):
    """A reader's comment or question: plain text, shown as typed once staff publish it."""

    name = forms.CharField(
        label="Your name",
        max_length=80,
        help_text="Shown with your comment. A first name is enough.",
        error_messages={
            "required": "Please give a name to show with your comment.",
            "max_length": "Please keep the name under 80 characters.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    email = forms.EmailField(
        label="Your email",
        max_length=254,
        help_text="Never shown. We email you when your comment is published or answered.",
        error_messages={
            "required": "Please give your email address: we tell you there when it is published.",
            "invalid": "This does not look like an email address. Please check it, e.g. "
            "name@example.com.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    body = forms.CharField(
        label="Your comment or question",
        max_length=LONGEST_COMMENT,
        help_text=(
            "This is not medical advice, and everyone can read it: please leave out private "
            "health details. For advice about your own situation, book a visit or call us."
        ),
        error_messages={
            "required": "Please write your comment or question.",
            "max_length": f"Please keep it under {LONGEST_COMMENT:,} characters "
            "(it has %(show_value)s).",
        },
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    website = honeypot()

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Please write your comment or question.")
        return body


class AnswerForm(forms.Form):
    body = forms.CharField(
        label="Your answer",
        help_text="Published under the comment with your name and credentials, as plain text.",
        error_messages={"required": "Please write the answer."},
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class RejectForm(forms.Form):
    # No length limit: the model keeps any reason whole (a limit here dropped a long one while
    # the comment was still rejected).
    reason = forms.CharField(
        label="Reason (for staff only)",
        required=False,
        widget=forms.TextInput(),
    )
