from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A staff sign-in (patients never have one).

    The project's own user model from the first release, as Django advises: a field added later
    (a phone for two-step sign-in, a display colour in the calendar) is then an ordinary
    migration, not a rewrite of every table that points at users.
    """

    class Meta(AbstractUser.Meta):
        # The table Django's own user model used, so an installation from before this model
        # keeps its accounts as they are (README: "Upgrading an installation from before
        # accounts.User"; `manage.py adopt_user_model`).
        db_table = "auth_user"
        verbose_name = "staff account"
        verbose_name_plural = "staff accounts"
