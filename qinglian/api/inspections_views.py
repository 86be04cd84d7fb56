"""REST endpoints of the inspections app, registered on the API router by `register`."""


def register(router) -> None:
    pass
