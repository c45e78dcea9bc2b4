"""The inventory domain: its types and root fields."""
