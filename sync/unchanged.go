package sync

import (
	"context"
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/history"
	"github.com/partnermap/partnermap/render"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// An unchanged sync is decided from the cells as read: their hash against the one Sync
// Status recorded. A fresh `sync --now` still paid for opening and parsing the workbook to
// learn that (half a first sync's cost at 10k partners). So a run also keeps, in state_dir,
// a memo of its unchanged decision: the workbook's fingerprint (the hash of its bytes) with
// everything else the decision depends on. The next run that finds the same bytes, config,
// version and day says "unchanged" from the memo without opening the workbook.
//
// The full decision is a function of the bytes, the config, the version and the as-of day
// (the zone it is computed in comes from the config or the bytes), so a memo stays true as
// long as those match: anything missing, unreadable or different is a full run as before.

// fingerprinter is a source that can tell, without opening it, whether the spreadsheet is
// byte for byte one it read or wrote before. The xlsx workbook is one.
type fingerprinter interface {
	// Fingerprint identifies the spreadsheet's content as it is now, read but not parsed.
	Fingerprint(ctx context.Context) (string, error)
	// ReadFingerprint identifies the content snap was read from; "" when unknown.
	ReadFingerprint(snap *sheets.Snapshot) string
	// WriteFingerprinted is Write, also returning the fingerprint of the content it placed,
	// taken from the bytes it wrote (never read back: a person may save just after).
	WriteFingerprinted(ctx context.Context, snap *sheets.Snapshot, tabs []sheets.Tab, adopt []string) (string, error)
	// WritesExactly reports whether a written cell reads back exactly as it is: the memo
	// after a write predicts the next read from the tabs as rendered, which holds only
	// for cells the file stores unaltered.
	WritesExactly(c sheets.Cell) bool
}

// sectionReader is a source whose one read hashes each tab's part of the answer as it
// streams, and leaves unparsed the tabs whose parts are all byte for byte as known: the
// Google Sheet, whose API has no cheap way to ask whether anything changed. Its memo holds
// the input tabs' hashes and their part of the input hash, not a decision: the read's Sync
// Status, History and tab list still decide, as in a full run.
type sectionReader interface {
	// ReadKnown is Read, also returning each named tab's hash (sums). When every tab in
	// known is there and hashes to known[tab], those tabs are listed in same and absent from
	// Tables; otherwise every tab is parsed and same is empty.
	ReadKnown(ctx context.Context, tabs []string, known map[string]string) (snap *sheets.Snapshot, sums map[string]string, same []string, err error)
}

// sectionsRead is what a read said of its tabs' sections.
type sectionsRead struct {
	sums map[string]string
	same []string
}

// memoFormat changes when the memo's meaning does; a memo of another format is ignored.
const memoFormat = 1

// memo is an unchanged decision: a full run reading the spreadsheet with this fingerprint,
// with these settings, on day AsOf, finds it unchanged and reports Status.
type memo struct {
	Format      int    `json:"format"`
	Fingerprint string `json:"fingerprint"`
	// Settings hashes the config, the program version and the source (settingsHash).
	Settings string `json:"settings"`
	// Zone is the as-of day's zone (location's choice, by name; "Local" is the process's).
	Zone string       `json:"zone"`
	AsOf scoring.Date `json:"as_of"`
	// InputHash and Status are what the unchanged report says: the hash Sync Status holds
	// and the figures it recorded (rows, issue counts, active partners).
	InputHash string          `json:"input_hash,omitempty"`
	Status    render.Recorded `json:"status"`
	// Sections are the hashes of the input tabs' parts of a Google read, by tab, and Base
	// the input hash's state after those tabs (hex): what a read finding the same sections
	// needs in place of their cells.
	Sections map[string]string `json:"sections,omitempty"`
	Base     string            `json:"base,omitempty"`
}

// MemoPath is the file in stateDir holding src's memo, keyed like its lock by what the
// source is, so configs naming one workbook differently share it.
func MemoPath(stateDir string, src config.Source) string {
	return stateFile(stateDir, "unchanged", src, ".json")
}

// settingsHash hashes everything a run depends on besides the spreadsheet and the day: the
// whole config (more than the outputs depend on, so a change to any key costs at most one
// full run), the program version and the source's description.
func settingsHash(cfg config.Config, version, source string) (string, error) {
	data, err := json.Marshal(struct {
		Config  config.Config
		Version string
		Source  string
	}{cfg, version, source})
	if err != nil {
		return "", fmt.Errorf("hash settings: %w", err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// memoStore is one run's use of its memo: through a fingerprinter (a whole-file decision)
// or a sectionReader (the input tabs' part of the hash).
type memoStore struct {
	path     string
	src      fingerprinter
	sections sectionReader
	settings string
	log      func(msg string, err error)
}

// recall returns the memo when it says the spreadsheet, as it is now, is one a full run
// would find unchanged on day fixed (or, when zero, today at now in the memo's zone), with
// the day. Any doubt is false: the full run decides.
func (m *memoStore) recall(ctx context.Context, fixed scoring.Date, now time.Time) (memo, scoring.Date, bool) {
	if m == nil || m.src == nil {
		return memo{}, 0, false
	}
	rec, day, ok := m.load(fixed, now)
	if !ok || rec.Fingerprint == "" {
		return memo{}, 0, false
	}
	fp, err := m.src.Fingerprint(ctx)
	if err != nil || fp != rec.Fingerprint {
		return memo{}, 0, false
	}
	return rec, day, true
}

// load reads the memo when it is of these settings and of day fixed (or, when zero, today
// at now in the memo's zone).
func (m *memoStore) load(fixed scoring.Date, now time.Time) (memo, scoring.Date, bool) {
	data, err := os.ReadFile(m.path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			m.log("memo of the last unchanged sync not read; syncing in full", err)
		}
		return memo{}, 0, false
	}
	var rec memo
	if err := json.Unmarshal(data, &rec); err != nil || rec.Format != memoFormat || (rec.Fingerprint == "" && rec.Base == "") {
		if err == nil {
			err = fmt.Errorf("%s is not a memo of format %d", m.path, memoFormat)
		}
		m.log("memo of the last unchanged sync ignored; syncing in full", err)
		return memo{}, 0, false
	}
	if rec.Settings != m.settings {
		return memo{}, 0, false
	}
	day := fixed
	if day.IsZero() {
		loc, err := zone(rec.Zone)
		if err != nil {
			return memo{}, 0, false
		}
		day = scoring.DateFromTime(now.In(loc))
	}
	if day != rec.AsOf {
		return memo{}, 0, false
	}
	return rec, day, true
}

// zone is the location a memo's zone names: location's choice, by its String.
func zone(name string) (*time.Location, error) {
	if name == "Local" {
		return time.Local, nil
	}
	return time.LoadLocation(name)
}

// keep writes rec as the memo, atomically; a failure is logged, never fatal (the next run
// is a full one).
func (m *memoStore) keep(rec memo) {
	rec.Format, rec.Settings = memoFormat, m.settings
	data, err := json.Marshal(rec)
	if err == nil {
		err = writeAtomic(m.path, data)
	}
	if err != nil {
		m.log("memo of this unchanged sync not kept; the next sync reads the spreadsheet in full", err)
	}
}

// forget removes the memo: the workbook it describes has been replaced.
func (m *memoStore) forget() {
	if err := os.Remove(m.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		m.log("memo of the last unchanged sync not removed", err)
	}
}

// writeAtomic replaces path with data through a temporary file in the same folder.
func writeAtomic(path string, data []byte) error {
	if err := ensureStateDir(filepath.Dir(path)); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // gone by the rename when all went well
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// hashState is the input hash before its extra part (the History rows read), so the hash of
// the same inputs with other History rows can be finished later.
type hashState []byte

// predictUnchanged works out whether the next full run, reading the spreadsheet exactly as
// this run wrote it, on the same day with the same settings, would find it unchanged, and
// returns the memo of that decision. It goes through the decision's own steps on what that
// read returns: the tab list with the written tabs marked, and the written tabs that a run
// reads back (Sync Status and History) as rendered. ok is false whenever the next run would
// write again (History rows dropped by keep_days, a clash, an output not written) or the
// prediction would have to guess (a written tab that matched a tab of another case, or one
// that is also an input).
func predictUnchanged(cfg config.Config, snap *sheets.Snapshot, tabs []sheets.Tab, inputs, enabled []string, base hashState, asOf scoring.Date, exact func(sheets.Cell) bool) (memo, bool) {
	next := &sheets.Snapshot{Tables: map[string]*sheets.Table{}}
	written := map[string]bool{}
	for _, t := range tabs {
		for _, in := range inputs {
			if strings.EqualFold(in, t.Name) {
				return memo{}, false
			}
		}
		for _, old := range snap.Tabs {
			if strings.EqualFold(old.Name, t.Name) && old.Name != t.Name {
				return memo{}, false
			}
		}
		written[t.Name] = true
		if t.Name == cfg.Outputs.SyncStatus || t.Name == cfg.Outputs.History {
			if !readsBack(t.Rows, exact) {
				return memo{}, false // e.g. a number of 17 digits, which the file rounds
			}
			next.Tables[t.Name] = &sheets.Table{Name: t.Name, Rows: t.Rows}
		}
	}
	for _, old := range snap.Tabs {
		next.Tabs = append(next.Tabs, sheets.TabInfo{Name: old.Name, Managed: old.Managed || written[old.Name]})
		delete(written, old.Name)
	}
	for _, t := range tabs {
		if written[t.Name] {
			next.Tabs = append(next.Tabs, sheets.TabInfo{Name: t.Name, Managed: true})
		}
	}
	if len(findClashes(next, cfg.Outputs, nil)) > 0 {
		return memo{}, false
	}
	var past []history.Row
	if cfg.Outputs.History != "" {
		past, _ = history.Read(next.Tables[cfg.Outputs.History], dateOrder(cfg.DateOrder))
	}
	hash, err := base.finish(func(w io.Writer) { history.Fingerprint(w, past, asOf) })
	if err != nil || !upToDate(next, cfg.Outputs.SyncStatus, enabled, nil, hash) {
		return memo{}, false
	}
	status := render.ReadStatus(next.Tables[cfg.Outputs.SyncStatus])
	return memo{AsOf: asOf, InputHash: hash, Status: status}, true
}

// readsBack reports whether every cell of rows reads back as it is written.
func readsBack(rows [][]sheets.Cell, exact func(sheets.Cell) bool) bool {
	for _, row := range rows {
		for _, c := range row {
			if !exact(c) {
				return false
			}
		}
	}
	return true
}

// saveState keeps the hash state h has reached.
func saveState(h encoding.BinaryMarshaler) (hashState, error) {
	state, err := h.MarshalBinary()
	return hashState(state), err
}

// finish completes the input hash from the saved state with the extra part.
func (s hashState) finish(extra func(io.Writer)) (string, error) {
	h := sha256.New()
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(s); err != nil {
		return "", fmt.Errorf("resume input hash: %w", err)
	}
	return finishInputHash(h, extra), nil
}

// openMemory is the run's memo, or nil when it keeps none: no Options.Memo, a dry run (it
// holds no lock), a source that cannot fingerprint itself, no Sync Status to decide from.
func openMemory(cfg config.Config, src sheets.Source, opts Options) *memoStore {
	fp, whole := src.(fingerprinter)
	sr, sections := src.(sectionReader)
	if opts.Memo == "" || opts.DryRun || !(whole || sections) || cfg.Outputs.SyncStatus == "" {
		return nil
	}
	log := opts.Logger
	m := &memoStore{path: opts.Memo, src: fp, sections: sr, log: func(msg string, err error) {
		log.Warn().Str("memo", opts.Memo).Err(err).Msg(msg)
	}}
	settings, err := settingsHash(cfg, opts.Version, src.Describe())
	if err != nil {
		m.log("no memo of unchanged syncs", err)
		return nil
	}
	m.settings = settings
	return m
}

// readFingerprint is the fingerprint of the content snap was read from; "" without a memo
// of the whole file.
func (m *memoStore) readFingerprint(snap *sheets.Snapshot) string {
	if m == nil || m.src == nil {
		return ""
	}
	return m.src.ReadFingerprint(snap)
}

// write writes tabs through src, fingerprinting what it placed when there is a memo of the
// whole file.
func (m *memoStore) write(ctx context.Context, src sheets.Source, snap *sheets.Snapshot, tabs []sheets.Tab, adopt []string) (string, error) {
	if m == nil || m.src == nil {
		return "", src.Write(ctx, snap, tabs, adopt)
	}
	return m.src.WriteFingerprinted(ctx, snap, tabs, adopt)
}

// sectionsKnown is the memo of the input tabs' sections, when it is of these settings and
// this day in its zone and the run may decide "unchanged"; nil otherwise.
func (m *memoStore) sectionsKnown(opts Options, now time.Time) *memo {
	if m == nil || m.sections == nil || opts.Force || !opts.RebuildSince.IsZero() {
		return nil
	}
	rec, _, ok := m.load(opts.AsOf, now)
	if !ok || len(rec.Sections) == 0 || rec.Base == "" {
		return nil
	}
	return &rec
}

// read reads the tabs, through ReadKnown when the source hashes its sections and there is a
// memo (known, may be nil: nothing known, every tab parsed and hashed).
func (m *memoStore) read(ctx context.Context, src sheets.Source, tabs []string, known *memo) (*sheets.Snapshot, sectionsRead, error) {
	if m == nil || m.sections == nil {
		snap, err := src.Read(ctx, tabs)
		return snap, sectionsRead{}, err
	}
	var sums map[string]string
	if known != nil {
		sums = known.Sections
	}
	snap, got, same, err := m.sections.ReadKnown(ctx, tabs, sums)
	return snap, sectionsRead{sums: got, same: same}, err
}

// inputsDigest is the input hash's state after the input tabs, from the memo, when the read
// left exactly the memo's input tabs unparsed (the same) on the memo's day; nil otherwise.
func (rec *memo) inputsDigest(inputs []string, snap *sheets.Snapshot, same []string, asOf scoring.Date) hash.Hash {
	if rec == nil || asOf != rec.AsOf {
		return nil
	}
	for _, name := range inputs {
		_, parsed := snap.Tables[name]
		_, known := rec.Sections[name]
		if parsed || known != slices.Contains(same, name) {
			return nil
		}
	}
	state, err := hex.DecodeString(rec.Base)
	if err != nil {
		return nil
	}
	h := sha256.New()
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(state); err != nil {
		return nil
	}
	return h
}

// keepSections keeps, after a read that parsed every tab, the input tabs' hashes and their
// part of the input hash (base), when every input tab there was hashed.
func (m *memoStore) keepSections(sums map[string]string, inputs []string, snap *sheets.Snapshot, base hashState, asOf scoring.Date, loc *time.Location) {
	if m == nil || m.sections == nil || base == nil {
		return
	}
	sections := map[string]string{}
	for _, name := range inputs {
		if _, ok := snap.Tables[name]; !ok {
			continue
		}
		if sums[name] == "" {
			return // the answer held no data for it: nothing to know it by
		}
		sections[name] = sums[name]
	}
	if len(sections) == 0 {
		return
	}
	m.keep(memo{Zone: loc.String(), AsOf: asOf, Sections: sections, Base: hex.EncodeToString(base)})
}
