app_name = "selfreports"

urlpatterns: list = []
