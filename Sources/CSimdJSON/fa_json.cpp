// The one compiled bridge: simdjson's on-demand API flattened into fa_entry records (see fa_json.h). Keys and
// values are not copied: the records point at simdjson's unescaped strings and at the input's raw tokens.
#include "fa_json.h"
#include <simdjson.h>
#include <string>
#include <vector>

using namespace simdjson;

struct fa_parser {
    ondemand::parser parser;
    std::vector<fa_entry> entries;
    explicit fa_parser(size_t max) : parser(max) {}
};

static std::string_view fa_trim(std::string_view text) {
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

// Appends one value; returns a simdjson error code (0 = fine).
static error_code add_value(fa_parser *p, uint8_t scope, std::string_view key, ondemand::value value) {
    fa_entry entry{};
    entry.scope = scope;
    entry.key = key.data();
    entry.key_length = (uint32_t)key.size();
    ondemand::json_type type;
    auto error = value.type().get(type);
    if (error) return error;
    std::string_view text;
    switch (type) {
    case ondemand::json_type::string:
        error = value.get_string().get(text);
        entry.kind = FA_STRING;
        break;
    case ondemand::json_type::number:
        text = fa_trim(value.raw_json_token());
        entry.kind = FA_NUMBER;
        break;
    case ondemand::json_type::boolean: {
        bool flag = false;
        error = value.get_bool().get(flag);
        entry.kind = flag ? FA_TRUE : FA_FALSE;
        break;
    }
    case ondemand::json_type::null:
        entry.kind = FA_NULL;
        // is_null() consumes the value so the iterator can move on.
        (void)value.is_null();
        break;
    case ondemand::json_type::object: {
        ondemand::object object;
        error = value.get_object().get(object);
        if (!error) error = object.raw_json().get(text);
        text = fa_trim(text);
        entry.kind = FA_RAW;
        break;
    }
    default: {
        ondemand::array array;
        error = value.get_array().get(array);
        if (!error) error = array.raw_json().get(text);
        text = fa_trim(text);
        entry.kind = FA_RAW;
        break;
    }
    }
    if (error) return error;
    entry.value = text.data();
    entry.value_length = (uint32_t)text.size();
    p->entries.push_back(entry);
    return SUCCESS;
}

static fa_document fail(int code, const char *message) {
    fa_document doc{};
    doc.error = code;
    doc.message = message;
    return doc;
}

extern "C" {

fa_parser *fa_parser_create(size_t max_bytes) {
    try {
        return new fa_parser(max_bytes);
    } catch (...) {
        return nullptr;
    }
}

void fa_parser_destroy(fa_parser *parser) { delete parser; }

size_t fa_padding(void) { return SIMDJSON_PADDING; }

fa_document fa_parse(fa_parser *p, const char *bytes, size_t length) {
    try {
        p->entries.clear();
        ondemand::document doc;
        auto error = p->parser.iterate(bytes, length, length + SIMDJSON_PADDING).get(doc);
        if (error) return fail(error, error_message(error));
        ondemand::object root;
        error = doc.get_object().get(root);
        if (error) return fail(-1, "the value is not a JSON object");
        for (auto field : root) {
            std::string_view key;
            error = field.unescaped_key().get(key);
            if (error) return fail(error, error_message(error));
            ondemand::value value;
            error = field.value().get(value);
            if (error) return fail(error, error_message(error));
            if (key == "output_fields") {
                ondemand::object fields;
                if (value.get_object().get(fields) == SUCCESS) {
                    for (auto inner : fields) {
                        std::string_view inner_key;
                        error = inner.unescaped_key().get(inner_key);
                        if (error) return fail(error, error_message(error));
                        ondemand::value inner_value;
                        error = inner.value().get(inner_value);
                        if (!error) error = add_value(p, FA_SCOPE_FIELDS, inner_key, inner_value);
                        if (error) return fail(error, error_message(error));
                    }
                    continue;
                }
                error = add_value(p, FA_SCOPE_TOP, key, value);
            } else if (key == "tags") {
                ondemand::array tags;
                if (value.get_array().get(tags) == SUCCESS) {
                    for (auto element : tags) {
                        ondemand::value tag;
                        error = element.get(tag);
                        if (!error) error = add_value(p, FA_SCOPE_TAG, "", tag);
                        if (error) return fail(error, error_message(error));
                    }
                    continue;
                }
                error = add_value(p, FA_SCOPE_TOP, key, value);
            } else {
                error = add_value(p, FA_SCOPE_TOP, key, value);
            }
            if (error) return fail(error, error_message(error));
        }
        // Trailing content after the root value is an error (on-demand checks it lazily).
        if (doc.current_location().error() == SUCCESS) return fail(TRAILING_CONTENT, error_message(TRAILING_CONTENT));
        fa_document out{};
        out.entries = p->entries.data();
        out.count = p->entries.size();
        out.error = 0;
        out.message = "";
        return out;
    } catch (...) {
        return fail(-2, "internal parser failure");
    }
}

}  // extern "C"
