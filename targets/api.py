"""The read-only coverage API other systems read (the province's shared database, a central dashboard):
``GET /api/v1/coverage/?target=SLUG&unit=CODE[&as_of=YYYY-MM-DD]`` with ``Authorization: Bearer <key>``.
A key reads only its own unit's subtree. Documented in docs/api.md."""

from datetime import date

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from lms.models import Unit
from targets import selectors
from targets.models import ApiToken, Target, hash_token


def error(status, message):
    response = JsonResponse({"error": message}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="coverage"'
    return response


def token_of(request):
    scheme, _space, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() not in ("bearer", "token") or not key.strip():
        return None
    token = ApiToken.objects.filter(key_hash=hash_token(key.strip()), is_active=True).select_related("unit").first()
    if token:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


def row_json(row):
    return {
        "unit": {"code": row.unit.code, "name": row.unit.name, "level": row.unit.level},
        "own_people": row.own_people,
        "population": row.population,
        "met": row.met,
        "trainings": row.trainings,
        "percent": None if row.percent is None else float(row.percent),
        "threshold": row.threshold,
        "gap": row.gap,
        "status": row.status,
    }


@require_GET
def coverage_api(request):
    token = token_of(request)
    if token is None:
        return error(401, "A valid API key is required: Authorization: Bearer <key>.")
    target = Target.objects.filter(slug=request.GET.get("target", ""), is_active=True).first()
    if target is None:
        return error(404, "No active target with this slug.")
    code = request.GET.get("unit")
    unit = Unit.objects.in_unit(token.unit).filter(code=code).first() if code else token.unit
    if unit is None:
        return error(404, "No unit with this code in the key's units.")
    try:
        as_of = date.fromisoformat(request.GET["as_of"]) if request.GET.get("as_of") else None
    except ValueError:
        return error(400, "as_of must be a date: YYYY-MM-DD.")
    report = selectors.coverage(target, unit, as_of=as_of)
    return JsonResponse(
        {
            "target": {
                "slug": target.slug,
                "name": target.name,
                "deadline": target.deadline.isoformat(),
                "threshold": target.threshold,
            },
            "unit": {"code": unit.code, "name": unit.name, "level": unit.level},
            "as_of": report.as_of.isoformat(),
            "from_snapshot": report.snapshot is not None,
            "total": row_json(report.total),
            "rows": [row_json(row) for row in report.rows],
        },
        json_dumps_params={"ensure_ascii": False},
    )
