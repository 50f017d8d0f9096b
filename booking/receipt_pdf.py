"""A receipt as a PDF, made with fpdf2: no browser and no network, a few kilobytes a page.

It reads only the receipt's `details` (booking/receipts.py keeps everything printed there), so
a receipt prints the same on the day and in the patient's year of receipts.

The text is set in DejaVu Sans when the machine has it (Debian's fonts-dejavu-core, installed
by .ci/run and on most Linux desktops): it has every Latin, Greek and Cyrillic letter. Without
it, the PDF's built-in Helvetica is used, which has only Western European letters: others are
printed as their nearest plain letter ("Ł" as "L"), or "?".
"""

import unicodedata
from pathlib import Path

from django.core import checks
from fpdf import FPDF

FONT_PATHS = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
]
BOLD_PATHS = [path.with_name("DejaVuSans-Bold.ttf") for path in FONT_PATHS]
WIDTH = 180  # millimetres of text across an A4 or Letter page with its margins


@checks.register(checks.Tags.compatibility, deploy=True)
def font_is_installed(app_configs=None, **kwargs):
    """`manage.py check --deploy` says so when receipts would print without DejaVu Sans: a
    receipt is never changed, so a name spelled without its letters stays so."""
    if any(path.exists() for path in FONT_PATHS):
        return []
    return [
        checks.Warning(
            "DejaVu Sans is not installed: receipts print only Western European letters.",
            hint="apt-get install fonts-dejavu-core",
            id="booking.W001",
        )
    ]


def file_name(number):
    return f"receipt-{number}.pdf"


def _font():
    """(family, make_text_printable) for this machine."""
    regular = next((path for path in FONT_PATHS if path.exists()), None)
    if regular is not None:
        return "DejaVu", str
    return "helvetica", _latin_1


# Letters and signs with no accent to drop, spelled as a Latin-1 font can print them.
PLAIN = {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Œ": "OE",
         "œ": "oe", "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "..."}  # fmt: skip


def _latin_1(text):
    return "".join(_plain(character) for character in text)


def _plain(character):
    if _fits(character):
        return character
    if character in PLAIN:
        return PLAIN[character]
    base = "".join(
        part for part in unicodedata.normalize("NFKD", character) if not unicodedata.combining(part)
    )
    return base if base and _fits(base) else "?"


def _fits(text):
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def render(receipts):
    """One PDF with a page for each receipt's details, in order."""
    family, printable = _font()
    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(printable("Receipts" if len(receipts) > 1 else receipts[0]["title"]))
    if family == "DejaVu":
        regular = next(path for path in FONT_PATHS if path.exists())
        bold = next((path for path in BOLD_PATHS if path.exists()), regular)
        pdf.add_font("DejaVu", fname=str(regular))
        pdf.add_font("DejaVu", style="B", fname=str(bold))
    for details in receipts:
        _page(pdf, details, family, printable)
    return bytes(pdf.output())


def _page(pdf, details, family, text):
    pdf.add_page()

    def line(words, *, size=10, bold=False, height=5.5):
        pdf.set_font(family, style="B" if bold else "", size=size)
        pdf.multi_cell(WIDTH, height, text(words), new_x="LMARGIN", new_y="NEXT")

    def row(label, amount, *, bold=False):
        pdf.set_font(family, style="B" if bold else "", size=10)
        pdf.cell(WIDTH - 40, 6, text(label))
        pdf.cell(40, 6, text(amount), align="R", new_x="LMARGIN", new_y="NEXT")

    clinic = details["clinic"]
    line(clinic["name"], size=15, bold=True, height=8)
    for words in clinic["address"]:
        line(words)
    if clinic["tax_number"]:
        line(f"Tax number: {clinic['tax_number']}")
    pdf.ln(6)
    line(details["title"], size=13, bold=True, height=7)
    line(f"Issued {details['issued']}")
    if details.get("replaces"):
        line(f"Replaces receipt no. {details['replaces']}, which is no longer valid.", bold=True)
    pdf.ln(4)
    line(f"Patient: {details['patient']}")
    line(f"Date of visit: {details['visit_date']}")
    line(f"Service: {details['service']}, {details['minutes']} minutes")
    therapist = details["therapist"]
    line(f"Therapist: {therapist['name']}")
    if therapist["registration"]:
        line(therapist["registration"])
    pdf.ln(4)
    currency = details["currency"]
    for charge in details["charges"]:
        row(charge["description"], f"{charge['amount']} {currency}")
    row("Total", f"{details['total']} {currency}", bold=True)
    pdf.ln(2)
    for payment in details["payments"]:
        row(f"Paid {payment['date']}: {payment['method']}", f"{payment['amount']} {currency}")
    row("Amount paid", f"{details['paid']} {currency}", bold=True)
    pdf.ln(6)
    line(f"Issued by {details['issued_by']} for {clinic['name']}.", size=9)
