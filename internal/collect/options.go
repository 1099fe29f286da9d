package collect

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// DecodeOptions decodes a source's options (Source.Options, the map go-toml
// made of [source.options]) into v, a pointer to a struct with toml tags,
// strictly: a key v has no field for is an error naming it as options.key,
// and a value of the wrong type is an error naming the key and the type
// wanted; an unknown key's error also lists the keys its table takes. The
// errors name settings as the sources file writes them and say nothing of
// the source: callers wrap them. Fields of v that opts does not set keep
// their values, so a collector sets its defaults before decoding.
//
// It re-encodes the map as TOML and decodes that, so the rules of the
// sources file (types, strictness) apply. One rule is relaxed: a whole
// number written as a float (50.0, as a user thinking in JSON writes it)
// decodes into an integer field; 2.5 does not.
func DecodeOptions(opts map[string]any, v any) error {
	b, err := toml.Marshal(wholeFloats(opts))
	if err != nil {
		return fmt.Errorf("options: %w", err)
	}
	dec := toml.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	var strict *toml.StrictMissingError
	var derr *toml.DecodeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &strict):
		return unknownSettings(strict, reflect.TypeOf(v))
	case errors.As(err, &derr):
		msg := strings.TrimPrefix(derr.Error(), "toml: ")
		if m := typeMismatch.FindStringSubmatch(msg); m != nil {
			msg = fmt.Sprintf("a TOML %s where %s belongs", m[1], goTypeName(m[2]))
		}
		if k := derr.Key(); len(k) > 0 {
			return fmt.Errorf("options.%s: %s", strings.Join(k, "."), msg)
		}
		return fmt.Errorf("options: %s", msg)
	default:
		return fmt.Errorf("options: %w", err)
	}
}

// unknownSettings names the keys strict found that t has no field for and,
// when they all sit in one table, the keys that table takes.
func unknownSettings(strict *toml.StrictMissingError, t reflect.Type) error {
	var keys []string
	tables := map[string]bool{}
	var table []string
	for _, e := range strict.Errors {
		k := e.Key()
		keys = append(keys, "options."+strings.Join(k, "."))
		table = k[:len(k)-1]
		tables[strings.Join(table, ".")] = true
	}
	msg := "unknown setting " + strings.Join(keys, ", ")
	if known := settings(t, table); len(tables) == 1 && len(known) > 0 {
		msg += fmt.Sprintf("; %s takes %s", strings.Join(append([]string{"options"}, table...), "."), strings.Join(known, ", "))
	}
	return errors.New(msg)
}

// wholeFloats returns opts with every float that holds a whole number (in
// tables and arrays too) turned into an int64, which TOML decodes into
// integer and float fields alike. It copies what it changes and leaves opts
// as it is.
func wholeFloats(opts map[string]any) map[string]any {
	out := make(map[string]any, len(opts))
	for k, v := range opts {
		out[k] = wholeFloat(v)
	}
	return out
}

func wholeFloat(v any) any {
	switch x := v.(type) {
	case float64:
		// Beyond 2^53 a float64 no longer tells whole numbers apart.
		if x == math.Trunc(x) && math.Abs(x) <= 1<<53 {
			return int64(x)
		}
	case float32:
		return wholeFloat(float64(x))
	case map[string]any:
		return wholeFloats(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = wholeFloat(e)
		}
		return out
	case []map[string]any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = wholeFloats(e)
		}
		return out
	}
	return v
}

// settings returns the keys that the table at path in a value of type t
// takes, sorted, or nil when path does not lead to a struct. A path walks
// struct fields by their toml names and map values by any key; it passes
// through arrays as go-toml's key paths do.
func settings(t reflect.Type, path []string) []string {
	for {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			t = t.Elem()
		case reflect.Map:
			if len(path) == 0 {
				return nil
			}
			t, path = t.Elem(), path[1:]
		case reflect.Struct:
			if len(path) == 0 {
				keys := fieldKeys(t, nil)
				slices.Sort(keys)
				return keys
			}
			f, ok := fieldByKey(t, path[0])
			if !ok {
				return nil
			}
			t, path = f.Type, path[1:]
		default:
			return nil
		}
	}
}

// fieldKeys appends the keys of struct type t's fields to keys, with those
// of embedded structs without a toml tag, which go-toml flattens.
func fieldKeys(t reflect.Type, keys []string) []string {
	for f := range t.Fields() {
		name, embedded := fieldKey(f)
		switch {
		case embedded:
			keys = fieldKeys(f.Type, keys)
		case name != "":
			keys = append(keys, name)
		}
	}
	return keys
}

// fieldByKey returns the field of struct type t that key names.
func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	for f := range t.Fields() {
		name, embedded := fieldKey(f)
		if embedded {
			if g, ok := fieldByKey(f.Type, key); ok {
				return g, true
			}
		} else if name != "" && strings.EqualFold(name, key) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// fieldKey returns the key go-toml decodes into f, or embedded when f is a
// struct whose fields go-toml reads as if they were the parent's. The key
// is empty for a field go-toml leaves alone.
func fieldKey(f reflect.StructField) (key string, embedded bool) {
	tag, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
	switch {
	case tag == "-":
		return "", false
	case f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct:
		return "", true
	case !f.IsExported():
		return "", false
	case tag != "":
		return tag, false
	}
	return f.Name, false
}

// typeMismatch matches go-toml's message for a value of the wrong type.
var typeMismatch = regexp.MustCompile(`cannot decode TOML (\w+) into (?:struct field .* of type |a Go value of type )?(\S+)$`)

// goTypeName names a Go type of an options struct as the sources file
// writes its values.
func goTypeName(t string) string {
	t = strings.TrimPrefix(t, "*")
	switch {
	case t == "string":
		return "a string"
	case t == "int", t == "int64", t == "int32":
		return "an integer"
	case t == "float64":
		return "a number"
	case t == "bool":
		return "true or false"
	case t == "[]string":
		return "an array of strings"
	case strings.HasPrefix(t, "map["):
		return "a table"
	case strings.HasPrefix(t, "[]"):
		return "an array of tables"
	}
	return "a table"
}
