package sync

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/sheets"
)

// Clash is an output tab partnermap did not write because a tab it did not create has its
// name; spreadsheet programs compare tab names ignoring case, so "priorities" clashes with
// the Priorities output as much as "Priorities" does.
type Clash struct {
	Output string // the output tab's configured name
	Tab    string // the volunteers' tab that has that name, as it is spelled in the spreadsheet
	Key    string // the config key of the output, e.g. outputs.priorities
}

// String is the one wording of a clash, for the console, check, logs and Data Issues alike.
func (c Clash) String() string {
	also := ""
	if c.Tab != c.Output {
		also = fmt.Sprintf(" (tab names ignore case, so %q is %q)", c.Tab, c.Output)
	}
	return fmt.Sprintf("output tab %q was not written: a tab %q that partnermap did not create has its name%s, and it was left as it is; "+
		"the other outputs are written. Rename or delete that tab, set %s to another name, or let partnermap take it over with --adopt %q",
		c.Output, c.Tab, also, c.Key, c.Tab)
}

// TabsNotWrittenError is a run that wrote (or, dry, would write) every output but the ones
// whose names are taken. It is a failure, exit 1, for sync and check alike: an output the
// group expects is missing until someone acts.
type TabsNotWrittenError struct {
	Clashes []Clash
}

func (e *TabsNotWrittenError) Error() string {
	parts := make([]string, len(e.Clashes))
	for i, c := range e.Clashes {
		parts[i] = c.String()
	}
	return strings.Join(parts, "; ")
}

// Unwrap gives each clash as the backends report it.
func (e *TabsNotWrittenError) Unwrap() []error {
	errs := make([]error, len(e.Clashes))
	for i, c := range e.Clashes {
		errs[i] = &sheets.UnmanagedTabError{Tab: c.Tab}
	}
	return errs
}

// clashError is nil when there are no clashes.
func clashError(clashes []Clash) error {
	if len(clashes) == 0 {
		return nil
	}
	return &TabsNotWrittenError{Clashes: clashes}
}

// findClashes lists the enabled outputs whose name a tab partnermap did not create has, in
// any case, unless adopt names that tab or the output.
func findClashes(snap *sheets.Snapshot, outputs config.Outputs, adopt []string) []Clash {
	var out []Clash
	for _, o := range outputKeys(outputs) {
		for _, t := range snap.Tabs {
			if !strings.EqualFold(t.Name, o.name) || t.Managed || adopted(adopt, o.name, t.Name) {
				continue
			}
			out = append(out, Clash{Output: o.name, Tab: t.Name, Key: o.key})
			break
		}
	}
	return out
}

func adopted(adopt []string, names ...string) bool {
	for _, a := range adopt {
		for _, n := range names {
			if strings.EqualFold(strings.TrimSpace(a), n) {
				return true
			}
		}
	}
	return false
}

// outputKey is an enabled output tab and the config key that names it.
type outputKey struct{ name, key string }

// outputKeys walks config.Outputs by its mapstructure tags, so that an output added there
// is checked for clashes with its own key and no edit here.
func outputKeys(o config.Outputs) []outputKey {
	var out []outputKey
	v, t := reflect.ValueOf(o), reflect.TypeOf(o)
	for i := range t.NumField() {
		name := v.Field(i).String()
		tag := t.Field(i).Tag.Get("mapstructure")
		if v.Field(i).Kind() != reflect.String || name == "" || tag == "" {
			continue
		}
		out = append(out, outputKey{name: name, key: "outputs." + tag})
	}
	return out
}

// clashOutputs lists the outputs of clashes.
func clashOutputs(clashes []Clash) []string {
	names := make([]string, len(clashes))
	for i, c := range clashes {
		names[i] = c.Output
	}
	return names
}
