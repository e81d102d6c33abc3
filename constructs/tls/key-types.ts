import type { OrganisationModel } from "../../config/model/organisation-model";

export type KeyType = OrganisationModel["acme"]["keyType"];

/** The same choice of key for the tls provider (self-signed mode) as for the ACME provider's key_type. */
export function tlsKeyAlgorithm(keyType: KeyType): {
  algorithm: "ECDSA" | "RSA";
  ecdsaCurve?: string;
  rsaBits?: number;
} {
  switch (keyType) {
    case "P256":
    case "P384":
      return { algorithm: "ECDSA", ecdsaCurve: keyType };
    case "2048":
    case "4096":
      return { algorithm: "RSA", rsaBits: Number(keyType) };
  }
}
