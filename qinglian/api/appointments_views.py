"""REST endpoints of the appointments app, registered on the API router by `register`."""


def register(router) -> None:
    pass
