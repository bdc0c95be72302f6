"""The `bookingbot` command's rough edges (issue 13, point 12): one-line errors with a
non-zero exit for every kind of failure, clean help, --version, services by name, and a
worker that says what it is doing. Subprocesses where the real process matters."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from bookingbot.cli import main
from bookingbot.cli_errors import HINT, run_guarded
from bookingbot.worker_report import every

BIN = Path(sys.executable).with_name("bookingbot")
DEMO = Path(__file__).resolve().parent.parent / "bookingbot" / "demo" / "demo_business.yaml"
COMMANDS = ["setup", "db", "slots", "chat", "parse-time", "serve", "worker", "telegram",
            "calendar"]
CHANNEL_VARS = ("TELEGRAM_", "TWILIO_", "SLACK_", "STRIPE_", "PAYMENTS_", "PUBLIC_BASE_URL",
                "LOG_LEVEL")


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(CHANNEL_VARS)}
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


def run(*args: str, env: dict[str, str] | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=120,
                          check=False, env=env or clean_env(), cwd=cwd)


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    db = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    assert main(["setup", str(DEMO), "--db", db]) == 0
    return db


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err, err
    assert lines, "nothing said on stderr"
    assert lines[-1].startswith("error: "), err
    return lines[-1]


# --- help and version -------------------------------------------------------------------

def test_version_comes_from_the_package_metadata() -> None:
    done = run("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"bookingbot {version('bookingbot')}"


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_is_plain_text_for_every_command(command: str | None) -> None:
    done = run(*([command] if command else []), "--help")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    for markup in ("``", ":func:", ":class:", ".. ", "**"):
        assert markup not in text, (markup, text)
    if command is None:
        assert all(name in text for name in COMMANDS)
        assert "--version" in text
    else:
        description = text.split("\n\n")[1]
        assert description[0].isupper(), text
        assert description.rstrip().endswith("."), text


# --- slots ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["Beard Trim", "beard trim", "BEARD", "beard", "shave"])
def test_slots_accepts_names_and_aliases_in_any_case(
        url: str, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["slots", name, "--days", "7", "--db", url]) == 0
    out = capsys.readouterr().out
    assert out.strip(), "nothing printed"


def test_slots_miss_lists_the_keys(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["slots", "nails", "--db", url]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "no service called 'nails'" in line
    assert "haircut (Haircut), beard (Beard Trim), cut-and-beard (Haircut and Beard)" in line


def test_slots_unknown_provider_and_bad_date_are_one_line(
        url: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["slots", "haircut", "--provider", "bob", "--db", url]) == 2
    assert "providers: alex (Alex), jordan (Jordan)" in one_error_line(capsys.readouterr().err)
    assert main(["slots", "haircut", "--from", "12/3", "--db", url]) == 2
    assert "is not a date like" in one_error_line(capsys.readouterr().err)
    assert main(["slots", "haircut", "--provider", "Jordan", "--db", url]) == 0  # by name


def test_slots_into_a_closed_pipe_ends_quietly(url: str) -> None:
    """`bookingbot slots | head`: the reader is gone before anything is written."""
    proc = subprocess.Popen([str(BIN), "slots", "haircut", "--days", "30", "--db", url],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=clean_env())
    assert proc.stdout is not None
    proc.stdout.close()  # like `head` exiting: every write now fails with EPIPE
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in err
    assert "BrokenPipeError" not in err


# --- failures of every kind ---------------------------------------------------------------

def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again on leaving: nothing listens there


def test_telegram_set_webhook_without_network_is_one_line() -> None:
    env = clean_env(TELEGRAM_BOT_TOKEN="123:abc", TELEGRAM_WEBHOOK_SECRET="s3cret",
                    PUBLIC_BASE_URL="https://bookings.example.com",
                    TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{closed_port()}/bot")
    done = run("telegram", "set-webhook", env=env)
    assert done.returncode == 1
    assert "cannot reach the service" in one_error_line(done.stderr)


def test_telegram_set_webhook_without_settings_is_one_line() -> None:
    done = run("telegram", "set-webhook")
    assert done.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in one_error_line(done.stderr)


def test_an_unreachable_database_is_one_line() -> None:
    done = run("slots", "haircut", "--db",
               f"postgresql+psycopg://nobody@127.0.0.1:{closed_port()}/none")
    assert done.returncode == 1
    assert "database:" in one_error_line(done.stderr)


def test_worker_without_a_business_is_one_line(tmp_path: Path) -> None:
    done = run("worker", "--db", f"sqlite:///{tmp_path / 'empty.sqlite3'}", cwd=tmp_path)
    assert done.returncode == 2
    assert "no business is set up yet" in one_error_line(done.stderr)


def test_unexpected_errors_are_one_line_with_a_hint(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("LOG_LEVEL", raising=False)

    def broken() -> int:
        raise RuntimeError("the flux capacitor\nis out")

    assert run_guarded(broken, debug=False) == 1
    assert capsys.readouterr().err == (
        f"error: unexpected RuntimeError: the flux capacitor is out ({HINT})\n")
    with pytest.raises(RuntimeError):
        run_guarded(broken, debug=True)
    monkeypatch.setenv("LOG_LEVEL", "debug")
    with pytest.raises(RuntimeError):
        run_guarded(broken, debug=False)


# --- the worker says what it does ---------------------------------------------------------

def test_worker_prints_its_sweeps_and_senders(url: str) -> None:
    proc = subprocess.Popen([str(BIN), "worker", "--db", url], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env=clean_env(TELEGRAM_BOT_TOKEN="123:abc"))
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:  # read until the summary is complete, then stop the worker
        lines.append(line.rstrip())
        if line.startswith("  slack"):
            break
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    text = "\n".join(lines)
    assert lines[0].startswith("worker: running these sweeps"), text
    for sweep, interval in (("deliver", "2s"), ("outbox", "2s"), ("reminders", "30s"),
                            ("agendas", "5m"), ("cleanup", "1h"), ("calendar_sync", "1m")):
        assert any(line.split()[:2] == [sweep, interval] for line in lines), (sweep, text)
    assert "retry refunds (off: no payment gateway configured)" in text
    assert any(line.split()[:2] == ["telegram", "on"] for line in lines), text
    assert any(line.split()[:2] == ["sms", "off"] and "TWILIO_ACCOUNT_SID" in line
               for line in lines), text
    assert "Traceback" not in err


@pytest.mark.parametrize(("seconds", "shown"), [(2, "2s"), (90, "90s"), (300, "5m"),
                                                 (3600, "1h"), (0.5, "0.5s")])
def test_intervals_read_as_people_write_them(seconds: float, shown: str) -> None:
    assert every(seconds) == shown


@pytest.mark.parametrize("bad", ["nonsense://x", "::::"])
def test_a_bad_database_url_is_one_line(bad: str) -> None:
    done = run("db", "upgrade", "--db", bad)
    assert done.returncode == 2
    assert "sqlite:///" in one_error_line(done.stderr)


def test_chat_with_an_unknown_zone_is_one_line(tmp_path: Path) -> None:
    done = run("chat", "--tz", "Mars/Olympus", "--db", f"sqlite:///{tmp_path / 'c.sqlite3'}")
    assert done.returncode == 2
    assert "unknown timezone 'Mars/Olympus'" in one_error_line(done.stderr)
