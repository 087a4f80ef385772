"""Fixtures of the certificate tests: a unit tree and a province's certificate template."""

import pytest

from certificates.models import CertificateTemplate
from tests.factories import make_unit_tree


@pytest.fixture
def tree():
    return make_unit_tree()


@pytest.fixture
def template():
    return CertificateTemplate.objects.create(
        name="MTTQ Thái Nguyên",
        issuer="ỦY BAN MTTQ VIỆT NAM\nTỈNH THÁI NGUYÊN",
        place="Thái Nguyên",
        signer_name="Nguyễn Văn Hùng",
    )
