package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/partnermap/partnermap/config"
)

// deployDir holds the deployment files that deploy/README.md explains.
var deployDir = filepath.Join("..", "..", "deploy")

// container is the part of a Kubernetes container these tests check.
type container struct {
	Image string
	Args  []string
	Env   []struct {
		Name      string
		ValueFrom struct {
			SecretKeyRef struct{ Name, Key string } `yaml:"secretKeyRef"`
		} `yaml:"valueFrom"`
	}
	Ports []struct {
		Name          string
		ContainerPort int `yaml:"containerPort"`
	}
	ReadinessProbe *probe `yaml:"readinessProbe"`
	LivenessProbe  *probe `yaml:"livenessProbe"`
	VolumeMounts   []struct {
		Name      string
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

type probe struct {
	HTTPGet struct{ Path, Port string } `yaml:"httpGet"`
}

// podSpec is the part of a pod template these tests check.
type podSpec struct {
	TerminationGracePeriodSeconds int `yaml:"terminationGracePeriodSeconds"`
	SecurityContext               struct {
		RunAsNonRoot bool `yaml:"runAsNonRoot"`
	} `yaml:"securityContext"`
	Containers []container
	Volumes    []struct {
		Name      string
		ConfigMap *struct{ Name string } `yaml:"configMap"`
	}
}

// manifest is one Kubernetes object, with the fields the tests look at.
type manifest struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string
	Metadata   struct{ Name string }
	Data       map[string]string // ConfigMap
	StringData map[string]string `yaml:"stringData"` // Secret
	Spec       struct {
		Replicas int
		Strategy struct{ Type string }
		Template struct{ Spec podSpec } // Deployment
		// CronJob
		ConcurrencyPolicy string `yaml:"concurrencyPolicy"`
		Schedule          string
		JobTemplate       struct {
			Spec struct {
				Template struct{ Spec podSpec }
			}
		} `yaml:"jobTemplate"`
	}
}

// readManifests decodes every YAML document of every file under deploy/kubernetes.
func readManifests(t *testing.T) map[string]manifest {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(deployDir, "kubernetes", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Kubernetes files: %v", err)
	}
	byKind := map[string]manifest{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for i := 0; ; i++ {
			var m manifest
			err := dec.Decode(&m)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s, document %d: not valid YAML: %v", f, i+1, err)
			}
			if m.APIVersion == "" || m.Kind == "" || m.Metadata.Name == "" {
				t.Errorf("%s, document %d: no apiVersion, kind or metadata.name", f, i+1)
			}
			if _, dup := byKind[m.Kind]; dup {
				t.Errorf("%s: a second %s", f, m.Kind)
			}
			byKind[m.Kind] = m
		}
	}
	return byKind
}

// parseCommand parses argv (without the program) as partnermap's command line would, and
// returns the command it runs; unknown commands or flags fail the test.
func parseCommand(t *testing.T, where string, argv []string) *cobra.Command {
	t.Helper()
	a := &app{stdout: io.Discard, stderr: io.Discard}
	cmd, rest, err := a.rootCommand().Find(argv)
	if err != nil {
		t.Fatalf("%s: %q is not a partnermap command: %v", where, argv, err)
	}
	if err := cmd.ParseFlags(rest); err != nil {
		t.Fatalf("%s: %q: %v", where, argv, err)
	}
	if args := cmd.Flags().Args(); len(args) > 0 {
		t.Fatalf("%s: %q: stray arguments %q", where, argv, args)
	}
	return cmd
}

func flagValue(cmd *cobra.Command, name string) string {
	f := cmd.Flag(name)
	if f == nil {
		return ""
	}
	return f.Value.String()
}

// loadConfigText loads a config file's text as partnermap would, with no environment.
func loadConfigText(t *testing.T, where, text string) config.Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, nil)
	if err != nil {
		t.Fatalf("%s is not a valid partnermap config: %v", where, err)
	}
	return cfg
}

// hasKey reports whether a config struct has a field read from key.
func hasKey(typ reflect.Type, key string) bool {
	for f := range typ.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("mapstructure"), ","); name == key {
			return true
		}
	}
	return false
}

func mountOf(c container, volume string) string {
	for _, m := range c.VolumeMounts {
		if m.Name == volume {
			return m.MountPath
		}
	}
	return ""
}

func TestKubernetesFilesRunTheServiceAndTheCronJob(t *testing.T) {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, config.EnvPrefix+"_") {
			t.Skipf("%s is set: the configs would not be read as they are", kv)
		}
	}
	ms := readManifests(t)
	for _, kind := range []string{"ConfigMap", "Secret", "Deployment", "Service", "CronJob"} {
		if _, ok := ms[kind]; !ok {
			t.Fatalf("no %s among the Kubernetes files", kind)
		}
	}
	cm := ms["ConfigMap"]
	cfg := loadConfigText(t, "the ConfigMap's config.yaml", cm.Data["config.yaml"])
	if len(cfg.SourceList()) == 0 || cfg.HTTP.Listen == "" {
		t.Errorf("the ConfigMap's config has no source or no http.listen: %+v", cfg)
	}
	_, port, _ := strings.Cut(cfg.HTTP.Listen, ":")

	secret := ms["Secret"]
	for _, tc := range []struct {
		kind    string
		pod     podSpec
		service bool
	}{
		{"Deployment", ms["Deployment"].Spec.Template.Spec, true},
		{"CronJob", ms["CronJob"].Spec.JobTemplate.Spec.Template.Spec, false},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			if len(tc.pod.Containers) != 1 || !tc.pod.SecurityContext.RunAsNonRoot {
				t.Fatalf("want one container running as non-root: %+v", tc.pod)
			}
			c := tc.pod.Containers[0]
			cmd := parseCommand(t, tc.kind, c.Args)
			if cmd.Name() != "sync" || flagValue(cmd, "now") != strconv.FormatBool(!tc.service) {
				t.Errorf("runs %q, want `sync`%s", c.Args, map[bool]string{true: "", false: " --now"}[tc.service])
			}
			configDir := mountOf(c, "config")
			if want := path.Join(configDir, "config.yaml"); configDir == "" || flagValue(cmd, "config") != want {
				t.Errorf("--config %q, want the mounted ConfigMap's %s", flagValue(cmd, "config"), want)
			}
			for _, v := range tc.pod.Volumes {
				if v.Name == "config" && (v.ConfigMap == nil || v.ConfigMap.Name != cm.Metadata.Name) {
					t.Errorf("the config volume is not the ConfigMap %s", cm.Metadata.Name)
				}
			}
			if state := mountOf(c, "state"); state == "" || state != cfg.StateDir {
				t.Errorf("state_dir %s is not on the state volume (%q): the lock file would be on the read-only root", cfg.StateDir, state)
			}
			var creds bool
			for _, e := range c.Env {
				if e.Name == config.EnvPrefix+"_SOURCE_CREDENTIALS_JSON" {
					ref := e.ValueFrom.SecretKeyRef
					_, ok := secret.StringData[ref.Key]
					creds = ref.Name == secret.Metadata.Name && ok
				}
			}
			if !creds {
				t.Errorf("PARTNERMAP_SOURCE_CREDENTIALS_JSON does not come from the Secret %s: %+v", secret.Metadata.Name, c.Env)
			}
			if !hasKey(reflect.TypeFor[config.Source](), "credentials_json") {
				t.Error("PARTNERMAP_SOURCE_CREDENTIALS_JSON is no config key: source has no credentials_json")
			}
			if !tc.service {
				return
			}
			d := ms["Deployment"]
			if d.Spec.Replicas != 1 || d.Spec.Strategy.Type != "Recreate" {
				t.Errorf("replicas %d, strategy %q: two pods would sync one sheet with separate locks", d.Spec.Replicas, d.Spec.Strategy.Type)
			}
			if len(c.Ports) != 1 || strconv.Itoa(c.Ports[0].ContainerPort) != port {
				t.Errorf("container ports %+v, want the one of http.listen %s", c.Ports, cfg.HTTP.Listen)
			}
			for name, p := range map[string]*probe{"readiness": c.ReadinessProbe, "liveness": c.LivenessProbe} {
				if p == nil {
					t.Errorf("no %s probe", name)
				} else if p.HTTPGet.Path != "/healthz" || len(c.Ports) == 0 || p.HTTPGet.Port != c.Ports[0].Name {
					t.Errorf("the %s probe is not /healthz on the metrics port: %+v", name, p.HTTPGet)
				}
			}
			if grace := time.Duration(tc.pod.TerminationGracePeriodSeconds) * time.Second; grace <= cfg.Grace {
				t.Errorf("terminationGracePeriodSeconds %s does not leave the config's grace %s to a running sync", grace, cfg.Grace)
			}
		})
	}
	if cj := ms["CronJob"]; cj.Spec.ConcurrencyPolicy != "Forbid" || cj.Spec.Schedule == "" {
		t.Errorf("CronJob: concurrencyPolicy %q, schedule %q; want Forbid and a schedule", cj.Spec.ConcurrencyPolicy, cj.Spec.Schedule)
	}
}

// unitFile reads a systemd unit into its settings (a key may repeat).
func unitFile(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' || line[0] == '[' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: not a setting: %q", path, line)
		}
		out[k] = append(out[k], v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSystemdUnitRunsTheServiceLockedDown(t *testing.T) {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, config.EnvPrefix+"_") {
			t.Skipf("%s is set: the config would not be read as it is", kv)
		}
	}
	unitPath := filepath.Join(deployDir, "partnermap.service")
	unit := unitFile(t, unitPath)
	one := func(key string) string {
		if v := unit[key]; len(v) == 1 {
			return v[0]
		}
		t.Errorf("%s: want one %s=, have %q", unitPath, key, unit[key])
		return ""
	}
	argv := strings.Fields(one("ExecStart"))
	if len(argv) < 2 || path.Base(argv[0]) != "partnermap" || !path.IsAbs(argv[0]) {
		t.Fatalf("ExecStart=%q does not run partnermap by its absolute path", argv)
	}
	cmd := parseCommand(t, "ExecStart", argv[1:])
	if cmd.Name() != "sync" || flagValue(cmd, "now") != "false" {
		t.Errorf("ExecStart runs %q, want the service (`sync` without --now)", argv[1:])
	}

	// The config it names is deploy/config.yaml, installed; it must load and fit the unit.
	if flagValue(cmd, "config") != "/etc/partnermap/config.yaml" {
		t.Errorf("--config %q, want /etc/partnermap/config.yaml as deploy/README.md installs it", flagValue(cmd, "config"))
	}
	data, err := os.ReadFile(filepath.Join(deployDir, "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := loadConfigText(t, "deploy/config.yaml", string(data))
	if want := "/var/lib/" + one("StateDirectory"); cfg.StateDir != want {
		t.Errorf("state_dir %s, want the unit's StateDirectory %s", cfg.StateDir, want)
	}
	writable := strings.Fields(one("ReadWritePaths"))
	for _, src := range cfg.SourceList() {
		if src.XLSX != "" && !slices.Contains(writable, filepath.Dir(src.XLSX)) {
			t.Errorf("%s is not under ReadWritePaths %q: ProtectSystem=strict would make it read-only", src.XLSX, writable)
		}
	}
	if stop, err := time.ParseDuration(one("TimeoutStopSec") + "s"); err != nil || stop <= cfg.Grace {
		t.Errorf("TimeoutStopSec=%s does not leave the config's grace %s to a running sync", one("TimeoutStopSec"), cfg.Grace)
	}

	for key, want := range map[string]string{
		"User": "partnermap", "Restart": "on-failure", "RestartPreventExitStatus": strconv.Itoa(exitConfig),
		"KillSignal": "SIGTERM", "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
		"PrivateTmp": "yes", "PrivateDevices": "yes", "CapabilityBoundingSet": "",
	} {
		if got := one(key); got != want {
			t.Errorf("%s=%q, want %q", key, got, want)
		}
	}
	if reload := one("ExecReload"); !strings.Contains(reload, "-HUP") {
		t.Errorf("ExecReload=%q does not send SIGHUP", reload)
	}

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("systemd-analyze is not installed: the unit was not verified by systemd")
		return
	}
	// verify wants ExecStart's program to exist: point it at this test's own executable.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(unitPath)
	if err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(t.TempDir(), "partnermap.service")
	if err := os.WriteFile(copyPath, bytes.ReplaceAll(text, []byte(argv[0]+" "), []byte(self+" ")), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", copyPath).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

func TestDockerfileBuildsPartnermapToRunAsNonRoot(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(deployDir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var froms []string
	var user, cmdLine, build string
	for _, line := range strings.Split(string(data), "\n") {
		word, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
		switch word {
		case "FROM":
			froms = append(froms, rest)
		case "USER":
			user = rest
		case "CMD":
			cmdLine = rest
		case "RUN":
			if strings.Contains(rest, "go build") {
				build = rest
			}
		}
	}
	if len(froms) != 2 || !strings.HasPrefix(froms[0], "golang:") || !strings.Contains(froms[1], "distroless/static") {
		t.Errorf("stages %q, want a golang build stage and a distroless static one", froms)
	}
	if u, _, _ := strings.Cut(user, ":"); u == "" || u == "0" || u == "root" {
		t.Errorf("USER %q, want a non-root user", user)
	}
	if !strings.Contains(build, "CGO_ENABLED=0") {
		t.Errorf("the build is not static: %s", build)
	}
	var argv []string
	if err := yaml.Unmarshal([]byte(cmdLine), &argv); err != nil {
		t.Fatalf("CMD %s is not a JSON list: %v", cmdLine, err)
	}
	if cmd := parseCommand(t, "CMD", argv); cmd.Name() != "sync" {
		t.Errorf("CMD %q, want the service", argv)
	}
}
