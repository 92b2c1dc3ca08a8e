"""HTTP mode's connection limit needs as many open files: the soft limit is raised to fit, and
a hard limit too low for it is said in the log (issue 18 finding 2)."""

from __future__ import annotations

import logging
import sys

import pytest

from bot.slack.http_limits import FILES_BESIDES_CONNECTIONS, room_for

resource = pytest.importorskip("resource")


@pytest.mark.skipif(sys.platform == "win32", reason="no open-files limit on Windows")
def test_the_soft_open_files_limit_is_raised_to_fit_the_connections() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 1000 + FILES_BESIDES_CONNECTIONS
    if hard != resource.RLIM_INFINITY and hard < wanted:
        pytest.skip(f"the hard limit here ({hard}) is below {wanted}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (300, hard))
    try:
        assert room_for(1000) == 1000
        assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] >= wanted
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_hard_limit_too_low_takes_fewer_connections_and_says_so(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    limits = [(256, 512)]
    monkeypatch.setattr(resource, "getrlimit", lambda which: limits[-1])
    monkeypatch.setattr(resource, "setrlimit", lambda which, value: limits.append(value))
    with caplog.at_level(logging.WARNING):
        assert room_for(1000) == 512 - FILES_BESIDES_CONNECTIONS
    assert limits[-1] == (512, 512)
    assert "ulimit -n" in caplog.text and "1000" in caplog.text
