"""Where lesson videos play from."""

from wagtail.embeds.finders.oembed import OEmbedFinder

YOUTUBE_PLAYER = "https://www.youtube.com/embed/"
YOUTUBE_PRIVACY_ENHANCED_PLAYER = "https://www.youtube-nocookie.com/embed/"


class YouTubeNoCookieFinder(OEmbedFinder):
    """YouTube's oEmbed answer, with its player moved to the privacy-enhanced host youtube-nocookie.com."""

    def find_embed(self, url, max_width=None, max_height=None):
        embed = super().find_embed(url, max_width, max_height)
        embed["html"] = embed["html"].replace(YOUTUBE_PLAYER, YOUTUBE_PRIVACY_ENHANCED_PLAYER)
        return embed
