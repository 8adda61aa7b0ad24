"""The deadline engine (DOMAIN.md §1): what a rule is and the register of rules (`rules`; each
app registers its own from its `<app>/deadlines.py`), and the sweep that sends each reminder
exactly once and has the apps move running due dates when the holiday calendar changes
(`engine`). Celery beat runs it (`safeguarding.tasks`)."""
