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
    # "review": a therapist adapts the treatment; "doctor": a doctor's go-ahead is needed first.
    needs: str


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
QUESTIONS_BY_KEY = {question.key: question for question in QUESTIONS}


def flagged(answers):
    """The questions answered "yes"."""
    return [question for question in QUESTIONS if answers.get(question.key)]


def needs_doctor(answers):
    return [question for question in flagged(answers) if question.needs == "doctor"]
