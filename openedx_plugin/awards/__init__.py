"""
Awards: who gets a badge, when, and what follows.

``awarding`` is the pipeline (evaluate a learner's rules, award once, revoke, suspend,
reinstate) and the one outbox of follow-ups (``send_follow_ups``: backpack pushes, the
BADGE_AWARDED event, the email); ``rule_index`` says which rules a platform signal can
concern; ``bulk_issue`` awards many learners through the same path, batched; ``bulk``
is the staff list (CSV) in front of it; ``events`` and ``notifications`` are the
follow-ups themselves. Awards are made and signed by ``credentials``.
"""
