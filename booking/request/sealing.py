"""Opaque, tamper-proof tokens for the booking flow's state.

The service a patient chose says something about their health ("prenatal massage"), and the
time they chose is theirs; neither belongs in an address that ends up in browser history, proxy
and access logs, or a Referer header. The flow's state travels sealed instead: AES-SIV with a key
derived from SECRET_KEY. SIV is deterministic, so one state always gives one address (the back
button, caches and tests see stable links), and no one without the key can read or forge it.
"""

import base64
import binascii
import functools
import json

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from django.conf import settings
from django.utils.crypto import salted_hmac

# A state is a handful of short values; anything much longer was not written by us.
LONGEST = 1024


def _cipher():
    # Looked up by the current SECRET_KEY, so a changed key (tests, rotation) is honoured.
    return _cipher_for(settings.SECRET_KEY)


@functools.lru_cache(maxsize=4)
def _cipher_for(secret):
    # 64 bytes: AES-SIV with two 256-bit keys. A time step seals a hundred links; deriving the
    # key once per process instead of per link halves the cost of each.
    return AESSIV(
        salted_hmac(
            "booking.request.sealing", "aes-siv", secret=secret, algorithm="sha512"
        ).digest()
    )


def seal(values):
    """A URL-safe token holding a dict of short strings and numbers."""
    data = json.dumps(values, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(_cipher().encrypt(data, None)).rstrip(b"=").decode()


def unseal(token):
    """The dict a token holds, or {} for anything we did not seal (tampered, old key, junk)."""
    if not token or len(token) > LONGEST:
        return {}
    try:
        sealed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        values = json.loads(_cipher().decrypt(sealed, None))
    except (InvalidTag, ValueError, binascii.Error):
        return {}
    return values if isinstance(values, dict) else {}
