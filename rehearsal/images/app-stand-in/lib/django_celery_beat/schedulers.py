"""The stand-in's own `django_celery_beat.schedulers:DatabaseScheduler`, the name the stack passes to beat.

NOT django-celery-beat (there is no Django here): a real Celery beat Scheduler whose entries come from the
stand-in's table of periodic tasks, read with beat's database account, as websecmap's schedule lives in its
database. It reads the table again every `sync_every` seconds.
"""
from datetime import timedelta

from celery import beat

from websecmap_standin import database


class DatabaseScheduler(beat.Scheduler):
    sync_every = 60

    def setup_schedule(self):
        self.merge_inplace(self.read_schedule())
        self.install_default_entries(self.schedule)

    def sync(self):
        self.merge_inplace(self.read_schedule())

    @staticmethod
    def read_schedule():
        return {
            name: {
                "task": task,
                "schedule": timedelta(seconds=every_seconds),
                "args": (name,),
                "options": {"queue": queue},
            }
            for name, task, queue, every_seconds in database.periodic_tasks()
        }
