/*
 * dbops_copy_rows(spec, value...): a SQLite aggregate that writes the rows it is fed as one blob of
 * PostgreSQL COPY text, in the order SQLite feeds them: in C, and in under half the time, what the
 * SQL expressions of src/transfer/sql-copy-text.ts and the jsonb normalisation of
 * src/transfer/jsonb-text.ts write, byte for byte.
 *
 * spec holds two letters per value: its kind, then '-' (any value of the kind, or NULL), 'a' (the
 * table was planned from its declared types: only the promised storage class) or 'k' (as 'a', and
 * NULL is not taken either: a key column).
 *
 *   l, i, s  bigint, integer, smallint: integers within the type's range
 *   b        boolean: the integers 0 and 1
 *   t        text and json: text, escaped as COPY wants it; integers too under '-'
 *   m        timestamp: 'YYYY-MM-DD HH:MM:SS' (or with a T) naming a real date and time
 *   d        date: 'YYYY-MM-DD' naming a real date
 *   j        jsonb: text (blobs too under '-') as PostgreSQL prints it back (keys ordered by
 *            length then bytes, ", " and ": " between items, see copy-rows-jsonb.c); JSON outside
 *            what that handles goes as byte 12, its length, ':' and the raw JSON, which
 *            JavaScript then normalises
 *   r        COPY text already built by a SQL expression; NULL when that expression refused
 *
 * A value outside these rules (a real in a text column, an epoch timestamp, year 0000, ...) makes
 * the whole batch the single byte 11: JavaScript then encodes it row by row, where every
 * conversion and error message lives. NUL bytes and invalid UTF-8 pass through untouched; the
 * caller checks the batch for them.
 *
 * The jsonb writer is in copy-rows-jsonb.c, the buffer both write into in copy-text.h. Built by
 * scripts/build-sqlite-extension.ts; loaded by src/transfer/copy-batches.ts.
 */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1
#include "copy-text.h"

/* The aggregate's state: the batch, and scratch space for one JSON document. */
typedef struct {
  CopyText batch;
  CopyText json;
} Batch;

enum { row_marker = 11, json_marker = 12 };

/* COPY's escape letter for each byte that needs one (\b \t \n \v \f \r \\), 0 for the others. */
static unsigned char escape_letter[256];

static void put_integer(CopyText *out, sqlite3_int64 value) {
  char digits[20];
  int count = 0;
  sqlite3_uint64 magnitude = value < 0 ? 0 - (sqlite3_uint64)value : (sqlite3_uint64)value;
  do {
    digits[count++] = (char)('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude > 0);
  if (value < 0) put_byte(out, '-');
  while (count > 0) put_byte(out, (unsigned char)digits[--count]);
}

/* Text with COPY's escapes: runs without a byte to escape are copied whole. */
static void put_escaped(CopyText *out, const unsigned char *text, int count) {
  int run = 0;
  for (int i = 0; i < count; i += 1) {
    unsigned char letter = escape_letter[text[i]];
    if (letter == 0) continue;
    put_bytes(out, text + run, i - run);
    put_byte(out, '\\');
    put_byte(out, letter);
    run = i + 1;
  }
  put_bytes(out, text + run, count - run);
}

static int digits_at(const unsigned char *text, int count) {
  for (int i = 0; i < count; i += 1) {
    if (text[i] < '0' || text[i] > '9') return 0;
  }
  return 1;
}

static int two_digits(const unsigned char *text) { return (text[0] - '0') * 10 + (text[1] - '0'); }

/* 'YYYY-MM-DD' naming a day of the proleptic Gregorian calendar from year 0001, as PostgreSQL prints it. */
static int is_date(const unsigned char *text) {
  static const int month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (!digits_at(text, 4) || text[4] != '-' || !digits_at(text + 5, 2) || text[7] != '-' || !digits_at(text + 8, 2)) return 0;
  int year = two_digits(text) * 100 + two_digits(text + 2);
  int month = two_digits(text + 5);
  int day = two_digits(text + 8);
  if (year < 1 || month < 1 || month > 12 || day < 1) return 0;
  int leap = month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  return day <= month_days[month - 1] + leap;
}

/* 'HH:MM:SS' from 00:00:00 to 23:59:59. */
static int is_time(const unsigned char *text) {
  if (!digits_at(text, 2) || text[2] != ':' || !digits_at(text + 3, 2) || text[5] != ':' || !digits_at(text + 6, 2)) return 0;
  return two_digits(text) < 24 && two_digits(text + 3) < 60 && two_digits(text + 6) < 60;
}

/* Writes one value; 0 when it is outside its kind's rules (see the top of this file). */
static int put_value(CopyText *out, CopyText *scratch, unsigned char kind, unsigned char promise, sqlite3_value *value) {
  int type = sqlite3_value_type(value);
  /* Text and blobs as bytes (text first, then its length, as SQLite asks); NULL bytes with a length: out of memory. */
  const unsigned char *bytes = 0;
  int count = 0;
  if (type == SQLITE_TEXT || type == SQLITE_BLOB) {
    bytes = type == SQLITE_TEXT ? sqlite3_value_text(value) : (const unsigned char *)sqlite3_value_blob(value);
    count = sqlite3_value_bytes(value);
    if (bytes == 0 && count > 0) return -1;
  }
  if (type == SQLITE_NULL) {
    if (kind == 'r' || promise == 'k') return 0;
    put_bytes(out, "\\N", 2);
    return 1;
  }
  switch (kind) {
    case 'l':
    case 'i':
    case 's':
    case 'b': {
      if (type != SQLITE_INTEGER) return 0;
      sqlite3_int64 integer = sqlite3_value_int64(value);
      if (kind == 'i' && (integer < -2147483648LL || integer > 2147483647LL)) return 0;
      if (kind == 's' && (integer < -32768 || integer > 32767)) return 0;
      if (kind == 'b') {
        if (integer != 0 && integer != 1) return 0;
        put_byte(out, integer == 1 ? 't' : 'f');
        return 1;
      }
      put_integer(out, integer);
      return 1;
    }
    case 't': {
      if (type == SQLITE_INTEGER && promise == '-') {
        put_integer(out, sqlite3_value_int64(value));
        return 1;
      }
      if (type != SQLITE_TEXT) return 0;
      if (!reserve(out, (sqlite3_int64)count * 2)) return -1;
      put_escaped(out, bytes, count);
      return 1;
    }
    case 'm':
    case 'd': {
      if (type != SQLITE_TEXT) return 0;
      if (kind == 'd') {
        if (count != 10 || !is_date(bytes)) return 0;
        put_bytes(out, bytes, 10);
        return 1;
      }
      if (count != 19 || !is_date(bytes) || (bytes[10] != ' ' && bytes[10] != 'T') || !is_time(bytes + 11)) return 0;
      put_bytes(out, bytes, 10);
      put_byte(out, ' ');
      put_bytes(out, bytes + 11, 8);
      return 1;
    }
    case 'j': {
      if (type != SQLITE_TEXT && (type != SQLITE_BLOB || promise != '-')) return 0;
      int canonical = dbops_canonical_json(bytes, count, scratch);
      if (canonical < 0) return -1;
      if (canonical > 0) {
        if (!reserve(out, scratch->length * 2)) return -1;
        put_escaped(out, scratch->data, (int)scratch->length);
        return 1;
      }
      if (!reserve(out, (sqlite3_int64)count + 24)) return -1;
      put_byte(out, json_marker);
      put_integer(out, count);
      put_byte(out, ':');
      put_bytes(out, bytes, count);
      return 1;
    }
    case 'r': {
      if (type != SQLITE_TEXT) return 0;
      if (!reserve(out, count)) return -1;
      put_bytes(out, bytes, count);
      return 1;
    }
    default:
      return 0;
  }
}

static void copy_rows_step(sqlite3_context *context, int argc, sqlite3_value **argv) {
  Batch *state = sqlite3_aggregate_context(context, sizeof(Batch));
  if (state == 0) {
    sqlite3_result_error_nomem(context);
    return;
  }
  CopyText *out = &state->batch;
  if (out->refused) return;
  const unsigned char *spec = sqlite3_value_text(argv[0]);
  if (spec == 0 || sqlite3_value_bytes(argv[0]) != (argc - 1) * 2) {
    sqlite3_result_error(context, "dbops_copy_rows: spec needs two letters per value", -1);
    return;
  }
  sqlite3_int64 row_start = out->length;
  for (int i = 1; i < argc; i += 1) {
    /* Separator, and the whole of a fixed-size value (numbers, times, \N, the jsonb header). */
    if (!reserve(out, 48)) {
      sqlite3_result_error_nomem(context);
      return;
    }
    if (i > 1) put_byte(out, '\t');
    int written = put_value(out, &state->json, spec[(i - 1) * 2], spec[(i - 1) * 2 + 1], argv[i]);
    if (written < 0) {
      sqlite3_result_error_nomem(context);
      return;
    }
    if (written == 0) {
      out->refused = 1;
      out->length = row_start;
      return;
    }
  }
  if (!reserve(out, 1)) {
    sqlite3_result_error_nomem(context);
    return;
  }
  put_byte(out, '\n');
}

static void copy_rows_final(sqlite3_context *context) {
  static const unsigned char refused[1] = {row_marker};
  Batch *state = sqlite3_aggregate_context(context, 0);
  if (state == 0) {
    sqlite3_result_null(context);
    return;
  }
  sqlite3_free(state->json.data);
  if (state->batch.refused) {
    sqlite3_free(state->batch.data);
    sqlite3_result_blob(context, refused, 1, SQLITE_STATIC);
  } else {
    sqlite3_result_blob64(context, state->batch.data, (sqlite3_uint64)state->batch.length, sqlite3_free);
  }
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_dbopscopyrows_init(sqlite3 *db, char **error, const sqlite3_api_routines *api) {
  (void)error;
  SQLITE_EXTENSION_INIT2(api);
  static const unsigned char escaped[7][2] = {{8, 'b'}, {9, 't'}, {10, 'n'}, {11, 'v'}, {12, 'f'}, {13, 'r'}, {'\\', '\\'}};
  for (int i = 0; i < 7; i += 1) escape_letter[escaped[i][0]] = escaped[i][1];
  return sqlite3_create_function(db, "dbops_copy_rows", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, 0, 0, copy_rows_step, copy_rows_final);
}
