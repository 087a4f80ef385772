"""StreamField blocks for lesson bodies: light on a phone, no JavaScript."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class DocumentBlock(blocks.StructBlock):
    """An uploaded file (PDF, slides...) offered for download, with its size shown."""

    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(label=_("title"), required=False, help_text=_("Defaults to the document's title."))

    class Meta:
        icon = "doc-full"
        label = _("Document to download")
        template = "courses/blocks/document.html"


class CalloutBlock(blocks.StructBlock):
    """A boxed tip, warning or note."""

    kind = blocks.ChoiceBlock(
        label=_("kind"),
        choices=[("tip", _("Tip")), ("warning", _("Warning")), ("note", _("Note"))],
        default="tip",
    )
    title = blocks.CharBlock(label=_("title"), required=False)
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "ul", "ol", "link"])

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "courses/blocks/callout.html"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("step"))
    text = blocks.RichTextBlock(label=_("explanation"), features=["bold", "italic", "ul", "ol", "link"], required=False)
    image = ImageBlock(label=_("screenshot"), required=False)


class StepsBlock(blocks.StructBlock):
    """Numbered step-by-step instructions, each step optionally with a screenshot."""

    title = blocks.CharBlock(label=_("title"))
    steps = blocks.ListBlock(StepBlock(), label=_("steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Step-by-step instructions")
        template = "courses/blocks/steps.html"


class LessonBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(label=_("Text"), features=TEXT_FEATURES)
    image = ImageBlock(label=_("Image"), template="courses/blocks/image.html")
    video = EmbedBlock(label=_("Video"), help_text=_("A link to a video (YouTube...)."), icon="media")
    document = DocumentBlock()
    callout = CalloutBlock()
    steps = StepsBlock()
