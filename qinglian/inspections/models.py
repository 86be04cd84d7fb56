"""Tables of the inspections app (see ARCHITECTURE.md §2)."""
