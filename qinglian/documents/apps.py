from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "qinglian.documents"
    label = "documents"
    verbose_name = "公文"
