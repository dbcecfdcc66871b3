from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from tickets import dashboard

from . import token_views, two_factor, views

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", two_factor.two_factor_verify, name="two-factor-verify"),
    path("accounts/two-factor/setup/", two_factor.two_factor_enrol, name="two-factor-enrol"),
    path(
        "account/two-factor-rule/",
        two_factor.account_two_factor_policy,
        name="account-two-factor-rule",
    ),
    path("account/tokens/", token_views.api_tokens, name="api-tokens"),
    path(
        "account/tokens/<int:token_id>/revoke/",
        token_views.api_token_revoke_view,
        name="api-token-revoke",
    ),
    path("account/", include("psa.urls")),
    path("tickets/", include("tickets.urls")),
    path("assistant/", include("assistant.urls")),
    path("api/", include("tickets.api_urls")),
    path("api/assistant/", include("assistant.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves swagger-ui's initializer as a script file: no inline script for the CSP.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api_docs.html"),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]

handler404 = "resolutionflow.views.not_found"
