from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "qinglian.appointments"
    label = "appointments"
    verbose_name = "选拔任用纪实"

    def ready(self):
        from qinglian.appointments import documents  # noqa: F401  (registers the feedback template)
        from qinglian.appointments.reverse import on_entry_recorded
        from qinglian.archive.services import entry_recorded
        from qinglian.core.navigation import NavEntry
        from qinglian.core.navigation import register as nav_register

        nav_register(NavEntry("日常监督", "选拔任用纪实", "appointments:cases", "appointments.view", 57))
        nav_register(NavEntry("日常监督", "一报告两评议", "appointments:reviews", "appointments.view", 58))
        entry_recorded.connect(on_entry_recorded, dispatch_uid="qinglian.appointments.reverse")
