"""Settings of the stand-in LMS: a small Django host that loads the plugin as the LMS does."""
