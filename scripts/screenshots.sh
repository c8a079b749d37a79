#!/usr/bin/env bash
# Makes the README's pictures from the demo workbook, as a newcomer would see them:
#   docs/images/power-map.png   the Power Map tab (quadrant grid and chart), in LibreOffice
#   docs/images/priorities.png  the top of the Priorities tab, in LibreOffice
#   docs/images/power-map.svg   `partnermap render --svg` of the same data
# Needs Go, LibreOffice (soffice) and pdftoppm (poppler-utils). The demo is computed as of a
# fixed day, so a new run changes the pictures only where the output changed (and in the
# "computed" time of the Power Map's legend).
set -euo pipefail

cd "$(dirname "$0")/.."
for tool in go soffice pdftoppm; do
	command -v "$tool" >/dev/null || { echo "screenshots.sh: $tool is needed (LibreOffice gives soffice, poppler-utils pdftoppm)" >&2; exit 2; }
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

# shot TAB AREA NAME: print AREA of TAB on one landscape page, then trim it to a PNG.
shot() {
	local tab=$1 area=$2 name=$3
	go run ./scripts/onetab -in "$tmp/demo.xlsx" -tab "$tab" -area "$area" -out "$tmp/$name.xlsx"
	# A profile of its own, so a LibreOffice the user has open is left alone.
	soffice -env:UserInstallation="file://$tmp/profile" --headless --norestore \
		--convert-to pdf --outdir "$tmp" "$tmp/$name.xlsx" >/dev/null 2>&1
	pdftoppm -r 150 -png -singlefile "$tmp/$name.pdf" "$tmp/$name-page"
	go run ./scripts/pngtrim -in "$tmp/$name-page.png" -out "$out/$name.png" -max-width 1400
	echo "wrote $out/$name.png"
}

# Power Map: the legend, quadrant grid, ring counts and points table (A:E) and the chart
# beside them (G:T); the chart's hidden helper columns start at U.
shot "Power Map" "A1:T40" power-map
# Priorities: the header and top twelve partners, Rank to Next move (the legend above them
# runs on past Next move, so it is left out rather than cut).
shot "Priorities" "A2:H14" priorities
echo "wrote $out/power-map.svg"
