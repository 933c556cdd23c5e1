/*
 * Writes and reads Windows Credential Manager entries the way Python keyring's Windows
 * backend does (keyring/backends/Windows.py through pywin32-ctypes' CredWrite/CredRead):
 * a generic credential, persisted ENTERPRISE, commented "Stored using python-keyring",
 * whose blob is the secret in UTF-16LE without a terminator. The Wine tests use it to
 * check interop without Python for Windows. Built by scripts/wine_test.sh with mingw-w64.
 *
 *   keyring_peer write TARGET USER        the secret (UTF-8) on stdin
 *   keyring_peer write-blob TARGET USER   stdin's bytes stored as the blob, unchanged
 *   keyring_peer read TARGET              prints USER, a newline and the blob in hex
 *   keyring_peer delete TARGET
 *
 * Exit codes: 0 done, 2 not found, 1 any other failure (with the Windows error code).
 */
#include <windows.h>
#include <wincred.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_INPUT (64 * 1024)

static int fail(const char *action, DWORD code) {
  fprintf(stderr, "keyring_peer: %s failed (error %lu)\n", action, (unsigned long)code);
  return code == ERROR_NOT_FOUND ? 2 : 1;
}

/* All of stdin (at most MAX_INPUT bytes); sets *length. */
static BYTE *read_stdin(DWORD *length) {
  static BYTE buffer[MAX_INPUT];
  size_t total = 0, got;
  _setmode(_fileno(stdin), _O_BINARY);
  while (total < sizeof buffer && (got = fread(buffer + total, 1, sizeof buffer - total, stdin)) > 0) {
    total += got;
  }
  *length = (DWORD)total;
  return buffer;
}

static void print_utf8(const wchar_t *text) {
  char buffer[4 * 1024];
  int length = WideCharToMultiByte(CP_UTF8, 0, text, -1, buffer, sizeof buffer, NULL, NULL);
  if (length > 0) fwrite(buffer, 1, (size_t)length - 1, stdout);
}

static int write_credential(const wchar_t *target, const wchar_t *user, BYTE *blob, DWORD size) {
  CREDENTIALW credential = {0};
  credential.Type = CRED_TYPE_GENERIC;
  credential.TargetName = (wchar_t *)target;
  credential.UserName = (wchar_t *)user;
  credential.Comment = L"Stored using python-keyring";
  credential.CredentialBlob = blob;
  credential.CredentialBlobSize = size;
  credential.Persist = CRED_PERSIST_ENTERPRISE;
  return CredWriteW(&credential, 0) ? 0 : fail("CredWrite", GetLastError());
}

int wmain(int argc, wchar_t **argv) {
  if (argc == 4 && wcscmp(argv[1], L"write") == 0) {
    DWORD length;
    BYTE *utf8 = read_stdin(&length);
    static wchar_t secret[MAX_INPUT];
    int chars = length == 0 ? 0
        : MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, (char *)utf8, (int)length, secret,
                              MAX_INPUT);
    if (length > 0 && chars == 0) return fail("decoding stdin as UTF-8", GetLastError());
    return write_credential(argv[2], argv[3], (BYTE *)secret, (DWORD)chars * sizeof(wchar_t));
  }
  if (argc == 4 && wcscmp(argv[1], L"write-blob") == 0) {
    DWORD length;
    BYTE *blob = read_stdin(&length);
    return write_credential(argv[2], argv[3], blob, length);
  }
  if (argc == 3 && wcscmp(argv[1], L"read") == 0) {
    CREDENTIALW *credential;
    if (!CredReadW(argv[2], CRED_TYPE_GENERIC, 0, &credential)) {
      return fail("CredRead", GetLastError());
    }
    print_utf8(credential->UserName ? credential->UserName : L"");
    putchar('\n');
    for (DWORD i = 0; i < credential->CredentialBlobSize; i++) {
      printf("%02x", credential->CredentialBlob[i]);
    }
    putchar('\n');
    CredFree(credential);
    return 0;
  }
  if (argc == 3 && wcscmp(argv[1], L"delete") == 0) {
    return CredDeleteW(argv[2], CRED_TYPE_GENERIC, 0) ? 0 : fail("CredDelete", GetLastError());
  }
  fprintf(stderr, "usage: keyring_peer write|write-blob TARGET USER | read|delete TARGET\n");
  return 1;
}
