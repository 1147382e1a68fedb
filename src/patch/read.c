/* Aether: reading a patch from text or a file: Turtle to statements
   (statements.c), statements to a description (interpret.c), and the
   description validated whole (validate.c). Any error: no patch. */

#include "patch_impl.h"
#include "statements.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Entry points */

static AetherStatus
check_text(const char* const  text,
           const size_t       len,
           const char* const  file,
           AetherError* const err)
{
  if (len > AETHER_PATCH_MAX_SIZE) {
    const AetherPatchPos nowhere = { 0, 0 };
    return patch_error(err,
                       AETHER_ERR_FULL,
                       file,
                       nowhere,
                       "patch too large (%zu bytes, at most %u)",
                       len,
                       AETHER_PATCH_MAX_SIZE);
  }

  const char* const nul = len ? (const char*)memchr(text, '\0', len) : NULL;
  if (nul) {
    AetherPatchPos pos = { 1, 1 };
    for (const char* c = text; c < nul; ++c) {
      if (*c == '\n') {
        ++pos.line;
        pos.col = 1;
      } else if (((uint8_t)*c & 0xC0U) != 0x80U) {
        ++pos.col;
      }
    }
    return patch_error(
      err, AETHER_ERR_SYNTAX, file, pos, "syntax error: NUL byte in text");
  }
  return AETHER_SUCCESS;
}

AetherStatus
aether_patch_parse(const char* const   text,
                   const size_t        len,
                   const char* const   filename,
                   AetherPatch** const out,
                   AetherError* const  err)
{
  *out            = NULL;
  AetherStatus st = check_text(text, len, filename, err);
  if (st) {
    return st;
  }

  PatchStatements    doc;
  AetherPatch* const patch = aether_patch_new();
  if (!patch || patch_set_filename(patch, filename)) {
    aether_patch_free(patch);
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  if (!(st = patch_statements_read(&doc, text, len, filename, err)) &&
      !(st = patch_interpret(&doc, filename, patch, err))) {
    st = aether_patch_validate(patch, err);
  }
  patch_statements_destroy(&doc);

  if (st) {
    aether_patch_free(patch);
    return st;
  }
  *out = patch;
  return AETHER_SUCCESS;
}

static AetherStatus
file_error(const char* const path, const int code, AetherError* const err)
{
  const AetherPatchPos nowhere = { 0, 0 };
  switch (code) {
    case ENOENT:
      return patch_error(
        err, AETHER_ERR_NOT_FOUND, path, nowhere, "no such file");
    case EACCES:
      return patch_error(
        err, AETHER_ERR_IO, path, nowhere, "permission denied");
    case EISDIR:
      return patch_error(
        err, AETHER_ERR_IO, path, nowhere, "is a directory, not a patch file");
    case ENOTDIR:
      return patch_error(err,
                         AETHER_ERR_NOT_FOUND,
                         path,
                         nowhere,
                         "a parent is not a directory");
    default:
      break;
  }
  return patch_error(
    err, AETHER_ERR_IO, path, nowhere, "cannot be read (error %d)", code);
}

AetherStatus
aether_patch_read_file(const char* const   path,
                       AetherPatch** const out,
                       AetherError* const  err)
{
  const AetherPatchPos nowhere = { 0, 0 };
  *out                         = NULL;

  FILE* const f = fopen(path, "rb");
  if (!f) {
    return file_error(path, errno, err);
  }

  struct stat info;
  if (fstat(fileno(f), &info)) {
    const int code = errno;
    fclose(f);
    return file_error(path, code, err);
  }
  if (S_ISDIR(info.st_mode)) {
    fclose(f);
    return file_error(path, EISDIR, err);
  }
  if (!S_ISREG(info.st_mode)) {
    fclose(f);
    return patch_error(err, AETHER_ERR_IO, path, nowhere, "not a regular file");
  }
  if (info.st_size > (off_t)AETHER_PATCH_MAX_SIZE) {
    fclose(f);
    return patch_error(err,
                       AETHER_ERR_FULL,
                       path,
                       nowhere,
                       "file too large (%lld bytes, at most %u)",
                       (long long)info.st_size,
                       AETHER_PATCH_MAX_SIZE);
  }

  /* Read one byte more than expected to notice a file that grew. */
  const size_t size = (size_t)info.st_size;
  char* const  text = (char*)malloc(size + 1U);
  if (!text) {
    fclose(f);
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  const size_t n    = fread(text, 1, size + 1U, f);
  const int    code = ferror(f) ? errno : 0;
  fclose(f);
  if (code || n > size) {
    free(text);
    return code
             ? file_error(path, code, err)
             : patch_error(
                 err, AETHER_ERR_IO, path, nowhere, "changed while being read");
  }

  const AetherStatus st = aether_patch_parse(text, n, path, out, err);
  free(text);
  return st;
}
