from django import forms


class MarkdownEditor(forms.Textarea):
    """A Markdown textarea with a live preview beside it, rendered by the server exactly as the
    page will show it (same Markdown rules, same sanitizer)."""

    template_name = "admin/articles/markdown_editor.html"

    def __init__(self, *, preview_url, attrs=None):
        super().__init__(attrs={"rows": 24, "class": "markdown-source", **(attrs or {})})
        self.preview_url = preview_url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["preview_url"] = self.preview_url
        return context

    class Media:
        css = {"all": ["css/markdown-editor.css"]}
        js = ["js/markdown-preview.js"]
