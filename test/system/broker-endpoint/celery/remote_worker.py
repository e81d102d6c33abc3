"""A Celery app set up as the Failmap app sets one up: the broker and the result backend both from BROKER.

What reads the URL is Celery's own: kombu for the broker, Celery's redis backend for results, redis-py for
TLS. The test gives BROKER exactly as renderBrokerUrl renders it.
"""
import os
import socket

from celery import Celery

app = Celery("remote_worker")
app.conf.broker_url = os.environ["BROKER"]
app.conf.result_backend = app.conf.broker_url
# A worker that cannot reach the broker gives up instead of retrying for ever: the test reads its log.
app.conf.broker_connection_max_retries = 3


@app.task(name="remote_worker.echo")
def echo(value):
    return f"{value} from {socket.gethostname()}"
