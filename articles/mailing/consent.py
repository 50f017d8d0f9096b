"""What the sign-up form promises, word for word: shown above the form and kept with each
sign-up (Canada's CASL asks for a record of the consent as it was given)."""


def how_often(clinic):
    days = clinic.digest_every_days
    if days == 7:
        return "once a week at most"
    if days == 1:
        return "once a day at most"
    if days:
        return f"once every {days} days at most"
    return "from time to time"


def wording(clinic):
    return (
        f"Get {clinic.name}'s new health articles by email, {how_often(clinic)}. "
        "Each email has a link to unsubscribe in one click."
    )
