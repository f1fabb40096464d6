"""Errors a user can cause; the CLI and the app turn each into one clear message."""


class QAError(Exception):
    """Base of every error `qa` reports to a user instead of a traceback."""


class IngestError(QAError):
    """A file could not be read; the message names the file and the reason."""

    def __init__(self, path: str, outcome: str, reason: str):
        self.path, self.outcome, self.reason = path, outcome, reason
        super().__init__(f"{path}: {outcome}: {reason}")


class IndexMissingError(QAError):
    """No index exists at the given folder."""


class IndexMismatchError(QAError):
    """The index was built with other settings or another model than the ones in use."""


class IndexCorruptError(QAError):
    """Index files are missing, damaged or inconsistent with the manifest."""


class IndexLockedError(QAError):
    """Another build of the same index is running."""


class ModelUnavailableError(QAError):
    """The embedding model is not installed (it must come from a package, never a download)."""
