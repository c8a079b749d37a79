package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"
)

// origins tells where the value of a key came from, so that a message about it sends the
// admin to the right place: the command line, an environment variable or the config file.
type origins struct {
	v         *viper.Viper
	path      string
	overrides map[string]any
}

// of names where key's value was set, "" for a default (or a key not set anywhere).
func (o origins) of(key string) string {
	key = strings.ToLower(key)
	for k := range o.overrides {
		if strings.EqualFold(k, key) {
			return "from the command line"
		}
	}
	if env := EnvName(key); !strings.Contains(key, "[") {
		if _, ok := os.LookupEnv(env); ok {
			return "from environment variable " + env
		}
	}
	if o.path != "" && (o.v.InConfig(key) || strings.Contains(key, "[")) {
		return "in " + o.path
	}
	return ""
}

// EnvName is the environment variable of a key: scoring.window_days is
// PARTNERMAP_SCORING_WINDOW_DAYS.
func EnvName(key string) string {
	return EnvPrefix + "_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// explainDecode rewrites mapstructure's errors (quoted Go types, "has invalid keys") into one
// line per problem naming the key, where it was set and the form expected.
func explainDecode(err error, o origins, known []string) error {
	// viper wraps mapstructure's joined errors in one of its own.
	for {
		var de *mapstructure.DecodeError
		u, ok := err.(interface{ Unwrap() error })
		if errors.As(err, &de) && err == error(de) || !ok || u.Unwrap() == nil {
			break
		}
		err = u.Unwrap()
	}
	var lines []string
	for _, leaf := range leaves(err) {
		var de *mapstructure.DecodeError
		if !errors.As(leaf, &de) {
			lines = append(lines, leaf.Error())
			continue
		}
		key, inner := de.Name(), de.Unwrap()
		if rest, ok := strings.CutPrefix(inner.Error(), "has invalid keys: "); ok {
			for _, k := range strings.Split(rest, ", ") {
				full := k
				if key != "" {
					full = key + "." + k
				}
				lines = append(lines, unknownKeyLine(full, "in "+o.path, known))
			}
			continue
		}
		var pe *mapstructure.ParseError
		var ue *mapstructure.UnconvertibleTypeError
		var expected reflect.Type
		var value any
		switch {
		case errors.As(inner, &pe):
			expected, value = pe.Expected.Type(), pe.Value
		case errors.As(inner, &ue):
			expected, value = ue.Expected.Type(), ue.Value
		case strings.HasPrefix(inner.Error(), "time: "): // the duration hook's error
			lines = append(lines, fmt.Sprintf("%s%s is not a duration: %s", key, where(o.of(key)), expectedForm(reflect.TypeOf(time.Duration(0)))))
			continue
		default:
			lines = append(lines, fmt.Sprintf("%s%s: %v", key, where(o.of(key)), inner))
			continue
		}
		lines = append(lines, fmt.Sprintf("%s%s is %s: %s", key, where(o.of(key)), typed(value), expectedForm(expected)))
	}
	return errors.New(strings.Join(lines, "\n"))
}

// leaves flattens errors.Join trees.
func leaves(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, leaves(e)...)
		}
		return out
	}
	return []error{err}
}

func where(origin string) string {
	if origin == "" {
		return ""
	}
	return " (" + origin + ")"
}

// typed quotes a value that was typed; a list or mapping is named by its kind.
func typed(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("%q", v)
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping (key: value lines)"
	case nil:
		return "empty"
	}
	return fmt.Sprintf("%v", v)
}

// expectedForm says in words what a field of type t takes.
func expectedForm(t reflect.Type) string {
	if t == reflect.TypeOf(time.Duration(0)) {
		return "expected a duration like 90s, 5m or 1h"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "expected a whole number, like 90"
	case reflect.Float32, reflect.Float64:
		return "expected a number, like 2.5"
	case reflect.Bool:
		return "expected true or false"
	case reflect.String:
		return "expected text (in YAML, one value, quoted if it has a colon or starts with [ or {)"
	case reflect.Slice:
		return fmt.Sprintf("expected a list of %s: in YAML [a, b], in a variable or --set a,b", strings.TrimPrefix(expectedForm(t.Elem()), "expected "))
	case reflect.Struct, reflect.Map:
		return "expected a mapping of keys (see config.example.yaml)"
	}
	return "expected a " + t.String()
}

// unknownKeyLine names a key that matches no setting, where it was written ("in
// config.yaml"), and the setting it is closest to.
func unknownKeyLine(key, where string, known []string) string {
	line := fmt.Sprintf("unknown key %s %s", key, where)
	if near := closest(stripIndex(key), known); near != "" {
		if list, _, ok := strings.Cut(key, "]"); ok && strings.HasPrefix(key, "sources[") {
			near = list + "]" + strings.TrimPrefix(near, "source")
		}
		return line + fmt.Sprintf(" — did you mean %s?", near)
	}
	return line + " (config.example.yaml lists every key)"
}

// stripIndex turns sources[0].xlsx into source.xlsx for matching: an entry of sources has the
// keys of source.
func stripIndex(key string) string {
	if rest, ok := strings.CutPrefix(key, "sources["); ok {
		if _, after, ok := strings.Cut(rest, "]"); ok {
			return "source" + after
		}
	}
	return key
}

// KnownKeys lists every setting's key, as in config.example.yaml.
func KnownKeys() []string {
	v := viper.New()
	setDefaults(v, Default())
	keys := v.AllKeys()
	sort.Strings(keys)
	return keys
}

// UnknownEnv warns about each PARTNERMAP_ variable of environ that names no setting (a typo
// in a deployment file is otherwise silently ignored), with the closest variable that does.
func UnknownEnv(environ []string) []string {
	known := KnownKeys()
	byEnv := make(map[string]string, len(known))
	envs := make([]string, len(known))
	for i, k := range known {
		envs[i] = EnvName(k)
		byEnv[envs[i]] = k
	}
	var out []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, EnvPrefix+"_") || byEnv[name] != "" || knownPrefix(name, envs) {
			continue
		}
		w := fmt.Sprintf("environment variable %s matches no setting and is ignored", name)
		if near := closest(name, envs); near != "" {
			w += fmt.Sprintf(" — did you mean %s (%s)?", near, byEnv[near])
		} else {
			w += " (config.example.yaml lists every key; the variable of scoring.window_days is PARTNERMAP_SCORING_WINDOW_DAYS)"
		}
		out = append(out, w)
	}
	sort.Strings(out)
	return out
}

// knownPrefix reports a variable that names a group of settings (PARTNERMAP_SCORING), which
// viper reads as a whole.
func knownPrefix(name string, envs []string) bool {
	for _, e := range envs {
		if strings.HasPrefix(e, name+"_") {
			return true
		}
	}
	return false
}

// closest returns the candidate nearest to s, if it is a few typing slips away.
func closest(s string, candidates []string) string {
	s = strings.ToLower(s)
	limit := max(1, min(3, len(s)/4))
	best, bestD := "", limit+1
	for _, c := range candidates {
		if d := distance(s, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// distance is the Levenshtein distance of two short keys.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// withOrigins adds to each validation problem ("key: what is wrong") where the key was set.
func withOrigins(err error, o origins) error {
	var lines []string
	for _, leaf := range leaves(err) {
		for _, line := range strings.Split(leaf.Error(), "\n") {
			if key, rest, ok := strings.Cut(line, ": "); ok && !strings.Contains(key, " ") {
				if origin := o.of(key); origin != "" {
					line = key + " (" + origin + "): " + rest
				}
			}
			lines = append(lines, line)
		}
	}
	return errors.New(strings.Join(lines, "\n"))
}
