"""The catalog domain: its types and root fields."""
