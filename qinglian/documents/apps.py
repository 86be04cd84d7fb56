from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "qinglian.documents"
    label = "documents"
    verbose_name = "公文"

    def ready(self):
        import qinglian.documents.builtin  # noqa: F401  (registers the platform's own templates)
        from qinglian.core.navigation import NavEntry, register

        register(NavEntry("公文", "公文", "documents:list", "documents.view", 10))
        register(NavEntry("公文", "拟制通知", "documents:notice_create", "documents.create", 20))
