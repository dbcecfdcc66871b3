from django.apps import AppConfig


class ResolutionFlowConfig(AppConfig):
    name = "resolutionflow"
    verbose_name = "ResolutionFlow"

    def ready(self) -> None:
        from . import checks, signin_guard, two_factor  # noqa: F401  (register checks, receivers)
