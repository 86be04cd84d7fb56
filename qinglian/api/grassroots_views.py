"""REST endpoints of the grassroots app, registered on the API router by `register`."""


def register(router) -> None:
    pass
