from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "qinglian.appointments"
    label = "appointments"
    verbose_name = "选拔任用纪实"

    def ready(self):
        pass
