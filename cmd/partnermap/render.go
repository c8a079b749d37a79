package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/history"
	"github.com/partnermap/partnermap/render/svg"
)

type renderFlags struct {
	dryFlags
	svg, png, title, campaign string
}

func (a *app) renderCommand() *cobra.Command {
	var f renderFlags
	cmd := &cobra.Command{
		Use:   "render",
		Short: "Draw the power map as a picture (SVG or PNG) for slides and email",
		Long: `render reads the configured source as sync --now --dry-run does (nothing is written to the
spreadsheet) and draws the power map: each active partner by support (x) and power (y),
coloured by quadrant, with its alignment ring in the marker and its name beside it.

With --campaign NAME it draws that campaign's map instead: support for the campaign and
power over its target, from the Stances tab, with the target at the top placed by its own
stance. The name is matched regardless of case and spaces.

--png needs a program that turns SVG into PNG on the PATH: rsvg-convert (librsvg) or
ImageMagick (magick or convert). --svg needs nothing.`,
		Example: `  partnermap render --svg power-map.svg
  partnermap render --campaign "housing bill" --png housing-bill.png
  partnermap render --demo --png power-map.png`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.render(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.svg, "svg", "", "write the power map as SVG to this file")
	fl.StringVar(&f.png, "png", "", "write the power map as PNG to this file (needs rsvg-convert or ImageMagick)")
	fl.StringVar(&f.title, "title", "", `title of the picture (default "Power map", or "Power map: CAMPAIGN")`)
	fl.StringVar(&f.campaign, "campaign", "", "draw this active campaign's map (from the Campaigns and Stances tabs)")
	f.register(cmd, "draw")
	return cmd
}

func (a *app) render(cmd *cobra.Command, f renderFlags) error {
	if f.svg == "" && f.png == "" {
		return &exitError{code: exitConfig, err: errors.New("render: say where to write the picture with --svg FILE or --png FILE")}
	}
	asOf, err := parseAsOf(f.asOf)
	if err != nil {
		return err
	}
	rasterise := ""
	if f.png != "" {
		if rasterise, err = findRasteriser(); err != nil {
			return &exitError{code: exitConfig, err: err}
		}
	}
	rep, cfg, src, err := a.computeDry(cmd, f.dryFlags, asOf)
	if err != nil {
		return err
	}
	var pic bytes.Buffer
	paths := map[string][][2]float64{}
	for _, as := range rep.Result.Assessments {
		for _, p := range rep.Moves[as.Partner.Key].Path {
			paths[as.Partner.Name] = append(paths[as.Partner.Name], [2]float64{p.Support, p.Power})
		}
	}
	opts := svg.Options{Title: f.title, HighPower: cfg.Scoring.HighPower, Paths: paths, PathDays: history.MovedDays}
	n := len(rep.Result.Assessments)
	what := "the power map of " + src.Label()
	if f.campaign != "" {
		m, ok := rep.Campaigns.Find(f.campaign)
		if !ok {
			return &exitError{code: exitConfig, err: noCampaign(f.campaign, rep.Campaigns.Names())}
		}
		// The paths are of the partners' own placements, not the campaign's: none are drawn.
		opts.Paths, opts.PathDays = nil, 0
		if err := svg.Campaign(&pic, m, rep.AsOf, opts); err != nil {
			return &exitError{code: exitFailed, err: err}
		}
		n = len(m.Placements)
		what = fmt.Sprintf("the map of campaign %q (target: %s) of %s", m.Campaign.Name, cmp.Or(m.Target.Name, "none named"), src.Label())
	} else if err := svg.PowerMap(&pic, rep.Result, opts); err != nil {
		return &exitError{code: exitFailed, err: err}
	}
	if f.svg != "" {
		if err := os.WriteFile(f.svg, pic.Bytes(), 0o644); err != nil {
			return &exitError{code: exitFailed, err: fmt.Errorf("write %s: %w", f.svg, err)}
		}
		fmt.Fprintf(a.stdout, "Wrote %s (%s) to %s.\n", what, plural(n, "active partner"), f.svg)
	}
	if f.png != "" {
		if err := toPNG(cmd.Context(), rasterise, pic.Bytes(), f.png); err != nil {
			return &exitError{code: exitFailed, err: err}
		}
		fmt.Fprintf(a.stdout, "Wrote %s (%s) to %s.\n", what, plural(n, "active partner"), f.png)
	}
	return nil
}

// noCampaign says that no active campaign has the name asked for, and which ones do.
func noCampaign(name string, active []string) error {
	if len(active) == 0 {
		return fmt.Errorf("--campaign %q: there is no active campaign: add one to the Campaigns tab (Won, Lost and Paused ones are not drawn)", name)
	}
	return fmt.Errorf("--campaign %q: no active campaign of that name; the active ones are %s", name, strings.Join(quoteAll(active), ", "))
}

func quoteAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strconv.Quote(n)
	}
	return out
}

// pickSource is the configured source to draw: the only one, or the one named.
func pickSource(cfg config.Config, name string) (config.Source, error) {
	list := cfg.SourceList()
	if len(list) == 0 {
		return config.Source{}, &config.Error{Err: errors.New("no source: set source.xlsx or source.spreadsheet_id (or use --demo)")}
	}
	if name == "" {
		if len(list) > 1 {
			return config.Source{}, &config.Error{Err: fmt.Errorf("%d sources are configured: choose one with --source NAME", len(list))}
		}
		return list[0], nil
	}
	for _, s := range list {
		if s.Label() == name {
			return s, nil
		}
	}
	return config.Source{}, &config.Error{Err: fmt.Errorf("--source %q: no source of that name is configured", name)}
}

// rasteriserArgs are the arguments that make program (one of the names findRasteriser
// tries) turn the SVG file in into the PNG file out.
func rasteriserArgs(program, in, out string) []string {
	if program == "rsvg-convert" {
		return []string{"--background-color=white", "-o", out, in}
	}
	return []string{"-density", "144", in, out} // ImageMagick
}

// findRasteriser names the first program on the PATH that can turn SVG into PNG.
func findRasteriser() (string, error) {
	for _, name := range []string{"rsvg-convert", "magick", "convert"} {
		if _, err := exec.LookPath(name); err == nil {
			return name, nil
		}
	}
	return "", errors.New("--png needs rsvg-convert (package librsvg2-bin) or ImageMagick on the PATH to turn the SVG into a PNG; " +
		"install one, or write --svg FILE, which any browser or slide program opens")
}

// toPNG rasterises pic with the named program into out.
func toPNG(ctx context.Context, program string, pic []byte, out string) error {
	dir, err := os.MkdirTemp("", "partnermap-render-")
	if err != nil {
		return fmt.Errorf("png: %w", err)
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "power-map.svg")
	if err := os.WriteFile(in, pic, 0o600); err != nil {
		return fmt.Errorf("png: %w", err)
	}
	args := rasteriserArgs(program, in, out)
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if msg, err := exec.CommandContext(ctx, program, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("png: %s: %w: %s", program, err, bytes.TrimSpace(msg))
	}
	return nil
}
