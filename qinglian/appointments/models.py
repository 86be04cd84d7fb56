"""Tables of the appointments app (see ARCHITECTURE.md §2)."""
