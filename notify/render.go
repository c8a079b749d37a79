package notify

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/partnermap/partnermap/scoring"
)

//go:embed templates
var templateFS embed.FS

var funcs = map[string]any{
	"day":    dayName,
	"week":   func(d scoring.Date) string { return d.Time().Format("Monday 2 January 2006") },
	"days":   func(n int) string { return plural(n, "day") },
	"join":   strings.Join,
	"plural": plural,
}

// Both templates are parsed once; html/template escapes every volunteer-typed value, so a
// partner named <script> shows as text.
var (
	textTmpl = texttemplate.Must(texttemplate.New("digest.txt.tmpl").Funcs(funcs).ParseFS(templateFS, "templates/digest.txt.tmpl"))
	htmlTmpl = htmltemplate.Must(htmltemplate.New("digest.html.tmpl").Funcs(funcs).ParseFS(templateFS, "templates/digest.html.tmpl"))
)

// Text renders the plain-text part of d.
func Text(d Digest) (string, error) {
	var b bytes.Buffer
	if err := textTmpl.Execute(&b, d); err != nil {
		return "", fmt.Errorf("render text digest for %s: %w", d.To.Name, err)
	}
	return b.String(), nil
}

// HTML renders the HTML part of d.
func HTML(d Digest) (string, error) {
	var b bytes.Buffer
	if err := htmlTmpl.Execute(&b, d); err != nil {
		return "", fmt.Errorf("render HTML digest for %s: %w", d.To.Name, err)
	}
	return b.String(), nil
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
