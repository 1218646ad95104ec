"""The block loads through its entry point and renders, excluded from completion."""

from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.field_data import DictFieldData
from xblock.test.toy_runtime import ToyRuntime

from badge_xblock import BadgeXBlock


def test_block_registered_and_renders():
    assert XBlock.load_class("badge_xblock") is BadgeXBlock
    runtime = ToyRuntime()
    block = runtime.construct_xblock_from_class(BadgeXBlock, runtime.id_generator.create_usage(
        runtime.id_generator.create_definition("badge_xblock")), field_data=DictFieldData({
            "display_name": "<b>Skill</b>"}))
    assert BadgeXBlock.completion_mode == XBlockCompletionMode.EXCLUDED
    html = block.student_view().content
    assert "&lt;b&gt;Skill&lt;/b&gt;" in html
