"""Benchmarks of lambda_client against aiobotocore, the smithy-based AWS SDK
and raw aiohttp; ``python -m bench`` runs them all (see ``bench/run.py``)."""
