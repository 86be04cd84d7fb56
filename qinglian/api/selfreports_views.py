"""REST endpoints of the selfreports app, registered on the API router by `register`."""


def register(router) -> None:
    pass
