"""The one error type the command line reports as a clear message instead of a traceback."""


class C360Error(Exception):
    """A problem the user can fix: bad input, bad configuration, missing service."""
