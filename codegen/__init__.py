"""Generates lambda_client/_generated from the Lambda model that botocore ships."""
