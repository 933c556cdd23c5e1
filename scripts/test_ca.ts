/**
 * A throw-away certificate authority and a server certificate signed by it, for the
 * stand-in service and the TLS tests. Made with the machine's `openssl` (P-256 keys,
 * two processes, a few tens of milliseconds), or copied from ANACONDA_TEST_CERTIFICATES,
 * a folder of ones made beforehand (scripts/wine_test.sh: no openssl runs under Wine).
 *
 * rustls (Deno's TLS) rejects a self-signed certificate that is its own CA
 * (`CaUsedAsEndEntity`), so the server gets a leaf: `basicConstraints CA:FALSE`,
 * `extendedKeyUsage serverAuth`, SAN `localhost` and `127.0.0.1`.
 * @module
 */

export interface TestCertificates {
  /** Folder holding the files below (removed by `remove()`). */
  dir: string;
  /** PEM file of the CA: what a client trusts (`ssl_verify = "<caPath>"`). */
  caPath: string;
  caPem: string;
  /** The server's certificate (PEM) and private key (PKCS#8 PEM). */
  certPem: string;
  keyPem: string;
  certPath: string;
  keyPath: string;
  remove(): Promise<void>;
}

function requestConfig(commonName: string, extensions: string[]): string {
  return [
    "[req]",
    "distinguished_name = dn",
    "prompt = no",
    "x509_extensions = ext",
    "[dn]",
    `CN = ${commonName}`,
    "[ext]",
    ...extensions,
    "",
  ].join("\n");
}

const CA_EXTENSIONS = [
  "basicConstraints = critical, CA:TRUE",
  "keyUsage = critical, keyCertSign, cRLSign",
  "subjectKeyIdentifier = hash",
];

/** The server certificate's extensions; `hostnames` are added to its names. */
function leafExtensions(hostnames: string[]): string[] {
  const names = ["DNS:localhost", ...hostnames.map((name) => `DNS:${name}`)];
  return [
    "basicConstraints = critical, CA:FALSE",
    "keyUsage = critical, digitalSignature",
    "extendedKeyUsage = serverAuth",
    `subjectAltName = ${names.join(", ")}, IP:127.0.0.1, IP:::1`,
    "subjectKeyIdentifier = hash",
    "authorityKeyIdentifier = keyid, issuer",
  ];
}

async function openssl(args: string[], cwd: string): Promise<void> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("openssl", {
      args,
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new Error("openssl is not installed: it is needed to make the test certificates");
    }
    throw err;
  }
  if (!output.success) {
    const stderr = new TextDecoder().decode(output.stderr).trim();
    throw new Error(`openssl ${args.slice(0, 2).join(" ")} failed: ${stderr}`);
  }
}

/** Options of the test certificates; some make the server certificate wrong on purpose. */
export interface TestCertificateOptions {
  dir?: string;
  commonName?: string;
  /** More DNS names the server certificate is valid for, besides localhost and 127.0.0.1. */
  hostnames?: string[];
  /** Instead: the only names the server certificate is valid for (a wrong-name test). */
  serverNames?: readonly string[];
  /** A server certificate whose validity ended yesterday. */
  expired?: boolean;
}

/** `DNS:a, IP:1.2.3.4` for a certificate's subjectAltName. */
function altNames(names: readonly string[]): string {
  return names.map((name) => (/^[\d.]+$|:/.test(name) ? `IP:${name}` : `DNS:${name}`)).join(", ");
}

/**
 * Creates a CA and a server certificate for `localhost` / `127.0.0.1` (and `hostnames`)
 * in a new temporary folder (or `dir` when given). Needs OpenSSL 3 (`req -x509 -CA`).
 */
export async function createTestCertificates(
  options: TestCertificateOptions = {},
): Promise<TestCertificates> {
  const dir = options.dir ?? await Deno.makeTempDir({ prefix: "anaconda-test-ca-" });
  await Deno.mkdir(dir, { recursive: true });
  // Made beforehand where no openssl can run here (Windows tests under Wine): only the
  // default certificates, the ones asked for without options that change them.
  const premade = Deno.env.get("ANACONDA_TEST_CERTIFICATES");
  const defaults = options.commonName === undefined && options.hostnames === undefined &&
    options.serverNames === undefined && !options.expired;
  if (premade && defaults) {
    for (const name of ["ca.pem", "ca.key", "server.pem", "server.key"]) {
      await Deno.copyFile(`${premade}/${name}`, `${dir}/${name}`);
    }
    return await certificatesIn(dir);
  }
  await Deno.writeTextFile(
    `${dir}/ca.cnf`,
    requestConfig(options.commonName ?? "anaconda-auth test CA", CA_EXTENSIONS),
  );
  const extensions = leafExtensions(options.hostnames ?? []).map((line) =>
    line.startsWith("subjectAltName") && options.serverNames !== undefined
      ? `subjectAltName = ${altNames(options.serverNames)}`
      : line
  );
  await Deno.writeTextFile(`${dir}/server.cnf`, requestConfig("localhost", extensions));
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl(
    ["req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "3650"].concat(
      ["-config", "ca.cnf"],
    ),
    dir,
  );
  if (options.expired) {
    // `req` refuses a validity that ended; `x509 -req -days -1` signs one that ended a day ago.
    await openssl(
      [
        "req",
        "-new",
        ...ec,
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-config",
        "server.cnf",
      ],
      dir,
    );
    await openssl(
      ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key"].concat(
        ["-out", "server.pem", "-days", "-1", "-extfile", "server.cnf", "-extensions", "ext"],
      ),
      dir,
    );
  } else {
    await openssl(
      ["req", "-x509", ...ec, "-CA", "ca.pem", "-CAkey", "ca.key", "-keyout", "server.key"].concat(
        ["-out", "server.pem", "-days", "825", "-config", "server.cnf"],
      ),
      dir,
    );
  }
  return await certificatesIn(dir);
}

/** The certificates in `dir` (made by `createTestCertificates`). */
async function certificatesIn(dir: string): Promise<TestCertificates> {
  const caPath = `${dir}/ca.pem`;
  const certPath = `${dir}/server.pem`;
  const keyPath = `${dir}/server.key`;
  return {
    dir,
    caPath,
    caPem: await Deno.readTextFile(caPath),
    certPath,
    keyPath,
    certPem: await Deno.readTextFile(certPath),
    keyPem: await Deno.readTextFile(keyPath),
    async remove() {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
