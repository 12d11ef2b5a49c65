"""The kinds of user error the generator reports; each names a file and, where known, a line."""

from __future__ import annotations


class UserError(Exception):
    """An error in the user's input or set-up: reported as one message, exit code 2."""

    def __init__(
        self, message: str, file: str | None = None, line: int | None = None, *, offset: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.offset = offset  # the byte offset in the file, for a problem in its bytes (encoding)

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        return f"{where}{self.message}"


class InputError(UserError):
    """A listing file or folder that cannot be read."""


class TaxonomyError(UserError):
    """A topics file that cannot be loaded."""


class OutputError(UserError):
    """An output folder that cannot be written or swapped in; the previous folder is kept."""


class BuildError(UserError):
    """MkDocs or a build prerequisite failed; nothing that was built before is touched."""


class SearchFileError(UserError):
    """A built site's search settings or search file that is missing, damaged or of another version."""


def yaml_problem(error: Exception, text: str) -> tuple[str, int | None]:
    """A YAML error as a short message and the 1-based line it points at (within the file)."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    if mark is None:
        return problem, None
    last = max(1, len(text.splitlines()))
    return problem, min(mark.line + 1, last)
