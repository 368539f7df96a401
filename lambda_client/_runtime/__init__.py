"""Hand-written runtime under the generated client."""
