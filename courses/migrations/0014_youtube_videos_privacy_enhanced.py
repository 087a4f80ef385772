"""YouTube videos already shown (their player is kept in Wagtail's embed cache) move to the privacy-enhanced
player, the only YouTube frame the Content Security Policy lets in."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Replace

from courses.embeds import YOUTUBE_PLAYER, YOUTUBE_PRIVACY_ENHANCED_PLAYER


def use_privacy_enhanced_player(apps, schema_editor):
    apps.get_model("wagtailembeds", "Embed").objects.filter(html__contains=YOUTUBE_PLAYER).update(
        html=Replace("html", Value(YOUTUBE_PLAYER), Value(YOUTUBE_PRIVACY_ENHANCED_PLAYER))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0013_category_unit"),
        ("wagtailembeds", "0009_embed_cache_until"),
    ]

    operations = [migrations.RunPython(use_privacy_enhanced_player, migrations.RunPython.noop)]
