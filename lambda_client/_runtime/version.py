"""The package's version, written here only: ``lambda_client.__version__``,
the User-Agent and the telemetry scope read it, and the build takes it from
this file (``[tool.hatch.version]`` in pyproject.toml)."""

VERSION = "0.1.0"
