/* Aether: status codes and error details shared by every module. */

#ifndef AETHER_STATUS_H
#define AETHER_STATUS_H

#include <stdarg.h>

typedef enum {
  AETHER_SUCCESS,        /**< no error */
  AETHER_ERR_NO_MEMORY,  /**< allocation failed (off the audio thread) */
  AETHER_ERR_FULL,       /**< arena, pool or ring is full */
  AETHER_ERR_BAD_HANDLE, /**< stale or unknown node handle */
  AETHER_ERR_BAD_PORT,   /**< input or output index out of range */
  AETHER_ERR_BAD_PARAM,  /**< unknown parameter */
  AETHER_ERR_BAD_VALUE,  /**< value out of range, NaN or of the wrong type */
  AETHER_ERR_CYCLE,      /**< edit would create a cycle without a delay node */
  AETHER_ERR_UNKNOWN_TYPE, /**< no node type of that name */
  AETHER_ERR_DUPLICATE,    /**< a node of that name exists already */
  AETHER_ERR_NOT_FOUND,    /**< no node or file of that name */
  AETHER_ERR_SYNTAX,       /**< malformed text */
  AETHER_ERR_BAD_ARG,      /**< invalid argument */
  AETHER_ERR_IO,           /**< file could not be read or written */
  AETHER_ERR_UNSUPPORTED,  /**< not possible in this context */
} AetherStatus;

/** A status with a message for users, built in one place and never printed
    by library code. */
typedef struct {
  AetherStatus status;
  char         message[512];
} AetherError;

/** Return a short constant description of a status code. */
const char*
aether_status_string(AetherStatus status);

/** Set `err` (when not NULL) to `status` with a formatted message, and
    return `status` so callers can write `return aether_error(...)`. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
AetherStatus
aether_error(AetherError* err, AetherStatus status, const char* fmt, ...);

/** Clear an error to AETHER_SUCCESS with an empty message. */
void
aether_error_clear(AetherError* err);

#endif /* AETHER_STATUS_H */
