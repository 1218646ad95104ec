"""
The badge block. For now it shows the badge it stands for; authoring and the
learner's progress arrive with the block's own issue.
"""

from web_fragments.fragment import Fragment
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Scope, String

_ = lambda text: text  # noqa: E731  (marks strings for extraction; the i18n service translates)


@XBlock.wants("user", "i18n", "settings")
class BadgeXBlock(XBlock):
    """A badge a learner can earn in this course."""

    completion_mode = XBlockCompletionMode.EXCLUDED

    # Scope.settings: the author's definition.
    display_name = String(
        display_name=_("Display name"), default=_("Badge"), scope=Scope.settings,
        help=_("The title learners see above the badge."),
    )
    badge_class_uuid = String(
        display_name=_("Badge"), default="", scope=Scope.settings,
        help=_("The badge class this block shows (its UUID)."),
    )

    def student_view(self, context=None):  # pylint: disable=unused-argument
        frag = Fragment()
        frag.add_content(self._render())
        return frag

    def _render(self):
        from html import escape  # pylint: disable=import-outside-toplevel

        title = escape(self.display_name)
        return f'<section class="openedx-badge" aria-label="{title}"><h3>{title}</h3></section>'

    @staticmethod
    def workbench_scenarios():
        return [("Open Badges: badge block", "<badge_xblock/>")]
