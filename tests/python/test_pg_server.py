"""The throwaway PostgreSQL server's failure paths: a clear message, nothing left behind."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest

from c360 import pg_server


def test_root_without_runuser_is_told_what_is_missing(monkeypatch):
    monkeypatch.setattr(pg_server.os, "geteuid", lambda: 0)
    monkeypatch.setattr(pg_server.shutil, "which", lambda name: None)
    with pytest.raises(pg_server.PostgresUnavailable, match="runuser"):
        pg_server._as_server_user(["initdb"])


def test_a_failed_start_removes_its_directory(monkeypatch, tmp_path):
    made: list[Path] = []

    def mkdtemp(prefix: str) -> str:
        made.append(tmp_path / f"{prefix}server")
        made[-1].mkdir()
        return str(made[-1])

    def failing_run(command, **kwargs):
        raise subprocess.CalledProcessError(1, command)

    monkeypatch.setattr(pg_server, "ensure_server_binaries", lambda: ("initdb", "pg_ctl"))
    monkeypatch.setattr(pg_server.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    monkeypatch.setattr(pg_server.subprocess, "run", failing_run)
    with pytest.raises(subprocess.CalledProcessError), pg_server.throwaway_server():
        pass
    assert len(made) == 1
    assert not made[0].exists()
