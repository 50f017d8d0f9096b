"""The short health screening patients answer before a first request.

Drawn from what massage therapists check before treating. Each "yes" flags the request so a
therapist looks before confirming; some answers also ask the patient, kindly, to check with a
doctor first. Answers are health details: they live in the database and the admin only, never in
URLs, logs, email subjects or calendar files.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    # "review": a therapist adapts the treatment; "doctor": a doctor's go-ahead is needed first;
    # "urgent": a red flag for back pain (DOMAIN.md): see a doctor, not a massage therapist, and
    # the online request ends there, with nothing stored.
    needs: str


# Red flags for back pain: signs of a problem a doctor must see first (nerve compression,
# infection, a fracture, a tumour). Asked of everyone, first.
RED_FLAGS = [
    Question("bladder_bowel", "Loss of control of your bladder or bowels", "urgent"),
    Question("groin_numbness", "Numbness in your groin, genitals or inner thighs", "urgent"),
    Question("fever_back_pain", "A fever together with back pain", "urgent"),
    Question("fall_or_accident", "Pain that began after a significant fall or accident", "urgent"),
    Question("weight_loss", "Weight loss you cannot explain", "urgent"),
]


QUESTIONS = [
    Question("fracture_or_surgery", "A broken bone or surgery in the last three months", "doctor"),
    Question("blood_thinners", "Taking blood-thinning medication", "doctor"),
    Question("osteoporosis", "Osteoporosis", "doctor"),
    Question("pregnancy", "Pregnant", "review"),
    Question("varicose_veins", "Varicose veins", "review"),
    Question(
        "inflammatory_flare",
        "A flare of rheumatoid arthritis or another inflammatory condition",
        "doctor",
    ),
    Question("heart_condition", "A heart condition, or recovering from one", "doctor"),
    Question("cancer_treatment", "Being treated for cancer", "doctor"),
    Question("fever_or_infection", "A fever or an infection right now", "doctor"),
]
QUESTIONS_BY_KEY = {question.key: question for question in [*RED_FLAGS, *QUESTIONS]}


def flagged(answers):
    """The questions answered "yes"."""
    return [question for question in QUESTIONS if answers.get(question.key)]


def needs_doctor(answers):
    return [question for question in flagged(answers) if question.needs == "doctor"]


def red_flags(answers):
    """The red flags answered "yes": any one ends the online request."""
    return [question for question in RED_FLAGS if answers.get(question.key)]
