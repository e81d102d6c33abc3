import { HOST_CACHE_DIR, HOST_CONFIG_DIR, SERVICE_FOLDERS } from "../../config/model/host-paths";

/** Paths on the host, mounted at the same paths in the container so the config reads the same in both. */
export const WEBSERVER_PATHS = {
  config: `${HOST_CONFIG_DIR}/${SERVICE_FOLDERS.nginx}`,
  tls: `${HOST_CONFIG_DIR}/${SERVICE_FOLDERS.tls}`,
  cache: `${HOST_CACHE_DIR}/${SERVICE_FOLDERS.nginx}`,
} as const;
