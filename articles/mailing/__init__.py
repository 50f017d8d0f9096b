"""The mailing list: double opt-in sign-up, the article digest, one-click unsubscribe."""
