package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/internal/memlimit"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sync"
)

// configQuiet is how long the config file must stay unchanged before a change is reloaded:
// editors write a file in several steps.
const configQuiet = time.Second

// serve runs the scheduled service until main's signal context ends (SIGINT, SIGTERM), then
// lets the running sync finish within the grace period (a second signal cuts it short) and
// exits 0. SIGHUP and changes to the config file reload the configuration.
func (a *app) serve(cmd *cobra.Command) error {
	// Caught from the start: SIGHUP's default action ends the process, and systemd counts that
	// as a clean stop it does not restart after, so a reload sent while we start must not kill us.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	cfg, err := a.loadConfig(false)
	if err != nil {
		return err
	}
	log := a.logger(cfg.Log)
	if limit := memlimit.Apply(); limit > 0 {
		log.Debug().Int64("bytes", limit).Msg("soft memory limit set (GOMEMLIMIT overrides it)")
	}
	metrics := sync.NewMetrics()
	quotas := newQuotas(cfg)
	open := func(ctx context.Context, cfg config.Config, src config.Source) (sheets.Source, error) {
		// The sources of one service account share its limiter; a reload may have changed the rate.
		quotas.setRate(cfg.Google.RequestsPerMinute)
		return openSource(ctx, cfg, src, env{Logger: log, Quotas: quotas, OnRequest: metrics.APIRequest(src.Label())})
	}
	svc, err := sync.NewService(cfg, sync.ServiceOptions{
		Run:     sync.Runner(open, sync.Options{Version: version, Logger: log}),
		Notify:  sync.Notifier(open, sync.NotifyOptions{}),
		Load:    func() (config.Config, error) { return a.loadConfig(false) },
		Logger:  log,
		Metrics: metrics,
	})
	if err != nil {
		return configErrOrFail(err)
	}

	ctx := cmd.Context()
	if cfg.HTTP.Listen != "" {
		ln, err := net.Listen("tcp", cfg.HTTP.Listen)
		if err != nil {
			return &exitError{code: exitFailed, err: fmt.Errorf("http.listen: %w", err)}
		}
		srv := &http.Server{Handler: svc.Handler(), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error().Err(err).Msg("http listener stopped")
			}
		}()
		defer func() {
			shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(shutdownCtx)
		}()
		log.Info().Str("listen", ln.Addr().String()).Msg("serving /healthz and /metrics")
		if warning := exposedListener(ln.Addr()); warning != "" {
			log.Warn().Str("listen", ln.Addr().String()).Msg(warning)
		}
	}

	go func() {
		for {
			select {
			case <-hup:
				_ = svc.Reload("SIGHUP")
			case <-ctx.Done():
				return
			}
		}
	}()
	if path := a.configPath(); path != "" {
		if err := sync.WatchFile(ctx, path, configQuiet, func() { _ = svc.Reload("config file changed") }); err != nil {
			log.Warn().Err(err).Msg("changes to the config file will not be noticed: send SIGHUP to reload")
		}
	}
	// A second SIGINT/SIGTERM (Ctrl-C again) cancels the running sync instead of waiting out the grace period.
	served := make(chan struct{})
	defer close(served)
	go func() {
		select {
		case <-ctx.Done():
		case <-served:
			return
		}
		again := make(chan os.Signal, 1)
		signal.Notify(again, os.Interrupt, syscall.SIGTERM)
		defer signal.Stop(again)
		select {
		case <-again:
			svc.Abort()
		case <-served:
		}
	}()
	return svc.Run(ctx)
}

// exposedListener says why a listener other machines can reach deserves a look, or "" for
// a loopback one: /healthz and /metrics have no authentication.
func exposedListener(addr net.Addr) string {
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP.IsLoopback() {
		return ""
	}
	return "http.listen accepts connections from other machines: /healthz and /metrics need no password " +
		"(other machines get only the overall status from /healthz, but every metric); " +
		"listen on 127.0.0.1:PORT unless a monitor elsewhere must reach it, and firewall the port"
}

// configPath is the config file loadConfig reads, or "" when there is none.
func (a *app) configPath() string {
	if a.configFile != "" {
		return a.configFile
	}
	if _, err := os.Stat("config.yaml"); err == nil {
		return "config.yaml"
	}
	return ""
}
