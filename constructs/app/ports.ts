/*
 * The ports inside an instance's containers. Where they are published on the host is the model's
 * (config/model/ports.ts).
 */
export { LOOPBACK, loopback } from "../host/loopback";

/** The port every app container listens on inside its own network namespace (uWSGI). */
export const APP_PORT = 8000;
/** The port redis listens on inside the instance network. */
export const BROKER_PORT = 6379;
