"""Tables of the spotchecks app (see ARCHITECTURE.md §2)."""
