#ifndef FA_JSON_H
#define FA_JSON_H
// Plain C view of a Falco alert parsed by simdjson. Swift imports only this header.
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Where an entry sits in the alert document.
enum fa_scope { FA_SCOPE_TOP = 0, FA_SCOPE_FIELDS = 1, FA_SCOPE_TAG = 2 };

/// The JSON type of an entry's value. Numbers keep their source text; nested values keep their raw JSON.
enum fa_kind { FA_STRING = 0, FA_NUMBER = 1, FA_TRUE = 2, FA_FALSE = 3, FA_NULL = 4, FA_RAW = 5 };

/// One member of the alert. `key` and `value` point into the parser's buffers or the input (no copies), valid until
/// the next `fa_parse` on the same parser and while the input is unchanged.
typedef struct fa_entry {
    const char *key;
    const char *value;
    uint32_t key_length, value_length;
    uint8_t scope, kind;
} fa_entry;

typedef struct fa_document {
    const fa_entry *entries;
    size_t count;
    /// 0 on success; otherwise a simdjson error code, or -1 when the root is not an object.
    int error;
    /// A static, human-readable description of `error` (never NULL).
    const char *message;
} fa_document;

typedef struct fa_parser fa_parser;

/// Makes a parser that accepts documents up to `max_bytes`.
fa_parser *fa_parser_create(size_t max_bytes);
void fa_parser_destroy(fa_parser *parser);
/// Parses one JSON document; `bytes` needs `fa_padding()` readable bytes after `length`.
fa_document fa_parse(fa_parser *parser, const char *bytes, size_t length);
/// The number of readable bytes simdjson needs past the end of the input.
size_t fa_padding(void);

#ifdef __cplusplus
}
#endif
#endif
