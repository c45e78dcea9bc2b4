"""The customers domain: its types and root fields."""
