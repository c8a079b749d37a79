package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/partnermap/partnermap/brief"
	"github.com/partnermap/partnermap/decode"
	"github.com/partnermap/partnermap/profile"
)

type briefFlags struct {
	dryFlags
	format, out string
}

func (a *app) briefCommand() *cobra.Command {
	var f briefFlags
	cmd := &cobra.Command{
		Use:   "brief PARTNER",
		Short: "Write a one-page prep sheet for a one-to-one with a partner",
		Long: `brief reads the configured source as sync --now --dry-run does (nothing is written to the
spreadsheet) and writes a one-page prep sheet for a one-to-one with PARTNER: what we know
(success looks like, self-interest, goals, who they represent, constraints, the last ask,
open next steps, who knows them, introductions they offered, the latest meetings) and the
method's questions to ask. The name matches like everywhere else: case and extra spaces do
not matter. The HTML prints on one A4 or Letter page.

Exit codes: 0 written, 1 failed, 2 bad usage or no partner of that name (with the closest name).`,
		Example: `  partnermap brief "Eastside Tenants Union"
  partnermap brief "eastside tenants union" --format html --out eastside.html`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.brief(cmd, args[0], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.format, "format", "md", "md (Markdown) or html (prints on one A4 or Letter page)")
	fl.StringVar(&f.out, "out", "", "write to this file instead of standard output")
	f.register(cmd, "read")
	return cmd
}

func (a *app) brief(cmd *cobra.Command, name string, f briefFlags) error {
	write := brief.Markdown
	switch f.format {
	case "md", "markdown":
	case "html":
		write = brief.HTML
	default:
		return &exitError{code: exitConfig, err: fmt.Errorf("--format %q: use md or html", f.format)}
	}
	asOf, err := parseAsOf(f.asOf)
	if err != nil {
		return err
	}
	rep, _, _, err := a.computeDry(cmd, f.dryFlags, asOf)
	if err != nil {
		return err
	}
	profiles := profile.Build(rep.Records, rep.Result)
	p := profile.Find(profiles, name)
	if p == nil {
		return &exitError{code: exitConfig, err: noPartner(name, profiles)}
	}
	var buf bytes.Buffer
	if err := write(&buf, brief.Of(p, rep.AsOf)); err != nil {
		return &exitError{code: exitFailed, err: err}
	}
	if f.out == "" {
		_, err = a.stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(f.out, buf.Bytes(), 0o644); err != nil {
		return &exitError{code: exitFailed, err: fmt.Errorf("write %s: %w", f.out, err)}
	}
	fmt.Fprintf(a.stdout, "Wrote the 1-1 prep sheet for %s to %s.\n", p.Partner.Name, f.out)
	return nil
}

// noPartner says no active partner has the name, and which one is closest.
func noPartner(name string, profiles []profile.Profile) error {
	names := make([]string, len(profiles))
	for i := range profiles {
		names[i] = profiles[i].Partner.Name
	}
	if s := decode.Closest(names, name); s != "" {
		return fmt.Errorf("no active partner named %q: did you mean %q?", name, s)
	}
	return errors.New("no active partner named " + fmt.Sprintf("%q", name) + ": the names are in the Partners tab (inactive partners have no brief)")
}
