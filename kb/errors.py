"""Every error the library raises on purpose. Pure: imports nothing from kb."""

from __future__ import annotations

import difflib


class KBError(Exception):
    """Base class for errors a user can fix; the CLI prints them as one line."""


class ParseError(KBError, ValueError):
    """A value as people write it ("$1-12M") could not be read."""


class RangeError(KBError, ValueError):
    """A range is malformed: low above high, negative, or not finite."""


class NotFound(KBError, LookupError):
    """A slug, alias or name does not exist in the knowledge base."""

    @classmethod
    def among(cls, kind: str, name: str, known: list[str]) -> NotFound:
        """'unknown subject "GTP-4" (did you mean "GPT-4"?); see kb subject list'."""
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        return cls(f'unknown {kind} "{name}"{hint}; see kb {kind} list')


class Duplicate(KBError):
    """A record with this slug already exists."""


class InvalidRecord(KBError, ValueError):
    """A record (from YAML, JSON or the command line) fails validation."""


class Conflict(KBError):
    """A record changed since the caller loaded it."""
