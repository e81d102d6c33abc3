import type { ContainerHealthcheck } from "@cdktf/provider-docker/lib/container";
import { APP_PORT } from "./ports";

/*
 * Durations are written the way Go prints them ("1m0s", not "60s"): the provider reads them back in that
 * form, and any other spelling would show as a change, and a replaced container, on every plan.
 */

/**
 * Asks uWSGI for / with the site's own Host header. Django answers a name outside ALLOWED_HOSTS with 400, so
 * the check fails on a wrong ALLOWED_HOSTS too, not only on a dead process. Redirects (the admin login) are fine.
 */
export function httpHealthcheck(hostHeader: string): ContainerHealthcheck {
  const script = [
    "import http.client, sys",
    `c = http.client.HTTPConnection("127.0.0.1", ${APP_PORT}, timeout=15)`,
    `c.request("GET", "/", headers={"Host": ${JSON.stringify(hostHeader)}})`,
    "sys.exit(0 if c.getresponse().status < 400 else 1)",
  ].join("\n");
  return {
    test: ["CMD", "python3", "-c", script],
    interval: "30s",
    timeout: "20s",
    retries: 3,
    startPeriod: "1m0s",
  };
}

/** The worker answers a Celery ping addressed to its own node name (celery@<container hostname>). */
export function celeryHealthcheck(manageCommand: string): ContainerHealthcheck {
  return {
    test: [
      "CMD-SHELL",
      `${manageCommand} celery inspect ping --timeout 20 --destination "celery@$(hostname)"`,
    ],
    interval: "1m0s",
    timeout: "45s",
    retries: 3,
    startPeriod: "1m0s",
  };
}

/** REDISCLI_AUTH in the broker's environment keeps the password off the command line. */
export function redisHealthcheck(): ContainerHealthcheck {
  return {
    test: ["CMD-SHELL", "redis-cli ping | grep -q PONG"],
    interval: "30s",
    timeout: "10s",
    retries: 3,
  };
}

/**
 * A GET of `url` (on 127.0.0.1) with the image's wget: BusyBox's in the Alpine and prom/busybox images,
 * GNU wget in a Debian one, which take the same options. Fails on a refused connection and on any status
 * of 400 or more.
 */
export function httpGetHealthcheck(url: string, startPeriod: string): ContainerHealthcheck {
  return {
    test: ["CMD", "wget", "-q", "-O", "/dev/null", url],
    interval: "30s",
    timeout: "5s",
    retries: 3,
    startPeriod,
  };
}
