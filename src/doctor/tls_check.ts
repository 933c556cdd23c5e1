/**
 * The `tls` check: a handshake with the site under the trust it is configured for (the
 * default roots, a CA bundle, or the system store with `truststore`), through the same
 * HTTP client, proxy and client certificate as every command. When it fails: what failed
 * (unknown issuer, expired, wrong name), the certificate's subject and issuer (read in a
 * second handshake without verification), and the fix for this site's settings.
 * @module
 */
import type { Context } from "../context.ts";
import { ConfigError, errorMessage } from "../errors.ts";
import type { Client } from "../http/client.ts";
import { NetworkError } from "../http/errors.ts";
import { tlsSettings } from "../http/tls.ts";
import type { SiteConfig, Source } from "../config/schema.ts";
import { type Budget, DoctorTimeout } from "./budget.ts";
import { type CheckResult, Findings, skipped } from "./check.ts";
import type { SiteSubject } from "./config_check.ts";
import type { NetworkOutcome } from "./network_check.ts";
import { type PeerCertificate, readPeerCertificate } from "./peer_certificate.ts";
import { atSite, removeFrom, setSetting, shortPath, sourceText } from "./places.ts";

/** What the TLS check found, for the checks that need a working connection. */
export interface TlsOutcome {
  result: CheckResult;
  /** Why requests to the site cannot work, ending `(see ...)`; null when they can. */
  broken: string | null;
  /** The site's clock: its `Date` header (ms since the epoch), when one came. */
  serverDate: number | null;
}

/** What a failed verification was about. */
export type TlsProblem = "unknown-issuer" | "expired" | "not-yet-valid" | "wrong-name" | "other";

/** The kind of certificate problem in a TLS error's text (rustls' or OpenSSL's words). */
export function classifyTlsError(text: string): TlsProblem {
  if (
    /NotValidForName|not valid for name|Hostname\/IP does not match|ERR_TLS_CERT_ALTNAME/i.test(
      text,
    )
  ) {
    return "wrong-name";
  }
  if (/NotValidYet|not yet valid/i.test(text)) return "not-yet-valid";
  if (/Expired|CERT_HAS_EXPIRED/i.test(text)) return "expired";
  if (
    /UnknownIssuer|self[- ]signed|CaUsedAsEndEntity|unable to (get|verify)|UNABLE_TO/i.test(text)
  ) {
    return "unknown-issuer";
  }
  return "other";
}

/** The trust the site is configured for, in words. */
function trustText(config: SiteConfig, source: Source, home: string): string {
  const verify = config.ssl_verify;
  if (verify === true) return "the default trust store";
  if (verify === "truststore") {
    return `the system trust store (ssl_verify = "truststore" from ${sourceText(source, home)})`;
  }
  if (typeof verify === "string") {
    return `the CA bundle ${shortPath(verify, home)} (ssl_verify from ${sourceText(source, home)})`;
  }
  return "no verification";
}

/** How to make the site's certificate trusted, where `ssl_verify` is set. */
function trustFix(subject: SiteSubject, issuer: string, home: string): string {
  const { config, sources, settings } = subject;
  const source = sources.ssl_verify;
  const ca = issuer === "" ? "the CA that signed it" : issuer;
  if (source.kind === "env" || source.kind === "dotenv") {
    const where = source.kind === "dotenv" ? ` in ${shortPath(source.path, home)}` : "";
    return `set ${source.name}${where} to a PEM file that holds ${ca}, or to "truststore" ` +
      "for the system's trust store (this variable wins over config.toml)";
  }
  const modify = `anaconda sites modify ${atSite(config)} --ca-bundle PATH (PATH: a PEM file ` +
    `that holds ${ca})`;
  if (config.ssl_verify === "truststore") {
    return `add ${ca} to the system's trust store (Debian/Ubuntu: copy it into ` +
      "/usr/local/share/ca-certificates/ as a .crt file and run sudo update-ca-certificates), " +
      `or ${modify}`;
  }
  const truststore = setSetting(settings, config, "ssl_verify", source, {
    toml: '"truststore"',
    text: "truststore",
  }, home);
  return `if ${ca} is your organization's CA, trust it: ${modify}, or ${truststore} to use ` +
    "the system's trust store";
}

/** `(CN=x, issued by CN=y)` or "" when the certificate could not be read. */
function certText(cert: PeerCertificate | null): string {
  return cert === null ? "" : ` (${cert.subject || "no subject"}, issued by ${cert.issuer || "?"})`;
}

/** The rustls/OpenSSL words of a TLS error's message, without the URL and the hint. */
function tlsDetail(message: string): string {
  const detail = /TLS error: ([^;]*)/.exec(message)?.[1] ?? message;
  return detail.replace(/^invalid peer certificate:\s*/i, "").trim();
}

/** Reports a handshake that failed verification. */
async function verificationFailed(
  findings: Findings,
  err: NetworkError,
  subject: SiteSubject,
  network: NetworkOutcome,
  budget: Budget,
  home: string,
  cert: { cert?: string; key?: string },
): Promise<void> {
  const { config, sources } = subject;
  const url = new URL(`https://${config.domain}/`);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const port = Number(url.port || 443);
  let peer: PeerCertificate | null = null;
  try {
    peer = await readPeerCertificate(
      { host, port, proxy: network.decision?.proxy ?? null, ...cert },
      budget,
    );
  } catch { /* then it is named without its subject and issuer */ }
  const detail = tlsDetail(err.message);
  const trust = trustText(config, sources.ssl_verify, home);
  const siteFix = `check the site's domain (anaconda sites show ${atSite(config)})`;
  switch (classifyTlsError(err.message)) {
    case "unknown-issuer":
      findings.fail(
        `the certificate of ${config.domain}${certText(peer)} is not trusted by ${trust}: ` +
          `unknown issuer`,
        trustFix(subject, peer?.issuer ?? "", home),
      );
      return;
    case "expired":
      findings.fail(
        `the certificate of ${config.domain}${certText(peer)} has expired${
          peer ? ` (not valid after ${peer.validTo})` : ""
        }`,
        "the site's administrators must renew it; if the date looks wrong, check this " +
          "machine's clock (date -u)",
      );
      return;
    case "not-yet-valid":
      findings.fail(
        `the certificate of ${config.domain}${certText(peer)} is not valid yet${
          peer ? ` (not before ${peer.validFrom})` : ""
        }`,
        "check this machine's clock (date -u); if it is right, the site's administrators " +
          "must fix the certificate",
      );
      return;
    case "wrong-name":
      findings.fail(
        `the certificate${certText(peer)} is for ${
          peer && peer.names.length > 0 ? peer.names.join(", ") : "other names"
        }, not ${host}`,
        `${siteFix}; if ${host} is right, the site's administrators must add it to the ` +
          "certificate",
      );
      return;
    default:
      findings.fail(
        `the TLS handshake with ${config.domain} failed${certText(peer)}: ${detail}`,
        `check that ${url.host} serves HTTPS (${siteFix})`,
      );
  }
}

/** Runs the TLS check through `client` (the site's HTTP client, no key sent). */
export async function checkTls(
  context: Context,
  subject: SiteSubject,
  network: NetworkOutcome,
  client: Client,
  budget: Budget,
): Promise<TlsOutcome> {
  const { config, sources } = subject;
  if (network.unreachable !== null) {
    return {
      result: skipped("tls", network.unreachable),
      broken: network.unreachable,
      serverDate: null,
    };
  }
  const findings = new Findings();
  const home = context.homeDir();
  const fail = (text: string, fix: string): TlsOutcome => {
    findings.fail(text, fix);
    return {
      result: findings.result("tls"),
      broken: "the TLS handshake failed (see tls)",
      serverDate: null,
    };
  };
  let cert: { cert?: string; key?: string };
  try {
    const settings = await tlsSettings(context, config);
    cert = {
      ...(settings.cert === undefined ? {} : { cert: settings.cert }),
      ...(settings.key === undefined ? {} : { key: settings.key }),
    };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const aboutCa = err.message.includes("ssl_verify");
    return fail(
      err.message,
      aboutCa
        ? `anaconda sites modify ${atSite(config)} --ca-bundle PATH (a readable PEM file with ` +
          `the site's CA), or ${removeFrom(sources.ssl_verify, "ssl_verify", home)}`
        : `correct client_cert and client_cert_key in ${sourceText(sources.client_cert, home)}`,
    );
  }
  let response: Response;
  try {
    response = await client.request("/", {
      method: "HEAD",
      auth: false,
      redirect: "manual",
      signal: budget.signal,
    });
  } catch (err) {
    if (err instanceof NetworkError && err.kind === "tls") {
      await verificationFailed(findings, err, subject, network, budget, home, cert);
      return {
        result: findings.result("tls"),
        broken: "the TLS handshake failed (see tls)",
        serverDate: null,
      };
    }
    if (err instanceof DoctorTimeout) return fail(`no handshake: ${err.message}`, "try again");
    if (err instanceof NetworkError || err instanceof ConfigError) {
      return fail(
        err.message,
        `check that ${config.domain} serves HTTPS (anaconda sites show ${atSite(config)})`,
      );
    }
    return fail(errorMessage(err), "run with --verbose for details");
  }
  await response.body?.cancel();
  const date = Date.parse(response.headers.get("date") ?? "");
  const serverDate = Number.isNaN(date) ? null : date;
  if (config.ssl_verify === false) {
    findings.warn(
      `connected to ${config.domain} without checking its certificate (ssl_verify = false from ${
        sourceText(sources.ssl_verify, home)
      }): anyone in between could read the key`,
      `trust the site's CA instead: anaconda sites modify ${atSite(config)} --ca-bundle PATH, ` +
        `or ${
          setSetting(subject.settings, config, "ssl_verify", sources.ssl_verify, {
            toml: '"truststore"',
            text: "truststore",
          }, home)
        }`,
    );
  } else {
    findings.ok(
      `TLS handshake with ${config.domain} verified by ${
        trustText(config, sources.ssl_verify, home)
      }`,
    );
  }
  return { result: findings.result("tls"), broken: null, serverDate };
}
