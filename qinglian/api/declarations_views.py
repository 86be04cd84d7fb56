"""REST endpoints of the declarations app, registered on the API router by `register`."""


def register(router) -> None:
    pass
