"""Pytest fixtures for teams testing storefronts against the gateway."""
