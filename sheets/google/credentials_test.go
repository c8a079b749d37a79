package google_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/partnermap/partnermap/sheets/google"
)

const account = "partnermap@chapter-123.iam.gserviceaccount.com"

// keyFile writes a service-account key of the given type with mode perm.
func keyFile(t *testing.T, typ string, perm os.FileMode) (path, privateKey string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	privateKey = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	body, _ := json.Marshal(map[string]string{
		"type": typ, "project_id": "chapter-123", "private_key_id": "0123456789abcdef",
		"private_key": privateKey, "client_email": account, "client_id": "1",
		"token_uri": "http://127.0.0.1:9/token", "audience": "//iam.googleapis.com/x",
		"subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
		"credential_source":  "{}",
	})
	path = filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(path, body, perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil {
		t.Fatal(err)
	}
	return path, privateKey
}

func TestCredentialsFile(t *testing.T) {
	cases := []struct {
		name    string
		typ     string
		perm    os.FileMode
		wantErr bool
		warns   bool
	}{
		{name: "a private service-account key is used without warning", typ: "service_account", perm: 0o600},
		{name: "a key readable by others gets a warning", typ: "service_account", perm: 0o644, warns: true},
		{name: "a key readable by the group gets a warning", typ: "service_account", perm: 0o640, warns: true},
		{name: "a key of another type is refused", typ: "external_account", perm: 0o600, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path, secret := keyFile(t, tc.typ, tc.perm)
			var logs bytes.Buffer
			s, err := google.New(context.Background(), google.Options{SpreadsheetID: "abc", CredentialsFile: path,
				Logger: zerolog.New(&logs)})
			if (err != nil) != tc.wantErr {
				t.Fatalf("New = %v; want error %v", err, tc.wantErr)
			}
			if warned := strings.Contains(logs.String(), "readable by other users"); warned != tc.warns {
				t.Errorf("warning logged = %v; want %v (%s)", warned, tc.warns, logs.String())
			}
			keyBody := strings.Split(secret, "\n")[1]
			if strings.Contains(logs.String(), keyBody) || (err != nil && strings.Contains(err.Error(), keyBody)) {
				t.Errorf("the private key leaked into a log line or an error")
			}
			if err == nil && s.Account() != account {
				t.Errorf("Account() = %q; want %q", s.Account(), account)
			}
		})
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	cases := []struct {
		name string
		opts google.Options
		want string
	}{
		{"an empty spreadsheet id", google.Options{}, "spreadsheet_id is empty"},
		{"a URL instead of an id", google.Options{SpreadsheetID: "https://docs.google.com/spreadsheets/d/abc/edit"}, "between /d/ and /edit"},
		{"an HTTP client without an endpoint", google.Options{SpreadsheetID: "abc", HTTPClient: http.DefaultClient}, "endpoint"},
		{"a credentials file that does not exist", google.Options{SpreadsheetID: "abc", CredentialsFile: "/nonexistent/key.json"}, "source.credentials_file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := google.New(context.Background(), tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New = %v; want an error saying %q", err, tc.want)
			}
		})
	}
}

// TestDamagedKeyIsRefusedBeforeAnyCall: the library reads a private key only when it first
// signs, and reports a bad one as a network error that would be retried until the deadline;
// New refuses it at once, naming where the key came from and not showing it.
func TestDamagedKeyIsRefusedBeforeAnyCall(t *testing.T) {
	path, privateKey := keyFile(t, "service_account", 0o600)
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Split(privateKey, "\n")[1]
	damaged := []byte(strings.Replace(string(body), line, "bm90IGEga2V5", 1))
	damagedFile := filepath.Join(t.TempDir(), "damaged.json")
	if err := os.WriteFile(damagedFile, damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		opts google.Options
		want string
	}{
		{"as content", google.Options{CredentialsJSON: damaged}, "PARTNERMAP_SOURCE_CREDENTIALS_JSON"},
		{"as a file", google.Options{CredentialsFile: damagedFile}, "source.credentials_file"},
		{"as content, through an endpoint", google.Options{CredentialsJSON: damaged, Endpoint: "http://127.0.0.1:9"}, "PARTNERMAP_SOURCE_CREDENTIALS_JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.SpreadsheetID = "abc"
			_, err := google.New(context.Background(), tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "private_key is damaged") {
				t.Fatalf("New = %v; want an error naming %s and the damaged private_key", err, tc.want)
			}
			if strings.Contains(err.Error(), "PRIVATE KEY") || strings.Contains(err.Error(), "bm90IGEga2V5") {
				t.Errorf("the error shows the key: %v", err)
			}
		})
	}
	t.Run("both a file and content", func(t *testing.T) {
		_, err := google.New(context.Background(), google.Options{SpreadsheetID: "abc", CredentialsFile: path, CredentialsJSON: body})
		if err == nil || !strings.Contains(err.Error(), "not both") {
			t.Fatalf("New = %v; want an error saying to set only one", err)
		}
	})
}
