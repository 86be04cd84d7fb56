"""REST endpoints of the spotchecks app, registered on the API router by `register`."""


def register(router) -> None:
    pass
