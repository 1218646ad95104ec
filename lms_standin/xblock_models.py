"""
Where the stand-in LMS keeps XBlock field values (the LMS keeps them in the
modulestore and courseware_studentmodule): one row per field, keyed as XBlock's
KeyValueStore keys are.
"""

from django.db import models


class XBlockFieldValue(models.Model):
    """One field of one block (and, for user scopes, one user); ``value`` is the field's JSON."""

    scope = models.CharField(max_length=64, help_text="The field's scope, e.g. settings or user_state.")
    user_id = models.CharField(max_length=64, blank=True, help_text="Empty for fields not about a user.")
    block_scope_id = models.CharField(max_length=255, help_text="Usage key, definition id or block type.")
    field_name = models.CharField(max_length=255)
    value = models.JSONField(null=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "lms_standin"
        constraints = [models.UniqueConstraint(fields=["scope", "user_id", "block_scope_id", "field_name"],
                                               name="standin_xblock_field_unique")]

    def __str__(self):
        return f"{self.block_scope_id} {self.field_name}"
