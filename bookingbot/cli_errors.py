"""How a CLI command ends when something goes wrong: one line on stderr and a non-zero exit.

Expected kinds (a bad argument, a refused request, no network, no database, a closed pipe)
are said plainly; anything else is one line naming the exception with a hint, and its
traceback is shown only with ``--debug`` (or ``LOG_LEVEL=DEBUG``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TextIO

from core.errors import DomainError

# Exit statuses: 1 the command could not do its work, 2 it was asked for something wrong,
# 130 interrupted (the shell's convention for Ctrl-C).
FAILED, USAGE, INTERRUPTED = 1, 2, 130
HINT = "run again with --debug (or LOG_LEVEL=DEBUG) for the traceback"


class CommandError(Exception):
    """Something the user can fix, said in one line (exit status 2); e.g. a setting that
    is missing (``bookingbot.channels_wiring.SetupError``)."""


def debugging(flag: bool) -> bool:
    return flag or os.environ.get("LOG_LEVEL", "").strip().upper() == "DEBUG"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _classes(exc: BaseException) -> set[str]:
    return {f"{c.__module__}.{c.__qualname__}" for c in type(exc).__mro__}


_NETWORK = {"httpx.TransportError", "telegram.error.NetworkError", "urllib.error.URLError",
            "stripe._error.APIConnectionError"}
_REFUSED = {"telegram.error.TelegramError", "slack_sdk.errors.SlackApiError",
            "httpx.HTTPStatusError", "stripe._error.StripeError"}


def describe(exc: BaseException) -> tuple[str, int] | None:  # noqa: PLR0911 (one per kind)
    """(message, exit status) for the kinds we expect; None for anything else."""
    names = _classes(exc)
    if isinstance(exc, CommandError):
        return _one_line(str(exc)), USAGE
    if isinstance(exc, DomainError):
        return _one_line(exc.message), USAGE
    if names & _NETWORK or isinstance(exc, ConnectionError | TimeoutError):
        return f"cannot reach the service: {_one_line(str(exc)) or type(exc).__name__} " \
               "(is the network up?)", FAILED
    if names & _REFUSED:  # after the network check: NetworkError is a TelegramError too
        return f"the service refused: {_one_line(str(exc))}", FAILED
    if "sqlalchemy.exc.OperationalError" in names or "sqlalchemy.exc.ArgumentError" in names:
        first = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        return f"database: {_one_line(first)} (check --db or DATABASE_URL)", FAILED
    if "pydantic_core._pydantic_core.ValidationError" in names:
        errors = exc.errors()  # type: ignore[attr-defined]  # pydantic's ValidationError
        said = "; ".join(f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in errors)
        return f"settings: {said}", USAGE
    if isinstance(exc, OSError):
        return _one_line(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")), FAILED
    return None


def run_guarded(command: Callable[[], int], *, debug: bool, err: TextIO | None = None) -> int:
    """Run one command; expected failures become one line, the rest a line and a hint."""
    err = err or sys.stderr  # looked up now: tests and callers may have replaced it
    try:
        return command()
    except KeyboardInterrupt:
        err.write("interrupted\n")
        return INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`bookingbot slots | head`): stop quietly, as Unix tools do,
        # and keep Python from complaining again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return FAILED
    except Exception as exc:
        if debugging(debug):
            raise
        known = describe(exc)
        if known is not None:
            message, status = known
            err.write(f"error: {message}\n")
            return status
        err.write(f"error: unexpected {type(exc).__name__}: {_one_line(str(exc))} ({HINT})\n")
        return FAILED
