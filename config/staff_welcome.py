"""The page an invited staff member opens from their email to set their own password.

Django's PasswordResetConfirmView does the work: it checks the token, moves it out of the
address into the session before showing the form (so the token is in no Referer or later log
line), and the token stops working once the password is set.
"""

from django.contrib import admin, messages
from django.contrib.auth.views import PasswordResetConfirmView
from django.urls import reverse_lazy

from config.staff_accounts import invitation_tokens


class SetPasswordView(PasswordResetConfirmView):
    token_generator = invitation_tokens
    template_name = "registration/staff_set_password.html"
    success_url = reverse_lazy("admin:index")
    # Straight in: the admin then asks for two-factor set-up where the clinic requires it.
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"

    def get_context_data(self, **kwargs):
        # The staff site's own header and title, as on its sign-in page.
        context = {**super().get_context_data(**kwargs), **admin.site.each_context(self.request)}
        return {**context, "title": "Set your password"}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            f"Your password is set and you are signed in. Next time, sign in with your "
            f"username, {form.user.get_username()}.",
        )
        return response
