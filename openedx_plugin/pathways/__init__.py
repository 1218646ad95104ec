"""
Pathways: badges earned by earning other badges, across courses.

A pathway is a badge whose rule is made only of ``badges`` leaves: one leaf, or an ``all`` of
leaves, each leaf one milestone in order (``structure``). Operators edit them in the admin
and course teams in the LMS, without writing JSON (``forms``, ``views``, ``admin``); learners
see the pathways they have started in their wallet and through the REST API (``progress``).
"""
