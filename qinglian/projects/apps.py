from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "qinglian.projects"
    label = "projects"
    verbose_name = "十廉清单与专项监督"

    def ready(self):
        from qinglian.core.navigation import NavEntry
        from qinglian.core.navigation import register as nav_register

        nav_register(NavEntry("工作台", "本单位派单与清单任务", "projects:mine", "projects.report", 40))
        nav_register(NavEntry("工作专班", "专项监督", "projects:dashboard", "projects.view", 70))
        nav_register(NavEntry("工作专班", "专项监督项目", "projects:projects", "projects.view", 71))
        nav_register(NavEntry("工作专班", "“十廉”清单", "projects:lists", "projects.view", 72))
