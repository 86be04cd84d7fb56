"""Tables of the grassroots app (see ARCHITECTURE.md §2)."""
