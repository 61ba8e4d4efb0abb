"""Errors that speak to the person who made the file or ran the command."""


from typing import TypedDict


class UserError(Exception):
    """A problem the person can fix; the message says which file, row, column and value, and what to do."""


class Problem(TypedDict):
    """What is wrong with an input, located where possible: the one shape every import and check reports
    (the command line's JSON `problems`, the Data page's table of problems)."""

    row: int | None
    column: str | None
    value: str | None
    message: str


def problem(message: str, row: int | None = None, column: str | None = None, value: object = None) -> Problem:
    """One problem, located where possible (the value as text, as it was in the file)."""
    return {"row": row, "column": column, "value": None if value is None else str(value), "message": message}


def incident(what: str) -> str:
    """Log the exception being handled, with a new incident id, and return the plain sentence people see.

    The exception's own text can name server paths (staging folders, the data directory) or file content,
    so it goes to the server log only.
    """
    import logging
    import uuid

    incident_id = uuid.uuid4().hex[:6].upper()
    logging.getLogger("engagement_explorer").exception("Incident %s: %s", incident_id, what)
    return f"{what} failed unexpectedly (incident id {incident_id}; the details are in the server log)"
