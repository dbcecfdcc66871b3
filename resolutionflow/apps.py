from django.apps import AppConfig


class ResolutionFlowConfig(AppConfig):
    name = "resolutionflow"
    verbose_name = "ResolutionFlow"

    def ready(self) -> None:
        from . import two_factor  # noqa: F401  (connects its sign-in signal receiver)
