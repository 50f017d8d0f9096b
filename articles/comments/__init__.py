"""Readers' questions and comments under articles, moderated by staff and answered by clinicians."""
