"""
What the rest of an Open edX site sees of badges: the event bus (``event_bus``),
the tracking log (``tracking``) and the operator's overview in the admin (``overview``).
"""
