"""ConnectWise Manage REST API 3.0: HTTP client, conditions builder, JSON mapping, provider."""

from psa.providers.connectwise.client import ConnectWiseClient
from psa.providers.connectwise.config import ConnectWiseConfig
from psa.providers.connectwise.provider import ConnectWiseProvider

__all__ = ["ConnectWiseClient", "ConnectWiseConfig", "ConnectWiseProvider"]
