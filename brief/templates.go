package brief

const mdText = `# 1-1 prep: {{md .Partner}}

{{md .Subtitle}} · as of {{.AsOf}}

**Next move:** {{md .NextMove}}

## What we know
{{range .Known}}
- **{{.Name}}:** {{md .Value}}{{end}}
{{- if .OpenSteps}}

**Open next steps**
{{range .OpenSteps}}
- {{md .}}{{end}}{{end}}
{{- if .WarmPaths}}

**Who knows them**
{{range .WarmPaths}}
- {{md .}}{{end}}{{end}}
{{- if .Intros}}

**Introductions they offered**
{{range .Intros}}
- {{md .}}{{end}}{{end}}

## Meetings
{{if .Meetings}}
| Date | Type | Who went | Ask → outcome | Next step |
|---|---|---|---|---|
{{- range .Meetings}}
| {{.Date}} | {{md .Kind}} | {{md .Member}} | {{md .Ask}} | {{md .Step}} |{{end}}
{{- if .EarlierMeetings}}

…and {{.EarlierMeetings}} earlier (see the Meetings tab).{{end}}
{{else}}
None yet: this is the first one-to-one.
{{end}}
## Questions to ask

Listen for about 70% of the time; do not pitch.
{{range $i, $q := .Questions}}
{{inc $i}}. **{{$q.Topic}}.** {{md $q.Ask}}{{if $q.Hint}} _{{md $q.Hint}}_{{end}}{{end}}

Afterwards, add a Meetings row: Success looks like, Self-interests, Ask and Ask outcome, Introductions, Next step and Due.
`

const htmlText = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>1-1 prep: {{.Partner}}</title>
<style>
/* One page on A4 (210 × 297 mm) and on Letter (216 × 279 mm): the content stays inside
   the smaller of each, 190 × 259 mm with these margins. */
@page { margin: 10mm; }
* { box-sizing: border-box; }
body { font: 8.5pt/1.28 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #1d1d1d; margin: 0; }
main { max-width: 190mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 14pt; margin: 0 0 1mm; }
.sub { color: #555; margin: 0 0 2mm; }
.move { background: #fff4d6; border-left: 3px solid #d99a00; padding: 1.5mm 3mm; margin: 0 0 3mm; }
h2 { font-size: 10pt; margin: 2.5mm 0 1mm; border-bottom: 1px solid #bbb; padding-bottom: .5mm; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 0 6mm; }
dl { margin: 0; }
dt { font-weight: bold; margin-top: .8mm; }
dd { margin: 0; }
ul, ol { margin: .5mm 0 0; padding-left: 5mm; }
li { margin: .4mm 0; }
.late { color: #a40000; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid #ddd; padding: .8mm 1.5mm .8mm 0; }
th { border-bottom: 1px solid #999; }
td:first-child { white-space: nowrap; }
.steps { columns: 2; column-gap: 6mm; }
.hint { color: #555; font-style: italic; display: block; }
.note { color: #555; font-size: 8pt; margin: 1.5mm 0 0; }
@media print { main { padding: 0; } .move { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
</style>
</head>
<body>
<main>
<h1>1-1 prep: {{.Partner}}</h1>
<p class="sub">{{.Subtitle}} · as of {{.AsOf}}</p>
<p class="move"><strong>Next move:</strong> {{.NextMove}}</p>
{{- if .OpenSteps}}
<h2>Open next steps: what we promised</h2>
<ul class="steps">{{range .OpenSteps}}<li{{if overdue .}} class="late"{{end}}>{{.}}</li>{{end}}</ul>
{{- end}}
<div class="cols">
<section>
<h2>What we know</h2>
<dl>
{{- range .Known}}
<dt>{{.Name}}</dt><dd>{{.Value}}</dd>
{{- end}}
</dl>
</section>
<section>
<h2>Questions to ask</h2>
<p class="note" style="margin-top:0">Listen for about 70% of the time; do not pitch.</p>
<ol>
{{- range .Questions}}
<li><strong>{{.Topic}}.</strong> {{.Ask}}{{if .Hint}}<span class="hint">{{.Hint}}</span>{{end}}</li>
{{- end}}
</ol>
<p class="note">Afterwards, add a Meetings row: Success looks like, Self-interests, Ask and Ask outcome, Introductions, Next step and Due.</p>
</section>
</div>
{{- if or .WarmPaths .Intros}}
<div class="cols">
<section>
<h2>Who knows them</h2>
{{- if .WarmPaths}}
<ul>{{range .WarmPaths}}<li>{{.}}</li>{{end}}</ul>
{{- else}}
<p class="note">No warm path yet: ask who they know among our members.</p>
{{- end}}
</section>
<section>
<h2>Introductions they offered</h2>
{{- if .Intros}}
<ul>{{range .Intros}}<li>{{.}}</li>{{end}}</ul>
{{- else}}
<p class="note">None yet.</p>
{{- end}}
</section>
</div>
{{- end}}
<h2>Meetings</h2>
{{- if .Meetings}}
<table>
<thead><tr><th>Date</th><th>Type</th><th>Who went</th><th>Ask → outcome</th><th>Next step</th></tr></thead>
<tbody>
{{- range .Meetings}}
<tr><td>{{.Date}}</td><td>{{.Kind}}</td><td>{{.Member}}</td><td>{{.Ask}}</td><td>{{.Step}}</td></tr>
{{- end}}
</tbody>
</table>
{{- if .EarlierMeetings}}
<p class="note">…and {{.EarlierMeetings}} earlier (see the Meetings tab).</p>
{{- end}}
{{- else}}
<p>None yet: this is the first one-to-one.</p>
{{- end}}
</main>
</body>
</html>
`
