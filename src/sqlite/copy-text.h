/*
 * CopyText: a growing buffer of COPY text, shared by copy-rows.c (the aggregate) and
 * copy-rows-jsonb.c (the jsonb writer). The writers are static inline so each file's hot loops
 * inline them as they did when both were one file.
 */
#ifndef DBOPS_COPY_TEXT_H
#define DBOPS_COPY_TEXT_H

#include <sqlite3ext.h>
#include <string.h>
/* copy-rows.c defines the API pointer (SQLITE_EXTENSION_INIT1); the other files use it. */
SQLITE_EXTENSION_INIT3

/* COPY text so far; `refused` when the aggregate gave up on its batch. */
typedef struct {
  unsigned char *data;
  sqlite3_int64 length;
  sqlite3_int64 capacity;
  int refused;
} CopyText;

static inline int reserve(CopyText *out, sqlite3_int64 bytes) {
  if (out->length + bytes <= out->capacity) return 1;
  sqlite3_int64 capacity = out->capacity > 0 ? out->capacity * 2 : 1 << 16;
  while (capacity < out->length + bytes) capacity *= 2;
  unsigned char *data = sqlite3_realloc64(out->data, (sqlite3_uint64)capacity);
  if (data == 0) return 0;
  out->data = data;
  out->capacity = capacity;
  return 1;
}

/* Room for these is reserved per value, before it is written. */
static inline void put_byte(CopyText *out, unsigned char byte) { out->data[out->length++] = byte; }

static inline void put_bytes(CopyText *out, const void *bytes, int count) {
  if (count <= 0) return;
  memcpy(out->data + out->length, bytes, (size_t)count);
  out->length += count;
}

/*
 * One whole JSON document as jsonb prints it, into out (emptied first): 1 when written, 0 when
 * JavaScript must do it, -1 when out of memory. In copy-rows-jsonb.c.
 */
int dbops_canonical_json(const unsigned char *json, int count, CopyText *out);

#endif
