"""Tables of the declarations app (see ARCHITECTURE.md §2)."""
