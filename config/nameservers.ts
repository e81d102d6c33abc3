import { isIP } from "node:net";

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const HOST_PORT = /^(?:\[(?<v6>[^\]]+)\]|(?<host>[^:[\]]+)):(?<port>[0-9]{1,5})$/;
const FIX = "write host:port, e.g. 9.9.9.9:53, [2620:fe::fe]:53 or ns1.example.org:53";

/**
 * Why `server` is not a nameserver lego can query (host:port, an IPv6 address in brackets); or undefined.
 * The port is required: lego adds :53 only to a value without a colon, which misreads a bare IPv6 address.
 */
export function nameserverProblem(server: string): string | undefined {
  const match = HOST_PORT.exec(server);
  if (!match?.groups) return `is not host:port; ${FIX}`;
  const { v6, host, port } = match.groups;
  if (v6 !== undefined && isIP(v6) !== 6)
    return `has '${v6}' in brackets, which is not an IPv6 address; ${FIX}`;
  if (host !== undefined && isIP(host) !== 4 && !HOSTNAME.test(host))
    return `has '${host}', which is neither an IPv4 address nor a host name; ${FIX}`;
  const number = Number(port);
  if (number < 1 || number > 65535) return `has port ${port}; a port is 1-65535 (DNS is 53)`;
  return undefined;
}
