"""The "API tokens" page: a signed-in user names, creates and revokes their own tokens."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import user_has_device

from .api_tokens import DEFAULT_EXPIRY_DAYS, api_token_create, api_token_list, api_token_revoke
from .htmx import toast
from .tenancy import membership_for_user

EXPIRY_CHOICES = [("30", "30 days"), ("90", "90 days"), ("365", "1 year"), ("0", "Never")]


class TokenCreateForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What uses it, e.g. “billing script”.")
    expires_days = forms.TypedChoiceField(
        choices=EXPIRY_CHOICES, coerce=int, initial=str(DEFAULT_EXPIRY_DAYS)
    )


# The new key waits in the session for the one GET after the create's redirect, which takes it
# out: a reload shows the list, and neither creates a second token nor shows the key again.
NEW_KEY_SESSION = "_rf_new_api_token"


@sensitive_variables("key")
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List the user's tokens; a POST creates one, then redirects (a reload does not create
    another) to the list showing its key this once."""
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, key = api_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            expires_days=form.cleaned_data["expires_days"] or None,
            request=request,
        )
        request.session[NEW_KEY_SESSION] = key
        return redirect("api-tokens")
    key = request.session.pop(NEW_KEY_SESSION, None) if request.method == "GET" else None
    context = {
        "form": form,
        "new_key": key,
        "tokens": api_token_list(user=request.user),
        "two_factor_on": user_has_device(request.user, confirmed=True),
        "membership": membership_for_user(user=request.user),
        "active_nav": "api_tokens",
    }
    response = render(request, "account/api_tokens.html", context)
    response["Cache-Control"] = "no-store"  # the new key must not sit in any cache
    return response


@require_POST
def api_token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    if api_token_revoke(user=request.user, token_id=token_id, request=request):
        toast(request, HttpResponse(), "Token revoked: it no longer signs anything in.")
    return redirect("api-tokens")
