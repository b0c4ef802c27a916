/*
 * The jsonb writer of the dbops_copy_rows aggregate (copy-rows.c): JSON as PostgreSQL's jsonb
 * prints it back. Compiled with copy-rows.c by scripts/build-sqlite-extension.ts.
 */
#include "copy-text.h"

/*
 * JSON as jsonb prints it, for the documents applications usually store; anything else returns
 * 0 and goes to JavaScript (src/transfer/jsonb-text.ts), which handles every document. Handled:
 * objects of up to 64 members with distinct keys free of escapes, arrays, strings whose escapes
 * are \" \\ \/ \b \f \n \r \t (printed back as jsonb does: \/ as /), numbers without an exponent
 * other than negative zero (numeric prints them as written), true, false, null, nesting up to 32.
 */
typedef struct {
  const unsigned char *at;
  const unsigned char *end;
  int depth;
} JsonText;

typedef struct {
  const unsigned char *key;
  int key_length;
  sqlite3_int64 value_start;
  sqlite3_int64 value_length;
} JsonMember;

enum { json_max_members = 64, json_max_depth = 32 };

static int json_value(JsonText *in, CopyText *out);

static void json_space(JsonText *in) {
  while (in->at < in->end && (*in->at == ' ' || *in->at == '\t' || *in->at == '\n' || *in->at == '\r')) in->at += 1;
}

static int json_literal(JsonText *in, CopyText *out, const char *word) {
  int count = (int)strlen(word);
  if (in->end - in->at < count || memcmp(in->at, word, (size_t)count) != 0) return 0;
  if (!reserve(out, count)) return -1;
  put_bytes(out, word, count);
  in->at += count;
  return 1;
}

static int json_string(JsonText *in, CopyText *out) {
  const unsigned char *start = ++in->at;
  while (in->at < in->end && *in->at != '"') {
    unsigned char byte = *in->at;
    if (byte < 0x20) return 0;
    if (byte == '\\') {
      if (in->at + 1 >= in->end || in->at[1] == 0 || strchr("\"\\/bfnrt", in->at[1]) == 0) return 0;
      in->at += 1;
    }
    in->at += 1;
  }
  if (in->at >= in->end) return 0;
  if (!reserve(out, in->at - start + 2)) return -1;
  put_byte(out, '"');
  for (const unsigned char *p = start; p < in->at; p += 1) {
    if (*p == '\\' && p[1] == '/') {
      p += 1;
    } else if (*p == '\\') {
      put_byte(out, *p);
      p += 1;
    }
    put_byte(out, *p);
  }
  put_byte(out, '"');
  in->at += 1;
  return 1;
}

static int json_number(JsonText *in, CopyText *out) {
  const unsigned char *start = in->at;
  int nonzero = 0;
  if (*in->at == '-') in->at += 1;
  if (in->at >= in->end || *in->at < '0' || *in->at > '9') return 0;
  if (*in->at == '0') {
    in->at += 1;
  } else {
    while (in->at < in->end && *in->at >= '0' && *in->at <= '9') in->at += 1;
    nonzero = 1;
  }
  if (in->at < in->end && *in->at == '.') {
    in->at += 1;
    if (in->at >= in->end || *in->at < '0' || *in->at > '9') return 0;
    for (; in->at < in->end && *in->at >= '0' && *in->at <= '9'; in->at += 1) nonzero |= *in->at != '0';
  }
  if (in->at < in->end && (*in->at == 'e' || *in->at == 'E' || (*in->at >= '0' && *in->at <= '9'))) return 0;
  if (*start == '-' && !nonzero) return 0;
  if (!reserve(out, in->at - start)) return -1;
  put_bytes(out, start, (int)(in->at - start));
  return 1;
}

static int json_member_order(const JsonMember *a, const JsonMember *b) {
  if (a->key_length != b->key_length) return a->key_length < b->key_length ? -1 : 1;
  return memcmp(a->key, b->key, (size_t)a->key_length);
}

static int json_object(JsonText *in, CopyText *out) {
  JsonMember members[json_max_members];
  int count = 0;
  sqlite3_int64 start = out->length;
  in->at += 1;
  json_space(in);
  if (in->at < in->end && *in->at == '}') {
    in->at += 1;
    if (!reserve(out, 2)) return -1;
    put_bytes(out, "{}", 2);
    return 1;
  }
  for (;;) {
    if (count == json_max_members || in->at >= in->end || *in->at != '"') return 0;
    JsonMember *member = &members[count];
    member->key = ++in->at;
    while (in->at < in->end && *in->at != '"') {
      if (*in->at == '\\' || *in->at < 0x20) return 0;
      in->at += 1;
    }
    if (in->at >= in->end) return 0;
    member->key_length = (int)(in->at - member->key);
    in->at += 1;
    json_space(in);
    if (in->at >= in->end || *in->at != ':') return 0;
    in->at += 1;
    json_space(in);
    member->value_start = out->length;
    int written = json_value(in, out);
    if (written <= 0) return written;
    member->value_length = out->length - member->value_start;
    /* Insertion sort: jsonb's order, and equal keys (jsonb keeps the last) go to JavaScript. */
    int i = count;
    JsonMember placed = *member;
    for (; i > 0; i -= 1) {
      int order = json_member_order(&members[i - 1], &placed);
      if (order == 0) return 0;
      if (order < 0) break;
      members[i] = members[i - 1];
    }
    members[i] = placed;
    count += 1;
    json_space(in);
    if (in->at < in->end && *in->at == ',') {
      in->at += 1;
      json_space(in);
      continue;
    }
    if (in->at < in->end && *in->at == '}') break;
    return 0;
  }
  in->at += 1;
  /* The members' values sit in order of appearance from start: rewrite them in key order. */
  sqlite3_int64 values_length = out->length - start;
  sqlite3_int64 needed = values_length + 2;
  for (int i = 0; i < count; i += 1) needed += members[i].key_length + 6;
  unsigned char *values = sqlite3_malloc64((sqlite3_uint64)values_length + 1);
  if (values == 0 || !reserve(out, needed)) {
    sqlite3_free(values);
    return -1;
  }
  memcpy(values, out->data + start, (size_t)values_length);
  out->length = start;
  put_byte(out, '{');
  for (int i = 0; i < count; i += 1) {
    if (i > 0) put_bytes(out, ", ", 2);
    put_byte(out, '"');
    put_bytes(out, members[i].key, members[i].key_length);
    put_bytes(out, "\": ", 3);
    put_bytes(out, values + (members[i].value_start - start), (int)members[i].value_length);
  }
  put_byte(out, '}');
  sqlite3_free(values);
  return 1;
}

static int json_array(JsonText *in, CopyText *out) {
  in->at += 1;
  json_space(in);
  if (!reserve(out, 1)) return -1;
  put_byte(out, '[');
  if (in->at < in->end && *in->at == ']') {
    in->at += 1;
    if (!reserve(out, 1)) return -1;
    put_byte(out, ']');
    return 1;
  }
  for (;;) {
    int written = json_value(in, out);
    if (written <= 0) return written;
    json_space(in);
    if (in->at < in->end && *in->at == ',') {
      in->at += 1;
      json_space(in);
      if (!reserve(out, 2)) return -1;
      put_bytes(out, ", ", 2);
      continue;
    }
    if (in->at < in->end && *in->at == ']') break;
    return 0;
  }
  in->at += 1;
  if (!reserve(out, 1)) return -1;
  put_byte(out, ']');
  return 1;
}

static int json_value(JsonText *in, CopyText *out) {
  if (in->at >= in->end || in->depth >= json_max_depth) return 0;
  switch (*in->at) {
    case '{':
    case '[': {
      in->depth += 1;
      int written = *in->at == '{' ? json_object(in, out) : json_array(in, out);
      in->depth -= 1;
      return written;
    }
    case '"':
      return json_string(in, out);
    case 't':
      return json_literal(in, out, "true");
    case 'f':
      return json_literal(in, out, "false");
    case 'n':
      return json_literal(in, out, "null");
    default:
      return json_number(in, out);
  }
}

/* See copy-text.h. */
int dbops_canonical_json(const unsigned char *json, int count, CopyText *out) {
  if (count == 0) return 0;
  JsonText in = {json, json + count, 0};
  out->length = 0;
  json_space(&in);
  int written = json_value(&in, out);
  if (written <= 0) return written;
  json_space(&in);
  return in.at == in.end ? 1 : 0;
}

