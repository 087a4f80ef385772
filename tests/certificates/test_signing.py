"""The one signing key of the install stays private: a deploy check warns when others can read it or when it lies
where the web server serves files."""

from certificates.data_integrity import create_credential_key
from certificates.signing import check_signing_key, create_signing_key


def warnings_for(settings, path, *, mode):
    create_signing_key(path, passphrase="", common_name="Khóa kiểm tra")
    path.chmod(mode)
    settings.CERTIFICATE_SIGNING_KEY = path
    return [warning.id for warning in check_signing_key()]


def test_a_key_only_its_owner_reads_outside_the_served_folders_passes(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"

    assert warnings_for(settings, tmp_path / "signing" / "key.p12", mode=0o600) == []


def test_a_key_other_users_can_read_is_reported(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"

    assert warnings_for(settings, tmp_path / "signing" / "key.p12", mode=0o640) == ["certificates.W002"]


def test_a_key_inside_the_media_folder_is_reported(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"

    assert warnings_for(settings, tmp_path / "media" / "key.p12", mode=0o600) == ["certificates.W001"]


def test_a_credential_key_other_users_can_read_is_reported(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CERTIFICATE_SIGNING_KEY = tmp_path / "signing" / "absent.p12"
    settings.CREDENTIAL_SIGNING_KEY = tmp_path / "signing" / "credential-key.pem"
    create_credential_key(settings.CREDENTIAL_SIGNING_KEY)
    settings.CREDENTIAL_SIGNING_KEY.chmod(0o644)

    assert [warning.id for warning in check_signing_key()] == ["certificates.W002"]
