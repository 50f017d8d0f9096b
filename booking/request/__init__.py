"""The request flow's state and forms: the choice sealed in the address, the week of times,
the patient's draft, the public forms."""
