"""
The course team's badge dashboard (issue 18): a course's badges with their counts, recipients,
one learner's progress, the award history, and the actions course staff take by hand (award,
revoke, suspend, lift, re-issue, export), each audited as a ``CourseTeamAction``.

Access is the course's own team only (``compat.is_course_staff`` for that course): course staff
rarely hold Django-admin rights, and the admin is not scoped to a course.
"""
