/* Aether: reading a patch from text or a file: Turtle to statements
   (statements.c), statements to a description (interpret.c), and the
   description validated whole (validate.c). Any error: no patch. */

#include "patch_impl.h"
#include "statements.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

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

/* A `file://` URI's path: `file:///abs/path` or `file://localhost/abs/path`,
   percent-decoded into a new string (free()). *path is NULL if `name` is
   not a file URI (a plain path). */
static AetherStatus
file_uri_path(const char* const name, char** const path, AetherError* const err)
{
  static const char    scheme[] = "file://";
  const AetherPatchPos nowhere  = { 0, 0 };
  *path                         = NULL;
  if (strncasecmp(name, scheme, sizeof(scheme) - 1U)) {
    return AETHER_SUCCESS;
  }

  const char* const authority = name + sizeof(scheme) - 1U;
  const char* const slash     = strchr(authority, '/');
  if (!slash) {
    return patch_error(
      err, AETHER_ERR_BAD_ARG, name, nowhere, "a file URI without a path");
  }
  const size_t host_len = (size_t)(slash - authority);
  if (host_len && (host_len != 9U || strncasecmp(authority, "localhost", 9))) {
    return patch_error(err,
                       AETHER_ERR_BAD_ARG,
                       name,
                       nowhere,
                       "not a local file (a file URI with a host other than "
                       "localhost)");
  }

  char* const out = (char*)malloc(strlen(slash) + 1U);
  if (!out) {
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  static const char hex[] = "0123456789abcdef";
  size_t            n     = 0;
  for (const char* c = slash; *c; ++c) {
    if (*c != '%') {
      out[n++] = *c;
      continue;
    }
    const char* const hi = c[1] ? strchr(hex, tolower((uint8_t)c[1])) : NULL;
    const char* const lo =
      hi && c[2] ? strchr(hex, tolower((uint8_t)c[2])) : NULL;
    if (!lo) {
      free(out);
      return patch_error(err,
                         AETHER_ERR_BAD_ARG,
                         name,
                         nowhere,
                         "bad percent escape \"%.3s\" in a file URI",
                         c);
    }
    const char byte = (char)(((hi - hex) << 4) | (lo - hex));
    if (!byte) {
      free(out);
      return patch_error(err,
                         AETHER_ERR_BAD_ARG,
                         name,
                         nowhere,
                         "a file URI with %%00 (a NUL byte) in its path");
    }
    out[n++] = byte;
    c += 2;
  }
  out[n] = '\0';
  *path  = out;
  return AETHER_SUCCESS;
}

/* Read the regular file at `path` whole into a new string (free()), of
   `*len` bytes. Its type is checked before any read: opening is
   non-blocking, so a FIFO without a writer is refused at once instead of
   blocking the caller (a host's worker) forever. */
static AetherStatus
read_regular_file(const char* const  path,
                  char** const       text,
                  size_t* const      len,
                  AetherError* const err)
{
  const AetherPatchPos nowhere = { 0, 0 };
  *text                        = NULL;

  const int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    /* ENXIO: a socket, or a device without its driver. */
    return errno == ENXIO
             ? patch_error(
                 err, AETHER_ERR_IO, path, nowhere, "not a regular file")
             : file_error(path, errno, err);
  }

  struct stat info;
  if (fstat(fd, &info)) {
    const int code = errno;
    close(fd);
    return file_error(path, code, err);
  }
  if (S_ISDIR(info.st_mode)) {
    close(fd);
    return file_error(path, EISDIR, err);
  }
  if (!S_ISREG(info.st_mode)) {
    close(fd);
    return patch_error(err, AETHER_ERR_IO, path, nowhere, "not a regular file");
  }
  if (info.st_size > (off_t)AETHER_PATCH_MAX_SIZE) {
    close(fd);
    return patch_error(err,
                       AETHER_ERR_FULL,
                       path,
                       nowhere,
                       "file too large (%lld bytes, at most %u)",
                       (long long)info.st_size,
                       AETHER_PATCH_MAX_SIZE);
  }
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)) {
    const int code = errno;
    close(fd);
    return file_error(path, code, err);
  }

  /* Read one byte more than expected to notice a file that grew. */
  const size_t size = (size_t)info.st_size;
  char* const  buf  = (char*)malloc(size + 1U);
  if (!buf) {
    close(fd);
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  size_t n    = 0;
  int    code = 0;
  while (n <= size) {
    const ssize_t r = read(fd, buf + n, size + 1U - n);
    if (r > 0) {
      n += (size_t)r;
    } else if (!r) {
      break;
    } else if (errno != EINTR) {
      code = errno;
      break;
    }
  }
  close(fd);
  if (code || n > size) {
    free(buf);
    return code
             ? file_error(path, code, err)
             : patch_error(
                 err, AETHER_ERR_IO, path, nowhere, "changed while being read");
  }
  *text = buf;
  *len  = n;
  return AETHER_SUCCESS;
}

AetherStatus
aether_patch_read_file(const char* const   name,
                       AetherPatch** const out,
                       AetherError* const  err)
{
  *out             = NULL;
  char*        uri = NULL;
  AetherStatus st  = file_uri_path(name, &uri, err);
  if (st) {
    return st;
  }

  const char* const path = uri ? uri : name;
  char*             text = NULL;
  size_t            len  = 0;
  if (!(st = read_regular_file(path, &text, &len, err))) {
    st = aether_patch_parse(text, len, path, out, err);
  }
  free(text);
  free(uri);
  return st;
}
