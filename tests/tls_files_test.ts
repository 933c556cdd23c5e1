/**
 * Certificate files that are not files: `client_cert`, `client_cert_key`, `ssl_verify`
 * and `SSL_CERT_FILE` (for `ssl_verify = "truststore"`) pointing at a FIFO (a reader
 * would wait for a writer forever) or at `/dev/zero` (it never ends). Each is one clear
 * error naming the file and its setting, at once, from the environment or a `.env`.
 */
import assert from "node:assert/strict";
import { createTestCertificates } from "../scripts/test_ca.ts";
import { type CliResult, runCli, runProgram, tempHome } from "./support.ts";

async function mkfifo(path: string): Promise<void> {
  const result = await runProgram("mkfifo", [path], { env: { PATH: "/usr/bin:/bin" } });
  assert.equal(result.code, 0, result.stderr);
}

/** `auth whoami` with a key, against a port nothing listens on: only the TLS files matter. */
function whoami(home: string, env: Record<string, string>, cwd?: string): Promise<CliResult> {
  return runCli(["auth", "whoami"], {
    home,
    ...(cwd === undefined ? {} : { cwd }),
    env: { ANACONDA_AUTH_DOMAIN: "127.0.0.1:9", ANACONDA_AUTH_API_KEY: "k-1234", ...env },
    timeoutMs: 15_000,
  });
}

function assertOneError(result: CliResult, expected: string): void {
  assert.deepEqual(
    { code: result.code, stdout: result.stdout, stderr: result.stderr },
    { code: 1, stdout: "", stderr: `${expected}\n` },
  );
}

Deno.test({
  name:
    "client_cert, client_cert_key and SSL_CERT_FILE that are a FIFO or /dev/zero: one error at once",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using home = await tempHome();
    const certs = await createTestCertificates();
    try {
      const fifo = `${home.path}/cert.fifo`;
      await mkfifo(fifo);
      for (const path of [fifo, "/dev/zero"]) {
        assertOneError(
          await whoami(home.path, { ANACONDA_AUTH_CLIENT_CERT: path }),
          `ConfigError: Cannot read the client certificate ${path} (client_cert): ` +
            "it is not a regular file",
        );
        assertOneError(
          await whoami(home.path, {
            ANACONDA_AUTH_CLIENT_CERT: certs.certPath,
            ANACONDA_AUTH_CLIENT_CERT_KEY: path,
          }),
          `ConfigError: Cannot read the client certificate key ${path} (client_cert_key): ` +
            "it is not a regular file",
        );
        assertOneError(
          await whoami(home.path, { ANACONDA_AUTH_SSL_VERIFY: "truststore", SSL_CERT_FILE: path }),
          `ConfigError: Cannot read the CA bundle ${path} (SSL_CERT_FILE): it is not a regular file`,
        );
      }
      // The same paths from a .env in the working folder.
      const project = `${home.path}/project`;
      await Deno.mkdir(project);
      await Deno.writeTextFile(`${project}/.env`, `ANACONDA_AUTH_CLIENT_CERT=${fifo}\n`);
      assertOneError(
        await whoami(home.path, {}, project),
        `ConfigError: Cannot read the client certificate ${fifo} (client_cert): ` +
          "it is not a regular file",
      );
    } finally {
      await certs.remove();
    }
  },
});

Deno.test({
  name:
    "ssl_verify naming /dev/zero or a FIFO says it is not a regular file, not that it is missing",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using home = await tempHome();
    const fifo = `${home.path}/ca.fifo`;
    await mkfifo(fifo);
    for (const path of ["/dev/zero", fifo]) {
      assertOneError(
        await whoami(home.path, { ANACONDA_AUTH_SSL_VERIFY: path }),
        `ConfigError: Error in environment variable ANACONDA_AUTH_SSL_VERIFY=${path}: ` +
          `CA bundle ${path} is not a regular file (use true, false, truststore or a file path)`,
      );
    }
    assertOneError(
      await whoami(home.path, { ANACONDA_AUTH_SSL_VERIFY: `${home.path}/missing.pem` }),
      "ConfigError: Error in environment variable ANACONDA_AUTH_SSL_VERIFY=" +
        `${home.path}/missing.pem: CA bundle ${home.path}/missing.pem does not exist (use ` +
        "true, false, truststore or a file path)",
    );
  },
});
