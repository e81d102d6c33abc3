/**
 * Services that only the host itself may reach bind here: docker's published ports bypass the host firewall,
 * so loopback is the only safe address for anything that is not meant to be public.
 */
export const LOOPBACK = "127.0.0.1";

export function loopback(port: number): string {
  return `${LOOPBACK}:${port}`;
}
