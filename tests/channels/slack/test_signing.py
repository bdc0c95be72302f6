"""Bolt verifies every request: forged, unsigned and stale requests get 401 and no effect."""

from __future__ import annotations

import json
import time

from tests.channels.conftest import snapshot
from tests.channels.slack.conftest import Harness
from tests.channels.slack.harness import FORM, JSON, sign


def test_signed_url_verification_is_answered(harness: Harness) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"})
    response = harness.slack.post(body, JSON)
    assert response.status_code == 200
    assert response.json() == {"challenge": "abc123"}


def test_forged_missing_and_stale_signatures_are_refused(harness: Harness) -> None:
    before = snapshot(harness.db)
    body = harness.slack.command_body("cancel 1234abcd")
    forged = sign(body, secret="not-the-secret")
    stale = sign(body, ts=int(time.time()) - 6 * 60)
    for headers, signed in ((forged, False), ({}, False), (stale, False)):
        response = harness.slack.post(body, FORM, headers=headers, signed=signed)
        assert response.status_code == 401
    assert harness.fake.calls == []  # no listener ran: not even auth.test
    assert snapshot(harness.db) == before


def test_body_over_the_cap_is_refused_before_verification(harness: Harness) -> None:
    response = harness.slack.post("x" * (600 * 1024), FORM)
    assert response.status_code == 413
