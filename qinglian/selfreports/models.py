"""Tables of the selfreports app (see ARCHITECTURE.md §2)."""
