app_name = "handovers"

urlpatterns: list = []
