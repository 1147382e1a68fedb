/* Aether: status strings and error formatting (control side only). */

#include "status.h"

#include <stdio.h>

const char*
aether_status_string(const AetherStatus status)
{
  switch (status) {
    case AETHER_SUCCESS:
      return "success";
    case AETHER_ERR_NO_MEMORY:
      return "out of memory";
    case AETHER_ERR_FULL:
      return "capacity exceeded";
    case AETHER_ERR_BAD_HANDLE:
      return "stale or unknown node";
    case AETHER_ERR_BAD_PORT:
      return "no such port";
    case AETHER_ERR_BAD_PARAM:
      return "unknown parameter";
    case AETHER_ERR_BAD_VALUE:
      return "invalid value";
    case AETHER_ERR_CYCLE:
      return "cycle without a delay node";
    case AETHER_ERR_UNKNOWN_TYPE:
      return "unknown node type";
    case AETHER_ERR_DUPLICATE:
      return "duplicate node";
    case AETHER_ERR_NOT_FOUND:
      return "not found";
    case AETHER_ERR_SYNTAX:
      return "syntax error";
    case AETHER_ERR_BAD_ARG:
      return "invalid argument";
    case AETHER_ERR_IO:
      return "input/output error";
    case AETHER_ERR_UNSUPPORTED:
      return "unsupported";
  }
  return "unknown status";
}

AetherStatus
aether_error(AetherError* const err,
             const AetherStatus status,
             const char* const  fmt,
             ...)
{
  if (err) {
    err->status = status;
    va_list args;
    va_start(args, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, args);
    va_end(args);
  }
  return status;
}

void
aether_error_clear(AetherError* const err)
{
  if (err) {
    err->status     = AETHER_SUCCESS;
    err->message[0] = '\0';
  }
}
