"""The /account/integrations/ page: connection health, the connection form, member mappings."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from resolutionflow.activity import ActivityEvent, activity_list, activity_record
from resolutionflow.htmx import is_htmx, toast
from resolutionflow.models import Account
from resolutionflow.tenancy import account_of, account_required, membership_of

from .budget import call_budget_get
from .diagnostics import diagnostics_run
from .forms import PSAConnectionForm, member_by_id, member_choices
from .htmx_errors import psa_errors, read_or
from .models import PSAConnection
from .selectors import (
    capabilities_for_account,
    connection_get,
    member_mapping_get,
    member_mappings_list,
)
from .services import (
    connection_save,
    connection_test,
    member_mapping_delete,
    member_mapping_set,
    member_mappings_auto_match,
    member_mappings_confirm,
)

# How long a connection check stands for the status shown on the page. Older (or never made),
# an owner's or admin's visit checks again in the background, so the page shows real status.
HEALTH_FRESH_FOR = timedelta(minutes=10)


def _check_due(connection: PSAConnection | None) -> bool:
    if connection is None or not connection.is_active:
        return False
    checked = connection.last_checked_at
    return checked is None or timezone.now() - checked > HEALTH_FRESH_FOR


def _record(request: HttpRequest, action: str, *, target: str, detail: str = "") -> None:
    """One line in the account's activity log, by the signed-in user, from this request."""
    activity_record(
        account=account_of(request),
        actor=request.user,
        action=action,
        target=target,
        detail=detail,
        request=request,
    )


def _require_manager(request: HttpRequest) -> None:
    if not membership_of(request).can_manage:
        raise PermissionDenied("Only owners and admins can change the PSA connection or mappings.")


def _context(
    request: HttpRequest,
    *,
    form: PSAConnectionForm | None = None,
    mapping_error: tuple[int, int, str] | None = None,
) -> dict[str, object]:
    """The page's data. `mapping_error`: (user id, member id chosen, why it was refused), said
    in that user's row with their choice kept."""
    account = account_of(request)
    connection = connection_get(account=account)
    can_manage = membership_of(request).can_manage
    context: dict[str, object] = {
        "active_nav": "integrations",
        "connection": connection,
        "can_manage": can_manage,
        "own_mapping": member_mapping_get(account=account, user=request.user),
        # Only those who may run a test get one on opening the page (it sends the account's keys).
        "check_due": can_manage and _check_due(connection),
        # The PSA's hourly request budget by our shared count (no call; None: the PSA has none).
        # The card then asks the PSA for its own count (`call_budget_view`).
        "call_budget": call_budget_get(account=account),
    }
    context["psa_name"] = connection.get_provider_display() if connection else "your PSA"
    # Short names for the page's sentences: what the PSA and its engineers are called there.
    caps = capabilities_for_account(account=account)
    context["psa"] = caps.name
    context["member_word"] = caps.member_label
    if can_manage:
        context["form"] = form or _connection_form(
            request, connection or PSAConnection(account=account)
        )
        mappings = {m.user_id: m for m in member_mappings_list(account=account)}
        users = get_user_model().objects.filter(membership__account=account).order_by("username")
        rows = []
        for user in users:
            mapping = mappings.get(user.pk)
            chosen = str(mapping.member_id) if mapping else ""
            error = ""
            if mapping_error and mapping_error[0] == user.pk:
                chosen, error = str(mapping_error[1]), mapping_error[2]
            rows.append((user, mapping, chosen, error))
        context["rows"] = rows
        context["unconfirmed"] = sum(1 for m in mappings.values() if m.needs_confirming)
        context["activity"] = activity_list(account=account, limit=50)
        context["members_error"] = ""
        context["member_choices"] = []
        if connection is not None:
            # The page still works without the list: the mapping section says why it is empty.
            context.update(
                read_or(
                    lambda: {"member_choices": member_choices(account)},
                    otherwise=lambda exc: {"members_error": exc.message},
                )
            )
    return context


def _connection_form(request: HttpRequest, instance: PSAConnection) -> PSAConnectionForm:
    """The connection form for the PSA chosen (`?provider=`, when the choice changes)."""
    chosen = request.GET.get("provider")
    form = PSAConnectionForm(
        instance=instance, initial={"provider": chosen} if chosen else None, for_vendor_only=True
    )
    _vendor_swap(form)
    return form


def _vendor_swap(form: PSAConnectionForm) -> None:
    # Choosing another PSA redraws the form with that PSA's fields; without JS, posting the
    # choice does the same (the redrawn form says what is missing).
    form.fields["provider"].widget.attrs.update(
        {
            "hx-get": reverse("psa:integrations"),
            "hx-select": "#connection-form",
            "hx-target": "#connection-form",
            "hx-swap": "outerHTML",
        }
    )


def _vendor_name(account: Account) -> str:
    if connection_get(account=account) is None:
        return "PSA"
    return capabilities_for_account(account=account).name


def _back_to_integrations(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A change that needed the PSA and did not happen: back to the page, the toast says why."""
    return redirect("psa:integrations")


@require_GET
@account_required
def integrations(request: HttpRequest) -> HttpResponse:
    return render(request, "psa/integrations.html", _context(request))


@require_GET
@account_required
def call_budget_view(request: HttpRequest) -> HttpResponse:
    """The API-budget card, with the PSA's own count of this hour (cached briefly by the
    provider; our shared count if the PSA cannot say)."""
    if not is_htmx(request):
        return redirect("psa:integrations")
    account = account_of(request)
    context = {
        "call_budget": call_budget_get(account=account, refresh=True),
        "budget_refreshed": True,
        "psa": connection_get(account=account).vendor_name
        if connection_get(account=account)
        else "",
    }
    return render(request, "psa/integrations.html#budget", context)


@require_GET
@account_required
def connection_status_view(request: HttpRequest) -> HttpResponse:
    """The Connection card, checked first when an owner or admin opens the page and the last
    check is missing or old (the page asks for it once it has loaded)."""
    if not is_htmx(request):
        return redirect("psa:integrations")
    connection = connection_get(account=account_of(request))
    if membership_of(request).can_manage and connection is not None and _check_due(connection):
        connection_test(connection=connection)
    return render(request, "psa/integrations.html#health", _context(request))


@sensitive_post_parameters("private_key")
@require_POST
@account_required
def connection_test_view(request: HttpRequest) -> HttpResponse:
    _require_manager(request)  # a test sends the account's keys: not every engineer's button
    account = account_of(request)
    connection = connection_get(account=account)
    if connection is None:
        return redirect("psa:integrations")
    status = connection_test(connection=connection)
    _record(
        request,
        ActivityEvent.Action.CONNECTION_TESTED,
        target=connection.site,
        detail="ok" if status.ok else status.message[:500],
    )
    response = render(request, "psa/integrations.html#health", _context(request))
    if not is_htmx(request):
        response = redirect("psa:integrations")
    return toast(request, response, status.message, level="success" if status.ok else "error")


@sensitive_post_parameters("private_key")
@require_POST
@account_required
def connection_save_view(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    account = account_of(request)
    instance = connection_get(account=account) or PSAConnection(account=account)
    before = instance.site if instance.pk else ""
    form = PSAConnectionForm(request.POST, instance=instance, for_vendor_only=True)
    _vendor_swap(form)
    if form.is_valid():
        try:
            saved = connection_save(connection=form.instance, checked=form.health)
        except ValidationError as exc:
            form.add_error(None, exc)
    if not form.is_valid():
        _record(
            request,
            ActivityEvent.Action.CONNECTION_REFUSED,
            target=str(form.data.get("site", ""))[:255],
            detail="; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())[:1000],
        )
        return render(request, "psa/integrations.html", _context(request, form=form), status=400)
    changed = ", ".join(name for name in form.changed_data if name != "private_key")
    if form.key_typed:
        changed = f"{changed}, private key" if changed else "private key"
    _record(
        request,
        ActivityEvent.Action.CONNECTION_SAVED,
        target=saved.connection.site,
        detail=(f"was {before}; " if before and before != saved.connection.site else "")
        + (f"changed: {changed}" if changed else "no changes"),
    )
    psa = capabilities_for_account(account=saved.connection.account).name
    message = f"{psa} connection saved."
    if saved.status is not None:
        message = f"{psa} connection saved and verified."
    if saved.tenant_changed:
        message += (
            f" It now points at another {psa}: confirm the member mappings below; until then"
            " notes are signed with the engineer's name instead of posted as their member."
        )
    return toast(request, redirect("psa:integrations"), message)


@require_POST
@account_required
@psa_errors(action="Mappings not confirmed", on_error=_back_to_integrations)
def mappings_confirm_view(request: HttpRequest) -> HttpResponse:
    """Confirm mappings against the current PSA tenant (all of them, or one user's)."""
    _require_manager(request)
    account = account_of(request)
    raw = request.POST.get("user_id", "")
    user_ids = [int(raw)] if raw.isdigit() else None
    confirmed, unmatched = member_mappings_confirm(account=account, user_ids=user_ids)
    _record(
        request,
        ActivityEvent.Action.MAPPINGS_CONFIRMED,
        target=", ".join(str(m.user) for m in confirmed)[:255],
        detail=f"{len(confirmed)} confirmed, {len(unmatched)} left to map by hand",
    )
    message = f"Confirmed {len(confirmed)} mapping(s) against the current {_vendor_name(account)}."
    if unmatched:
        names = ", ".join(f"{m.user} ({m.member_identifier})" for m in unmatched)
        message += f" No matching member for {names}: choose their member by hand."
    return toast(
        request,
        redirect("psa:integrations"),
        message,
        level="warning" if unmatched else "success",
    )


@require_POST
@account_required
def mapping_set_view(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_manager(request)
    account = account_of(request)
    user = get_object_or_404(get_user_model(), pk=user_id, membership__account=account)
    try:
        member_id = int(request.POST.get("member_id", ""))
    except ValueError:
        member_id = None
    # Unreadable, or the PSA cannot say who it is: either way, no member was chosen.
    member = (
        None
        if member_id is None
        else read_or(lambda: member_by_id(account, member_id), otherwise=lambda exc: None)
    )
    if member is None:
        return toast(
            request,
            redirect("psa:integrations"),
            f"Choose a {_vendor_name(account)} "
            f"{capabilities_for_account(account=account).member_label}.",
            level="error",
        )
    try:
        member_mapping_set(account=account, user=user, member=member)
    except ValidationError as exc:
        # Said next to that user's member choice, with the member they chose still chosen.
        refused = (user.pk, member.id, " ".join(exc.messages))
        context = _context(request, mapping_error=refused)
        return render(request, "psa/integrations.html", context, status=400)
    _record(
        request,
        ActivityEvent.Action.MAPPING_SET,
        target=str(user),
        detail=f"{member.name} ({member.identifier}, id {member.id})",
    )
    return toast(
        request,
        redirect("psa:integrations"),
        f"{user} is now {member.name} in {_vendor_name(account)}.",
    )


@require_POST
@account_required
def mapping_delete_view(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_manager(request)
    account = account_of(request)
    user = get_object_or_404(get_user_model(), pk=user_id, membership__account=account)
    member_mapping_delete(account=account, user=user)
    _record(request, ActivityEvent.Action.MAPPING_DELETED, target=str(user))
    return toast(
        request, redirect("psa:integrations"), f"Removed {user}'s {_vendor_name(account)} mapping."
    )


@require_POST
@account_required
@psa_errors(action="Nothing matched", on_error=_back_to_integrations)
def mappings_auto_match_view(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    account = account_of(request)
    created = member_mappings_auto_match(account=account)
    _record(
        request,
        ActivityEvent.Action.MAPPINGS_MATCHED,
        target=", ".join(str(m.user) for m in created)[:255],
        detail=f"{len(created)} matched by email",
    )
    return toast(request, redirect("psa:integrations"), f"Matched {len(created)} user(s) by email.")


@require_POST
@account_required
def diagnostics_view(request: HttpRequest) -> HttpResponse:
    """Run every PSA call shape the product makes and show one row per check."""
    _require_manager(request)
    account = account_of(request)
    connection = connection_get(account=account)
    if connection is None:
        return redirect("psa:integrations")
    report = diagnostics_run(connection=connection)
    context = {**_context(request), "report": report}
    if is_htmx(request):
        return render(request, "psa/integrations.html#diagnostics", context)
    return render(request, "psa/integrations.html", context)
