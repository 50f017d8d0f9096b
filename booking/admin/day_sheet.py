"""The day sheet: one-click changes from the dashboard and the calendar, with a minute to undo."""


def urls(model_admin):
    """The day sheet's admin URLs, under the appointment admin's."""
    return []
