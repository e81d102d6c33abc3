"""The database, with the account the stack gave this container (DB_HOST is MariaDB's socket on the host)."""
import os
import sys

import pymysql

MIGRATIONS = "standin_migrations"
PERIODIC_TASKS = "standin_periodic_tasks"
# What beat schedules until someone edits the table (websecmap keeps its schedule in the database too).
DEFAULT_PERIODIC_TASK = ("heartbeat", "websecmap_standin.echo", "isolated", 300)


def connect():
    host = os.environ["DB_HOST"]
    where = {"unix_socket": host} if host.startswith("/") else {"host": host}
    return pymysql.connect(
        user=os.environ["DB_USER"],
        password=os.environ["DB_PASSWORD"],
        database=os.environ["DB_NAME"],
        connect_timeout=10,
        autocommit=True,
        **where,
    )


def migrate():
    with connect() as connection, connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MIGRATIONS} "
            "(id INT AUTO_INCREMENT PRIMARY KEY, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)"
        )
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {PERIODIC_TASKS} (name VARCHAR(100) PRIMARY KEY, "
            "task VARCHAR(200) NOT NULL, queue VARCHAR(100) NOT NULL, every_seconds INT NOT NULL)"
        )
        cursor.execute(f"INSERT IGNORE INTO {PERIODIC_TASKS} VALUES (%s, %s, %s, %s)", DEFAULT_PERIODIC_TASK)
        cursor.execute(f"INSERT INTO {MIGRATIONS} () VALUES ()")
    print("websecmap stand-in: migrated", flush=True)


def migrations_applied():
    with connect() as connection, connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {MIGRATIONS}")
        return cursor.fetchone()[0]


def periodic_tasks():
    """(name, task, queue, every_seconds) rows."""
    with connect() as connection, connection.cursor() as cursor:
        cursor.execute(f"SELECT name, task, queue, every_seconds FROM {PERIODIC_TASKS}")
        return cursor.fetchall()


def shell(sql):
    """Like Django's dbshell with the mysql client: statements in, tab-separated rows out, exit 1 on an error."""
    try:
        with connect() as connection, connection.cursor() as cursor:
            for statement in (s.strip() for s in sql.split(";")):
                if not statement:
                    continue
                cursor.execute(statement)
                for row in cursor.fetchall():
                    print("\t".join("NULL" if v is None else str(v) for v in row))
    except pymysql.MySQLError as error:
        sys.exit(f"ERROR {error.args[0]}: {error.args[1] if len(error.args) > 1 else ''}")
