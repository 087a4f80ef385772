"""Background work of certificates (django-tasks): a certificate's PDF, and bulk issues."""

from django_tasks import task

from certificates import services
from certificates.models import CertificateBatch, CertificateTemplate
from lms.models import TrainingRecord


@task()
def issue_for_record(template_id, record_id):
    """Issue (once) and sign the certificate a training record earns."""
    services.issue_with_pdf(
        template=CertificateTemplate.objects.get(pk=template_id), record=TrainingRecord.objects.get(pk=record_id)
    )


@task()
def run_batch(batch_id):
    services.run_batch(CertificateBatch.objects.select_related("template", "unit", "job__created_by").get(pk=batch_id))
