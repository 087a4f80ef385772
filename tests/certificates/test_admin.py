"""Certificate templates and the certificate history belong to units: an organiser keeps the templates of their unit
subtree, uses those of the units above read-only, and reads the history of their own units' certificates only."""

from datetime import date

import pytest
from django.urls import reverse

from certificates import services
from certificates.models import CertificateTemplate
from courses.models import CoursePage
from lms.models import UnitLogEntry
from tests.courses.helpers import make_catalogue, make_course
from tests.factories import make_organiser, make_person, make_session, make_trainings, make_user

pytestmark = pytest.mark.django_db


def make_template(unit, **fields):
    place = unit.name if unit else "Hà Nội"
    return CertificateTemplate.objects.create(
        name=f"Mẫu {place}", unit=unit, issuer="ỦY BAN MTTQ", place=place, signer_name="Nguyễn Văn Ký", **fields
    )


def template_form(template, **changes):
    return {
        "name": template.name,
        "unit": template.unit_id or "",
        "orientation": template.orientation,
        "issuer": template.issuer,
        "serial_suffix": template.serial_suffix,
        "title": template.title,
        "body": template.body,
        "place": template.place,
        "signer_title": template.signer_title,
        "signer_name": template.signer_name,
        "printed_fields": template.printed_fields,
        **changes,
    }


def names(response):
    return {str(row) for row in response.context["object_list"]}


def organiser_of(unit):
    return make_organiser(is_staff=True, managed_unit=unit)


def test_an_organiser_cannot_open_change_or_preview_another_units_template(client, tree):
    province_template = make_template(tree["province"])
    client.force_login(organiser_of(tree["other_province"]))

    edit_url = reverse("certificates_template:edit", args=[province_template.pk])
    refused = {
        "edit": client.get(edit_url).status_code,
        "save": client.post(edit_url, template_form(province_template, signer_name="Kẻ Mạo Danh")).status_code,
        "preview": client.get(
            reverse("certificates_template:preview_on_edit", args=[province_template.pk])
        ).status_code,
        "history": client.get(reverse("certificates_template:history", args=[province_template.pk])).status_code,
    }

    assert refused == {"edit": 404, "save": 404, "preview": 404, "history": 404}
    province_template.refresh_from_db()
    assert province_template.signer_name == "Nguyễn Văn Ký"


def test_an_organiser_changes_a_template_of_their_own_unit(client, tree):
    own = make_template(tree["province"])
    client.force_login(organiser_of(tree["province"]))

    saved = client.post(
        reverse("certificates_template:edit", args=[own.pk]), template_form(own, signer_name="Trần Thị Chủ Tịch")
    )

    assert saved.status_code == 302
    own.refresh_from_db()
    assert own.signer_name == "Trần Thị Chủ Tịch"


def test_an_organiser_chooses_the_fields_a_template_prints(client, tree):
    own = make_template(tree["province"])
    client.force_login(organiser_of(tree["province"]))

    form = client.get(reverse("certificates_template:edit", args=[own.pk]))
    saved = client.post(
        reverse("certificates_template:edit", args=[own.pk]),
        template_form(own, printed_fields=["ho_ten", "noi_dung", "ket_qua"]),
    )

    assert 'name="printed_fields" value="ngay_sinh"' in form.text
    assert saved.status_code == 302
    own.refresh_from_db()
    assert own.printed_fields == ["ho_ten", "noi_dung", "ket_qua"]


def test_the_template_list_shows_an_organiser_their_subtree_and_a_superuser_everything(client, tree):
    for unit in (None, tree["central"], tree["province"], tree["commune"], tree["area"], tree["other_commune"]):
        make_template(unit)

    client.force_login(organiser_of(tree["commune"]))
    commune_list = client.get(reverse("certificates_template:index"))
    client.force_login(make_user(is_superuser=True, is_staff=True))
    everything = client.get(reverse("certificates_template:index"))

    assert names(commune_list) == {f"Mẫu {tree[role].name}" for role in ("commune", "area")}
    assert len(everything.context["object_list"]) == 6


def test_the_template_form_offers_only_the_organisers_sessions_and_live_courses(client, tree):
    own_session = make_session(organising_unit=tree["commune"])
    make_session(organising_unit=tree["other_commune"])
    catalogue = make_catalogue()
    live_course = make_course(catalogue, lessons=0)
    draft_course = make_course(catalogue, lessons=0)
    draft_course.unpublish()
    client.force_login(organiser_of(tree["commune"]))

    form = client.get(reverse("certificates_template:add")).context["form"]

    assert list(form.fields["sessions"].queryset) == [own_session]
    assert list(form.fields["courses"].queryset.specific()) == [CoursePage.objects.get(pk=live_course.pk)]
    assert set(form.fields["unit"].queryset) == {tree["commune"], tree["area"], tree["other_area"]}


def test_an_organiser_cannot_add_a_template_to_another_unit_nor_grant_it_for_anothers_session(client, tree):
    others_session = make_session(organising_unit=tree["other_commune"])
    client.force_login(organiser_of(tree["commune"]))
    blank = CertificateTemplate(name="Mẫu lạ", issuer="ỦY BAN MTTQ", place="Nơi khác", signer_name="Lê Văn Lạ")

    into_another_unit = client.post(
        reverse("certificates_template:add"), template_form(blank, unit=tree["other_commune"].pk)
    )
    shared = client.post(reverse("certificates_template:add"), template_form(blank, unit=""))
    for_anothers_session = client.post(
        reverse("certificates_template:add"),
        template_form(blank, unit=tree["commune"].pk, sessions=[others_session.pk]),
    )

    assert into_another_unit.context["form"].errors["unit"]
    assert shared.context["form"].errors["unit"]
    assert for_anothers_session.context["form"].errors["sessions"]
    assert not CertificateTemplate.objects.exists()


def test_a_superuser_keeps_a_template_shared_by_every_unit(client, tree):
    client.force_login(make_user(is_superuser=True, is_staff=True))
    blank = CertificateTemplate(name="Mẫu chung", issuer="ỦY BAN MTTQ", place="Hà Nội", signer_name="Lê Văn Chung")

    added = client.post(reverse("certificates_template:add"), template_form(blank, unit=""))

    assert added.status_code == 302
    assert CertificateTemplate.objects.get().unit is None


def test_a_bulk_issue_offers_the_templates_of_the_unit_and_above_but_not_of_other_units(client, tree):
    usable = {make_template(unit) for unit in (None, tree["central"], tree["province"], tree["commune"])}
    make_template(tree["other_commune"])
    make_template(tree["other_province"])
    client.force_login(organiser_of(tree["commune"]))

    form = client.get(reverse("certificates_batch:add")).context["form"]

    assert set(form.fields["template"].queryset) == usable


def test_a_bulk_issue_refuses_a_template_of_a_unit_its_people_are_not_below(client, tree):
    commune_template = make_template(tree["commune"])
    course = make_course(make_catalogue(), lessons=0)
    client.force_login(make_user(is_superuser=True, is_staff=True))

    ordered = client.post(
        reverse("certificates_batch:add"),
        {"template": commune_template.pk, "course": course.pk, "unit": tree["other_commune"].pk},
    )

    assert ordered.status_code == 200
    assert ordered.context["form"].errors["template"]


def test_a_completion_is_certified_with_the_template_of_the_nearest_unit_and_never_another_units(tree):
    course = make_course(make_catalogue(), lessons=0)
    templates = {unit: make_template(tree[unit] if unit else None) for unit in (None, "province", "other_commune")}
    for template in templates.values():
        template.courses.add(course)

    def chosen(role):
        return services.template_for({"courses": course.pk}, unit=tree[role])

    assert chosen("area") == templates["province"]
    assert chosen("other_commune") == templates["other_commune"]
    assert chosen("other_province") == templates[None]


def test_the_site_history_shows_an_organiser_the_certificates_and_templates_of_their_units_only(client, tree):
    template = make_template(None)
    entries = {}
    for role in ("area", "other_province"):
        (record,) = make_trainings(make_person(unit=tree[role]), day=date(2026, 3, 1))
        certificate, _issued = services.issue_certificate(template=template, record=record)
        entries[role] = UnitLogEntry.objects.get(object_id=str(certificate.pk), action="certificates.issue")
    other_template = make_template(tree["other_province"])
    client.force_login(organiser_of(tree["other_province"]))
    client.post(reverse("certificates_template:edit", args=[other_template.pk]), template_form(other_template))
    template_entry = UnitLogEntry.objects.get(object_id=str(other_template.pk), action="wagtail.edit")

    client.force_login(organiser_of(tree["commune"]))
    seen_by_commune = client.get(reverse("wagtailadmin_reports:site_history")).context["object_list"]
    client.force_login(make_user(is_superuser=True, is_staff=True))
    seen_by_superuser = client.get(reverse("wagtailadmin_reports:site_history")).context["object_list"]

    assert entries["area"] in seen_by_commune
    assert entries["other_province"] not in seen_by_commune
    assert template_entry not in seen_by_commune
    assert {entries["area"], entries["other_province"], template_entry} <= set(seen_by_superuser)


def test_the_certificate_list_filters_by_the_templates_an_organiser_may_use_only(client, tree):
    usable = {make_template(None), make_template(tree["province"])}
    make_template(tree["other_province"])
    client.force_login(organiser_of(tree["commune"]))

    listing = client.get(reverse("certificates_certificate:index"))

    assert set(listing.context["filters"].form.fields["template"].queryset) == usable
