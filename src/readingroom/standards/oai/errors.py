"""The protocol's error conditions (OAI-PMH 2.0, section 3.6): each answers 200 with an <error> element."""

from __future__ import annotations


class OaiError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def echoes_arguments(self) -> bool:
        """The spec wants the request's arguments left out of <request> when the verb or arguments are bad."""
        return self.code not in ("badVerb", "badArgument")


def bad_argument(message: str) -> OaiError:
    return OaiError("badArgument", message)
