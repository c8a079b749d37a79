package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// serve runs the scheduled service (issue: run unattended).
func (a *app) serve(cmd *cobra.Command) error {
	return &exitError{code: exitFailed, err: errors.New("the scheduled service is not available in this build yet: run `partnermap sync --now` from cron")}
}
