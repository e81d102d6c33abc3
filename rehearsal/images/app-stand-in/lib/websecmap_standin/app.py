"""The Celery app: the broker and result backend from BROKER, the queues from WORKER_ROLE.

Everything else is Celery's own: the CLI, the worker and its pools, the broker URL's parsing (kombu), TLS to
the broker (redis-py), remote control (inspect ping) and beat.
"""
import json
import os
import socket

from celery import Celery
from celery.signals import celeryd_after_setup
from kombu import Queue

# Written by rehearsal/images/images.ts from config/worker-roles.ts: role -> the queues it consumes.
ROLES_FILE = os.path.join(os.path.dirname(__file__), "worker-roles.json")

app = Celery("websecmap")
app.conf.broker_url = os.environ.get("BROKER")
# The app keeps task results in the broker, as websecmap does: workers need no other service.
app.conf.result_backend = app.conf.broker_url
app.conf.result_expires = 3600
app.conf.worker_hijack_root_logger = False


def role_queues(role):
    with open(ROLES_FILE, encoding="utf-8") as file:
        roles = json.load(file)
    if role not in roles:
        raise SystemExit(f"WORKER_ROLE {role!r} is not one of {', '.join(sorted(roles))}")
    return roles[role]


_role = os.environ.get("WORKER_ROLE")
if _role is not None:
    app.conf.task_queues = [Queue(name) for name in role_queues(_role)]


@celeryd_after_setup.connect
def consume_only_the_roles_queues(sender, instance, **_):
    """Exactly the role's queues: none for a role without any (queuemonitor), not Celery's default queue."""
    if _role is None:
        return
    queues = instance.app.amqp.queues
    queues.deselect([name for name in queues.consume_from if name not in role_queues(_role)])


@app.task(name="websecmap_standin.echo")
def echo(value):
    """A task round trip: who ran it, in which role."""
    return f"{value} from {socket.gethostname()} ({_role})"
