"""The access matrix's route description, shared by the apps' `tests/access_routes.py` files."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    path: str  # with {obj} where the object's id goes
    method: str = "GET"
    obj: str | None = None  # how to get an object inside/outside a scope: see OBJECTS
    public: bool = False  # no login needed
    any_user: bool = False  # any signed-in user (no capability)
    foreign: bool = False  # the object belongs to another user / unit: 404 even for allowed roles
