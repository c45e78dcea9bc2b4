"""The orders domain: its types and root fields."""
