package main

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/decode"
	"github.com/partnermap/partnermap/demo"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sync"
)

// accountNamer is implemented by sources that know whose credentials they use.
type accountNamer interface{ Account() string }

func (a *app) checkCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Validate config, credentials, access and headers, and print the data issues",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.loadConfig(false)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, "config: ok")
			senv := env{Logger: a.logger(cfg.Log), Quotas: newQuotas(cfg)}
			failed := 0
			for _, src := range cfg.SourceList() {
				if err := a.checkSource(cmd, cfg, src, senv); err != nil {
					fmt.Fprintf(a.stdout, "%s: FAILED: %v\n", src.Label(), err)
					failed++
				}
			}
			if failed > 0 {
				return &exitError{code: exitFailed, err: fmt.Errorf("%d source(s) failed the check", failed)}
			}
			return nil
		},
	}
}

func (a *app) checkSource(cmd *cobra.Command, cfg config.Config, src config.Source, senv env) error {
	ctx, cancel := withDeadline(cmd.Context(), cfg)
	defer cancel()
	source, err := openSource(ctx, cfg, src, senv)
	if err != nil {
		return err
	}
	if n, ok := source.(accountNamer); ok && n.Account() != "" {
		fmt.Fprintf(a.stdout, "%s: credentials: %s (share the sheet with this address as an editor)\n", src.Label(), n.Account())
	}
	rep, err := sync.Run(ctx, sync.ForSource(cfg, src), source, sync.Options{DryRun: true, Version: version})
	// A clash leaves one output unwritten and the rest as a sync would write them: the
	// report is still printed, and the check fails with the words sync uses.
	var notWritten *sync.TabsNotWrittenError
	if errors.As(err, &notWritten) {
		err = nil
	}
	if err != nil {
		return timedOut(ctx, cfg, err)
	}
	access := "ok (read)"
	if wc, ok := source.(sheets.WriteChecker); ok {
		if err := wc.CheckWrite(ctx); err != nil {
			return err
		}
		access = "ok (read, and wrote a test file beside it, removed again)"
	}
	fmt.Fprintf(a.stdout, "%s: access: %s\n", src.Label(), access)
	for _, tr := range rep.Rows {
		fmt.Fprintf(a.stdout, "%s: tab %q: %s\n", src.Label(), tr.Tab, plural(tr.Rows, "row"))
	}
	if len(rep.Issues) == 0 {
		fmt.Fprintf(a.stdout, "%s: no data issues\n", src.Label())
		return nil // a clash is a data issue too
	}
	fmt.Fprintf(a.stdout, "%s: %d data issues:\n", src.Label(), len(rep.Issues))
	for _, is := range rep.Issues {
		fmt.Fprintln(a.stdout, "  "+is.String())
	}
	if notWritten != nil {
		return notWritten
	}
	return nil
}

func (a *app) initCommand() *cobra.Command {
	var withDemo, addValidation bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create the input tabs that are missing (or a new workbook), never touching existing tabs",
		Long: `init adds the Partners, Assets, Meetings and Members tabs that the spreadsheet lacks,
with headers, a note on each header, dropdown lists and one example row each. For a local
workbook that does not exist yet it creates it. With --demo the new tabs are filled with a
demo coalition instead of one example row. Existing tabs are never changed, unless
--add-validation is given: then the tabs that already exist get the dropdown lists (Stance,
Type, Role, Stage, Status, Ask outcome, Done) and header notes too, on the columns whose
header names them, without any cell value changing. A header that already has a note, and a
column that already has a dropdown, keep theirs.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.loadConfig(false)
			if err != nil {
				return err
			}
			senv := env{Logger: a.logger(cfg.Log), Quotas: newQuotas(cfg)}
			day := demo.Day(scoring.DateFromTime(time.Now()))
			parent := cmd.Context()
			defer cmd.SetContext(parent)
			for _, src := range cfg.SourceList() {
				// Each source's work (and addValidation's, through cmd) ends by sync_timeout.
				ctx, cancel := withDeadline(parent, cfg)
				defer cancel()
				cmd.SetContext(ctx)
				source, err := openSource(ctx, cfg, src, senv)
				if err != nil {
					return configErrOrFail(err)
				}
				init, ok := source.(sheets.Initializer)
				if !ok {
					return &exitError{code: exitFailed, err: errors.New("this source cannot create tabs")}
				}
				tabs := demo.Templates(src.Tabs, day)
				if withDemo {
					tabs = demo.Workbook(src.Tabs, day)
				}
				added, err := init.AddInputTabs(ctx, tabs)
				if err != nil {
					return &exitError{code: exitFailed, err: fmt.Errorf("%s: %w", src.Label(), timedOut(ctx, cfg, err))}
				}
				if addValidation {
					if err := a.addValidation(cmd, source, src, demo.Templates(src.Tabs, day), added); err != nil {
						return err
					}
					continue
				}
				if len(added) == 0 {
					fmt.Fprintf(a.stdout, "%s: every input tab is already there; nothing changed.\n", src.Label())
					continue
				}
				fmt.Fprintf(a.stdout, "%s: added %v.\n", src.Label(), added)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&withDemo, "demo", false, "fill new tabs with a demo coalition")
	cmd.Flags().BoolVar(&addValidation, "add-validation", false,
		"also add dropdown lists and header notes to input tabs that already exist (no cell value changes)")
	return cmd
}

// addValidation is init --add-validation after the missing tabs were added: it gives the
// tabs that were already there the dropdowns and notes new tabs get, and says what changed.
func (a *app) addValidation(cmd *cobra.Command, source sheets.Source, src config.Source, tabs []sheets.InputTab, added []string) error {
	adder, ok := source.(sheets.ValidationAdder)
	if !ok {
		return &exitError{code: exitFailed, err: fmt.Errorf("%s: this source cannot add dropdowns to existing tabs", src.Label())}
	}
	tabs, err := spelledAsInTheSheet(cmd, source, src, tabs)
	if err != nil {
		return &exitError{code: exitFailed, err: fmt.Errorf("%s: %w", src.Label(), err)}
	}
	helped, err := adder.AddValidation(cmd.Context(), tabs)
	if err != nil {
		return &exitError{code: exitFailed, err: fmt.Errorf("%s: %w", src.Label(), err)}
	}
	if len(added) > 0 {
		fmt.Fprintf(a.stdout, "%s: added %v.\n", src.Label(), added)
	}
	if len(helped) > 0 {
		fmt.Fprintf(a.stdout, "%s: added dropdowns and header notes to %v; no cell value changed.\n", src.Label(), helped)
	}
	if len(added) == 0 && len(helped) == 0 {
		fmt.Fprintf(a.stdout, "%s: every input tab is there with its dropdowns and notes; nothing changed.\n", src.Label())
	}
	return nil
}

// spelledAsInTheSheet renames the templates' columns to the headers the sheet's own tabs
// give them, aliases included ("Support" for Stance), as a sync reads them, so that the
// dropdowns land on the columns a sync will read.
func spelledAsInTheSheet(cmd *cobra.Command, source sheets.Source, src config.Source, tabs []sheets.InputTab) ([]sheets.InputTab, error) {
	names := make([]string, len(tabs))
	for i, t := range tabs {
		names[i] = t.Name
	}
	snap, err := source.Read(cmd.Context(), names)
	if err != nil {
		return nil, err
	}
	tabNames := decode.TabNames{Partners: src.Tabs.Partners, Assets: src.Tabs.Assets, Meetings: src.Tabs.Meetings, Members: src.Tabs.Members,
		Campaigns: src.Tabs.Campaigns, Stances: src.Tabs.Stances}
	out := make([]sheets.InputTab, len(tabs))
	for i, t := range tabs {
		out[i] = t
		out[i].Validations = slices.Clone(t.Validations)
		for j, v := range out[i].Validations {
			lt := snap.Tables[v.ListTab]
			if v.ListTab == "" || lt == nil || len(lt.Rows) == 0 {
				continue
			}
			// The names come from wherever that tab keeps the column, under whichever alias.
			v.ListHeader = cmp.Or(decode.HeaderNames(tabNames, v.ListTab, lt.Rows[0])[v.ListHeader], v.ListHeader)
			header := make([]string, len(lt.Rows[0]))
			for k, c := range lt.Rows[0] {
				header[k] = c.String()
			}
			out[i].Validations[j] = v.ListColumn(header)
		}
		table := snap.Tables[t.Name]
		if table == nil || len(table.Rows) == 0 {
			continue
		}
		spelled := decode.HeaderNames(tabNames, t.Name, table.Rows[0])
		out[i].Header = make([]string, len(t.Header))
		for j, h := range t.Header {
			out[i].Header[j] = cmp.Or(spelled[h], h)
		}
	}
	return out, nil
}
