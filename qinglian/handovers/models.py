"""Tables of the handovers app (see ARCHITECTURE.md §2)."""
