"""The deadline engine (DOMAIN.md §1): rules that say which reminders and escalations are due
on a day (`rules`), and the sweep that sends each exactly once and moves running due dates
when the holiday calendar changes (`engine`). Celery beat runs it (`safeguarding.tasks`)."""
