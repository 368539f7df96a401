"""Tests that read AWS settings see only what they write themselves."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def isolate_aws_settings(monkeypatch: pytest.MonkeyPatch, root: Path) -> Path:
    """Clear every AWS variable of the machine running the tests and point
    the shared config and credentials files into ``root`` (returned), which
    starts empty. No instance metadata is asked for."""
    for name in list(os.environ):
        if name.startswith("AWS_") or name == "BOTO_CONFIG":
            monkeypatch.delenv(name)
    home = root / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(root / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(root / "credentials"))
    # botocore's boto2 provider would otherwise read /etc/boto.cfg and ~/.boto.
    monkeypatch.setenv("BOTO_CONFIG", str(root / "boto.cfg"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return root
