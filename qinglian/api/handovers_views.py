"""REST endpoints of the handovers app, registered on the API router by `register`."""


def register(router) -> None:
    pass
