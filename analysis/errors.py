"""Errors that speak to the person who made the file or ran the command."""


class UserError(Exception):
    """A problem the person can fix; the message says which file, row, column and value, and what to do."""
