package google_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/partnermap/partnermap/sheets/google"
	"github.com/partnermap/partnermap/sheets/google/fake"
)

// captureStderr runs fn with the process's standard error going to a file, and returns
// what was written there: where the Google libraries' own logger writes.
func captureStderr(t *testing.T, fn func()) string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = f
	defer func() { os.Stderr = saved }()
	fn()
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestTheGoogleLibrarysDebugLoggingShowsNoTokenOrAssertion(t *testing.T) {
	t.Setenv("GOOGLE_SDK_GO_LOGGING_LEVEL", "debug")
	f := fake.New()
	t.Cleanup(f.Close)
	f.AddSpreadsheet(sheetID, "America/Chicago")
	var assertion string
	tokens := httptestTokenServer(t, func(r *http.Request) { assertion = r.PostFormValue("assertion") })
	key, secret := serviceKey(t, tokens+"/token")
	logs := &lockedBuffer{}
	var readErr error
	stderr := captureStderr(t, func() {
		s, err := google.New(context.Background(), google.Options{SpreadsheetID: sheetID, Endpoint: f.URL(),
			CredentialsJSON: key, Logger: zerolog.New(logs).Level(zerolog.TraceLevel)})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, readErr = s.Read(ctx, []string{"Partners"})
	})
	if readErr != nil {
		t.Fatalf("read: %v", readErr)
	}
	if assertion == "" {
		t.Fatal("the token service was never asked: the test proves nothing")
	}
	for name, out := range map[string]string{"standard error": stderr, "partnermap's log": logs.String()} {
		for what, s := range map[string]string{"access token": accessToken, "JWT assertion": assertion,
			"JWT header": strings.SplitN(assertion, ".", 2)[0], "private key": secret} {
			if strings.Contains(out, s) {
				t.Errorf("%s shows the %s:\n%s", name, what, out)
			}
		}
	}
}

func TestATokenServiceErrorBodyIsNeverRepeated(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
		status           int
	}{
		{"an OAuth error with a description", `{"error":"invalid_grant","error_description":"SECRET-ECHO eyJhbGciOiJSUzI1NiJ9.e30.sig"}`, "(invalid_grant)", 400},
		{"an HTML page from a proxy", `<html>SECRET-ECHO assertion=eyJhbGciOiJSUzI1NiJ9.e30.sig</html>`, "HTTP 401", 401},
		{"a code that is not a code", `{"error":"SECRET-ECHO eyJhbGciOiJSUzI1NiJ9"}`, "HTTP 400", 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fake.New()
			t.Cleanup(f.Close)
			f.AddSpreadsheet(sheetID, "America/Chicago")
			key, _ := serviceKey(t, tokenServer(t, tc.status, tc.body).URL+"/token")
			logs := &lockedBuffer{}
			s, err := google.New(context.Background(), google.Options{SpreadsheetID: sheetID, Endpoint: f.URL(),
				CredentialsJSON: key, Logger: zerolog.New(logs).Level(zerolog.TraceLevel),
				RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			_, err = s.Read(ctx, []string{"Partners"})
			if err == nil {
				t.Fatal("read succeeded with a refused key")
			}
			for _, out := range []string{err.Error(), logs.String()} {
				if strings.Contains(out, "SECRET-ECHO") || strings.Contains(out, "eyJ") {
					t.Errorf("the token service's answer is repeated: %s", out)
				}
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "token service") {
				t.Errorf("err = %v, want it to say the token service failed with %s", err, tc.want)
			}
		})
	}
}

// httptestTokenServer grants accessToken and shows each request to seen.
func httptestTokenServer(t *testing.T, seen func(*http.Request)) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen(r)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"`+accessToken+`","token_type":"Bearer","expires_in":3600}`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
