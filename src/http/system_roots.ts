/**
 * The operating system's trusted root certificates, for `ssl_verify = "truststore"`,
 * read explicitly and handed to `Deno.createHttpClient({ caCerts })`: nothing global
 * changes (no `DENO_TLS_CA_STORE` in the environment), so a library user's process is
 * left as it was.
 *
 * - `SSL_CERT_FILE`, when set (as OpenSSL reads it), on every system;
 * - Linux and other Unix: the distribution's CA bundle file (the places Go's
 *   crypto/x509 looks);
 * - macOS: the System Roots and System keychains (`security find-certificate -a -p`);
 * - Windows: the machine's and the user's Root stores (PowerShell's `Cert:` drive).
 *
 * Every file is read with the same bound and regular-file check as other PEM files.
 * @module
 */
import type { Context } from "../context.ts";
import { ConfigError } from "../errors.ts";
import { readPemFile } from "./pem_file.ts";

/** Where Linux distributions keep the system CA bundle (as Go's crypto/x509 looks). */
export const LINUX_BUNDLES = [
  "/etc/ssl/certs/ca-certificates.crt",
  "/etc/pki/tls/certs/ca-bundle.crt",
  "/etc/ssl/ca-bundle.pem",
  "/etc/pki/tls/cacert.pem",
  "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
  "/etc/ssl/cert.pem",
];

/** The keychains whose certificates macOS trusts for everyone. */
export const MACOS_KEYCHAINS = [
  "/System/Library/Keychains/SystemRootCertificates.keychain",
  "/Library/Keychains/System.keychain",
];

/** Prints the Root stores of the machine and of the user as PEM. */
export const WINDOWS_ROOTS_SCRIPT = "Get-ChildItem -Path Cert:\\LocalMachine\\Root, " +
  "Cert:\\CurrentUser\\Root | ForEach-Object { '-----BEGIN CERTIFICATE-----'; " +
  "[Convert]::ToBase64String($_.RawData, 'InsertLineBreaks'); '-----END CERTIFICATE-----' }";

/** How long a helper program may take to list the certificates. */
const LIST_TIMEOUT_MS = 30_000;

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The certificate blocks of a PEM text. */
function certificates(pem: string): string[] {
  return pem.match(CERTIFICATE_BLOCK) ?? [];
}

/** The PEM text a helper program printed; a failure says which program and why. */
async function listedBy(
  context: Pick<Context, "spawn">,
  program: string,
  args: string[],
): Promise<string> {
  let result;
  try {
    result = await context.spawn(program, args, { timeoutMs: LIST_TIMEOUT_MS });
  } catch (err) {
    const reason = err instanceof Deno.errors.NotFound
      ? "it is not installed"
      : err instanceof Error
      ? err.message
      : String(err);
    throw new ConfigError(
      `Cannot read the system trust store (ssl_verify = truststore): ${program}: ${reason}`,
    );
  }
  if (result.code !== 0) {
    const detail = result.stderr.trim().split("\n")[0] ?? "";
    throw new ConfigError(
      `Cannot read the system trust store (ssl_verify = truststore): ${program} exited with ` +
        `code ${result.code}${detail ? `: ${detail}` : ""}`,
    );
  }
  return result.stdout;
}

/** The first Linux bundle that exists, read; none: an empty list (Deno's own roots apply). */
async function linuxBundle(): Promise<string[]> {
  for (const path of LINUX_BUNDLES) {
    const pem = await readPemFile(path, "system CA bundle", "ssl_verify = truststore");
    if (pem !== null) return certificates(pem);
  }
  return [];
}

/**
 * The system's trusted roots as PEM certificates (see the module comment). A
 * `SSL_CERT_FILE` that cannot be read, or holds no certificate, is a `ConfigError`
 * naming it.
 */
export async function systemRootCertificates(
  context: Pick<Context, "env" | "os" | "spawn">,
): Promise<string[]> {
  const certFile = context.env.get("SSL_CERT_FILE");
  if (certFile) {
    const pem = await readPemFile(certFile, "CA bundle", "SSL_CERT_FILE");
    const found = pem === null ? [] : certificates(pem);
    if (pem === null) {
      throw new ConfigError(`Cannot read the CA bundle ${certFile} (SSL_CERT_FILE): no such file`);
    }
    if (found.length === 0) {
      throw new ConfigError(`The CA bundle ${certFile} (SSL_CERT_FILE) holds no PEM certificate`);
    }
    return found;
  }
  switch (context.os) {
    case "darwin":
      return certificates(
        await listedBy(context, "security", ["find-certificate", "-a", "-p", ...MACOS_KEYCHAINS]),
      );
    case "windows":
      return certificates(
        await listedBy(context, "powershell", [
          "-NoProfile",
          "-NonInteractive",
          "-Command",
          WINDOWS_ROOTS_SCRIPT,
        ]),
      );
    default:
      return await linuxBundle();
  }
}
