/*
 * bcryptprimitives.dll for running Deno's Windows build under Wine 8.0 (Debian 12), which
 * lacks two things deno.exe needs. Built by scripts/wine_test.sh with mingw-w64 and put
 * next to deno.exe, where Windows looks for a DLL first. Test use only: never shipped.
 *
 * 1. ProcessPrng (Windows 10+): Rust's standard library imports it for random numbers.
 *    Here it is BCryptGenRandom with the system RNG, which Wine has.
 * 2. Placeholder reservations (Windows 10 1803+): V8 reserves address space with
 *    VirtualAlloc2(MEM_RESERVE | MEM_RESERVE_PLACEHOLDER), splits it with
 *    VirtualFree(MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER), fills parts with
 *    VirtualAlloc2(MEM_REPLACE_PLACEHOLDER) and merges them back with
 *    VirtualFree(MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS). Wine 8.0 rejects these flags,
 *    and V8 aborts ("SegmentedTable::InitializeTable (subspace allocation)"). They are
 *    emulated with an ordinary reservation: a placeholder is reserved memory, filling it
 *    commits pages, freeing it back to a placeholder decommits them, and splitting or
 *    merging placeholders has nothing to do. V8 finds VirtualAlloc2 with GetProcAddress
 *    and calls VirtualFree through its import table, so at load time this DLL points
 *    deno.exe's imports of GetProcAddress and VirtualFree at the functions below.
 */
#include <windows.h>
#include <bcrypt.h>
#include <string.h>

#ifndef MEM_RESERVE_PLACEHOLDER
#define MEM_RESERVE_PLACEHOLDER 0x00040000
#endif
#ifndef MEM_REPLACE_PLACEHOLDER
#define MEM_REPLACE_PLACEHOLDER 0x00004000
#endif
#ifndef MEM_PRESERVE_PLACEHOLDER
#define MEM_PRESERVE_PLACEHOLDER 0x00000002
#endif
#ifndef MEM_COALESCE_PLACEHOLDERS
#define MEM_COALESCE_PLACEHOLDERS 0x00000001
#endif

typedef PVOID(WINAPI *VirtualAlloc2Fn)(HANDLE, PVOID, SIZE_T, ULONG, ULONG, void *, ULONG);

static VirtualAlloc2Fn real_VirtualAlloc2;

/* Fills `data` with `size` random bytes (the documented contract: it does not fail). */
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size) {
  while (size > 0) {
    ULONG chunk = size > 0x40000000 ? 0x40000000 : (ULONG)size;
    if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG))) {
      return FALSE;
    }
    data += chunk;
    size -= chunk;
  }
  return TRUE;
}

static PVOID WINAPI emulated_VirtualAlloc2(HANDLE process, PVOID address, SIZE_T size, ULONG type,
                                           ULONG protect, void *parameters, ULONG count) {
  if (type & MEM_RESERVE_PLACEHOLDER) {
    /* A placeholder: plain reserved address space. */
    return real_VirtualAlloc2(process, address, size, type & ~MEM_RESERVE_PLACEHOLDER,
                              PAGE_NOACCESS, parameters, count);
  }
  if (type & MEM_REPLACE_PLACEHOLDER) {
    /* The range is reserved already; commit it unless V8 asked for no access. */
    if (!(type & MEM_COMMIT)) return address;
    return VirtualAlloc(address, size, MEM_COMMIT, protect);
  }
  return real_VirtualAlloc2(process, address, size, type, protect, parameters, count);
}

static BOOL WINAPI emulated_VirtualFree(LPVOID address, SIZE_T size, DWORD type) {
  if (type & MEM_COALESCE_PLACEHOLDERS) return TRUE;
  if (type & MEM_PRESERVE_PLACEHOLDER) return VirtualFree(address, size, MEM_DECOMMIT);
  return VirtualFree(address, size, type);
}

static FARPROC WINAPI hooked_GetProcAddress(HMODULE module, LPCSTR name) {
  FARPROC found = GetProcAddress(module, name);
  /* An ordinal is not a name (IS_INTRESOURCE). */
  if (found != NULL && !IS_INTRESOURCE(name) && strcmp(name, "VirtualAlloc2") == 0) {
    real_VirtualAlloc2 = (VirtualAlloc2Fn)(void *)found;
    return (FARPROC)(void *)emulated_VirtualAlloc2;
  }
  return found;
}

/* Points every import of `original` in deno.exe (the process's main module) at `replacement`. */
static void redirect_import(FARPROC original, FARPROC replacement) {
  BYTE *base = (BYTE *)GetModuleHandleW(NULL);
  IMAGE_NT_HEADERS *headers = (IMAGE_NT_HEADERS *)(base + ((IMAGE_DOS_HEADER *)base)->e_lfanew);
  IMAGE_DATA_DIRECTORY imports = headers->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT];
  if (original == NULL || imports.VirtualAddress == 0) return;
  for (IMAGE_IMPORT_DESCRIPTOR *dll = (IMAGE_IMPORT_DESCRIPTOR *)(base + imports.VirtualAddress);
       dll->Name != 0; dll++) {
    for (IMAGE_THUNK_DATA *slot = (IMAGE_THUNK_DATA *)(base + dll->FirstThunk);
         slot->u1.Function != 0; slot++) {
      if ((FARPROC)slot->u1.Function != original) continue;
      DWORD protection;
      if (!VirtualProtect(&slot->u1.Function, sizeof slot->u1.Function, PAGE_READWRITE,
                          &protection)) {
        continue;
      }
      slot->u1.Function = (ULONG_PTR)replacement;
      VirtualProtect(&slot->u1.Function, sizeof slot->u1.Function, protection, &protection);
    }
  }
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved) {
  (void)instance;
  (void)reserved;
  if (reason == DLL_PROCESS_ATTACH) {
    /* deno.exe's imports are bound before any DLL's DllMain runs. */
    HMODULE kernel32 = GetModuleHandleW(L"kernel32.dll");
    redirect_import(GetProcAddress(kernel32, "GetProcAddress"), (FARPROC)(void *)hooked_GetProcAddress);
    redirect_import(GetProcAddress(kernel32, "VirtualFree"), (FARPROC)(void *)emulated_VirtualFree);
  }
  return TRUE;
}
