"""
Skills: what a badge says its holder can do, and the learner's badges gathered by skill.

A skill is an OB 3.0 ``Alignment`` of a badge class (``targetName``, ``targetCode``,
``targetFramework``, ``targetUrl``, ``targetType``); ``taxonomies`` builds them from the tags
of Open edX's content tagging (and gives the levels, categories and the skills a course's
content carries); ``profile`` groups a learner's badges by those alignments for the wallet,
the public profile and the REST API.
"""
