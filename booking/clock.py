"""How the clinic's pages say a time: "9:15 AM", "9:15 AM EST", "10:00–11:00 AM".

Written out here rather than through Django's date formatting, which looks up the active
language and format on every call: the calendar and the day sheet say hundreds of times a page.
The site is in English (settings.LANGUAGE_CODE), as these words are.
"""


def clock_of(time):
    """ "9:15 AM" for a wall-clock time."""
    return f"{time.hour % 12 or 12}:{time:%M} {'AM' if time.hour < 12 else 'PM'}"


def clock(instant, zone):
    """ "9:15 AM" on the clinic's clock."""
    return clock_of(instant.astimezone(zone))


def clock_with_zone(instant, zone):
    """ "9:15 AM EST": the zone's abbreviation tells apart the two 1:30s of the night clocks go
    back."""
    return f"{clock(instant, zone)} {instant.astimezone(zone).tzname()}"


def time_range(start, end, zone):
    """ "10:00–11:00 AM": AM or PM said once, after the second time."""
    return f"{clock(start, zone).rsplit(' ', 1)[0]}–{clock(end, zone)}"
