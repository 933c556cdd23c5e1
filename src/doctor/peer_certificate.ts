/**
 * The certificate a server presents, read in a second TLS handshake without
 * verification (`node:tls` with `rejectUnauthorized: false`; loaded only when a
 * verified handshake failed), so that the `tls` check can name its subject, issuer,
 * names and validity. Nothing is sent over that connection; it is closed at once.
 * @module
 */
import type { ProxyChoice } from "../http/proxy.ts";
import { bounded, type Budget } from "./budget.ts";

/** What a certificate says about itself. */
export interface PeerCertificate {
  /** `CN=localhost, O=Example` */
  subject: string;
  /** The issuer's name, in the same form. */
  issuer: string;
  /** The DNS names and IP addresses it is valid for. */
  names: string[];
  /** Not valid before / after, as the certificate says (`Dec  7 23:25:50 2026 GMT`). */
  validFrom: string;
  validTo: string;
}

/** `{CN: "a", O: "b"}` -> `CN=a, O=b` */
function distinguishedName(name: unknown): string {
  if (name === null || typeof name !== "object") return "";
  return Object.entries(name as Record<string, unknown>)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join("+") : String(value)}`)
    .join(", ");
}

/** `DNS:localhost, IP Address:127.0.0.1` -> `["localhost", "127.0.0.1"]` */
function altNames(text: unknown): string[] {
  if (typeof text !== "string") return [];
  return text.split(/,\s*/).map((entry) => entry.replace(/^[^:]*:/, "")).filter(Boolean);
}

/** Where to connect, and how to present this client. */
export interface PeerTarget {
  host: string;
  port: number;
  proxy: ProxyChoice | null;
  cert?: string;
  key?: string;
}

/**
 * The certificate the server at `target` presents; throws when no handshake happens
 * (within the budget's step time).
 */
export async function readPeerCertificate(
  target: PeerTarget,
  budget: Budget,
): Promise<PeerCertificate> {
  const tls = await import("node:tls");
  const isIp = /^\d{1,3}(\.\d{1,3}){3}$/.test(target.host) || target.host.includes(":");
  return await bounded(budget, async (signal) => {
    const through = target.proxy?.url.startsWith("http://")
      ? await (await import("../http/insecure.ts")).tunnel(
        target.proxy,
        new URL(
          `https://${
            isIp && target.host.includes(":") ? `[${target.host}]` : target.host
          }:${target.port}/`,
        ),
        signal,
      )
      : undefined;
    return await new Promise<PeerCertificate>((resolve, reject) => {
      const socket = tls.connect({
        ...(through ? { socket: through } : { host: target.host, port: target.port }),
        rejectUnauthorized: false,
        ...(isIp ? {} : { servername: target.host }),
        ...(target.cert === undefined ? {} : { cert: target.cert }),
        ...(target.key === undefined ? {} : { key: target.key }),
      }, () => {
        const cert = socket.getPeerCertificate();
        socket.destroy();
        through?.destroy();
        if (!cert || Object.keys(cert).length === 0) {
          reject(new Error("the server presented no certificate"));
          return;
        }
        resolve({
          subject: distinguishedName(cert.subject),
          issuer: distinguishedName(cert.issuer),
          names: altNames(cert.subjectaltname),
          validFrom: cert.valid_from,
          validTo: cert.valid_to,
        });
      });
      socket.on("error", (err: Error) => {
        through?.destroy();
        reject(err);
      });
      signal.addEventListener("abort", () => {
        socket.destroy();
        through?.destroy();
        reject(signal.reason);
      }, { once: true });
    });
  });
}
