package codec

import (
	"encoding/json"
	"fmt"
)

// object is one JSON object read field by field. Field names match
// exactly (encoding/json's struct decoding would match them
// case-insensitively). A field that is absent, null or, for strings, empty
// counts as absent. The first problem is kept in err and later reads return
// zero values, so decoders read every field and check err once.
type object struct {
	fields map[string]json.RawMessage
	err    *Error
}

// parseObject reads b as one JSON object.
func parseObject(b []byte) (object, *Error) {
	var o object
	if err := json.Unmarshal(b, &o.fields); err != nil {
		if _, ok := err.(*json.UnmarshalTypeError); ok {
			return o, badMessage("must be a JSON object")
		}
		return o, badMessage("malformed JSON: " + err.Error())
	}
	if o.fields == nil {
		return o, badMessage("must be a JSON object, not null")
	}
	return o, nil
}

func badMessage(msg string) *Error { return &Error{Code: CodeBadMessage, Message: msg} }

// failf records the first problem.
func (o *object) failf(format string, args ...any) {
	if o.err == nil {
		o.err = badMessage(fmt.Sprintf(format, args...))
	}
}

// raw returns the field's JSON text, or nil when it is absent or null.
func (o *object) raw(key string) json.RawMessage {
	r, ok := o.fields[key]
	if !ok || string(r) == "null" {
		return nil
	}
	return r
}

// has reports whether the field is present and not null.
func (o *object) has(key string) bool { return o.raw(key) != nil }

// decode reads a present field into v, recording a type error.
func (o *object) decode(key string, r json.RawMessage, v any, want string) bool {
	if err := json.Unmarshal(r, v); err != nil {
		o.failf("field %q must be %s", key, want)
		return false
	}
	return true
}

// str reads an optional string field; "" when absent.
func (o *object) str(key string) string {
	var s string
	if r := o.raw(key); r != nil && o.err == nil {
		o.decode(key, r, &s, "a string")
	}
	return s
}

// needStr reads a required, non-empty string field.
func (o *object) needStr(key string) string {
	s := o.str(key)
	if s == "" {
		o.failf("missing field %q", key)
	}
	return s
}

// flag reads an optional boolean field; false when absent.
func (o *object) flag(key string) bool {
	var b bool
	if r := o.raw(key); r != nil && o.err == nil {
		o.decode(key, r, &b, "true or false")
	}
	return b
}

// integer reads an optional integer field (no fraction, no exponent, in
// int64 range) and reports whether it was present.
func (o *object) integer(key string) (int64, bool) {
	var n int64
	r := o.raw(key)
	if r == nil || o.err != nil {
		return 0, false
	}
	return n, o.decode(key, r, &n, "an integer")
}

// positive reads a required integer field that must be at least 1.
func (o *object) positive(key string) int64 {
	n, ok := o.integer(key)
	switch {
	case o.err != nil:
	case !ok:
		o.failf("missing field %q", key)
	case n < 1:
		o.failf("field %q must be a positive integer", key)
	}
	return n
}

// nested reads an optional field that must be an object; ok is false when
// it is absent.
func (o *object) nested(key string) (object, bool) {
	r := o.raw(key)
	if r == nil || o.err != nil {
		return object{}, false
	}
	n, err := parseObject(r)
	if err != nil {
		o.failf("field %q must be an object", key)
		return object{}, false
	}
	return n, true
}

// list reads an optional field that must be an array; nil when absent.
func (o *object) list(key string) []json.RawMessage {
	var l []json.RawMessage
	if r := o.raw(key); r != nil && o.err == nil {
		o.decode(key, r, &l, "an array")
	}
	return l
}

// adopt records the first problem of a nested object as this object's,
// prefixing the field name.
func (o *object) adopt(key string, n *object) {
	if n.err != nil {
		o.failf("in %q: %s", key, n.err.Message)
	}
}
