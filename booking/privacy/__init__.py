"""Keeping personal data no longer than promised, and giving it to the patient: what
purge_personal_data and erasure run for booking (declared in booking/personal_data.py)."""
