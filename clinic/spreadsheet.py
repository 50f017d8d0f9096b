"""CSV files staff open in a spreadsheet (appointments, the mailing list): one rule for a cell."""


def safe_cell(value):
    """Text a spreadsheet will show, not run: a leading = + - @ would make a formula of what a
    patient or a reader typed into a public form."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
