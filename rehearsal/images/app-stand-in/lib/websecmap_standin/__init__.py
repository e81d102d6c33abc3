"""The rehearsal's stand-in for the Failmap (websecmap) app: a real Celery app, a plain web page, a table."""
