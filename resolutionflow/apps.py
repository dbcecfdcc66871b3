from django.apps import AppConfig


class ResolutionFlowConfig(AppConfig):
    name = "resolutionflow"
    verbose_name = "ResolutionFlow"
