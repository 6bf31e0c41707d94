"""Passwords and tokens, with well-kept libraries: argon2id (argon2-cffi) for passwords,
SHA-256 of random tokens for sessions and API keys (a token has 256 bits of entropy, so
a fast hash is enough; what matters is that the store never holds a usable token), and
zxcvbn's list of the 30,000 most common passwords for the password policy.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

HASHER = PasswordHasher()  # argon2id, RFC 9106's second recommended parameters
MAX_PASSWORD = 1024        # longer ones are refused before any hashing
SESSION_PREFIX = "srs_"    # session tokens
KEY_PREFIX = "srk_"        # API keys


class PasswordPolicyError(ValueError):
    pass


def hash_password(password: str) -> str:
    return HASHER.hash(password)


@functools.cache
def _dummy_hash() -> str:
    return HASHER.hash(secrets.token_hex(16))


def _scrypt(password: str, salt: bytes) -> str:
    """The hashes of sitroom before argon2id: verified once more, then replaced."""
    return hashlib.scrypt(password.encode("utf-8", "surrogatepass"), salt=salt, n=2**14, r=8, p=1).hex()


def verify_password(stored: str | None, salt: str | None, password: str) -> tuple[bool, bool]:
    """(matches, needs a new hash). ``stored`` None: no such user, and the answer takes
    as long as for a user (one argon2 verification), so timing tells nothing."""
    if stored is None or len(password) > MAX_PASSWORD:
        try:
            HASHER.verify(_dummy_hash(), password[:MAX_PASSWORD])
        except VerificationError:
            pass
        return False, False
    if stored.startswith("$argon2"):
        try:
            HASHER.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False, False
        return True, HASHER.check_needs_rehash(stored)
    try:  # legacy scrypt (hex) with its salt
        ok = hmac.compare_digest(stored, _scrypt(password, bytes.fromhex(salt or "")))
    except ValueError:
        ok = False
    return ok, ok


@functools.cache
def common_passwords() -> frozenset[str]:
    """zxcvbn's packaged list of the most common passwords (lower case)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def check_password(password: str, name: str = "", min_length: int = 10) -> None:
    """Raise PasswordPolicyError saying what is wrong with ``password``: too short or long,
    one of the common passwords, the user's name, or one character repeated."""
    if len(password) < min_length:
        raise PasswordPolicyError(f"a password needs {min_length} characters or more")
    if len(password) > MAX_PASSWORD:
        raise PasswordPolicyError(f"a password has at most {MAX_PASSWORD} characters")
    low = password.lower()
    if low in common_passwords() or low.rstrip("0123456789!.?") in common_passwords():
        raise PasswordPolicyError("this password is among the most common ones: choose another")
    if name and (low == name.lower() or (len(name) >= 4 and name.lower() in low)):
        raise PasswordPolicyError("a password must not contain the user's name")
    if password.isdigit():
        raise PasswordPolicyError("a password of digits only is guessed quickly: add letters")
    if len(set(password)) < 4:
        raise PasswordPolicyError("a password needs more than three different characters")


def new_token(prefix: str) -> tuple[str, str]:
    """(token to hand out once, its hash to store)."""
    token = prefix + secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
