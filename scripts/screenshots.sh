#!/usr/bin/env bash
# Makes the README's pictures from the demo workbook, as a leader who prints it gets them:
#   docs/images/power-map.png   the Power Map tab's printed page (quadrant grid and chart)
#   docs/images/priorities.png  the Priorities tab's printed page
#   docs/images/power-map.svg   `partnermap render --svg` of the same data
# Needs Go, LibreOffice (soffice) and poppler-utils (pdfinfo, pdftotext, pdftoppm). The
# demo is computed as of a fixed day, so a new run changes the pictures only where the
# output changed (and in the "computed" time of the legends).
set -euo pipefail

cd "$(dirname "$0")/.."
for tool in go soffice pdfinfo pdftotext pdftoppm; do
	command -v "$tool" >/dev/null || { echo "screenshots.sh: $tool is needed (LibreOffice gives soffice, poppler-utils the pdf tools)" >&2; exit 2; }
done

as_of=2026-11-23
out=docs/images
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

go build -o "$tmp/partnermap" ./cmd/partnermap
"$tmp/partnermap" sync --now --demo --xlsx "$tmp/demo.xlsx" --as-of "$as_of" \
	--set state_dir="$tmp/state" --log-level warn >/dev/null
"$tmp/partnermap" render --xlsx "$tmp/demo.xlsx" --as-of "$as_of" --svg "$out/power-map.svg" \
	--set state_dir="$tmp/state" --log-level warn >/dev/null

# The whole workbook printed as LibreOffice prints it, with the page setup partnermap
# writes: what a leader who prints the demo gets.
soffice -env:UserInstallation="file://$tmp/profile" --headless --norestore \
	--convert-to pdf --outdir "$tmp" "$tmp/demo.xlsx" >/dev/null 2>&1
pages=$(pdfinfo "$tmp/demo.pdf" | awk '/^Pages:/ {print $2}')

# shot TAB NAME: the first printed page of TAB (found by the footer partnermap gives every
# output tab: the tab's name, then "Page N of M"), whole, 1400 pixels wide.
shot() {
	local tab=$1 name=$2 page=""
	for ((p = 1; p <= pages; p++)); do
		if pdftotext -layout -f "$p" -l "$p" "$tmp/demo.pdf" - | grep -Eq "^ *$tab +Page [0-9]+ of [0-9]+"; then
			page=$p
			break
		fi
	done
	[ -n "$page" ] || { echo "screenshots.sh: no printed page of $tab" >&2; exit 1; }
	pdftoppm -f "$page" -l "$page" -scale-to-x 1400 -scale-to-y -1 -png -singlefile "$tmp/demo.pdf" "$out/$name"
	echo "wrote $out/$name.png (page $page of $pages)"
}

shot "Power Map" power-map
shot "Priorities" priorities
echo "wrote $out/power-map.svg"
